/**
 * One request through the call graph, as the services' X-Ray SDKs would record it, drawn from the
 * tick's traffic: the server's own time from its route's `ownLatency` (slowed by CPU throttling), each
 * downstream call reaching a callee pod whose own segment is built the same way, the NetworkChaos delay
 * of that pod added on the response path (so it shows as a gap between the client subsegment and the
 * callee's segment), client timeouts cutting calls short, and resource calls (DynamoDB, SQS, SQL)
 * inside the server's own time. The HTTP status is given (the traffic model counted it); the builder
 * decides where that status came from, in the proportions the traffic model used.
 */
import type { Random } from '../../../../core/random.js';
import type { NetworkFaults } from '../chaos/network-faults.js';
import { serviceByName, type ServiceProfile } from '../../../../lib/petadoption/catalog.js';
import { cdf, quantile, type LogNormal } from '../workload/distributions.js';
import type { CallTraffic, PodTraffic, RouteTraffic, TrafficTick } from '../workload/traffic.js';
import { resourceCalls, type ResourceCall } from './resources.js';
import { callFailed, callRefused, callTimeout, ownFailure, type ExceptionText } from './runtimes.js';
import { hostOf, type ServerDirectory } from './servers.js';
import { duration, emptySpan, flagsFor, sharedRequest, shift, type Span } from './spans.js';

/** TCP's minimum retransmission timeout: what each lost packet adds (as the traffic model counts it). */
const RTO_SECONDS = 0.2;
const SERVICE_PORT = 80;

/** The tick's serving pods, by service. */
export class TickView {
  private readonly byService = new Map<string, PodTraffic[]>();

  constructor(readonly tick: TrafficTick) {
    for (const pod of tick.pods) this.byService.set(pod.service, [...(this.byService.get(pod.service) ?? []), pod]);
  }

  pods(service: string): PodTraffic[] {
    return this.byService.get(service) ?? [];
  }
}

/** Bounds on a server's duration, from its caller's timeout and the network delay. */
interface Bounds {
  min?: number;
  max?: number;
}

type CallOutcome = 'ok' | 'error' | 'timeout' | 'unavailable';

/** Where a response status came from. */
type Origin = { kind: 'ok' } | { kind: 'own' } | { kind: 'resource'; index: number } | { kind: 'call'; index: number; outcome: Exclude<CallOutcome, 'ok'> };

export interface Client {
  ip: string;
  userAgent?: string;
}

export class RequestBuilder {
  constructor(
    private readonly random: Random,
    private readonly servers: ServerDirectory,
    private readonly network: NetworkFaults,
  ) {}

  /** A request to `pod` on `route` answered with `status`: a segment tree starting at time 0. */
  serve(view: TickView, pod: PodTraffic, route: RouteTraffic, status: number, client: Client, bounds: Bounds = {}): Span {
    const profile = serviceByName.get(pod.service)!;
    const server = this.servers.of(pod);
    const segment = emptySpan('segment', pod.service);
    segment.server = server;
    segment.status = status;
    Object.assign(segment, flagsFor(status));
    segment.request = sharedRequest(route.method, `http://${server.host}${route.route}`, client.ip, client.userAgent);
    segment.responseBytes = status < 400 ? Math.round(profile.bytesOut * this.random.between(0.8, 1.2)) : 0;
    segment.annotations = server.annotations;

    const origin = this.origin(profile, route, status);
    const leaf = route.calls.length === 0;
    // A leaf's duration is its own time, so the caller's bounds apply to it directly. (Every callee in
    // the catalog is a leaf; a callee with calls of its own would only honour them on average.)
    const own = leaf ? this.drawBetween(route.ownLatency, bounds.min, bounds.max) : this.draw(route.ownLatency);

    const resources = resourceCalls(pod.service, route.route).map((call, index) => this.resourceSpan(call, origin.kind === 'resource' && origin.index === index));
    // Resource calls happen inside the server's own time; keep room for its own work.
    const resourceTime = resources.reduce((s, r) => s + duration(r), 0);
    if (resourceTime > own * 0.85) {
      const factor = (own * 0.85) / resourceTime;
      for (const r of resources) r.end = r.start + duration(r) * factor;
    }
    const calls: Span[] = [];
    route.calls.forEach((call, index) => {
      const times = this.randomRound(call.perRequest);
      for (let i = 0; i < times; i++) {
        const outcome: CallOutcome = origin.kind === 'call' && origin.index === index && i === 0 ? origin.outcome : 'ok';
        const span = this.callSpan(view, profile, pod, call, outcome, status);
        if (span) calls.push(span);
      }
    });

    // Layout: some work, the resource calls, a little more work, the downstream calls, the rest.
    const work = Math.max(0, own - resources.reduce((s, r) => s + duration(r), 0));
    const before = work * this.random.between(0.25, 0.45);
    const between = work * this.random.between(0.05, 0.15);
    let t = before;
    for (const span of [...resources, ...calls]) {
      if (span === calls[0]) t += between;
      const d = duration(span);
      shift(span, t - span.start);
      t += d;
    }
    if (calls.length === 0) t += between;
    segment.start = 0;
    segment.end = t + Math.max(0, work - before - between);
    if (resources.length + calls.length > 0) segment.subsegments = [...resources, ...calls];
    segment.exception = this.segmentException(profile, origin, segment.subsegments, status);
    return segment;
  }

