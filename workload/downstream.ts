/**
 * A call to a service downstream, as the real services' HTTP clients make it: the trace header that
 * makes the callee's segment a child of this call's subsegment, the role's client timeout, and the
 * outcome in the simulation's terms: answered, timed out (the caller answers 504), refused or
 * unreachable (503), or failed by the callee (500).
 */
import type { CallFailureKind } from './runtime-logs.js';
import type { DownstreamTarget } from './settings.js';
import { formatTraceHeader, newSegmentId, TRACE_HEADER } from './xray.js';

export interface CallOutcome {
  target: DownstreamTarget;
  /** The client subsegment's id (the callee's segment names it as its parent). */
  subsegmentId: string;
  startMs: number;
  endMs: number;
  /** What the callee answered; absent when it did not answer. */
  status?: number;
  /** Absent when the call succeeded. */
  failure?: CallFailureKind;
  /** The client's own words for a call that got no answer. */
  error?: string;
}

/** The status the caller answers with when a call fails this way. */
export const statusForFailure: Record<CallFailureKind, number> = { timeout: 504, unavailable: 503, error: 500 };

export async function callDownstream(target: DownstreamTarget, options: { traceId: string; sampled: boolean; timeoutSeconds: number }): Promise<CallOutcome> {
  const subsegmentId = newSegmentId();
  const startMs = Date.now();
  const post = target.method === 'POST';
  try {
    const response = await fetch(target.url, {
      method: target.method,
      headers: { [TRACE_HEADER]: formatTraceHeader({ root: options.traceId, parent: subsegmentId, sampled: options.sampled }), ...(post ? { 'content-type': 'application/json' } : {}) },
      ...(post ? { body: JSON.stringify({ petid: String(1 + Math.floor(Math.random() * 50)).padStart(3, '0'), pettype: 'puppy' }) } : {}),
      signal: AbortSignal.timeout(options.timeoutSeconds * 1000),
    });
    // The timeout covers the body too: a callee that stalls mid-answer times out like one that never answers.
    await response.arrayBuffer();
    return { target, subsegmentId, startMs, endMs: Date.now(), status: response.status, ...(response.status >= 400 ? { failure: 'error' as const } : {}) };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { target, subsegmentId, startMs, endMs: Date.now(), failure: timedOut ? 'timeout' : 'unavailable', error: timedOut ? 'timed out' : (cause?.code ?? cause?.message ?? (error as Error).message) };
  }
}
