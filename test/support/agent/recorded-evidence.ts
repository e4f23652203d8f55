/**
 * Evidence that can be recorded and replayed (HolmesGPT evals style): every call the investigation
 * makes to a source, with its arguments and its answer (or its failure), kept per source so a replay
 * case answers exactly what the cluster answered, offline and deterministically. A call the case did
 * not record fails as EvidenceUnavailable, so a changed playbook degrades into gaps instead of
 * crashing. `without` removes whole sources, to measure what each contributes (calibration).
 */
import type { EvidenceSource } from '../../../core/types.js';
import { EvidenceUnavailable, type EvidenceSources, type KubernetesEvidence, type MetricsEvidence, type TraceEvidence } from '../../../agent/ports.js';

export interface RecordedCall {
  method: string;
  args: unknown[];
  result?: unknown;
  error?: { source: EvidenceSource; reason: string; retryable: boolean };
}

export type RecordedSources = Record<'prometheus' | 'kubernetes' | 'traces', RecordedCall[]>;

/** What a replay may leave out: a whole source, or a part of the Kubernetes API. */
export type Ablation = 'prometheus' | 'kubernetes' | 'events' | 'logs' | 'traces';
export const ABLATIONS: readonly Ablation[] = ['prometheus', 'kubernetes', 'events', 'logs', 'traces'];

const METHODS = {
  prometheus: ['instant', 'range', 'anomalies'],
  kubernetes: ['pods', 'events', 'logs', 'rollouts', 'nodes', 'deployment', 'networkPolicies'],
  traces: ['summaries', 'serviceGraph', 'segments'],
} as const;

/** Arguments as stored: options without the abort signal. */
function keyArgs(args: unknown[]): unknown[] {
  return args.map((a) => {
    if (a && typeof a === 'object' && !Array.isArray(a)) {
      const { signal: _signal, ...rest } = a as Record<string, unknown>;
      return rest;
    }
    return a;
  });
}

function keyOf(method: string, args: unknown[]): string {
  return `${method}:${JSON.stringify(keyArgs(args))}`;
}

/**
 * Numbers trimmed so recorded cases stay small and diffs readable: 6 significant digits, except
 * timestamps (epoch seconds), which keep their milliseconds.
 */
function compact<T>(value: T): T {
  const trim = (v: number) => (Number.isInteger(v) ? v : Math.abs(v) >= 1e5 ? Math.round(v * 1000) / 1000 : Number(v.toPrecision(6)));
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? trim(v) : v))) as T;
}

function recordingProxy<T extends object>(target: T, methods: readonly string[], log: RecordedCall[]): T {
  const proxy: Record<string, unknown> = {};
  for (const method of methods) {
    const fn = (target as Record<string, unknown>)[method];
    if (typeof fn !== 'function') continue;
    proxy[method] = async (...args: unknown[]) => {
      try {
        const result = await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        log.push({ method, args: keyArgs(args), result: compact(result) });
        return result;
      } catch (error) {
        if (error instanceof EvidenceUnavailable) log.push({ method, args: keyArgs(args), error: { source: error.source, reason: error.reason, retryable: error.retryable } });
        throw error;
      }
    };
  }
  return proxy as T;
}

/** Wraps live sources; every answer is kept in `calls`. */
export function recordingSources(live: EvidenceSources): { sources: EvidenceSources; calls: RecordedSources } {
  const calls: RecordedSources = { prometheus: [], kubernetes: [], traces: [] };
  const sources: EvidenceSources = {};
  if (live.metrics) sources.metrics = recordingProxy(live.metrics, METHODS.prometheus, calls.prometheus);
  if (live.kubernetes) sources.kubernetes = recordingProxy(live.kubernetes, METHODS.kubernetes, calls.kubernetes);
  if (live.traces) sources.traces = recordingProxy(live.traces, METHODS.traces, calls.traces);
  return { sources, calls };
}

function removed(source: EvidenceSource, what: string): EvidenceUnavailable {
  return new EvidenceUnavailable(source, `${what} left out of this replay`, false);
}

function replayProxy<T extends object>(source: EvidenceSource, methods: readonly string[], calls: RecordedCall[], blocked: (method: string) => EvidenceUnavailable | undefined): T {
  const answers = new Map<string, RecordedCall>();
  for (const call of calls) answers.set(keyOf(call.method, call.args), call);
  const proxy: Record<string, unknown> = {};
  for (const method of methods) {
    proxy[method] = async (...args: unknown[]) => {
      const refusal = blocked(method);
      if (refusal) throw refusal;
      const call = answers.get(keyOf(method, args));
      if (!call) throw new EvidenceUnavailable(source, `not recorded in this case: ${method}(${JSON.stringify(keyArgs(args)).slice(0, 160)})`, false);
      if (call.error) throw new EvidenceUnavailable(call.error.source, call.error.reason, call.error.retryable);
      return structuredClone(call.result);
    };
  }
  return proxy as T;
}

/** Sources answering from a recording, without the ablated ones. */
export function replaySources(calls: RecordedSources, without: readonly Ablation[] = []): EvidenceSources {
  const off = new Set(without);
  const sources: EvidenceSources = {};
  if (!off.has('prometheus')) sources.metrics = replayProxy<MetricsEvidence>('prometheus', METHODS.prometheus, calls.prometheus, () => undefined);
  if (!(off.has('kubernetes') && off.has('events') && off.has('logs'))) {
    sources.kubernetes = replayProxy<KubernetesEvidence>('kubernetes', METHODS.kubernetes, calls.kubernetes, (method) => {
      if (method === 'events' && off.has('events')) return removed('events', 'Kubernetes events');
      if (method === 'logs' && off.has('logs')) return removed('logs', 'container logs');
      if (method !== 'events' && method !== 'logs' && off.has('kubernetes')) return removed('kubernetes', `Kubernetes ${method}`);
      return undefined;
    });
  }
  if (!off.has('traces')) sources.traces = replayProxy<TraceEvidence>('traces', METHODS.traces, calls.traces, () => undefined);
  return sources;
}
