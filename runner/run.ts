/**
 * One scenario run, start to finish: preflight, healthy baseline, injection, then the incident's phases
 * as the agent lives them (detect, investigate, approve, remediate, verify) or, with `manual`, as a
 * presenter marks them, and always the cleanup. Returns a RunRecord with real timestamps; reports are
 * built from it (report/).
 *
 * Every wait has a timeout with a message that says what did not happen and where to look. Whatever
 * ends the run (success, a phase timing out, an error, Ctrl-C through `signal`), the `finally` removes
 * the fault, withdraws the run's pending approvals and puts the target back as it was.
 */
import type { Incident, RootCause } from '../core/types.js';
import type { RunbookSpec, ScenarioDefinition, ScenarioSpec } from '../scenarios/catalog.js';
import { renderDeep, resolveParams, templateVariables, type Params } from '../scenarios/render.js';
import { approvedAt, incidentsSince, isFinal, pendingApprovals } from './incidents.js';
import { applyFault, clearMarker, prepareFault, planFault, removeFault, writeMarker, type AppliedFault } from './injection.js';
import { executeRunbook, type StepExecution } from './manual-baseline.js';
import { resolveClusterParams } from './params.js';
import type { AgentApi, Cluster, Endpoints, FiringAlert, Metrics, RunnerClock, Series, Target } from './ports.js';
import { preflight, snapshotTarget, restoreTarget, waitUntilSettled, type TargetSnapshot } from './preflight.js';
import type { Progress } from './progress.js';
import { firingDetectionAlert, remainingSymptoms } from './recovery.js';
import { RunTimeline, type RunEvent, type RunPhase } from './timeline.js';
import { runTimings, type RunTimings } from './timings.js';

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
  clock: RunnerClock;
  progress: Progress;
  signal: AbortSignal;
  cluster(kubeconfig: string): Cluster;
  metrics(prometheusUrl: string): Metrics;
  agent(agentUrl: string): AgentApi;
  /** Interactive input, when there is a terminal; absent in CI. */
  presenter?: Presenter;
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

