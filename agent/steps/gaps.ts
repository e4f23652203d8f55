/**
 * Evidence calls inside a step: a source that cannot be reached becomes an investigation gap (once per
 * source and reason) and the step carries on with what it has. What each missing source costs the
 * conclusion is said in one place, so the report explains its own blind spots.
 */
import type { EvidenceSource } from '../../core/types.js';
import { EvidenceUnavailable } from '../ports.js';
import type { StepContext } from '../workflow/step.js';

export const GAP_IMPACT: Record<EvidenceSource, string> = {
  prometheus: 'no metrics: memory, CPU throttling, restarts and latency are judged from the other sources only',
  kubernetes: 'no pod, rollout or node state: crash loops, bad rollouts and evictions are judged from metrics and logs only',
  events: 'no Kubernetes events: OOM kills, back-offs and evictions are not confirmed by the kubelet',
  logs: 'no container logs: error messages (OOM, bad configuration, timeouts) are not read',
  traces: 'no traces: network delay cannot be told from a slow service, nor the callee responsible for caller latency',
  cloudwatch: 'no Container Insights metrics: pod and node utilisation are not confirmed by CloudWatch',
  'cloudwatch-logs': 'no Logs Insights: application and node logs in CloudWatch are not searched',
  alert: 'the alert itself could not be read',
};

/** Runs one evidence call; on EvidenceUnavailable records the gap and returns undefined. */
export async function gather<T>(ctx: StepContext, source: EvidenceSource, call: () => Promise<T>, recorded: Set<string>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof EvidenceUnavailable)) throw error;
    const key = `${error.source}:${error.reason}`;
    if (!recorded.has(key)) {
      recorded.add(key);
      ctx.gap({ source: error.source ?? source, reason: error.reason, impact: GAP_IMPACT[error.source ?? source] });
      ctx.log.warn('evidence unavailable', { source: error.source, reason: error.reason });
    }
    return undefined;
  }
}

/**
 * A source the playbook asked for but the agent has no adapter for. CloudWatch is absent by design on
 * the local target: that is logged, not reported as a gap; a missing metrics, Kubernetes or trace
 * source is a misconfiguration the report must show.
 */
export function missingSource(ctx: StepContext, source: EvidenceSource, why: string): void {
  if (source === 'cloudwatch' || source === 'cloudwatch-logs') {
    ctx.log.debug('source not configured', { source, why });
    return;
  }
  ctx.gap({ source, reason: why, impact: GAP_IMPACT[source] });
}
