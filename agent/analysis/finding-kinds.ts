/**
 * The kinds of facts the steps record. The same fact seen by different sources has the same kind (an
 * OOM kill in kube-state-metrics, in the pod's status, in a kernel event, in CloudWatch): that is what
 * lets the analysis count corroboration across sources instead of double-counting one source.
 */
export const FindingKind = {
  // memory
  memoryNearLimit: 'memory-near-limit',
  memoryGrowing: 'memory-growing',
  oomKilled: 'oom-killed',
  logOom: 'log-oom',
  logMemoryWarning: 'log-memory-warning',
  memoryAnomaly: 'memory-anomaly',
  // cpu
  cpuThrottled: 'cpu-throttled',
  cpuNearLimit: 'cpu-near-limit',
  slowService: 'slow-service',
  throttlingAnomaly: 'throttling-anomaly',
  logSlowRequest: 'log-slow-request',
  // crashes
  crashLoopBackoff: 'crash-loop-backoff',
  containerErrorExit: 'container-error-exit',
  containerRestarts: 'container-restarts',
  logConfigError: 'log-config-error',
  logStackTrace: 'log-stack-trace',
  // nodes
  nodeMemoryPressure: 'node-memory-pressure',
  nodeMemoryLow: 'node-memory-low',
  evictionThresholdMet: 'eviction-threshold-met',
  podEvicted: 'pod-evicted',
  nodeMemoryAnomaly: 'node-memory-anomaly',
  nodeNotReady: 'node-not-ready',
  nodeUnschedulable: 'node-unschedulable',
  // network
  networkGap: 'network-gap',
  logTimeout: 'log-timeout',
  logUpstream5xx: 'log-upstream-5xx',
  traceLatencyRootCause: 'trace-latency-root-cause',
  traceFaultRootCause: 'trace-fault-root-cause',
  networkPolicy: 'network-policy',
  /** The service answers fast itself (its own p99, its own access logs). */
  serviceResponsive: 'service-responsive',
  servedFast: 'served-fast',
  // rollouts
  recentRollout: 'recent-rollout',
  rolloutStuck: 'rollout-stuck',
  imagePullFailure: 'image-pull-failure',
  podNotReady: 'pod-not-ready',
  probeFailed: 'probe-failed',
  // symptoms
  highLatency: 'high-latency',
  highErrorRate: 'high-error-rate',
  replicasUnavailable: 'replicas-unavailable',
  latencyAnomaly: 'latency-anomaly',
  errorAnomaly: 'error-anomaly',
  logErrors: 'log-errors',
  // context (facts about the system, not problems)
  serviceGraph: 'service-graph',
  workloadPlacement: 'workload-placement',
  /** A change the agent itself made (a rollout of its rollback, restart or new limits): never a cause. */
  agentChange: 'agent-change',
} as const;

export type FindingKindName = (typeof FindingKind)[keyof typeof FindingKind];

/** Kinds that describe the system rather than a problem: never evidence for or against a cause. */
export const CONTEXT_KINDS: ReadonlySet<string> = new Set([FindingKind.serviceGraph, FindingKind.workloadPlacement, FindingKind.networkPolicy, FindingKind.nodeUnschedulable, FindingKind.agentChange]);

/**
 * Symptoms: what users feel. They point at the service that shows them, and also (less) at the services
 * it calls, since a slow or failing callee makes its callers slow or failing.
 */
export const SYMPTOM_KINDS: ReadonlySet<string> = new Set([FindingKind.highLatency, FindingKind.highErrorRate, FindingKind.latencyAnomaly, FindingKind.errorAnomaly, FindingKind.logErrors]);

/**
 * Causal order for the timeline when two entries share a timestamp: changes first, then resource
 * exhaustion, then failures, then what users see, then the alert.
 */
export const CAUSAL_RANK: Record<string, number> = {
  [FindingKind.recentRollout]: 0,
  [FindingKind.nodeMemoryPressure]: 1,
  [FindingKind.nodeMemoryLow]: 1,
  [FindingKind.memoryGrowing]: 1,
  [FindingKind.cpuThrottled]: 1,
  [FindingKind.cpuNearLimit]: 1,
  [FindingKind.networkGap]: 1,
  [FindingKind.memoryNearLimit]: 2,
  [FindingKind.evictionThresholdMet]: 2,
  [FindingKind.imagePullFailure]: 2,
  [FindingKind.logConfigError]: 2,
  [FindingKind.oomKilled]: 3,
  [FindingKind.podEvicted]: 3,
  [FindingKind.containerErrorExit]: 3,
  [FindingKind.crashLoopBackoff]: 4,
  [FindingKind.containerRestarts]: 4,
  [FindingKind.rolloutStuck]: 4,
  [FindingKind.highLatency]: 6,
  [FindingKind.highErrorRate]: 6,
  [FindingKind.replicasUnavailable]: 6,
};

export function causalRank(kind: string): number {
  return CAUSAL_RANK[kind] ?? 5;
}

/**
 * Facts that only corroborate a cause already suspected (the callee answers fast itself): never enough
 * to make a target a suspect, and not the onset of anything.
 */
export const CORROBORATING_KINDS: ReadonlySet<string> = new Set([FindingKind.serviceResponsive, FindingKind.servedFast]);

/** Facts about something that happened (a kill, a restart): an episode that ended still happened. */
export const EVENT_KINDS: ReadonlySet<string> = new Set([FindingKind.oomKilled, FindingKind.containerRestarts, FindingKind.containerErrorExit, FindingKind.podEvicted, FindingKind.recentRollout, FindingKind.imagePullFailure]);
