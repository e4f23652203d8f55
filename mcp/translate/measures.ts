/**
 * From what the question asks (a measure key and its modifiers) to a measure of the template library
 * and its settings: "memory vs limit" is `memory-vs-limit`, "free memory on node X" is
 * `node-memory-available`, "how many requests in the last hour" is `request-count`.
 */
import type { Features, MeasureKey } from './features.js';

export interface MeasureChoice {
  /** Template measure id. */
  measure: string;
  /** Parameters the measure's settings fix (quantile, status codes, phase, condition). */
  params: Record<string, string>;
  /** Keep only series in that state (`== 1`, `== 0`), for "which nodes are cordoned" and the like. */
  state?: string;
}

export interface MeasureContext {
  f: Features;
  /** The question is about nodes themselves (not the pods on them). */
  nodeLevel: boolean;
  /** The question names a time window. */
  hasWindow: boolean;
  /** The question names one or more nodes (so "is it under pressure" reads their value, not a filter). */
  namedNodes?: boolean;
  text: string;
}

export function chooseMeasure(key: MeasureKey, c: MeasureContext): MeasureChoice | undefined {
  const { f, text } = c;
  const is = (re: RegExp) => re.test(text);
  switch (key) {
    case 'cpu':
      if (c.nodeLevel) return { measure: 'node-cpu-utilisation', params: {} };
      if (f.relative) return { measure: f.relative === 'limit' ? 'cpu-vs-limit' : 'cpu-vs-request', params: {} };
      if (f.resourceValue) return { measure: f.resourceValue === 'limit' ? 'cpu-limit' : 'cpu-request', params: {} };
      return { measure: 'cpu', params: {} };
    case 'memory':
      if (c.nodeLevel) return { measure: f.free ? 'node-memory-available' : f.amount && !f.percent ? 'node-memory-used' : 'node-memory-utilisation', params: {} };
      if (f.headroom || (f.free && !f.relative)) return { measure: 'memory-headroom', params: {} };
      if (f.relative) return { measure: f.relative === 'limit' ? 'memory-vs-limit' : 'memory-vs-request', params: {} };
      if (f.resourceValue) return { measure: f.resourceValue === 'limit' ? 'memory-limit' : 'memory-request', params: {} };
      return { measure: 'memory', params: {} };
    case 'rss':
      return { measure: 'rss', params: {} };
    case 'network':
    case 'network-receive':
    case 'network-transmit':
      if (f.receive && !f.transmit) return { measure: 'network-receive', params: {} };
      if (f.transmit && !f.receive) return { measure: 'network-transmit', params: {} };
      return { measure: 'network', params: {} };
    case 'throttling':
      return { measure: 'cpu-throttling', params: {} };
    case 'saturation':
      return c.nodeLevel ? { measure: 'node-saturation', params: {} } : { measure: 'cpu-throttling', params: {} };
    case 'requests':
      // "requests in the last hour" is a number of requests; "request rate", "throughput", "traffic" a rate.
      if (c.hasWindow && !is(/\bper (?:second|sec|minute)\b|\brate\b|\brps\b|\bqps\b|\bthroughput\b|\btraffic\b|\bbusy\b|\bbusiest\b|\b(?:average|avg|mean)\b/)) {
        return { measure: 'request-count', params: {} };
      }
      return { measure: 'request-rate', params: {} };
    case 'errors': {
      const params = { codes: f.codes ?? '5..' };
      if (c.hasWindow && !is(/\bper (?:second|sec)\b|\brate\b|\bratio\b|\bpercent|\bproportion\b|\bshare\b|\bfraction\b/)) return { measure: 'error-count', params };
      // "error rate" is the share of failed requests; "rate of 404s" and "errors per second" are per-second rates.
      if (is(/\bper (?:second|sec|minute)\b|\/s\b|\berrors?\/s\b|\beps\b|\brate of (?:\d{3}s?|[45]xx|errors?|failures?|failed|server errors?|client errors?)\b/) || (f.count && !is(/\brate\b|\bratio\b|\bpercent/))) return { measure: 'error-rate', params };
      return { measure: 'error-ratio', params };
    }
    case 'latency':
      if (f.averageLatency) return { measure: 'latency-average', params: {} };
      return { measure: 'latency-quantile', params: { quantile: String(f.quantile ?? 0.95) } };
    case 'restarts':
      // "which pods are restarting" means recently; "restarted more than 3 times" counts them all.
      return c.hasWindow || f.trend || ((f.nonzero || f.listing) && !f.filter) ? { measure: 'restarts-increase', params: {} } : { measure: 'restarts', params: {} };
    case 'oom':
      return { measure: 'oom-killed', params: {} };
    case 'crashloop':
      return { measure: 'crash-looping', params: {} };
    case 'evictions':
      return { measure: 'pods-evicted', params: {} };
    case 'pods':
      if (f.group === 'node') return { measure: 'node-pods', params: {} };
      if (f.notReady) return { measure: 'pods-not-ready', params: {} };
      // Pods on a named node: phases have no node label, so the pods scheduled there.
      if (c.namedNodes && (!f.phase || f.phase === 'Running')) return { measure: 'node-pods', params: {} };
      if (f.phase) return { measure: 'pods-in-phase', params: { phase: f.phase } };
      if (is(/\bphases?\b|\bstatus(?:es)?\b|\beach state\b|\bstates\b/)) return { measure: 'pods-by-phase', params: {} };
      if (c.nodeLevel) return { measure: 'node-pods', params: {} };
      return { measure: 'pod-count', params: {} };
    case 'replicas':
      if (is(/\bunavailable\b|\bmissing\b|\bnot available\b|\bnot ready\b|\bshort\b|\bbehind\b/)) return { measure: 'replicas-missing', params: {} };
      if (is(/\bdesired\b|\bshould\b|\bspec(?:ified)?\b|\bconfigured\b|\bwant(?:ed)?\b|\bsupposed\b/) && is(/\bavailable\b|\bvs\b|\bversus\b|\bcompared\b|\bagainst\b/)) return { measure: 'replicas-availability', params: {} };
      if (is(/\bdesired\b|\bshould\b|\bspec(?:ified)?\b|\bconfigured\b|\bwant(?:ed)?\b|\bsupposed\b/)) return { measure: 'replicas-desired', params: {} };
      return { measure: 'replicas-available', params: {} };
    case 'disk':
      return { measure: f.free ? 'disk-free' : 'disk-usage', params: {} };
    case 'load':
      return { measure: is(/\bper (?:cpu|core)\b/) ? 'node-saturation' : 'node-load', params: {} };
    case 'node-condition': {
      // "which/any nodes ...?" keeps the nodes in that state; "is node X ...?" reads X's value (0 or 1).
      const filters = (re: RegExp) => f.listing || (!c.namedNodes && is(re));
      if (f.cordoned) return { measure: 'node-unschedulable', params: {}, state: filters(/\b(?:any|are|is)\b/) ? '== 1' : undefined };
      if (f.notReady || f.condition === 'Ready') return { measure: 'node-condition', params: { condition: 'Ready' }, state: '== 0' };
      if (f.ready) return { measure: 'node-condition', params: { condition: 'Ready' }, state: f.listing ? '== 1' : undefined };
      return { measure: 'node-condition', params: { condition: f.condition ?? 'MemoryPressure' }, state: filters(/\b(?:any|are|is|has|have|under|with)\b/) ? '== 1' : undefined };
    }
    case 'up':
      return { measure: 'targets-up', params: {}, state: is(/\bdown\b|\bfailing\b|\bunhealthy\b/) ? '== 0' : undefined };
    case 'deployments':
      return { measure: 'deployment-count', params: {} };
    case 'nodes':
      if (f.notReady) return { measure: 'node-condition', params: { condition: 'Ready' }, state: '== 0' };
      if (f.ready) return { measure: 'node-condition', params: { condition: 'Ready' } };
      // "how many nodes have memory pressure / are cordoned": nodes in that state, counted.
      if (f.cordoned) return { measure: 'node-unschedulable', params: {} };
      if (f.condition) return { measure: 'node-condition', params: { condition: f.condition } };
      return { measure: 'node-count', params: {} };
    case 'health':
      return undefined;
  }
}
