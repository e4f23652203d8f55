/**
 * A run context for the unit tests of one phase: the stubs of stubs.ts in memory (cluster, metrics, an
 * agent without HTTP, the scripted clock), progress recorded line by line, and the scenario rendered as
 * preflight renders it, so a test can run one phase (or a few) and look at the record, the timeline and
 * what the world saw.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Action, Incident } from '../../../core/types.js';
import { RunContext, type Phase } from '../../../runner/phases/context.js';
import type { AgentApi, Endpoints, IncidentSummary, RunOnIncident, Target } from '../../../runner/ports.js';
import type { Progress } from '../../../runner/progress.js';
import type { Presenter, RunOptions } from '../../../runner/run-record.js';
import { loadScenario } from '../../../scenarios/catalog.js';
import { renderDeep, resolveParams, templateVariables } from '../../../scenarios/render.js';
import { FakeCluster, ScriptedClock, ScriptedMetrics } from './stubs.js';

/** The agent's API over a map of incidents, with the decisions it was sent. */
export class MemoryAgent implements AgentApi {
  readonly url = 'http://agent.test';
  readonly incidents = new Map<string, Incident>();
  readonly decisions: { incidentId: string; actionId: string; decision: 'approve' | 'reject'; by: string }[] = [];
  onDecision?: (incident: Incident, action: Action, decision: 'approve' | 'reject') => void;

  constructor(private readonly now: () => number) {}

  async healthy(): Promise<boolean> {
    return true;
  }

  async listIncidents(): Promise<IncidentSummary[]> {
    return [...this.incidents.values()].map((i) => ({ id: i.id, title: i.title, status: i.status, createdAt: i.createdAt, updatedAt: i.updatedAt, ...(i.target ? { target: i.target } : {}), pendingActions: i.actions.filter((a) => a.status === 'proposed').map((a) => a.id) }));
  }

  async getIncident(id: string): Promise<Incident> {
    const incident = this.incidents.get(id);
    if (!incident) throw new Error(`no incident ${id}`);
    return structuredClone(incident);
  }

  async decide(incidentId: string, actionId: string, decision: 'approve' | 'reject', by: string): Promise<void> {
    const incident = this.incidents.get(incidentId)!;
    const action = incident.actions.find((a) => a.id === actionId)!;
    const verdict = decision === 'approve' ? 'approved' : 'rejected';
    action.status = verdict;
    action.approval = { actionId, decision: verdict, by, at: new Date(this.now()).toISOString() };
    this.decisions.push({ incidentId, actionId, decision, by });
    this.onDecision?.(incident, action, decision);
  }

  /** The runs recorded on incidents (PUT /incidents/:id/run), in order. */
  readonly runs: ({ incidentId: string } & RunOnIncident)[] = [];
  /** A refusal to answer recordRun with (an older agent, a bad body). */
  refuseRuns?: Error;

  async recordRun(incidentId: string, run: RunOnIncident): Promise<void> {
    if (this.refuseRuns) throw this.refuseRuns;
    if (!this.incidents.has(incidentId)) throw new Error(`no incident ${incidentId}`);
    this.runs.push({ incidentId, ...run });
  }
}

/** Progress as a list of calls: ['phase', name, text], ['status', text], ['note', text], ['stop']. */
export class RecordingProgress implements Progress {
  readonly calls: string[][] = [];
  phase(name: string, text: string): void {
    this.calls.push(['phase', name, text]);
  }
  status(text: string): void {
    this.calls.push(['status', text]);
  }
  note(text: string): void {
    this.calls.push(['note', text]);
  }
  stop(): void {
    this.calls.push(['stop']);
  }
  notes(): string[] {
    return this.calls.filter((c) => c[0] === 'note').map((c) => c[1]!);
  }
}

export interface PhaseWorld {
  clock: ScriptedClock;
  cluster: FakeCluster;
  metrics: ScriptedMetrics;
  agent: MemoryAgent;
  progress: RecordingProgress;
  dir: string;
  endpoints: Endpoints;
  run: RunContext;
  /** Enters the phase and runs it, as runScenario does. */
  enter(phase: Phase): Promise<void>;
}

/** A run of `scenario` past preflight (connected, parameters resolved, scenario rendered), nothing injected yet. */
export function phaseWorld(options: { scenario?: string; params?: Record<string, string>; overrides?: Partial<RunOptions>; presenter?: Presenter; signal?: AbortSignal } = {}): PhaseWorld {
  const clock = new ScriptedClock();
  const cluster = new FakeCluster();
  const metrics = new ScriptedMetrics();
  const agent = new MemoryAgent(() => clock.now());
  const progress = new RecordingProgress();
  const dir = mkdtempSync(join(tmpdir(), 'run-phase-'));
  const endpoints: Endpoints = { kubeconfig: join(dir, 'kubeconfig'), prometheusUrl: 'http://prometheus.test', agentUrl: agent.url, description: 'stub target', profile: 'fast' };
  const target: Target = { name: 'local', prepare: async () => endpoints };
  const definition = loadScenario(options.scenario ?? 'memory-leak');
  const runOptions: RunOptions = {
    definition,
    params: options.params ?? {},
    target,
    fast: true,
    autoApprove: true,
    manual: false,
    keepChanges: false,
    approver: 'test-approver',
    outDir: join(dir, 'out'),
    markerPath: () => join(dir, 'marker.json'),
    runId: 'test-run',
    ...options.overrides,
  };
  const run = new RunContext(runOptions, {
    clock,
    progress,
    signal: options.signal ?? new AbortController().signal,
    cluster: () => cluster,
    metrics: () => metrics,
    agent: () => agent,
    ...(options.presenter ? { presenter: options.presenter } : {}),
  });
  run.connections = { endpoints, cluster, metrics, agent };
  run.markerPath = join(dir, 'marker.json');
  const params = resolveParams(definition.spec, runOptions.params, { fast: true, target: 'local' });
  run.record.params = params;
  run.vars = templateVariables(params, { runId: runOptions.runId, chaosName: `${definition.spec.name}-${runOptions.runId}`, safetyTimeoutMs: run.timings.safetyTimeoutSeconds * 1000 });
  run.record.spec = renderDeep(definition.spec, run.vars, 'scenario.yaml');
  run.record.runbook = renderDeep(definition.runbook, run.vars, 'runbook.yaml');
  return {
    clock,
    cluster,
    metrics,
    agent,
    progress,
    dir,
    endpoints,
    run,
    async enter(phase) {
      await phase.before?.(run);
      run.enter(phase.name, phase.headline(run));
      await phase.run(run);
    },
  };
}