class PhaseFailed extends Error {
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

export async function runScenario(options: RunOptions, deps: RunDeps): Promise<RunRecord> {
  const { clock, progress, signal } = deps;
  const timings: RunTimings = { ...runTimings[options.fast ? 'fast' : 'realistic'], ...options.timings };
  const iso = (ms = clock.now()) => new Date(ms).toISOString();
  const timeline = new RunTimeline(() => clock.now());
  const spec0 = options.definition.spec;
  const record: RunRecord = {
    runId: options.runId,
    scenario: spec0.name,
    title: spec0.title,
    target: options.target.name,
    targetDescription: '',
    mode: options.manual ? 'manual' : 'agent',
    fast: options.fast,
    params: {},
    spec: null,
    runbook: null,
    startedAt: iso(),
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

  let phase: RunPhase = 'preflight';
  const enter = (next: RunPhase, text: string) => {
    phase = next;
    progress.phase(next, text);
  };
  const checkSignal = () => {
    if (signal.aborted) throw new RunInterrupted(`interrupted during ${phase}`);
  };
  const sleep = async () => {
    checkSignal();
    await clock.sleep(timings.pollMs, signal).catch(() => undefined);
    checkSignal();
  };

  let endpoints: Endpoints | undefined;
  let cluster: Cluster | undefined;
  let metrics: Metrics | undefined;
  let agent: AgentApi | undefined;
  let fault: AppliedFault | undefined;
  let snapshot: TargetSnapshot | undefined;
  let manualBaseline: Promise<StepExecution[]> | undefined;
  let markerPath = '';
  const manualController = new AbortController();
  signal.addEventListener('abort', () => manualController.abort(), { once: true });

  try {
    // -- preflight --------------------------------------------------------------------------------
    enter('preflight', `preparing the ${options.target.name} target`);
    const given = resolveParams(spec0, options.params, { fast: options.fast, target: options.target.name });
    endpoints = await options.target.prepare({ fast: options.fast, say: (line) => progress.note(line), signal });
    record.targetDescription = endpoints.description;
    record.agentUrl = endpoints.agentUrl;
    cluster = deps.cluster(endpoints.kubeconfig);
    metrics = deps.metrics(endpoints.prometheusUrl);
    agent = deps.agent(endpoints.agentUrl);
    progress.status('checking the cluster, Prometheus, the agent and leftovers of earlier runs');
    markerPath = options.markerPath(endpoints);
    const checks = await preflight({ cluster, metrics, agent, markerPath, manual: options.manual, settleSeconds: timings.settleSeconds, minPodAgeSeconds: timings.metricsWindowSeconds, clock, signal, say: (line) => progress.note(line) });
    for (const line of checks) timeline.add('preflight', 'runner', line);
    checkSignal();

    const params = await resolveClusterParams(spec0, given, cluster);
    record.params = params;
    const vars = templateVariables(params, { runId: options.runId, chaosName: `${spec0.name}-${options.runId}`.slice(0, 63), safetyTimeoutMs: timings.safetyTimeoutSeconds * 1000 });
    const spec = renderDeep(spec0, vars, `${spec0.name}/scenario.yaml`);
    const runbook = renderDeep(options.definition.runbook, vars, `${spec0.name}/${spec0.runbook}`);
    record.spec = spec;
    record.runbook = runbook;
    record.title = spec.title;

    // -- healthy baseline ---------------------------------------------------------------------------
    enter('baseline', 'measuring the healthy baseline');
    record.baseline = await measure(metrics, spec.baseline);
    snapshot = await snapshotTarget(cluster);
    timeline.add('baseline', 'runner', `baseline: ${record.baseline.map((b) => `${b.name} ${format(b.value)}`).join('; ')}`);

    // -- injection ------------------------------------------------------------------------------------
    enter('inject', `injecting ${spec.name} (${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(', ')})`);
    const planned = planFault(options.definition, options.target.name, vars);
    fault = await prepareFault(cluster, planned);
    writeMarker(markerPath, { runId: options.runId, scenario: spec.name, pid: process.pid, startedAt: record.startedAt, kubeconfig: endpoints.kubeconfig, fault });
    checkSignal();
    await applyFault(cluster, fault);
    const injectedMs = clock.now();
    record.injectedAt = iso(injectedMs);
    record.fault = { method: planned.method, description: describeFault(fault), manifest: planned.text };
    timeline.add('inject', 'runner', `fault injected: ${describeFault(fault)}`);
    progress.note(`fault injected: ${describeFault(fault)} ${fault.method === 'chaos-mesh' ? `(Chaos Mesh removes it by itself after ${Math.round(timings.safetyTimeoutSeconds / 60)} min at the latest)` : '(rolled back at cleanup, or by the next run if this one dies)'}`);

    const startManualBaseline = (ep: Endpoints) => {
      manualBaseline = executeRunbook(runbook, ['detect', 'investigate', 'remediate'], {
        kubeconfig: ep.kubeconfig,
        prometheusUrl: ep.prometheusUrl,
        ...(ep.xrayUrl ? { xrayUrl: ep.xrayUrl } : {}),
        target: options.target.name,
        outDir: `${options.outDir}/manual`,
        signal: manualController.signal,
      });
    };

    // -- detection ------------------------------------------------------------------------------------
    enter('detect', `waiting for ${spec.detection.alerts.join(' / ')} to fire`);
    const watchAlert = async (): Promise<FiringAlert | undefined> => {
      if (record.alert) return undefined;
      const alert = await firingDetectionAlert(spec, metrics!);
      if (alert) {
        record.alert = { name: alert.name, firedAt: iso(), labels: alert.labels };
        timeline.add('detect', 'prometheus', `alert ${alert.name} firing${alert.labels.pod ? ` for ${alert.labels.pod}` : alert.labels.node ? ` for ${alert.labels.node}` : ''}`, { data: { labels: alert.labels, activeAt: alert.activeAt } });
        progress.note(`alert ${alert.name} is firing`);
        if (!options.manual) startManualBaseline(endpoints!);
      }
      return alert;
    };

    if (options.manual) {
      await waitFor(timings.detectSeconds, 'detect', async () => Boolean(await watchAlert()), () => `no alert of ${spec.detection.alerts.join(', ')} fired for ${JSON.stringify(spec.detection.labels)} within ${timings.detectSeconds} s; check ${endpoints!.prometheusUrl}/alerts and that the fault is active`);
      record.detectedAt = record.alert!.firedAt;
      await runManualPhases();
    } else {
      let incidentId: string | undefined;
      const ignored = new Set<string>();
      await waitFor(
        timings.detectSeconds,
        'detect',
        async () => {
          await watchAlert();
          const incidents = await incidentsSince(agent!, injectedMs);
          const ours = incidents.find((i) => i.target && spec.detection.incidentTargets.includes(i.target.name));
          for (const other of incidents) {
            if (other === ours || ignored.has(other.id)) continue;
            ignored.add(other.id);
            timeline.add('detect', 'agent', `incident ${other.id} opened about ${other.target ? `${other.target.kind} ${other.target.name}` : 'no target'}, not this scenario's (${spec.detection.incidentTargets.join(', ')}); left alone`);
            progress.note(`(incident ${other.id} about ${other.target?.name ?? '?'} is not this run's; ignored)`);
          }
          if (ours) incidentId = ours.id;
          progress.status(record.alert ? `alert ${record.alert.name} fired; waiting for the agent to open an incident` : `waiting for ${spec.detection.alerts.join(' / ')} to fire`);
          return Boolean(incidentId);
        },
        () =>
          record.alert
            ? `alert ${record.alert.name} fired at ${record.alert.firedAt} but the agent opened no incident about ${spec.detection.incidentTargets.join(' or ')} within ${timings.detectSeconds} s; is Alertmanager routing to ${endpoints!.agentUrl}/webhooks/alertmanager? (check the agent's log${endpoints!.alertmanagerUrl ? ` and ${endpoints!.alertmanagerUrl}/#/alerts` : ' and Alertmanager'})`
            : `no alert of ${spec.detection.alerts.join(', ')} fired and the agent opened no incident within ${timings.detectSeconds} s; check ${endpoints!.prometheusUrl}/alerts and that the fault is active (kubectl get stresschaos,networkchaos -A)`,
      );
      let incident = await agent.getIncident(incidentId!);
      if (!record.alert) {
        // The agent was paged first (or by another alert about the same objects, e.g. a warning that
        // fires before the scenario's own): that page is when an engineer would start too.
        timeline.add('detect', 'runner', `incident ${incident.id} opened before any of ${spec.detection.alerts.join(', ')} fired (${incident.title}); the manual runbook starts now`);
        startManualBaseline(endpoints!);
      }
      const refresh = async () => {
        incident = await agent!.getIncident(incidentId!);
        record.incident = incident;
        record.detectedAt = incident.milestones.detectedAt ?? incident.createdAt;
        record.investigationStartedAt = incident.milestones.investigationStartedAt ?? null;
        record.rootCauseAt = incident.milestones.rootCauseAt ?? null;
        record.remediationApprovedAt = approvedAt(incident) ?? null;
        record.remediatedAt = incident.milestones.remediatedAt ?? null;
        record.resolvedAt = incident.status === 'resolved' ? (incident.milestones.resolvedAt ?? null) : null;
        return incident;
      };
      await refresh();
      timeline.add('detect', 'agent', `incident ${incident.id} opened: ${incident.title}`, { at: record.detectedAt ?? undefined });
      progress.note(`incident ${incident.id} opened: ${incident.title}`);
      const failIfFinal = (what: string) => {
        if (isFinal(incident.status) && incident.status !== 'resolved') {
          const rc = incident.rootCause;
          const named = rc ? ` (its root cause: ${rc.kind} in ${rc.target.kind} ${rc.target.name}, confidence ${rc.confidence.toFixed(2)})` : '';
          const last = [...incident.timeline].reverse().find((e) => e.source === 'agent')?.summary;
          throw new PhaseFailed(phase, `the agent ended incident ${incident.id} as ${incident.status} ${what}${named}${last ? `; its last note: ${last.slice(0, 200)}` : ''}; see ${endpoints!.agentUrl}/incidents/${incident.id}`);
        }
      };

      // -- investigation -------------------------------------------------------------------------------
      enter('investigate', `the agent investigates (playbook ${incident.playbook ?? '?'})`);
      await waitFor(
        timings.investigateSeconds,
        'investigate',
        async () => {
          await refresh();
          if (incident.rootCause) return true;
          failIfFinal('before naming a root cause');
          progress.status(`the agent investigates (${incident.findings.length} findings so far)`);
          return false;
        },
        () => `the agent named no root cause for incident ${incident.id} within ${timings.investigateSeconds} s (status ${incident.status}); see ${endpoints!.agentUrl}/incidents/${incident.id}`,
      );
      const rc = incident.rootCause!;
      timeline.add('investigate', 'agent', `root cause: ${rc.kind} ${rc.target.kind}/${rc.target.name} (confidence ${rc.confidence.toFixed(2)})`, { at: record.rootCauseAt ?? undefined });
      progress.note(`root cause: ${rc.kind} in ${rc.target.kind} ${rc.target.namespace ? `${rc.target.namespace}/` : ''}${rc.target.name} (confidence ${rc.confidence.toFixed(2)})`);

      // -- approval -----------------------------------------------------------------------------------
      enter('approve', options.autoApprove ? 'approving the proposed actions (--auto-approve)' : 'waiting for a human to approve the proposed actions');
      const instructed = new Set<string>();
      let presenterAsking: Promise<void> | undefined;
      await waitFor(
        timings.approveSeconds,
        'approve',
        async () => {
          await refresh();
          failIfFinal('before any action was approved');
          if (incident.milestones.remediatedAt || incident.status === 'resolved') return true;
          const pending = pendingApprovals(incident);
          if (!pending.length) {
            progress.status(incident.status === 'awaiting-approval' ? 'waiting for approval' : `the agent prepares its actions (status ${incident.status})`);
            return false;
          }
          if (options.autoApprove) {
            for (const action of pending) {
              await agent!.decide(incident.id, action.id, 'approve', options.approver, 'approved by run-scenario --auto-approve');
              record.approvedBy = options.approver;
              timeline.add('approve', 'runner', `approved ${action.kind} ${action.target.name} (--auto-approve)`);
            }
            return false;
          }
          for (const action of pending) {
            if (instructed.has(action.id)) continue;
            instructed.add(action.id);
            progress.note(approvalInstructions(endpoints!.agentUrl, incident, action));
          }
          if (deps.presenter && !presenterAsking) {
            presenterAsking = deps.presenter.ask('Press Enter here to approve all proposed actions as the presenter (or approve with the commands above): ').then(async () => {
              const latest = await agent!.getIncident(incident.id);
              for (const action of pendingApprovals(latest)) await agent!.decide(incident.id, action.id, 'approve', `${process.env.USER ?? 'presenter'} (run-scenario terminal)`);
            }, () => undefined);
          }
          progress.status(`waiting for approval of ${pending.map((a) => a.kind).join(', ')} (${endpoints!.agentUrl}/incidents/${incident.id})`);
          return false;
        },
        () => `nobody approved the actions of incident ${incident.id} within ${timings.approveSeconds} s; approve them (see above) or run with --auto-approve`,
      );
      const approval = incident.actions.find((a) => a.approval?.decision === 'approved' && a.requiresApproval)?.approval;
      record.approvedBy = approval?.by ?? record.approvedBy ?? (incident.actions.some((a) => a.approval) ? 'policy' : null);
      timeline.add('approve', 'agent', `remediation approved${record.approvedBy ? ` by ${record.approvedBy}` : ''}`, { at: record.remediationApprovedAt ?? undefined });

      // -- remediation ----------------------------------------------------------------------------------
      enter('remediate', 'the agent executes the approved actions');
      await waitFor(
        timings.remediateSeconds,
        'remediate',
        async () => {
          await refresh();
          failIfFinal('before executing an action');
          return Boolean(incident.milestones.remediatedAt) || incident.status === 'resolved';
        },
        () => `the agent executed no action for incident ${incident.id} within ${timings.remediateSeconds} s (status ${incident.status}); see its actions at ${endpoints!.agentUrl}/incidents/${incident.id}`,
      );
      for (const action of incident.actions.filter((a) => a.executedAt)) {
        timeline.add('remediate', 'agent', `${action.kind} ${action.target.kind}/${action.target.name}: ${action.result?.message ?? action.status}`, { at: action.executedAt });
      }
      progress.note(`remediation: ${incident.actions.filter((a) => a.executedAt).map((a) => `${a.kind} ${a.target.name} (${a.status})`).join(', ') || 'none executed'}`);

      // -- verification ----------------------------------------------------------------------------------
      enter('verify', `the agent verifies; the runner checks the symptom is gone for ${timings.holdSeconds} s`);
      let goneSince: number | undefined;
      let runnerVerifiedMs: number | undefined;
      let left: string[] = [];
      await waitFor(
        timings.verifySeconds,
        'verify',
        async () => {
          await refresh();
          failIfFinal('instead of resolving it (its verification failed)');
          left = await remainingSymptoms(spec, metrics!);
          if (left.length) goneSince = undefined;
          else goneSince ??= clock.now();
          if (goneSince !== undefined && clock.now() - goneSince >= timings.holdSeconds * 1000) runnerVerifiedMs ??= clock.now();
          record.symptomGoneAt = goneSince !== undefined ? iso(goneSince) : null;
          progress.status(
            `agent: ${incident.status}${incident.verification ? ` (${incident.verification.outcome})` : ''}; runner: ${left.length ? `still ${left.join(', ')}` : `symptom gone for ${Math.round((clock.now() - (goneSince ?? clock.now())) / 1000)} s`}`,
          );
          return incident.status === 'resolved' && runnerVerifiedMs !== undefined;
        },
        () =>
          incident.status === 'resolved'
            ? `the agent resolved incident ${incident.id} but the symptom did not stay gone for ${timings.holdSeconds} s within ${timings.verifySeconds} s: ${left.join('; ')}`
            : `incident ${incident.id} was not resolved within ${timings.verifySeconds} s (status ${incident.status}${incident.verification ? `, verification ${incident.verification.outcome}: ${incident.verification.detail ?? ''}` : ''})`,
      );
      // The later of the agent's resolution and the runner's confirmation: both must hold.
      const agentResolved = Date.parse(incident.milestones.resolvedAt ?? iso());
      record.resolvedAt = iso(Math.max(agentResolved, runnerVerifiedMs!));
      timeline.add('verify', 'agent', `incident resolved: ${incident.verification?.detail ?? 'verified'}`, { at: incident.milestones.resolvedAt ?? record.resolvedAt });
      timeline.add('verify', 'runner', `symptom gone for ${timings.holdSeconds} s (runner's own check)`, { at: iso(runnerVerifiedMs!) });
      record.outcome = 'resolved';
      // The manual runbook's verification steps, now that there is something to verify.
      if (manualBaseline) {
        const before = await manualBaseline;
        const after = await executeRunbook(runbook, ['verify'], { kubeconfig: endpoints.kubeconfig, prometheusUrl: endpoints.prometheusUrl, ...(endpoints.xrayUrl ? { xrayUrl: endpoints.xrayUrl } : {}), target: options.target.name, outDir: `${options.outDir}/manual`, signal: manualController.signal });
        manualBaseline = Promise.resolve([...before, ...after]);
      }
      record.otherIncidents = (await incidentsSince(agent, injectedMs)).map((i) => i.id).filter((id) => id !== incident.id);
    }
    record.afterFix = await measure(metrics, spec.baseline).catch(() => []);
  } catch (error) {
    const interrupted = error instanceof RunInterrupted || signal.aborted;
    record.failure = { phase: error instanceof PhaseFailed ? error.phase : phase, message: interrupted ? `interrupted during ${phase} (Ctrl-C or SIGTERM)` : (error as Error).message };
    timeline.add(phase, 'runner', `run failed: ${record.failure.message}`);
    progress.note(`${phase} failed: ${record.failure.message}`);
    if (!interrupted && !(error instanceof PhaseFailed) && !isExpected(error)) progress.note((error as Error).stack ?? String(error));
  } finally {
    // -- cleanup: always ----------------------------------------------------------------------------------
    enter('cleanup', 'removing the fault and restoring the target');
    manualController.abort();
    if (cluster) {
      const cleanupActions = record.cleanup.actions;
      const errors = record.cleanup.errors;
      if (fault) {
        for (let attempt = 1; attempt <= 3; attempt++) {
          try {
            cleanupActions.push(await removeFault(cluster, fault));
            break;
          } catch (error) {
            if (attempt === 3) errors.push(`could not remove the fault: ${(error as Error).message}; remove it by hand: ${manualRemoval(fault)}`);
            else await clock.sleep(1_000);
          }
        }
      }
      if (agent && record.injectedAt) {
        try {
          for (const summary of await incidentsSince(agent, Date.parse(record.injectedAt))) {
            if (isFinal(summary.status) || !summary.pendingActions.length) continue;
            const incident = await agent.getIncident(summary.id);
            for (const action of pendingApprovals(incident)) {
              await agent.decide(incident.id, action.id, 'reject', 'run-scenario', `run ${options.runId} ended (${record.outcome}); the fault was removed`).catch(() => undefined);
              cleanupActions.push(`rejected pending ${action.kind} of incident ${incident.id}`);
            }
          }
        } catch (error) {
          errors.push(`could not withdraw pending approvals: ${(error as Error).message}`);
        }
      }
      if (snapshot && !options.keepChanges) {
        try {
          cleanupActions.push(...(await restoreTarget(cluster, snapshot)));
        } catch (error) {
          errors.push(`could not restore the target: ${(error as Error).message}`);
        }
      }
      if (fault || snapshot) {
        progress.status('waiting for the target to settle (every deployment available, no chaos left)');
        // After Ctrl-C the presenter wants the prompt back soon: the fault is gone, the rest heals by itself.
        const settleSeconds = signal.aborted ? Math.min(30, timings.settleSeconds) : timings.settleSeconds;
        try {
          const settled = await waitUntilSettled(cluster, { seconds: settleSeconds, clock, pollMs: timings.pollMs, ...(metrics ? { metrics } : {}) });
          record.cleanup.settled = settled.ok;
          if (!settled.ok) errors.push(`the target did not settle within ${settleSeconds} s: ${settled.detail}`);
        } catch (error) {
          errors.push(`could not check the target after cleanup: ${(error as Error).message}`);
        }
      }
      if (markerPath && !errors.some((e) => e.startsWith('could not remove the fault'))) clearMarker(markerPath);
      for (const action of cleanupActions) timeline.add('cleanup', 'runner', action);
      for (const error of errors) timeline.add('cleanup', 'runner', error);
    }
    if (manualBaseline) record.manualSteps = await manualBaseline;
    if (metrics && record.injectedAt && record.spec) {
      const start = Date.parse(record.injectedAt) / 1000 - Math.max(120, timings.chartStepSeconds * 20);
      const end = clock.now() / 1000;
      try {
        const series = await metrics.queryRange(record.spec.keyMetric.promql, start, end, Math.max(timings.chartStepSeconds, Math.ceil((end - start) / 400)));
        record.keyMetric = { title: record.spec.keyMetric.title, unit: record.spec.keyMetric.unit, promql: record.spec.keyMetric.promql, series: series.slice(0, 8) };
      } catch (error) {
        record.cleanup.errors.push(`key metric not charted: ${(error as Error).message}`);
      }
    }
    record.endedAt = iso();
    record.timeline = timeline.sorted();
    progress.stop();
  }
  return record;

  async function waitFor(seconds: number, what: RunPhase, done: () => Promise<boolean>, message: () => string): Promise<void> {
    const deadline = clock.now() + seconds * 1000;
    for (;;) {
      checkSignal();
      if (await done()) return;
      if (clock.now() >= deadline) throw new PhaseFailed(what, message());
      await sleep();
    }
  }

  async function runManualPhases(): Promise<void> {
    const presenter = deps.presenter;
    if (!presenter) throw new PhaseFailed('manual', '--manual needs a terminal (or lines on standard input) to mark the phases');
    const spec = record.spec!;
    const mark = async (field: 'investigationStartedAt' | 'rootCauseAt' | 'remediationApprovedAt' | 'remediatedAt', runPhase: RunPhase, question: string, summary: string) => {
      enter(runPhase, question);
      const answer = presenter.ask(`${question} `);
      const result = await Promise.race([answer, new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new RunInterrupted('interrupted')), { once: true }))]);
      record[field] = iso();
      timeline.add(runPhase, 'presenter', summary);
      return result;
    };
    progress.note(`Manual mode: investigate with the runbook (scenarios/${spec.name}/runbook.md); press Enter at each milestone.`);
    await mark('investigationStartedAt', 'investigate', 'Press Enter when you START investigating.', 'presenter starts investigating');
    await mark('rootCauseAt', 'investigate', 'Press Enter when you have FOUND the root cause.', 'presenter found the root cause');
    const kind = (await presenter.ask(`Root cause kind? [Enter: ${spec.expected.rootCause.kind}] `)).trim() || spec.expected.rootCause.kind;
    const name = (await presenter.ask(`Root cause target? [Enter: ${spec.expected.rootCause.target.name}] `)).trim() || spec.expected.rootCause.target.name;
    record.manualRootCause = {
      kind: kind as RootCause['kind'],
      target: { ...spec.expected.rootCause.target, name },
      confidence: 1,
      summary: `named by the presenter: ${kind} in ${spec.expected.rootCause.target.kind} ${name}`,
      evidence: [{ source: 'alert', summary: `alert ${record.alert?.name ?? '?'} fired at ${record.alert?.firedAt ?? '?'}` }],
    };
    await mark('remediationApprovedAt', 'approve', 'Press Enter when the fix is DECIDED (approved).', 'presenter decided the fix');
    await mark('remediatedAt', 'remediate', 'Press Enter when you have APPLIED the fix.', 'presenter applied the fix');
    enter('verify', `checking the symptom is gone for ${timings.holdSeconds} s`);
    let goneSince: number | undefined;
    await waitFor(
      timings.verifySeconds,
      'verify',
      async () => {
        const left = await remainingSymptoms(spec, metrics!);
        if (left.length) goneSince = undefined;
        else goneSince ??= clock.now();
        progress.status(left.length ? `still: ${left.join(', ')}` : `symptom gone for ${Math.round((clock.now() - goneSince!) / 1000)} s`);
        return goneSince !== undefined && clock.now() - goneSince >= timings.holdSeconds * 1000;
      },
      () => `the symptom did not stay gone for ${timings.holdSeconds} s within ${timings.verifySeconds} s of the fix`,
    );
    record.symptomGoneAt = iso(goneSince!);
    record.resolvedAt = iso();
    record.outcome = 'resolved';
    timeline.add('verify', 'runner', `symptom gone for ${timings.holdSeconds} s`);
  }
}

