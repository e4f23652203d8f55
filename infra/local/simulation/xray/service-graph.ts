/**
 * The service graph from all served traffic, not only sampled traces, so its counts match the
 * services' request metrics: per minute, every node's and edge's ok/error/throttle/fault counts, total
 * response time and response-time histogram. Node counts are the traffic model's request counts;
 * client-side edges (timeouts, refused connections, callee errors) and resource calls are expected
 * values from the tick's probabilities, rounded when the graph is read.
 */
import { serviceByName, services } from '../../../../lib/petadoption/catalog.js';
import { cdf, fromMedian, mean, median, normalCdf, type LogNormal } from '../workload/distributions.js';
import type { TrafficTick } from '../workload/traffic.js';
import { ACCOUNT_ID, resourceCalls } from './resources.js';
import { EKS_ORIGIN, hostOf } from './servers.js';
import type { WireHistogramEntry, WireService, WireStatistics } from './wire.js';

/** Upper bounds (seconds) of the response-time histogram buckets; the last bucket is open. */
const HISTOGRAM_BOUNDS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 3, 5, 10, 30, 60];
const MINUTE_MS = 60_000;

interface Stats {
  ok: number;
  error: number;
  throttle: number;
  fault: number;
  totalTime: number;
  histogram: number[];
}

interface NodeEntry {
  referenceId: number;
  name: string;
  type: string;
  root: boolean;
  state: 'active' | 'unknown';
  accountId?: string;
}

function emptyStats(): Stats {
  return { ok: 0, error: 0, throttle: 0, fault: 0, totalTime: 0, histogram: new Array(HISTOGRAM_BOUNDS.length + 1).fill(0) };
}

export class ServiceGraphAggregator {
  private readonly nodes = new Map<string, NodeEntry>();
  /** Minute start -> node key or `from->to` edge key -> stats. */
  private readonly minutes = new Map<number, Map<string, Stats>>();

  constructor(
    private readonly entryService: string,
    private readonly retentionMs: number,
  ) {
    // Fixed reference ids for the known part of the graph, in call order.
    this.node(entryService, 'client');
    this.node(entryService, EKS_ORIGIN);
    for (const service of services) if (service.routes.length > 0) this.node(service.name, EKS_ORIGIN);
  }

  observe(tick: TrafficTick): void {
    // A tick covers (at - dt, at]: one ending on a minute boundary belongs to the minute before.
    const minute = Math.floor((tick.at - 1) / MINUTE_MS) * MINUTE_MS;
    let bucket = this.minutes.get(minute);
    if (!bucket) this.minutes.set(minute, (bucket = new Map()));
    const stats = (key: string) => {
      let s = bucket!.get(key);
      if (!s) bucket!.set(key, (s = emptyStats()));
      return s;
    };
    const client = this.node(this.entryService, 'client');
    for (const pod of tick.pods) {
      const profile = serviceByName.get(pod.service);
      if (!profile) continue;
      const self = this.node(pod.service, EKS_ORIGIN);
      for (const route of pod.routes) {
        if (route.requests === 0) continue;
        for (const [code, n] of Object.entries(route.codes)) {
          const status = Number(code);
          const dist = status === 504 ? fromMedian(profile.clientTimeoutSeconds + median(route.ownLatency), 0.02) : status === 503 ? route.ownLatency : route.latency;
          addOutcome(stats(self.key), status, n, dist);
          if (pod.service === this.entryService) addOutcome(stats(edgeKey(client, self)), status, n, dist);
        }
        for (const call of route.calls) {
          const n = route.requests * call.perRequest;
          const { timeout, unavailable, error } = call.failures;
          const target = unavailable >= 0.5 ? this.node(hostOf(call.service, pod.namespace), 'remote') : this.node(call.service, EKS_ORIGIN);
          const edge = stats(edgeKey(self, target));
          const answered = n * (1 - timeout - unavailable);
          addTruncated(edge, answered * (1 - error / Math.max(1e-12, 1 - timeout - unavailable)), 200, call.observed, call.timeoutSeconds);
          addTruncated(edge, answered * (error / Math.max(1e-12, 1 - timeout - unavailable)), 500, call.observed, call.timeoutSeconds);
          addAt(edge, 'fault', n * timeout, call.timeoutSeconds);
          addAt(edge, 'fault', n * unavailable, 0.002);
          if (target.type === 'remote') addAt(stats(target.key), 'fault', n * unavailable, 0.002);
        }
        const leaf = route.calls.length === 0;
        const ownFaults = leaf ? Object.entries(route.codes).filter(([c]) => c.startsWith('5')).reduce((s, [, v]) => s + v, 0) : route.requests * profile.baseErrorRate;
        for (const call of resourceCalls(pod.service, route.route)) {
          const target = this.node(call.resource.name, call.resource.type);
          const failed = call.failure ? ownFaults * call.failure.share : 0;
          const failedAs: keyof Stats = call.failure?.throttle ? 'throttle' : call.failure?.status !== undefined && call.failure.status < 500 ? 'error' : 'fault';
          for (const s of [stats(edgeKey(self, target)), stats(target.key)]) {
            addDistribution(s, 'ok', route.requests - failed, call.latency);
            addDistribution(s, failedAs, failed, call.latency);
          }
        }
      }
    }
    for (const at of this.minutes.keys()) if (at < tick.at - this.retentionMs) this.minutes.delete(at);
  }

