/**
 * Detection. With the agent: the scenario's alert fires and the agent opens an incident about the
 * scenario's target (incidents about other objects are noted and left alone); the manual runbook starts
 * when an engineer would have been paged. In manual mode: the runner's own check sees the alert fire.
 * On eks the scenario's CloudWatch alarm (the stack's `Alarm<Scenario>`) in state ALARM pages as well:
 * whichever of the alert and the alarm fires first is the page.
 */
import { resolve } from 'node:path';
import { incidentsSince } from '../incidents.js';
import type { FiringAlert } from '../ports.js';
import { firingDetectionAlert } from '../recovery.js';
import type { Phase, RunContext } from './context.js';

const headline = (run: RunContext) => `waiting for ${run.spec.detection.alerts.join(' / ')} to fire`;

/** Notes the first firing of one of the scenario's alerts (or its CloudWatch alarm); returns it when it fires now. */
async function watchAlert(run: RunContext, onFirst: () => void): Promise<FiringAlert | undefined> {
  const { record } = run;
  if (record.alert) return undefined;
  const alarm = await firingAlarm(run);
  const alert = alarm ?? (await firingDetectionAlert(run.spec, run.target.metrics));
  if (alert) {
    record.alert = { name: alert.name, firedAt: run.iso(), labels: alert.labels };
    if (alarm) run.timeline.add('detect', 'cloudwatch', `${alarm.name} in ALARM: ${alarm.labels.reason}`, { data: { alarmName: alarm.labels.alarmName, reason: alarm.labels.reason, stateUpdatedAt: alarm.activeAt } });
    else run.timeline.add('detect', 'prometheus', `alert ${alert.name} firing${alert.labels.pod ? ` for ${alert.labels.pod}` : alert.labels.node ? ` for ${alert.labels.node}` : ''}`, { data: { labels: alert.labels, activeAt: alert.activeAt } });
    run.progress.note(`${alarm ? alert.name : `alert ${alert.name}`} is firing`);
    onFirst();
  }
  return alert;
}

/** The scenario's CloudWatch alarm in ALARM, as an alert (eks only; DescribeAlarms). */
async function firingAlarm(run: RunContext): Promise<FiringAlert | undefined> {
  const { alarms, endpoints } = run.target;
  const name = endpoints.aws?.alarmName;
  if (!alarms || !name) return undefined;
  const alarm = await alarms.state(name);
  if (alarm?.value !== 'ALARM') return undefined;
  return { name: `CloudWatch alarm ${name}`, state: 'firing', labels: { alarmName: name, reason: alarm.reason }, activeAt: alarm.updatedAt };
}

/** Manual mode: the alert is the detection. */
export const detectAlert: Phase = {
  name: 'detect',
  headline,
  async run(run) {
    const { spec, timings, record } = run;
    await run.waitFor(
      timings.detectSeconds,
      'detect',
      async () => Boolean(await watchAlert(run, () => undefined)),
      () => `no alert of ${spec.detection.alerts.join(', ')} fired for ${JSON.stringify(spec.detection.labels)} within ${timings.detectSeconds} s; check ${run.target.endpoints.prometheusUrl}/alerts and that the fault is active`,
    );
    record.detectedAt = record.alert!.firedAt;
  },
};

/** With the agent: the incident about the scenario's target is the detection. */
export const detectIncident: Phase = {
  name: 'detect',
  headline,
  async run(run) {
    const { spec, timings, record, progress } = run;
    const { agent, endpoints } = run.target;
    let incidentId: string | undefined;
    const ignored = new Set<string>();
    await run.waitFor(
      timings.detectSeconds,
      'detect',
      async () => {
        await watchAlert(run, () => run.startManualBaseline());
        const incidents = await incidentsSince(agent, run.injectedMs);
        const ours = incidents.find((i) => i.target && spec.detection.incidentTargets.includes(i.target.name));
        for (const other of incidents) {
          if (other === ours || ignored.has(other.id)) continue;
          ignored.add(other.id);
          run.timeline.add('detect', 'agent', `incident ${other.id} opened about ${other.target ? `${other.target.kind} ${other.target.name}` : 'no target'}, not this scenario's (${spec.detection.incidentTargets.join(', ')}); left alone`);
          progress.note(`(incident ${other.id} about ${other.target?.name ?? '?'} is not this run's; ignored)`);
        }
        if (ours) incidentId = ours.id;
        progress.status(record.alert ? `alert ${record.alert.name} fired; waiting for the agent to open an incident` : `waiting for ${spec.detection.alerts.join(' / ')} to fire`);
        return Boolean(incidentId);
      },
      () =>
        record.alert
          ? `alert ${record.alert.name} fired at ${record.alert.firedAt} but the agent opened no incident about ${spec.detection.incidentTargets.join(' or ')} within ${timings.detectSeconds} s; ${endpoints.aws ? `is the agent consuming the stack's alarm queue (AlarmQueueUrl)? (check the agent's log: kubectl logs -n devops-agent deploy/devops-agent)` : `is Alertmanager routing to ${endpoints.agentUrl}/webhooks/alertmanager? (check the agent's log${endpoints.alertmanagerUrl ? ` and ${endpoints.alertmanagerUrl}/#/alerts` : ' and Alertmanager'})`}`
          : `no alert of ${spec.detection.alerts.join(', ')}${endpoints.aws?.alarmName ? ` (nor CloudWatch alarm ${endpoints.aws.alarmName})` : ''} fired and the agent opened no incident within ${timings.detectSeconds} s; check ${endpoints.prometheusUrl}/alerts and that the fault is active (${endpoints.aws?.fisTemplateId ? `aws fis list-experiments --region ${endpoints.aws.region}` : 'kubectl get stresschaos,networkchaos -A'})`,
    );
    run.incident = await agent.getIncident(incidentId!);
    if (!record.alert) {
      // The agent was paged first (or by another alert about the same objects, e.g. a warning that
      // fires before the scenario's own): that page is when an engineer would start too.
      run.timeline.add('detect', 'runner', `incident ${run.incident.id} opened before any of ${spec.detection.alerts.join(', ')} fired (${run.incident.title}); the manual runbook starts now`);
      run.startManualBaseline();
    }
    const incident = await run.refreshIncident();
    run.timeline.add('detect', 'agent', `incident ${incident.id} opened: ${incident.title}`, { at: record.detectedAt ?? undefined });
    progress.note(`incident ${incident.id} opened: ${incident.title}`);
    await recordRunOnIncident(run, incident.id);
  },
};

/**
 * Tells the agent this run caused the incident (its console then names the run and links the report).
 * Only a courtesy: an agent that refuses it (an older one answers 404) costs the run nothing.
 */
async function recordRunOnIncident(run: RunContext, incidentId: string): Promise<void> {
  const { runId, outDir } = run.options;
  try {
    await run.target.agent.recordRun(incidentId, { runId, scenario: run.spec.name, reportDir: resolve(outDir) });
  } catch (error) {
    run.progress.note(`(the agent did not record run ${runId} on incident ${incidentId}: ${(error as Error).message}; its console will not link this run's report)`);
  }
}
