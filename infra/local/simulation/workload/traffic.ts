/**
 * Requests through the pet-adoption call graph, tick by tick: user load from trafficgenerator with a
 * daily pattern and noise, split over ready replicas, CPU demand from load, latency from each
 * replica's own work (slowed by CFS throttling) plus its downstream calls (plus network faults), and
 * errors from failures, timeouts and missing endpoints. It keeps the counters the services expose
 * (`http_requests_total`, `http_request_duration_seconds`) and hands each tick's picture to logs and
 * traces.
 */
import type { Random } from '../../../../core/random.js';
import type { Pod } from '../cluster/objects.js';
import type { NetworkFaults } from '../chaos/network-faults.js';
import { APP_NAMESPACE, BASE_PETSITE_RPS, dailyTrafficFactor, LATENCY_BUCKETS, serviceByName, services, servicesLeavesFirst, type RouteProfile, type ServiceProfile } from '../../../../lib/petadoption/catalog.js';
import { cdf, fromMedian, mixture, sum, type LogNormal } from './distributions.js';
import type { ContainerRuntime, ContainerRuntimeModel } from './runtime.js';

export { LATENCY_BUCKETS };
const PROBE_RPS = 0.2;
/** TCP's minimum retransmission timeout, what a lost packet costs a request. */
const RTO_SECONDS = 0.2;

export type CallFailure = 'timeout' | 'unavailable' | 'error';

export interface CallTraffic {
  service: string;
  route: string;
  perRequest: number;
  /** Latency the caller observes (callee work + network faults). */
  observed: LogNormal;
  networkDelaySeconds: number;
  failures: Record<CallFailure, number>;
  timeoutSeconds: number;
}

export interface RouteTraffic {
  route: string;
  method: string;
  requests: number;
  codes: Record<string, number>;
  latency: LogNormal;
  ownLatency: LogNormal;
  calls: CallTraffic[];
}

export interface PodTraffic {
  service: string;
  namespace: string;
  pod: string;
  podUid: string;
  node: string;
  podIP: string;
  slowdown: number;
  routes: RouteTraffic[];
}

export interface TrafficTick {
  at: number;
  dt: number;
  entryRps: number;
  pods: PodTraffic[];
}

interface RouteCounters {
  /** Cumulative bucket counts (float, exposed floored), sum of seconds and count. */
  buckets: number[];
  sum: number;
  count: number;
}

export interface AppCounters {
  service: string;
  requests: Map<string, { route: string; method: string; code: string; value: number }>;
  durations: Map<string, RouteCounters>;
}

interface Endpoint {
  pod: Pod;
  runtime: ContainerRuntime;
}

export class TrafficModel {
  private readonly counters = new Map<string, AppCounters>();
  private noise = 0;
  private readonly observedByService = new Map<string, { dist: LogNormal; errorRate: number; unavailable: boolean; networkDelay: number; lostShare: number }>();
  private lastEntryRps = 0;

  constructor(
    private readonly random: Random,
    private readonly runtime: ContainerRuntimeModel,
    private readonly network: NetworkFaults,
  ) {}

  countersOf(podUid: string): AppCounters | undefined {
    return this.counters.get(podUid);
  }

  /** A restarted process starts its metrics from zero. */
  resetCounters(podUid: string): void {
    this.counters.delete(podUid);
  }

  forgetPod(podUid: string): void {
    this.counters.delete(podUid);
  }

  get entryRps(): number {
    return this.lastEntryRps;
  }

  /**
   * Phase 1: request rates top-down and the CPU demand they cause (before the runtime computes
   * throttling). Returns the rates by service and route for phase 2.
   */
  planDemand(pods: Pod[], now: number, dt: number): Map<string, Map<string, number>> {
    const endpoints = this.endpoints(pods);
    const generatorUp = (endpoints.get('trafficgenerator') ?? []).length > 0;
    // AR(1) noise with a ~30 s memory and ~8% spread: swings, not white noise, like real user traffic.
    const phi = Math.exp(-dt / 30);
    this.noise = phi * this.noise + this.random.normal(0, 0.08 * Math.sqrt(1 - phi * phi));
    const entry = generatorUp ? BASE_PETSITE_RPS * dailyTrafficFactor(now) * Math.max(0.3, 1 + this.noise) : 0;
    this.lastEntryRps = entry;
    const rates = new Map<string, Map<string, number>>();
    const add = (service: string, route: string, rps: number) => {
      const byRoute = rates.get(service) ?? new Map<string, number>();
      byRoute.set(route, (byRoute.get(route) ?? 0) + rps);
      rates.set(service, byRoute);
    };
    const petsite = serviceByName.get('petsite')!;
    for (const route of petsite.routes) add('petsite', route.path, entry * route.share);
    // Callers before callees: the reverse of leaves-first.
    for (const service of [...servicesLeavesFirst()].reverse()) {
      for (const route of service.routes) {
        const rps = rates.get(service.name)?.get(route.path) ?? 0;
        for (const call of route.calls) add(call.service, call.route, rps * call.perRequest);
      }
    }
    for (const service of services) {
      const ready = endpoints.get(service.name) ?? [];
      const total = [...(rates.get(service.name)?.values() ?? [])].reduce((s, v) => s + v, 0);
      const nominal = (service.name === 'petsite' ? BASE_PETSITE_RPS * 0.75 : total || 1) / Math.max(1, service.replicas);
      for (const { runtime } of ready) {
        const share = total / ready.length;
        runtime.appCpuDemand = share * service.cpuPerRequest + (service.name === 'trafficgenerator' ? entry * service.cpuPerRequest : 0);
        runtime.load = nominal > 0 ? share / nominal : 1;
      }
      // Replicas that are not serving only idle.
      for (const rt of this.runtime.running()) {
        if (rt.service?.name === service.name && !ready.some((e) => e.runtime === rt)) {
          rt.appCpuDemand = 0;
          rt.load = 0;
        }
      }
    }
    return rates;
  }

