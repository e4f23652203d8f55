/**
 * What each root cause looks like in the evidence: for every kind, the finding kinds that support it
 * and those that speak against it, each with a weight in log-odds (nats). A weight of 2.5 means "this
 * fact is about e^2.5 = 12 times more likely when this is the cause than when it is not"; a negative
 * weight, the reverse. The numbers are set from what each fault does to a cluster (see
 * docs/confidence.md) and the scale is fitted afterwards (calibration.json), so only their ratios
 * matter. The kind names the failure mode; a recent rollout is a trigger that supports a kind only as
 * `bad-deployment` when no other failure mode explains the symptoms.
 */
import type { RootCauseKind } from '../../core/types.js';
import { FindingKind as K } from './finding-kinds.js';

export interface Signature {
  kind: Exclude<RootCauseKind, 'unknown'>;
  /** What the cause is a property of. */
  target: 'Deployment' | 'Node';
  supports: Record<string, number>;
  contradicts: Record<string, number>;
  /** One line for the summary: what this cause is. */
  meaning: string;
}

export const signatures: Signature[] = [
  {
    kind: 'memory-leak',
    target: 'Deployment',
    meaning: 'memory grows until the container is OOMKilled',
    supports: {
      [K.oomKilled]: 2.5,
      [K.memoryGrowing]: 2.0,
      [K.memoryNearLimit]: 1.5,
      [K.logOom]: 1.5,
      [K.logMemoryWarning]: 1.0,
      [K.memoryAnomaly]: 1.0,
      [K.containerRestarts]: 0.5,
      [K.crashLoopBackoff]: 0.3,
      [K.traceFaultRootCause]: 0.3,
      [K.logUpstream5xx]: 0.3,
      [K.highErrorRate]: 0.2,
      [K.highLatency]: 0.2,
    },
    contradicts: { [K.imagePullFailure]: 1.5, [K.logConfigError]: 1.5, [K.containerErrorExit]: 1.0 },
  },
  {
    kind: 'cpu-throttling',
    target: 'Deployment',
    meaning: 'the containers need more CPU than their limit and are throttled, so requests slow down',
    supports: {
      [K.cpuThrottled]: 2.5,
      [K.cpuNearLimit]: 1.5,
      [K.slowService]: 1.5,
      [K.throttlingAnomaly]: 1.0,
      [K.traceLatencyRootCause]: 1.0,
      [K.logTimeout]: 0.8,
      [K.logSlowRequest]: 0.6,
      [K.highLatency]: 0.5,
      [K.logUpstream5xx]: 0.3,
      [K.latencyAnomaly]: 0.3,
    },
    contradicts: { [K.networkGap]: 2.0, [K.serviceResponsive]: 1.0, [K.servedFast]: 0.8, [K.oomKilled]: 0.5, [K.imagePullFailure]: 1.0 },
  },
  {
    kind: 'network-latency',
    target: 'Deployment',
    meaning: 'the network path to the pods adds delay: callers wait while the service itself is fast',
    supports: {
      [K.networkGap]: 3.0,
      [K.serviceResponsive]: 1.0,
      [K.logTimeout]: 0.8,
      [K.servedFast]: 0.8,
      [K.logUpstream5xx]: 0.4,
      [K.traceLatencyRootCause]: 0.5,
      [K.highLatency]: 0.5,
      [K.latencyAnomaly]: 0.3,
      [K.networkPolicy]: 0.0,
    },
    contradicts: { [K.cpuThrottled]: 2.0, [K.slowService]: 1.5, [K.logSlowRequest]: 0.8, [K.oomKilled]: 1.0 },
  },
  {
    kind: 'crash-loop',
    target: 'Deployment',
    meaning: 'the containers exit with an error at start and the kubelet keeps restarting them',
    supports: {
      [K.crashLoopBackoff]: 2.5,
      [K.containerErrorExit]: 2.0,
      [K.logConfigError]: 1.5,
      [K.containerRestarts]: 1.0,
      [K.logStackTrace]: 0.5,
      [K.logUpstream5xx]: 0.3,
      [K.recentRollout]: 0.3,
      [K.podNotReady]: 0.3,
      [K.replicasUnavailable]: 0.3,
    },
    contradicts: { [K.oomKilled]: 2.5, [K.imagePullFailure]: 1.0, [K.memoryGrowing]: 1.0 },
  },
  {
    kind: 'bad-deployment',
    target: 'Deployment',
    meaning: 'the latest rollout cannot run (image, readiness) and replicas are missing since it started',
    supports: {
      [K.recentRollout]: 1.5,
      [K.imagePullFailure]: 2.5,
      [K.rolloutStuck]: 2.0,
      [K.podNotReady]: 0.8,
      [K.probeFailed]: 0.8,
      [K.replicasUnavailable]: 0.8,
      [K.highErrorRate]: 0.3,
    },
    contradicts: { [K.crashLoopBackoff]: 1.5, [K.oomKilled]: 1.5, [K.cpuThrottled]: 1.0, [K.networkGap]: 1.0 },
  },
  {
    kind: 'node-pressure',
    target: 'Node',
    meaning: 'the node ran short of memory and the kubelet evicted pods to reclaim it',
    supports: {
      [K.nodeMemoryPressure]: 3.0,
      [K.evictionThresholdMet]: 2.0,
      [K.podEvicted]: 1.5,
      [K.nodeMemoryLow]: 1.5,
      [K.nodeMemoryAnomaly]: 1.0,
      [K.nodeNotReady]: 0.5,
    },
    contradicts: {},
  },
];

export const signatureOf = new Map(signatures.map((s) => [s.kind, s]));

/**
 * A fact seen by several sources is more certain but not independent evidence: the first source counts
 * fully, each further source adds half the weight, up to twice the weight in all.
 */
export function corroborated(weight: number, sources: number): number {
  if (sources <= 0) return 0;
  return weight * Math.min(2, 1 + 0.5 * (sources - 1));
}

/**
 * An alert is a claim: Prometheus evaluating the same data when the rule is real, anything at all when
 * it is forged. It counts at half the weight of a source of its own, and never as confirmation: a cause
 * only the alert supports stays below the action threshold (confidence.ts, `confirmingSources`).
 */
export const ALERT_SOURCE_FACTOR = 0.5;

/** Findings below this weight are not enough to make a target a candidate on their own. */
export const CAUSE_LEVEL = 0.7;
