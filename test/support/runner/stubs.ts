/**
 * Stand-ins for the runner's unit tests: a stub DevOps agent (a real HTTP server honouring the API
 * contract of DESIGN.md: GET /healthz, GET /incidents, GET /incidents/:id, POST .../approve|reject,
 * PUT /incidents/:id/run) whose
 * incident moves through its milestones as the test scripts it, an in-memory cluster, scripted metrics
 * and core's ManualClock (sleep advances time at once) with a hook for the test's script.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '../../../core/clock.js';
import type { Action, Incident } from '../../../core/types.js';
import type { AlarmStates, AlarmStateValue, ChaosObjectSummary, ChaosRef, Cluster, DeploymentSummary, ExperimentState, ExperimentStatus, FiringAlert, FisExperiments, InstantValue, Metrics, NodeSummary, PodSummary, Series } from '../../../runner/ports.js';

export class StubAgent {
  readonly incidents = new Map<string, Incident>();
  readonly decisions: { incidentId: string; actionId: string; decision: string; by: string }[] = [];
  /** The bodies of PUT /incidents/:id/run, as sent. */
  readonly runs: { incidentId: string; body: unknown }[] = [];
  private server?: Server;
  url = '';
  /** Called on every approval, to let the test advance the incident (execute, verify...). */
  onDecision?: (incident: Incident, action: Action, decision: 'approved' | 'rejected') => void;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const send = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        const path = (req.url ?? '').split('?')[0]!;
        if (req.method === 'GET' && path === '/healthz') return send(200, { status: 'ok' });
        if (req.method === 'GET' && path === '/incidents') {
          const items = [...this.incidents.values()].map((i) => ({ id: i.id, title: i.title, status: i.status, createdAt: i.createdAt, updatedAt: i.updatedAt, ...(i.target ? { target: i.target } : {}), pendingActions: i.actions.filter((a) => a.status === 'proposed').map((a) => a.id) }));
          return send(200, { items: items.reverse() });
        }
        const incidentMatch = /^\/incidents\/([^/]+)$/.exec(path);
        if (req.method === 'GET' && incidentMatch) {
          const incident = this.incidents.get(decodeURIComponent(incidentMatch[1]!));
          return incident ? send(200, { ...incident, workflow: null }) : send(404, { error: 'incident not found' });
        }
        const decision = /^\/incidents\/([^/]+)\/actions\/([^/]+)\/(approve|reject)$/.exec(path);
        if (req.method === 'POST' && decision) {
          const incident = this.incidents.get(decision[1]!);
          const action = incident?.actions.find((a) => a.id === decision[2]);
          let parsed: { by?: string } = {};
          try {
            parsed = JSON.parse(body || '{}') as { by?: string };
          } catch {
            return send(400, { error: 'body is not JSON' });
          }
          if (!parsed.by) return send(400, { error: 'by is required' });
          if (!incident || !action) return send(404, { error: 'no such action' });
          if (action.status !== 'proposed') return send(409, { error: `action is ${action.status}` });
          const verdict = decision[3] === 'approve' ? 'approved' : 'rejected';
          action.status = verdict;
          action.approval = { actionId: action.id, decision: verdict, by: parsed.by, at: new Date(this.now()).toISOString() };
          this.decisions.push({ incidentId: incident.id, actionId: action.id, decision: verdict, by: parsed.by });
          this.onDecision?.(incident, action, verdict);
          return send(200, { incidentId: incident.id, action });
        }
        const runMatch = /^\/incidents\/([^/]+)\/run$/.exec(path);
        if (req.method === 'PUT' && runMatch) {
          const incident = this.incidents.get(decodeURIComponent(runMatch[1]!));
          let parsed: { runId?: unknown; scenario?: unknown; reportDir?: unknown };
          try {
            parsed = JSON.parse(body || '{}') as typeof parsed;
          } catch {
            return send(400, { error: 'body is not JSON' });
          }
          if (!/^application\/json/.test(req.headers['content-type'] ?? '')) return send(415, { error: 'JSON only' });
          if (typeof parsed.runId !== 'string' || typeof parsed.scenario !== 'string' || typeof parsed.reportDir !== 'string' || !parsed.reportDir.startsWith('/')) return send(400, { error: 'runId, scenario and an absolute reportDir are required' });
          if (!incident) return send(404, { error: 'incident not found' });
          this.runs.push({ incidentId: incident.id, body: parsed });
          incident.run = { runId: parsed.runId, scenario: parsed.scenario, reportDir: parsed.reportDir, recordedBy: 'stub-operator', recordedAt: new Date(this.now()).toISOString() };
          return send(200, { incidentId: incident.id, run: incident.run });
        }
        send(404, { error: `no route ${req.method} ${path}` });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  constructor(private readonly now: () => number = Date.now) {}

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

