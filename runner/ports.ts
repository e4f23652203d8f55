/**
 * What `run-scenario` needs from the world, in one place: the cluster (faults, deployments, nodes), the
 * metrics (PromQL, alerts), the agent (incidents, approvals), the target's lifecycle, the clock and the
 * terminal. Adapters sit beside this file (kube.ts, prometheus.ts, agent-client.ts, local-target.ts,
 * eks-target.ts); tests hand in fakes and a stub agent. The clock is core's (sleep included).
 */
import type { Incident, ResourceRef } from '../core/types.js';
import type { ChaosKindName } from '../lib/chaos-mesh/registry.js';
import type { DeploymentSummary, NodeSummary, PodSummary } from '../lib/kubernetes/summaries.js';
import type { InstantValue, Series } from '../lib/prometheus/series.js';

// The runner's view of the cluster and the metrics speaks the kit's shared types.
export type { ContainerSpecSummary, DeploymentSummary, NodeSummary, PodSummary } from '../lib/kubernetes/summaries.js';
export type { InstantValue, Series } from '../lib/prometheus/series.js';
export type { Clock } from '../core/clock.js';

/** A Chaos Mesh kind of the registry (lib/chaos-mesh/registry.ts). */
export type ChaosKind = ChaosKindName;

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

export interface FiringAlert {
  name: string;
  state: 'pending' | 'firing';
  labels: Record<string, string>;
  activeAt: string;
}

export interface Metrics {
  query(promql: string): Promise<InstantValue[]>;
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
  /** Tells the agent which run caused the incident (PUT /incidents/:id/run): its console links the report. */
  recordRun(incidentId: string, run: RunOnIncident): Promise<void>;
}

/** The run as the agent records it on its incident (`reportDir` absolute, on the runner's machine). */
export interface RunOnIncident {
  runId: string;
  scenario: string;
  reportDir: string;
}

/** Where the target's services are, once it is prepared. */
export interface Endpoints {
  kubeconfig: string;
  prometheusUrl: string;
  agentUrl: string;
  /**
   * A 0600 file holding the operator token the runner approves with (`local-cluster status --json`'s
   * `agentTokenFile`, or `--agent-token-file`); printed commands read it, never show the token.
   */
  agentTokenFile?: string;
  xrayUrl?: string;
  /** Where Alertmanager routes alerts from (for the hint when no incident opens). */
  alertmanagerUrl?: string;
  /** Whatever the target wants the report to say about itself ("local-cluster, profile fast"). */
  description: string;
  profile: 'realistic' | 'fast';
  /** eks: the stack's resources for this run (its outputs); absent on the local target. */
  aws?: AwsEndpoints;
}

/** What the eks stack's outputs say about this run's scenario, and where the AWS APIs are. */
export interface AwsEndpoints {
  region: string;
  accountId: string;
  stackName: string;
  /** The stack's FIS experiment template of the scenario (`FisTemplate<Scenario>`), when the run injects through FIS. */
  fisTemplateId?: string;
  /** The scenario's CloudWatch alarm (`Alarm<Scenario>`): a detection signal besides the agent's incident. */
  alarmName?: string;
  /** The stack's AMP workspace (`AmpWorkspaceId`), when the run reads its metrics there (SigV4) rather than from --prometheus-url. */
  ampWorkspaceId?: string;
}

export interface Target {
  name: 'local' | 'eks';
  /** Makes the target usable (brings the local stack up in the right profile); says what it did. */
  prepare(options: { fast: boolean; say(line: string): void; signal: AbortSignal }): Promise<Endpoints>;
  /** Gives back what prepare opened (eks: the port-forward to the agent, the token file); the last step of cleanup. */
  release?(): Promise<void>;
}

/** A FIS experiment's lifecycle state (the API's `experiment.state.status`). */
export type ExperimentStatus = 'pending' | 'initiating' | 'running' | 'completed' | 'stopping' | 'stopped' | 'failed' | 'cancelled';

export interface ExperimentState {
  id: string;
  status: ExperimentStatus;
  reason?: string;
}

/** AWS FIS experiments of the stack's templates (eks, `--injector fis`). */
export interface FisExperiments {
  /** StartExperiment; `clientToken` makes a retried start the same experiment. */
  start(templateId: string, options: { clientToken: string; tags: Record<string, string> }): Promise<ExperimentState>;
  get(experimentId: string): Promise<ExperimentState>;
  /** StopExperiment; an experiment that has ended already is left as it is. */
  stop(experimentId: string): Promise<ExperimentState>;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** CloudWatch alarms (eks): the scenario's alarm is a detection signal. */
export interface AlarmStates {
  /** The alarm now; undefined when it does not exist. */
  state(alarmName: string): Promise<{ name: string; value: AlarmStateValue; reason: string; updatedAt: string } | undefined>;
}
