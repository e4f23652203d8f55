/**
 * What a scenario run takes (options, the world's ports) and what it gives back: the RunRecord, with
 * real timestamps, from which the reports are built (report/).
 */
import type { Incident, RootCause } from '../core/types.js';
import type { RunbookSpec, ScenarioDefinition, ScenarioSpec } from '../scenarios/catalog.js';
import type { Params } from '../scenarios/render.js';
import type { executeRunbook, StepExecution } from './manual-baseline.js';
import type { AgentApi, AlarmStates, AwsEndpoints, Clock, Cluster, Endpoints, FisExperiments, Metrics, Series, Target } from './ports.js';
import type { Progress } from './progress.js';
import type { RunEvent, RunPhase } from './timeline.js';
import type { RunTimings } from './timings.js';

export interface RunOptions {
  definition: ScenarioDefinition;
  /** `--param` values as given. */
  params: Params;
  target: Target;
  fast: boolean;
  autoApprove: boolean;
  /** Live manual mode: a presenter investigates and marks each phase. */
  manual: boolean;
  /** Leave the agent's changes (raised limits, cordons) in place instead of restoring the target. */
  keepChanges: boolean;
  /** Who approves under --auto-approve (recorded in the agent's audit log). */
  approver: string;
  /** Where the runbook's outputs go (the run directory). */
  outDir: string;
  /** Where the marker of the run in progress lives for this target (guaranteed cleanup across crashes). */
  markerPath(endpoints: Endpoints): string;
  runId: string;
  timings?: Partial<RunTimings>;
}

/** How the presenter interacts: approval in the terminal, and the manual mode's key presses. */
export interface Presenter {
  /** Resolves with a line the presenter typed (Enter alone gives ""); rejects when input closes. */
  ask(question: string): Promise<string>;
}

export interface RunDeps {
  clock: Clock;
  progress: Progress;
  signal: AbortSignal;
  cluster(kubeconfig: string): Cluster;
  /** The metrics of the target; `endpoints` tell when they are AMP's (eks) rather than a Prometheus URL's. */
  metrics(prometheusUrl: string, endpoints?: Endpoints): Metrics;
  /** eks: AWS FIS and CloudWatch in the stack's account and region. */
  fis?(aws: AwsEndpoints): FisExperiments;
  alarms?(aws: AwsEndpoints): AlarmStates;
  /** The agent's API client; `endpoints` tell where its credential is (agentTokenFile). */
  agent(agentUrl: string, endpoints?: Endpoints): AgentApi;
  /** Interactive input, when there is a terminal; absent in CI. */
  presenter?: Presenter;
  /** Runs the manual runbook's steps (default: for real, in bash against the target); tests record them instead. */
  runbook?: typeof executeRunbook;
}

export interface BaselineValue {
  name: string;
  promql: string;
  value: number | null;
}

export interface RunRecord {
  runId: string;
  scenario: string;
  title: string;
  target: 'local' | 'eks';
  targetDescription: string;
  mode: 'agent' | 'manual';
  fast: boolean;
  params: Params;
  /** The scenario definition rendered with the run's params (expected root cause, criteria, metric). */
  spec: ScenarioSpec | null;
  runbook: RunbookSpec | null;
  startedAt: string;
  injectedAt: string | null;
  alert: { name: string; firedAt: string; labels: Record<string, string> } | null;
  detectedAt: string | null;
  investigationStartedAt: string | null;
  rootCauseAt: string | null;
  remediationApprovedAt: string | null;
  remediatedAt: string | null;
  resolvedAt: string | null;
  /** When the runner's own check saw the symptom gone (start of its hold). */
  symptomGoneAt: string | null;
  endedAt: string;
  outcome: 'resolved' | 'unresolved';
  failure: { phase: RunPhase; message: string } | null;
  incident: Incident | null;
  otherIncidents: string[];
  /** Root cause named by the presenter in manual mode. */
  manualRootCause: RootCause | null;
  approvedBy: string | null;
  baseline: BaselineValue[];
  afterFix: BaselineValue[];
  keyMetric: { title: string; unit: string; promql: string; series: Series[] } | null;
  manualSteps: StepExecution[];
  fault: { method: string; description: string; manifest: string } | null;
  cleanup: { actions: string[]; errors: string[]; settled: boolean };
  timeline: RunEvent[];
  agentUrl: string | null;
}