  /** Phase 2: latencies, errors and counters, leaves first, using this tick's throttling. */
  serve(pods: Pod[], rates: Map<string, Map<string, number>>, now: number, dt: number): TrafficTick {
    const endpoints = this.endpoints(pods);
    const tick: TrafficTick = { at: now, dt, entryRps: this.lastEntryRps, pods: [] };
    this.observedByService.clear();
    for (const service of servicesLeavesFirst()) {
      const ready = endpoints.get(service.name) ?? [];
      const perPod: { dist: LogNormal; weight: number; errors: number; requests: number; delay: number; lost: number }[] = [];
      for (const endpoint of ready) {
        const podTraffic = this.servePod(service, endpoint, ready.length, rates.get(service.name) ?? new Map(), dt);
        tick.pods.push(podTraffic);
        const requests = podTraffic.routes.reduce((s, r) => s + r.requests, 0);
        const errors = podTraffic.routes.reduce((s, r) => s + Object.entries(r.codes).filter(([c]) => c.startsWith('5')).reduce((a, [, n]) => a + n, 0), 0);
        const mainRoute = [...podTraffic.routes].sort((a, b) => b.requests - a.requests)[0];
        if (!mainRoute) continue;
        const fault = this.network.of(endpoint.pod.metadata.uid!);
        const loss = fault?.lossFraction ?? 0;
        // Lost packets cost retransmissions (RTO and its back-off); a connection whose handshake is lost
        // three times in a row never gets through before the client gives up.
        const delay = fault ? fault.delaySeconds + (loss < 1 ? (loss / (1 - loss)) * 4 * RTO_SECONDS : 0) : 0;
        perPod.push({ dist: mainRoute.latency, weight: Math.max(requests, 1e-3), errors, requests, delay, lost: loss ** 3 });
      }
      // Probes reach every running replica, serving traffic or not.
      for (const rt of this.runtime.running()) {
        if (rt.service?.name !== service.name || ready.some((e) => e.runtime === rt)) continue;
        if (!rt.paused) this.count(rt.podUid, service, '/health', 'GET', '503', this.randomRound(PROBE_RPS * dt), fromMedian(0.002, 0.3));
      }
      const totalRequests = perPod.reduce((s, p) => s + p.requests, 0);
      this.observedByService.set(service.name, {
        dist: perPod.length ? mixture(perPod.map((p) => ({ dist: p.dist, weight: p.weight }))) : fromMedian(0.01, 0.3),
        errorRate: totalRequests > 0 ? perPod.reduce((s, p) => s + p.errors, 0) / totalRequests : service.baseErrorRate,
        unavailable: perPod.length === 0,
        networkDelay: perPod.length ? perPod.reduce((s, p) => s + p.delay * p.weight, 0) / perPod.reduce((s, p) => s + p.weight, 0) : 0,
        lostShare: perPod.length ? perPod.reduce((s, p) => s + p.lost * p.weight, 0) / perPod.reduce((s, p) => s + p.weight, 0) : 0,
      });
    }
    return tick;
  }

  private servePod(service: ServiceProfile, endpoint: Endpoint, replicas: number, rates: Map<string, number>, dt: number): PodTraffic {
    const rt = endpoint.runtime;
    const slowdown = rt.usage.slowdown;
    const routes: RouteTraffic[] = [];
    for (const route of service.routes) {
      const rps = (rates.get(route.path) ?? 0) / replicas;
      routes.push(this.serveRoute(service, rt, route, rps * this.random.between(0.93, 1.07), slowdown, dt));
    }
    this.count(rt.podUid, service, '/health', 'GET', '200', this.randomRound(PROBE_RPS * dt), fromMedian(0.002 * slowdown, 0.3));
    return {
      service: service.name,
      namespace: endpoint.pod.metadata.namespace!,
      pod: endpoint.pod.metadata.name,
      podUid: endpoint.pod.metadata.uid!,
      node: endpoint.pod.spec.nodeName!,
      podIP: endpoint.pod.status.podIP ?? '',
      slowdown,
      routes,
    };
  }

