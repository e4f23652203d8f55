/**
 * What `run-scenario` needs from the world, in one place: the cluster (faults, deployments, nodes), the
 * metrics (PromQL, alerts), the agent (incidents, approvals), the target's lifecycle, the clock and the
 * terminal. Adapters sit beside this file (kube.ts, prometheus.ts, agent-client.ts, local-target.ts,
 * eks-target.ts); tests hand in fakes and a stub agent.
 */
import type { Clock } from '../core/clock.js';
import type { Incident, ResourceRef } from '../core/types.js';

export const CHAOS_KINDS = ['StressChaos', 'NetworkChaos', 'PodChaos'] as const;
export type ChaosKind = (typeof CHAOS_KINDS)[number];

export interface ChaosRef {
  kind: ChaosKind;
  namespace: string;
  name: string;
}

export interface ChaosObjectSummary extends ChaosRef {
  labels: Record<string, string>;
  createdAt: string;
  /** Chaos Mesh's AllRecovered condition is True: the fault no longer acts. */
  recovered: boolean;
}

export interface ContainerSpecSummary {
  name: string;
  env: { name: string; value?: string }[];
  resources: { limits?: Record<string, string>; requests?: Record<string, string> };
}

export interface DeploymentSummary {
  namespace: string;
  name: string;
  replicas: number;
  availableReplicas: number;
  updatedReplicas: number;
  /** status.replicas: every pod of the deployment, old ReplicaSets' included (a rollout not finished). */
  totalReplicas?: number;
  /** Whether the controller has seen the latest spec (status.observedGeneration >= metadata.generation). */
  observed?: boolean;
  /** deployment.kubernetes.io/revision. */
  revision: string;
  /** The pod template as the API returned it (for restoring it after a bad rollout). */
  template: Record<string, unknown>;
  containers: ContainerSpecSummary[];
}

export interface NodeSummary {
  name: string;
  unschedulable: boolean;
  ready: boolean;
  memoryPressure: boolean;
}

export interface PodSummary {
  namespace: string;
  name: string;
  node: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** status.startTime: when the kubelet accepted the pod. */
  startedAt?: string;
  /** status.reason, e.g. Evicted. */
  reason?: string;
  labels: Record<string, string>;
}

export interface Cluster {
  listChaos(): Promise<ChaosObjectSummary[]>;
  /** Creates the object; returns what was created. */
  createChaos(manifest: Record<string, unknown>): Promise<ChaosRef>;
  /** Deletes it; resolves quietly when it is already gone. */
  deleteChaos(ref: ChaosRef): Promise<void>;
  listDeployments(namespace: string): Promise<DeploymentSummary[]>;
  getDeployment(namespace: string, name: string): Promise<DeploymentSummary | undefined>;
  patchDeployment(namespace: string, name: string, patch: unknown, type: 'strategic' | 'merge' | 'json'): Promise<void>;
  listNodes(): Promise<NodeSummary[]>;
  setUnschedulable(node: string, unschedulable: boolean): Promise<void>;
  listPods(namespace?: string): Promise<PodSummary[]>;
  deletePod(namespace: string, name: string): Promise<void>;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Series {
  labels: Record<string, string>;
  values: [number, number][];
}

export interface FiringAlert {
  name: string;
  state: 'pending' | 'firing';
  labels: Record<string, string>;
  activeAt: string;
}

export interface Metrics {
  query(promql: string): Promise<Sample[]>;
  queryRange(promql: string, startSeconds: number, endSeconds: number, stepSeconds: number): Promise<Series[]>;
  alerts(): Promise<FiringAlert[]>;
}

/** The list view of GET /incidents. */
export interface IncidentSummary {
  id: string;
  title: string;
  status: Incident['status'];
  createdAt: string;
  updatedAt: string;
  target?: ResourceRef;
  pendingActions: string[];
}

export interface AgentApi {
  readonly url: string;
  healthy(): Promise<boolean>;
  listIncidents(): Promise<IncidentSummary[]>;
  getIncident(id: string): Promise<Incident>;
  decide(incidentId: string, actionId: string, decision: 'approve' | 'reject', by: string, comment?: string): Promise<void>;
}

/** Where the target's services are, once it is prepared. */
export interface Endpoints {
  kubeconfig: string;
  prometheusUrl: string;
  agentUrl: string;
  xrayUrl?: string;
  /** Where Alertmanager routes alerts from (for the hint when no incident opens). */
  alertmanagerUrl?: string;
  /** Whatever the target wants the report to say about itself ("local-cluster, profile fast"). */
  description: string;
  profile: 'realistic' | 'fast';
}

export interface Target {
  name: 'local' | 'eks';
  /** Makes the target usable (brings the local stack up in the right profile); says what it did. */
  prepare(options: { fast: boolean; say(line: string): void; signal: AbortSignal }): Promise<Endpoints>;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RunnerClock extends Clock {
  sleep: Sleep;
}