  /** GetServiceGraph's `Services` for [start, end) (epoch ms): every node that saw traffic, with its edges. */
  services(startMs: number, endMs: number): WireService[] {
    const totals = new Map<string, { stats: Stats; first: number; last: number }>();
    for (const [minute, bucket] of this.minutes) {
      if (minute + MINUTE_MS <= startMs || minute >= endMs) continue;
      for (const [key, s] of bucket) {
        const total = totals.get(key) ?? { stats: emptyStats(), first: minute, last: minute + MINUTE_MS };
        merge(total.stats, s);
        total.first = Math.min(total.first, minute);
        total.last = Math.max(total.last, minute + MINUTE_MS);
        totals.set(key, total);
      }
    }
    const clip = (ms: number) => Math.min(Math.max(ms, startMs), endMs) / 1000;
    const out: WireService[] = [];
    for (const node of [...this.nodes.values()].sort((a, b) => a.referenceId - b.referenceId)) {
      const key = nodeKey(node.name, node.type);
      const edges = [...totals.entries()].filter(([k]) => k.startsWith(`${key}->`));
      const own = totals.get(key);
      if (!own && edges.length === 0) continue;
      const times = [own, ...edges.map(([, e]) => e)].filter((t): t is NonNullable<typeof own> => t !== undefined);
      const service: WireService = {
        ReferenceId: node.referenceId,
        Name: node.name,
        Names: [node.name],
        Type: node.type,
        State: node.state,
        StartTime: clip(Math.min(...times.map((t) => t.first))),
        EndTime: clip(Math.max(...times.map((t) => t.last))),
        Edges: edges.map(([k, e]) => ({
          ReferenceId: this.nodes.get(k.slice(key.length + 2))!.referenceId,
          StartTime: clip(e.first),
          EndTime: clip(e.last),
          SummaryStatistics: statistics(e.stats),
          ResponseTimeHistogram: histogram(e.stats),
          Aliases: [],
        })),
      };
      if (node.type !== 'client') {
        service.Root = node.root;
        if (own) {
          service.SummaryStatistics = statistics(own.stats);
          service.DurationHistogram = histogram(own.stats);
          service.ResponseTimeHistogram = histogram(own.stats);
        }
      }
      if (node.accountId) service.AccountId = node.accountId;
      out.push(service);
    }
    return out;
  }