  private serveRoute(service: ServiceProfile, rt: ContainerRuntime, route: RouteProfile, rps: number, slowdown: number, dt: number): RouteTraffic {
    const own = fromMedian(route.medianSeconds * slowdown, route.sigma * (1 + 0.35 * rt.usage.throttledFraction));
    const calls: CallTraffic[] = [];
    let success = 1 - service.baseErrorRate;
    const failureShares: Record<string, number> = { '500': service.baseErrorRate };
    const parts: { dist: LogNormal; times?: number }[] = [{ dist: own }];
    for (const call of route.calls) {
      const callee = this.observedByService.get(call.service);
      const timeout = service.clientTimeoutSeconds;
      if (!callee || callee.unavailable) {
        calls.push({ service: call.service, route: call.route, perRequest: call.perRequest, observed: fromMedian(0.001, 0.2), networkDelaySeconds: 0, failures: { timeout: 0, unavailable: 1, error: 0 }, timeoutSeconds: timeout });
        failureShares['503'] = (failureShares['503'] ?? 0) + success;
        success = 0;
        continue;
      }
      const observed = sum([{ dist: callee.dist }], { mean: callee.networkDelay, variance: (callee.networkDelay * 0.1) ** 2 });
      const pTimeout = Math.min(1, callee.lostShare + (1 - callee.lostShare) * (1 - cdf(observed, timeout)));
      const pError = Math.min(1, callee.errorRate);
      const failures = { timeout: pTimeout, unavailable: 0, error: pError * (1 - pTimeout) };
      calls.push({ service: call.service, route: call.route, perRequest: call.perRequest, observed, networkDelaySeconds: callee.networkDelay, failures, timeoutSeconds: timeout });
      const callSuccess = ((1 - pTimeout) * (1 - pError)) ** call.perRequest;
      failureShares['504'] = (failureShares['504'] ?? 0) + success * (1 - (1 - pTimeout) ** call.perRequest);
      failureShares['500'] = (failureShares['500'] ?? 0) + success * (1 - pTimeout) ** call.perRequest * (1 - (1 - pError) ** call.perRequest);
      success *= callSuccess;
      parts.push({ dist: observed, times: call.perRequest });
    }
    const latency = sum(parts);
    const requests = this.random.poisson(rps * dt);
    const codes: Record<string, number> = {};
    let remaining = requests;
    if (service.name === 'petsite' && route.method === 'GET') {
      const notFound = this.randomRound(requests * 0.004);
      if (notFound > 0) codes['404'] = notFound;
      remaining -= notFound;
    }
    for (const [code, share] of Object.entries(failureShares)) {
      const n = Math.min(remaining, this.randomRound(requests * share));
      if (n > 0) codes[code] = (codes[code] ?? 0) + n;
      remaining -= n;
    }
    if (remaining > 0) codes['200'] = (codes['200'] ?? 0) + remaining;
    for (const [code, n] of Object.entries(codes)) {
      const dist = code === '504' ? fromMedian(service.clientTimeoutSeconds + route.medianSeconds, 0.02) : code === '503' ? own : latency;
      this.count(rt.podUid, service, route.path, route.method, code, n, dist);
    }
    return { route: route.path, method: route.method, requests, codes, latency, ownLatency: own, calls };
  }

  private count(podUid: string, service: ServiceProfile, route: string, method: string, code: string, n: number, dist: LogNormal): void {
    if (n <= 0) return;
    const counters = this.counters.get(podUid) ?? { service: service.name, requests: new Map(), durations: new Map() };
    this.counters.set(podUid, counters);
    const key = `${route}|${method}|${code}`;
    const entry = counters.requests.get(key) ?? { route, method, code, value: 0 };
    entry.value += n;
    counters.requests.set(key, entry);
    const histogram = counters.durations.get(route) ?? { buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
    counters.durations.set(route, histogram);
    LATENCY_BUCKETS.forEach((le, i) => {
      histogram.buckets[i]! += n * cdf(dist, le);
    });
    histogram.count += n;
    histogram.sum += n * Math.exp(dist.mu + (dist.sigma * dist.sigma) / 2);
  }

  private randomRound(x: number): number {
    const floor = Math.floor(x);
    return floor + (this.random.next() < x - floor ? 1 : 0);
  }

  /** Serving replicas of each service: running, ready, and not paused by chaos. */
  private endpoints(pods: Pod[]): Map<string, Endpoint[]> {
    const byService = new Map<string, Endpoint[]>();
    for (const pod of pods) {
      if (pod.metadata.namespace !== APP_NAMESPACE || pod.metadata.deletionTimestamp || pod.status.phase !== 'Running') continue;
      const ready = pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (!ready) continue;
      const container = pod.spec.containers[0]!;
      const service = serviceByName.get(container.name);
      const rt = this.runtime.get(pod.metadata.uid!, container.name);
      if (!service || !rt?.running || rt.paused) continue;
      byService.set(service.name, [...(byService.get(service.name) ?? []), { pod, runtime: rt }]);
    }
    return byService;
  }
}