export function newIncident(id: string, at: string, fields: Partial<Incident> = {}): Incident {
  return { id, title: `incident ${id}`, status: 'investigating', severity: 'critical', createdAt: at, updatedAt: at, alertIds: [], findings: [], hypotheses: [], actions: [], timeline: [], gaps: [], milestones: { detectedAt: at, investigationStartedAt: at }, ...fields };
}

export function proposedAction(id: string, kind: Action['kind'], name: string, at: string, requiresApproval = true): Action {
  const target = kind.endsWith('node') ? { kind: 'Node' as const, name } : { kind: 'Deployment' as const, namespace: 'petadoptions', name };
  return { id, kind, target, params: {}, rationale: `${kind} of ${name}`, risk: requiresApproval ? 'medium' : 'low', requiresApproval, status: 'proposed', rollback: { description: 'undo it' }, createdAt: at, expiresAt: at, dryRun: { method: 'server-side', diff: [`~ ${kind}`], warnings: [] } };
}

/**
 * Core's ManualClock (every sleep moves time forward at once: a 10-minute run takes milliseconds) that
 * also tells the test's script each new time, so the world can change as the run waits.
 */
export class ScriptedClock extends ManualClock {
  readonly listeners: ((now: number) => void)[] = [];

  override advance(ms: number): number {
    const now = super.advance(ms);
    for (const listener of this.listeners) listener(now);
    return now;
  }
}

/** A pod as the cluster lists it, Running and ready unless `fields` say otherwise. */
export function fakePod(name: string, node: string, fields: Partial<PodSummary> = {}): PodSummary {
  const app = name.replace(/-[^-]+$/, '');
  return { namespace: 'petadoptions', name, node, phase: 'Running', ready: true, restarts: 0, labels: { app }, createdAt: '2026-11-25T08:00:00Z', containers: [{ name: app, image: `${app}:1`, requests: {}, limits: {} }], ...fields };
}

export class FakeCluster implements Cluster {
  chaos: (ChaosObjectSummary & { manifest?: Record<string, unknown> })[] = [];
  deployments: DeploymentSummary[] = ['petsite', 'petsearch', 'payforadoption', 'petlistadoptions', 'pethistory', 'trafficgenerator'].map((name) => ({
    namespace: 'petadoptions',
    name,
    replicas: 2,
    availableReplicas: 2,
    updatedReplicas: 2,
    revision: '3',
    selector: { app: name },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, env: [{ name: 'SOME_URL', value: 'http://x.example' }] }] } },
    containers: [{ name, env: [{ name: 'SOME_URL', value: 'http://x.example' }], resources: { limits: { cpu: '250m', memory: '256Mi' } } }],
  }));
  nodes: NodeSummary[] = ['node-a', 'node-b', 'node-c'].map((name) => ({ name, unschedulable: false, ready: true, conditions: { Ready: 'True', MemoryPressure: 'False' }, taints: [], allocatable: { cpu: '2', memory: '7Gi' } }));
  pods: PodSummary[] = [fakePod('petsite-1', 'node-b'), fakePod('petsearch-1', 'node-b'), fakePod('pethistory-1', 'node-a')];
  readonly log: string[] = [];

  async listChaos() {
    return this.chaos.map(({ manifest: _m, ...rest }) => rest);
  }
  async createChaos(manifest: Record<string, unknown>): Promise<ChaosRef> {
    const metadata = manifest.metadata as { name: string; namespace: string; labels?: Record<string, string> };
    const ref = { kind: manifest.kind as ChaosRef['kind'], namespace: metadata.namespace, name: metadata.name };
    this.chaos.push({ ...ref, labels: metadata.labels ?? {}, createdAt: '', recovered: false, manifest });
    this.log.push(`create ${ref.kind} ${ref.name}`);
    return ref;
  }
  async deleteChaos(ref: ChaosRef) {
    this.chaos = this.chaos.filter((c) => !(c.kind === ref.kind && c.namespace === ref.namespace && c.name === ref.name));
    this.log.push(`delete ${ref.kind} ${ref.name}`);
  }
  async listDeployments() {
    return structuredClone(this.deployments);
  }
  async getDeployment(_namespace: string, name: string) {
    return structuredClone(this.deployments.find((d) => d.name === name));
  }
  async patchDeployment(_namespace: string, name: string, patch: unknown, type: string) {
    this.log.push(`patch ${type} ${name} ${JSON.stringify(patch)}`);
    const d = this.deployments.find((x) => x.name === name)!;
    if (type === 'json') d.template = (patch as { value: Record<string, unknown> }[])[0]!.value;
    if (type === 'strategic') {
      const p = patch as { spec?: { replicas?: number; template?: { spec?: { containers?: { name: string; env?: { name: string; value: string }[]; resources?: DeploymentSummary['containers'][number]['resources'] }[] } } } };
      if (p.spec?.replicas !== undefined) d.replicas = p.spec.replicas;
      for (const c of p.spec?.template?.spec?.containers ?? []) {
        const container = d.containers.find((x) => x.name === c.name)!;
        if (c.resources) container.resources = c.resources;
        if (c.env) {
          container.env = [...container.env.filter((e) => !c.env!.some((n) => n.name === e.name)), ...c.env];
          d.template = { ...d.template, spec: { containers: [{ name: c.name, env: container.env }] } };
        }
      }
    }
  }
  async listNodes() {
    return structuredClone(this.nodes);
  }
  async setUnschedulable(node: string, value: boolean) {
    this.nodes.find((n) => n.name === node)!.unschedulable = value;
    this.log.push(`${value ? 'cordon' : 'uncordon'} ${node}`);
  }
  async listPods() {
    return structuredClone(this.pods);
  }
  async deletePod(_namespace: string, name: string) {
    this.pods = this.pods.filter((p) => p.name !== name);
    this.log.push(`delete pod ${name}`);
  }
}