async function measure(metrics: Metrics, checks: { name: string; promql: string }[]): Promise<BaselineValue[]> {
  const values: BaselineValue[] = [];
  for (const check of checks) {
    const samples = await metrics.query(check.promql).catch(() => []);
    const value = samples.length ? samples[0]!.value : null;
    values.push({ name: check.name, promql: check.promql, value: value !== null && Number.isFinite(value) ? value : null });
  }
  return values;
}

function format(value: number | null): string {
  if (value === null) return 'n/a';
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(2);
}

export function describeFault(fault: AppliedFault): string {
  return fault.method === 'chaos-mesh' ? `${fault.ref.kind} ${fault.ref.namespace}/${fault.ref.name}` : `bad rollout of deployment ${fault.namespace}/${fault.name} (${fault.setting})`;
}

function manualRemoval(fault: AppliedFault): string {
  return fault.method === 'chaos-mesh'
    ? `kubectl delete ${fault.ref.kind.toLowerCase()} -n ${fault.ref.namespace} ${fault.ref.name}`
    : `kubectl rollout undo deployment/${fault.name} -n ${fault.namespace} --to-revision=${fault.previousRevision}`;
}

function approvalInstructions(agentUrl: string, incident: Incident, action: Incident['actions'][number]): string {
  const base = agentUrl.replace(/\/+$/, '');
  const diff = action.dryRun?.diff.slice(0, 8).map((line) => `      ${line}`) ?? [];
  return [
    '',
    `The agent asks for approval: ${action.kind} ${action.target.kind} ${action.target.namespace ? `${action.target.namespace}/` : ''}${action.target.name} (risk ${action.risk})`,
    `  why: ${action.rationale}`,
    ...(diff.length ? [`  dry run (${action.dryRun!.method}):`, ...diff] : []),
    `  approve: curl -sX POST ${base}/incidents/${incident.id}/actions/${action.id}/approve -H 'content-type: application/json' -d '{"by":"'"$USER"'"}'`,
    `  reject:  curl -sX POST ${base}/incidents/${incident.id}/actions/${action.id}/reject -H 'content-type: application/json' -d '{"by":"'"$USER"'","comment":"why"}'`,
    `  incident: ${base}/incidents/${incident.id}`,
    '',
  ].join('\n');
}

function isExpected(error: unknown): boolean {
  return ['ScenarioError', 'TargetUnavailable', 'PreflightFailed'].includes((error as Error)?.name);
}
