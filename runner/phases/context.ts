/**
 * What the phases of one run share: the options and the world (ports), the record being filled in, the
 * timeline, the timings, the current phase, what earlier phases found (endpoints and adapters, the
 * rendered scenario, the fault, the target's snapshot, the incident) and the helpers every phase uses
 * (enter a phase, wait for a condition with a timeout, check for Ctrl-C).
 */
import type { Incident } from '../../core/types.js';
import type { RunbookSpec, ScenarioSpec } from '../../scenarios/catalog.js';
import { approvedAt, isFinal } from '../incidents.js';
import type { AppliedFault } from '../injection.js';
import { executeRunbook, type StepExecution } from '../manual-baseline.js';
import type { AgentApi, AlarmStates, Cluster, Endpoints, FisExperiments, Metrics } from '../ports.js';
import type { TargetSnapshot } from '../preflight.js';
import type { RunDeps, RunOptions, RunRecord } from '../run-record.js';
import { RunTimeline, type RunPhase } from '../timeline.js';
import { runTimings, type RunTimings } from '../timings.js';

/** One step of a run: entered by name (the progress line and the timeline's phase), then run. */
export interface Phase {
  readonly name: RunPhase;
  /** Work before the phase is entered (a check whose failure belongs to the phase before, a note). */
  before?(run: RunContext): void | Promise<void>;
  /** The progress line that announces the phase. */
  headline(run: RunContext): string;
  run(run: RunContext): Promise<void>;
}

/** A phase that gave up (a timeout, the agent ending the incident): the run fails with this message. */
export class PhaseFailed extends Error {
  constructor(
    readonly phase: RunPhase,
    message: string,
  ) {
    super(message);
  }
}

export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
}

/** The target's endpoints and the adapters over them, once preflight prepared the target. */
export interface Connections {
  endpoints: Endpoints;
  cluster: Cluster;
  metrics: Metrics;
  agent: AgentApi;
  /** eks: AWS FIS, to start and stop the run's experiment (`endpoints.aws.fisTemplateId`) or one a killed run left. */
  fis?: FisExperiments;
  /** eks: the scenario's CloudWatch alarm (`endpoints.aws.alarmName`). */
  alarms?: AlarmStates;
}

export class RunContext {
  readonly timings: RunTimings;
  readonly timeline: RunTimeline;
  readonly record: RunRecord;
  /** The phase the run is in (what a failure or an interruption is reported against). */
  phase: RunPhase = 'preflight';
  connections?: Connections;
  markerPath = '';
  /** The scenario's template variables, once its parameters are resolved. */
  vars: Record<string, string> = {};
  fault?: AppliedFault;
  snapshot?: TargetSnapshot;
  /** When the fault went in (epoch ms). */
  injectedMs = 0;
  /** The manual runbook, executed beside the agent for the manual baseline. */
  manualBaseline?: Promise<StepExecution[]>;
  /** Stops the manual runbook when the run ends. */
  readonly manualRunbook = new AbortController();
  /** The run's incident, as the agent last described it. */
  incident?: Incident;

  constructor(
    readonly options: RunOptions,
    readonly deps: RunDeps,
  ) {
    this.timings = { ...runTimings[options.fast ? 'fast' : 'realistic'], ...options.timings };
    this.timeline = new RunTimeline(() => deps.clock.now());
    const spec = options.definition.spec;
    this.record = emptyRecord(options, spec, this.iso());
    deps.signal.addEventListener('abort', () => this.manualRunbook.abort(), { once: true });
  }

  get clock() {
    return this.deps.clock;
  }

  get progress() {
    return this.deps.progress;
  }

  get signal(): AbortSignal {
    return this.deps.signal;
  }

  /** The target's adapters; only after preflight connected them. */
  get target(): Connections {
    if (!this.connections) throw new Error('the target is not prepared yet (preflight has not run)');
    return this.connections;
  }

  /** The scenario rendered with the run's parameters; only after preflight resolved them. */
  get spec(): ScenarioSpec {
    if (!this.record.spec) throw new Error('the scenario is not rendered yet (preflight has not run)');
    return this.record.spec;
  }

  get runbook(): RunbookSpec {
    if (!this.record.runbook) throw new Error('the runbook is not rendered yet (preflight has not run)');
    return this.record.runbook;
  }

  /** The run's incident; only after detection found it. */
  get agentIncident(): Incident {
    if (!this.incident) throw new Error('no incident yet (detection has not found it)');
    return this.incident;
  }

  iso(ms = this.clock.now()): string {
    return new Date(ms).toISOString();
  }

  enter(phase: RunPhase, text: string): void {
    this.phase = phase;
    this.progress.phase(phase, text);
  }

  checkSignal(): void {
    if (this.signal.aborted) throw new RunInterrupted(`interrupted during ${this.phase}`);
  }