export class ScriptedMetrics implements Metrics {
  firing: FiringAlert[] = [];
  /** PromQL substring -> values; unmatched queries return one value of 1 except recovery checks. */
  answers = new Map<string, InstantValue[]>();
  queries: string[] = [];
  async query(promql: string): Promise<InstantValue[]> {
    this.queries.push(promql);
    for (const [needle, values] of this.answers) if (promql.includes(needle)) return values;
    return promql.includes('> 0') || promql.includes('== ') ? [] : [{ labels: {}, value: 1, t: 0 }];
  }
  async queryRange(_promql: string, start: number, end: number, step: number): Promise<Series[]> {
    const samples: Series['samples'] = [];
    for (let t = start; t <= end; t += step) samples.push({ t, v: 100 + (t - start) / 10 });
    return [{ labels: { pod: 'petlistadoptions-abc' }, samples }];
  }
  async alerts(): Promise<FiringAlert[]> {
    return this.firing;
  }
}

/** AWS FIS in memory: experiments move through the statuses the test scripts (`next`); every call logged. */
export class FakeFis implements FisExperiments {
  readonly log: string[] = [];
  readonly experiments = new Map<string, ExperimentState>();
  /** The statuses GetExperiment answers in turn for a new experiment (then the last one stays). */
  next: ExperimentStatus[] = ['initiating', 'running'];
  startError?: Error;
  private queue: ExperimentStatus[] = [];
  reason?: string;

  async start(templateId: string, options: { clientToken: string; tags: Record<string, string> }): Promise<ExperimentState> {
    this.log.push(`start ${templateId} ${options.clientToken}`);
    if (this.startError) throw this.startError;
    const state: ExperimentState = { id: 'EXPhjAXCGY78HV2a4A', status: 'pending' };
    this.experiments.set(state.id, state);
    this.queue = [...this.next];
    return { ...state };
  }
  /** The statuses the next GetExperiment calls answer, from now on. */
  answer(...statuses: ExperimentStatus[]): void {
    this.queue = statuses;
  }
  async get(id: string): Promise<ExperimentState> {
    this.log.push(`get ${id}`);
    const state = this.experiments.get(id);
    if (!state) throw new Error(`fis GetExperiment failed: ResourceNotFoundException: Experiment ${id} not found.`);
    if (this.queue.length) state.status = this.queue.shift()!;
    if (this.reason) state.reason = this.reason;
    return { ...state };
  }
  async stop(id: string): Promise<ExperimentState> {
    this.log.push(`stop ${id}`);
    const state = this.experiments.get(id)!;
    state.status = 'stopping';
    this.queue = ['stopped'];
    return { ...state };
  }
}

/** CloudWatch alarms in memory: the test sets each alarm's state. */
export class FakeAlarms implements AlarmStates {
  readonly values = new Map<string, AlarmStateValue>();
  async state(name: string) {
    const value = this.values.get(name);
    return value ? { name, value, reason: value === 'ALARM' ? 'Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (90.0).' : 'Threshold Crossed: no datapoints were greater than the threshold (90.0).', updatedAt: '2026-12-06T15:20:41.118Z' } : undefined;
  }
}