  /** Where the status came from, weighted as the traffic model mixed its failure shares. */
  private origin(profile: ServiceProfile, route: RouteTraffic, status: number): Origin {
    if (status < 500) return { kind: 'ok' };
    if (status === 503) {
      const index = route.calls.findIndex((c) => c.failures.unavailable > 0);
      if (index >= 0) return { kind: 'call', index, outcome: 'unavailable' };
    }
    if (status === 504 && route.calls.length > 0) {
      const index = this.pickWeighted(route.calls.map((c) => c.failures.timeout + 1e-12));
      return { kind: 'call', index, outcome: 'timeout' };
    }
    const weights = [profile.baseErrorRate, ...route.calls.map((c) => c.failures.error)];
    const picked = this.pickWeighted(weights.map((w) => w + 1e-12));
    if (picked > 0) return { kind: 'call', index: picked - 1, outcome: 'error' };
    const resources = resourceCalls(profile.name, route.route);
    for (const [index, call] of resources.entries()) {
      if (call.failure && this.random.next() < call.failure.share) return { kind: 'resource', index };
    }
    return { kind: 'own' };
  }

  private resourceSpan(call: ResourceCall, failing: boolean): Span {
    const { resource } = call;
    const span = emptySpan(resource.namespace === 'aws' ? 'aws' : 'sql', resource.subsegmentName);
    span.resource = resource;
    if (resource.url) span.request = sharedRequest(resource.method ?? 'POST', resource.url);
    span.end = this.draw(call.latency);
    if (resource.namespace === 'aws') span.status = 200;
    if (failing && call.failure) {
      span.status = call.failure.status;
      Object.assign(span, flagsFor(call.failure.status));
      if (call.failure.status === undefined) span.fault = true;
      span.throttle = Boolean(call.failure.throttle);
      span.exception = { id: '', ...call.failure.exception, remote: true };
    }
    return span;
  }