  /** Polls `done` every pollMs until it holds; after `seconds`, fails phase `what` with `message()`. */
  async waitFor(seconds: number, what: RunPhase, done: () => Promise<boolean>, message: () => string): Promise<void> {
    const deadline = this.clock.now() + seconds * 1000;
    for (;;) {
      this.checkSignal();
      if (await done()) return;
      if (this.clock.now() >= deadline) throw new PhaseFailed(what, message());
      await this.pause();
    }
  }

  /** Waits one poll interval (Ctrl-C ends the wait and the run). */
  async pause(): Promise<void> {
    this.checkSignal();
    await this.clock.sleep(this.timings.pollMs, this.signal).catch(() => undefined);
    this.checkSignal();
  }

  /** Starts the manual runbook's detect, investigate and remediate steps, as an engineer paged now would. */
  startManualBaseline(): void {
    this.manualBaseline = this.executeRunbook(['detect', 'investigate', 'remediate']);
  }

  executeRunbook(phases: ('detect' | 'investigate' | 'remediate' | 'verify')[]): Promise<StepExecution[]> {
    const { endpoints } = this.target;
    return (this.deps.runbook ?? executeRunbook)(this.runbook, phases, {
      kubeconfig: endpoints.kubeconfig,
      prometheusUrl: endpoints.prometheusUrl,
      ...(endpoints.xrayUrl ? { xrayUrl: endpoints.xrayUrl } : {}),
      target: this.options.target.name,
      outDir: `${this.options.outDir}/manual`,
      signal: this.manualRunbook.signal,
    });
  }

  /** Reads the run's incident again and copies its milestones into the record. */
  async refreshIncident(): Promise<Incident> {
    const incident = await this.target.agent.getIncident(this.agentIncident.id);
    this.incident = incident;
    const record = this.record;
    record.incident = incident;
    record.detectedAt = incident.milestones.detectedAt ?? incident.createdAt;
    record.investigationStartedAt = incident.milestones.investigationStartedAt ?? null;
    record.rootCauseAt = incident.milestones.rootCauseAt ?? null;
    record.remediationApprovedAt = approvedAt(incident) ?? null;
    record.remediatedAt = incident.milestones.remediatedAt ?? null;
    record.resolvedAt = incident.status === 'resolved' ? (incident.milestones.resolvedAt ?? null) : null;
    return incident;
  }

  /** The agent closed the incident without resolving it: the run fails in the current phase, saying why. */
  failIfFinal(what: string): void {
    const incident = this.agentIncident;
    if (isFinal(incident.status) && incident.status !== 'resolved') {
      const rc = incident.rootCause;
      const named = rc ? ` (its root cause: ${rc.kind} in ${rc.target.kind} ${rc.target.name}, confidence ${rc.confidence.toFixed(2)})` : '';
      const last = [...incident.timeline].reverse().find((e) => e.source === 'agent')?.summary;
      throw new PhaseFailed(this.phase, `the agent ended incident ${incident.id} as ${incident.status} ${what}${named}${last ? `; its last note: ${last.slice(0, 200)}` : ''}; see ${this.target.endpoints.agentUrl}/incidents/${incident.id}`);
    }
  }

  /** Records why the run stopped, in the phase it stopped in. */
  fail(error: unknown): void {
    const interrupted = error instanceof RunInterrupted || this.signal.aborted;
    const phase = this.phase;
    this.record.failure = { phase: error instanceof PhaseFailed ? error.phase : phase, message: interrupted ? `interrupted during ${phase} (Ctrl-C or SIGTERM)` : (error as Error).message };
    this.timeline.add(phase, 'runner', `run failed: ${this.record.failure.message}`);
    this.progress.note(`${phase} failed: ${this.record.failure.message}`);
    if (!interrupted && !(error instanceof PhaseFailed) && !isExpected(error)) this.progress.note((error as Error).stack ?? String(error));
  }
}

function isExpected(error: unknown): boolean {
  return ['ScenarioError', 'TargetUnavailable', 'PreflightFailed'].includes((error as Error)?.name);
}

function emptyRecord(options: RunOptions, spec: ScenarioSpec, startedAt: string): RunRecord {
  return {
    runId: options.runId,
    scenario: spec.name,
    title: spec.title,
    target: options.target.name,
    targetDescription: '',
    mode: options.manual ? 'manual' : 'agent',
    fast: options.fast,
    params: {},
    spec: null,
    runbook: null,
    startedAt,
    injectedAt: null,
    alert: null,
    detectedAt: null,
    investigationStartedAt: null,
    rootCauseAt: null,
    remediationApprovedAt: null,
    remediatedAt: null,
    resolvedAt: null,
    symptomGoneAt: null,
    endedAt: '',
    outcome: 'unresolved',
    failure: null,
    incident: null,
    otherIncidents: [],
    manualRootCause: null,
    approvedBy: null,
    baseline: [],
    afterFix: [],
    keyMetric: null,
    manualSteps: [],
    fault: null,
    cleanup: { actions: [], errors: [], settled: false },
    timeline: [],
    agentUrl: null,
  };
}
