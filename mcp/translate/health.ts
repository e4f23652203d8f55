/**
 * "Is X healthy?": no single query says it, so the answer is the subject's primary signal (replicas
 * available, node Ready, pods ready) with the usual suspects beside it as alternatives.
 */
import type { MeasureChoice } from './measures.js';
import type { Sets } from './subjects.js';
import type { Workload } from './snapshot.js';

export function healthChoices(s: Sets, workloads: Workload[]): { primary: MeasureChoice; others: MeasureChoice[] } {
  if (s.nodes.length && !s.services.length) {
    return {
      primary: { measure: 'node-condition', params: { condition: 'Ready' } },
      others: [
        ...['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((c): MeasureChoice => ({ measure: 'node-condition', params: { condition: c } })),
        { measure: 'node-cpu-utilisation', params: {} },
        { measure: 'node-memory-utilisation', params: {} },
      ],
    };
  }
  if (s.pods.length && !s.services.length) {
    return { primary: { measure: 'pods-not-ready', params: {} }, others: [{ measure: 'restarts', params: {} }, { measure: 'memory-vs-limit', params: {} }, { measure: 'cpu-throttling', params: {} }] };
  }
  const serviceWorkloads = s.services.map((e) => workloads.find((w) => w.name === e.value && (!e.namespace || w.namespace === e.namespace)));
  const http = serviceWorkloads.some((w) => w?.http);
  const deployment = s.services.length === 0 || serviceWorkloads.every((w) => w?.deployment);
  const others: MeasureChoice[] = [];
  if (http || !s.services.length) others.push({ measure: 'error-ratio', params: { codes: '5..' } }, { measure: 'latency-quantile', params: { quantile: '0.99' } });
  others.push({ measure: 'restarts-increase', params: {} }, { measure: 'memory-vs-limit', params: {} }, { measure: 'cpu-throttling', params: {} });
  return { primary: deployment ? { measure: 'replicas-availability', params: {} } : { measure: 'pods-not-ready', params: {} }, others };
}