  private node(name: string, type: string): NodeEntry & { key: string } {
    const key = nodeKey(name, type);
    let node = this.nodes.get(key);
    if (!node) {
      node = {
        referenceId: this.nodes.size,
        name,
        type,
        root: type === EKS_ORIGIN && name === this.entryService,
        state: type === 'client' || type === 'remote' ? 'unknown' : 'active',
        accountId: type.startsWith('AWS::') ? ACCOUNT_ID : undefined,
      };
      this.nodes.set(key, node);
    }
    return { ...node, key };
  }
}

function nodeKey(name: string, type: string): string {
  return `${type}|${name}`;
}

function edgeKey(from: { key: string }, to: { key: string }): string {
  return `${from.key}->${to.key}`;
}

function outcomeOf(status: number): 'ok' | 'error' | 'throttle' | 'fault' {
  if (status >= 500) return 'fault';
  if (status === 429) return 'throttle';
  if (status >= 400) return 'error';
  return 'ok';
}

function addOutcome(s: Stats, status: number, n: number, dist: LogNormal): void {
  addDistribution(s, outcomeOf(status), n, dist);
}

function addDistribution(s: Stats, outcome: 'ok' | 'error' | 'throttle' | 'fault', n: number, dist: LogNormal): void {
  if (n <= 0) return;
  s[outcome] += n;
  s.totalTime += n * mean(dist);
  let previous = 0;
  HISTOGRAM_BOUNDS.forEach((bound, i) => {
    const c = cdf(dist, bound);
    s.histogram[i]! += n * (c - previous);
    previous = c;
  });
  s.histogram[HISTOGRAM_BOUNDS.length]! += n * (1 - previous);
}

/** Calls answered before the client's timeout: the observed latency conditioned on being below it. */
function addTruncated(s: Stats, n: number, status: number, dist: LogNormal, limit: number): void {
  if (n <= 0) return;
  const below = cdf(dist, limit);
  if (below < 1e-9) return addAt(s, outcomeOf(status), n, limit);
  s[outcomeOf(status)] += n;
  // E[X | X < limit] of a log-normal.
  s.totalTime += n * mean(dist) * (normalCdf((Math.log(limit) - dist.mu - dist.sigma ** 2) / dist.sigma) / below);
  let previous = 0;
  HISTOGRAM_BOUNDS.forEach((bound, i) => {
    const c = cdf(dist, Math.min(bound, limit)) / below;
    s.histogram[i]! += n * (c - previous);
    previous = c;
  });
}

function addAt(s: Stats, outcome: 'ok' | 'error' | 'throttle' | 'fault', n: number, seconds: number): void {
  if (n <= 0) return;
  s[outcome] += n;
  s.totalTime += n * seconds;
  const i = HISTOGRAM_BOUNDS.findIndex((b) => seconds <= b);
  s.histogram[i < 0 ? HISTOGRAM_BOUNDS.length : i]! += n;
}

function merge(into: Stats, from: Stats): void {
  into.ok += from.ok;
  into.error += from.error;
  into.throttle += from.throttle;
  into.fault += from.fault;
  into.totalTime += from.totalTime;
  from.histogram.forEach((v, i) => (into.histogram[i]! += v));
}

function statistics(s: Stats): WireStatistics {
  const ok = Math.round(s.ok);
  const throttle = Math.round(s.throttle);
  const error = Math.round(s.error);
  const fault = Math.round(s.fault);
  return {
    OkCount: ok,
    ErrorStatistics: { ThrottleCount: throttle, OtherCount: error, TotalCount: throttle + error },
    FaultStatistics: { OtherCount: fault, TotalCount: fault },
    TotalCount: ok + throttle + error + fault,
    TotalResponseTime: Math.round(s.totalTime * 1000) / 1000,
  };
}

function histogram(s: Stats): WireHistogramEntry[] {
  const out: WireHistogramEntry[] = [];
  s.histogram.forEach((count, i) => {
    const n = Math.round(count);
    if (n > 0) out.push({ Value: HISTOGRAM_BOUNDS[i] ?? HISTOGRAM_BOUNDS[HISTOGRAM_BOUNDS.length - 1]! * 2, Count: n });
  });
  return out;
}