  /** A client subsegment for one downstream call, with the callee's segment when it was reached. */
  private callSpan(view: TickView, caller: ServiceProfile, pod: PodTraffic, call: CallTraffic, outcome: CallOutcome, status: number): Span | undefined {
    const host = hostOf(call.service, pod.namespace);
    const url = `http://${host}${call.route}`;
    const span = emptySpan('http', host);
    span.host = host;
    const calleeProfile = serviceByName.get(call.service);
    span.request = sharedRequest(calleeProfile?.routes.find((r) => r.path === call.route)?.method ?? 'GET', url);
    const target = this.pickCallee(view, call);
    // A 4xx page (unknown pet, bad form) is answered without the unreachable dependency.
    if (!target && outcome === 'ok' && status < 500) return undefined;
    if (outcome === 'unavailable' || !target) {
      // No ready endpoints: kube-proxy rejects the connection at once.
      span.end = this.random.between(0.001, 0.004);
      span.fault = true;
      span.exception = exception(callRefused(caller.runtime, host, SERVICE_PORT), true);
      return span;
    }
    const timeout = call.timeoutSeconds;
    const there = this.random.between(0.0002, 0.0006);
    // NetworkChaos delays what the callee's pod sends: the response path.
    const back = this.random.between(0.0002, 0.0006) + this.networkDelay(target.pod.podUid);
    const client: Client = { ip: pod.podIP };
    if (outcome === 'timeout') {
      span.callee = this.serve(view, target.pod, target.route, 200, client, { min: Math.max(0, timeout - there - back) });
      span.end = timeout;
      span.fault = true;
      span.exception = exception(callTimeout(caller.runtime, url, timeout), false);
    } else {
      const status = outcome === 'error' ? 500 : 200;
      const max = timeout - there - back;
      span.callee = this.serve(view, target.pod, target.route, status, client, max > 0 ? { max } : {});
      span.end = there + duration(span.callee) + back;
      span.status = status;
      Object.assign(span, flagsFor(status));
      if (status >= 500) span.exception = exception(callFailed(caller.runtime, status), true);
    }
    shift(span.callee, there);
    return span;
  }

  private segmentException(profile: ServiceProfile, origin: Origin, subsegments: Span[], status: number): Span['exception'] {
    if (status < 500) return undefined;
    if (origin.kind === 'resource' || origin.kind === 'call') {
      // The failure surfaced from a subsegment; the segment records the exception it propagated.
      const failed = subsegments.find((s) => s.exception && (s.fault || s.error));
      if (failed?.exception) return { id: '', type: failed.exception.type, message: failed.exception.message, remote: failed.exception.remote };
    }
    return exception(ownFailure(profile.runtime), false);
  }

  /** A callee pod serving the call's route, chosen in proportion to the requests it served. */
  private pickCallee(view: TickView, call: CallTraffic): { pod: PodTraffic; route: RouteTraffic } | undefined {
    const candidates = view
      .pods(call.service)
      .map((pod) => ({ pod, route: pod.routes.find((r) => r.route === call.route) }))
      .filter((c): c is { pod: PodTraffic; route: RouteTraffic } => c.route !== undefined);
    if (candidates.length === 0) return undefined;
    return candidates[this.pickWeighted(candidates.map((c) => c.route.requests + 0.01))];
  }

  /** Delay a NetworkChaos adds to one response: the fixed latency, jitter, and TCP retransmissions. */
  private networkDelay(podUid: string): number {
    const fault = this.network.of(podUid);
    if (!fault) return 0;
    let delay = Math.max(0, fault.delaySeconds + (fault.jitterSeconds > 0 ? this.random.normal(0, fault.jitterSeconds) : 0));
    // The traffic model charges loss as 4 packets x loss x RTO on average; lose packets the same way.
    for (let i = 0; i < 4; i++) if (this.random.next() < fault.lossFraction) delay += RTO_SECONDS;
    return delay;
  }

  private draw(dist: LogNormal): number {
    return quantile(dist, this.random.next());
  }

  /** A draw from `dist` conditioned on lying within [min, max] (inverse-CDF on the restricted range). */
  private drawBetween(dist: LogNormal, min?: number, max?: number): number {
    if (min === undefined && max === undefined) return this.draw(dist);
    const lo = min !== undefined && min > 0 ? cdf(dist, min) : 0;
    const hi = max !== undefined ? cdf(dist, max) : 1;
    if (hi - lo < 1e-12) return min !== undefined && min > 0 ? min : Math.max(1e-4, max ?? 1e-4);
    return quantile(dist, lo + (hi - lo) * this.random.next());
  }

  private pickWeighted(weights: number[]): number {
    const total = weights.reduce((s, w) => s + w, 0);
    let r = this.random.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  private randomRound(x: number): number {
    const floor = Math.floor(x);
    return floor + (this.random.next() < x - floor ? 1 : 0);
  }
}

function exception(text: ExceptionText, remote: boolean): NonNullable<Span['exception']> {
  return { id: '', type: text.type, message: text.message, remote };
}
