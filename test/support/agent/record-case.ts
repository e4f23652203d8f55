/**
 * Records a replay case from a running local target (or any cluster the agent can reach): picks the
 * playbook for the alert, runs its evidence steps and the analysis with every source call recorded,
 * and writes `test/cases/<name>/` (case.yaml + the recorded answers). New cases are added by running
 * a scenario and recording it while the fault is active:
 *
 *   npx tsx test/support/agent/record-case.ts --name memory-leak-petlistadoptions \
 *     --kubeconfig "$(local-cluster status --json | jq -r .kubeconfig)" \
 *     --prometheus-url http://127.0.0.1:9090 --xray-url http://127.0.0.1:16443 \
 *     --alertname ContainerOOMKilled --label deployment=petlistadoptions \
 *     --expect memory-leak --expect-target Deployment/petadoptions/petlistadoptions
 *
 * The alert is taken from Prometheus' firing alerts (or --alert FILE: an Alertmanager webhook body).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Alert, RootCauseKind } from '../../../core/types.js';
import { PrometheusBackend } from '../../../lib/prometheus/client/index.js';
import { KubernetesApiEvidence } from '../../../agent/evidence/kubernetes.js';
import { McpMetrics } from '../../../agent/evidence/metrics-mcp.js';
import { PrometheusMetrics } from '../../../agent/evidence/metrics-prometheus.js';
import { XRayEvidence } from '../../../agent/evidence/xray.js';
import { alertmanagerWebhookSchema, alertsFromAlertmanager } from '../../../agent/intake/alertmanager.js';
import type { EvidenceSources } from '../../../agent/ports.js';
import { CASES_DIR, saveCase, type CaseFile } from './cases.js';
import type { Expected } from './faults.js';
import { memoryContext } from './memory-context.js';
import { recordingSources } from './recorded-evidence.js';
import { playbookFor, runPlaybook } from './run-playbook.js';

export interface RecordOptions {
  name: string;
  description: string;
  tags: string[];
  alerts: Alert[];
  /** The investigation instant (epoch ms); the clock stands still there while recording. */
  at: number;
  evidence: EvidenceSources;
  expected: Expected;
  dir?: string;
  recordedWith?: Record<string, unknown>;
}

/** Runs the investigation against live sources, records every answer, writes the case. */
export async function recordCase(options: RecordOptions): Promise<{ dir: string; rootCause: unknown }> {
  const { sources, calls } = recordingSources(options.evidence);
  const playbook = playbookFor(options.alerts);
  const context = memoryContext({ alerts: options.alerts, evidence: sources, now: () => options.at });
  await runPlaybook(playbook, context, { until: 'analyse' });
  const dir = options.dir ?? join(CASES_DIR, options.name);
  const file: CaseFile = {
    name: options.name,
    description: options.description,
    tags: options.tags,
    at: new Date(options.at).toISOString(),
    playbook: playbook.name,
    alerts: options.alerts,
    expected: options.expected,
    ...(options.recordedWith ? { recordedWith: options.recordedWith } : {}),
  };
  saveCase(dir, file, calls);
  return { dir, rootCause: context.incident.rootCause };
}

function parseTarget(text: string): Expected['target'] {
  const [kind, a, b] = text.split('/');
  if (kind === 'Node' && a) return { kind: 'Node', name: a };
  if (kind === 'Deployment' && a && b) return { kind: 'Deployment', namespace: a, name: b };
  throw new Error(`--expect-target must be Deployment/<namespace>/<name> or Node/<name> (got "${text}")`);
}

async function alertsFromPrometheus(url: string, alertname: string, labels: Record<string, string>, at: number): Promise<Alert[]> {
  const answer = await new PrometheusBackend({ url }).alerts();
  const found = answer.data.alerts.filter((a) => a.state === 'firing' && a.labels.alertname === alertname && Object.entries(labels).every(([k, v]) => a.labels[k] === v));
  if (!found.length) throw new Error(`no firing ${alertname} alert with ${JSON.stringify(labels)} in Prometheus at ${url}`);
  const payload = { version: '4', groupKey: `{}:{alertname="${alertname}"}`, status: 'firing', receiver: 'record-case', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: url, alerts: found.map((a) => ({ status: 'firing', labels: a.labels, annotations: a.annotations, startsAt: a.activeAt ?? new Date(at).toISOString() })) };
  return alertsFromAlertmanager(alertmanagerWebhookSchema.parse(payload), new Date(at).toISOString());
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      name: { type: 'string' },
      description: { type: 'string', default: '' },
      tag: { type: 'string', multiple: true, default: [] },
      kubeconfig: { type: 'string' },
      'prometheus-url': { type: 'string' },
      'mcp-url': { type: 'string' },
      'xray-url': { type: 'string' },
      alert: { type: 'string' },
      alertname: { type: 'string' },
      label: { type: 'string', multiple: true, default: [] },
      expect: { type: 'string' },
      'expect-target': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.name || !values.expect || !values['expect-target'] || (!values.alert && !values.alertname)) {
    process.stdout.write('usage: record-case --name NAME --expect KIND --expect-target Deployment/NS/NAME|Node/NAME (--alert FILE | --alertname NAME [--label k=v]...) [--kubeconfig FILE] [--prometheus-url URL | --mcp-url URL] [--xray-url URL] [--out DIR] [--tag T]...\n');
    process.exit(values.help ? 0 : 2);
  }
  const at = Date.now();
  const evidence: EvidenceSources = {};
  if (values['mcp-url']) evidence.metrics = new McpMetrics({ url: values['mcp-url'] });
  else if (values['prometheus-url']) evidence.metrics = new PrometheusMetrics(new PrometheusBackend({ url: values['prometheus-url'] }));
  if (values.kubeconfig) evidence.kubernetes = new KubernetesApiEvidence({ kubeconfigPath: values.kubeconfig });
  if (values['xray-url']) evidence.traces = new XRayEvidence({ endpoint: values['xray-url'] });
  const labels = Object.fromEntries(values.label.map((l) => l.split('=') as [string, string]));
  let alerts: Alert[];
  if (values.alert) alerts = alertsFromAlertmanager(alertmanagerWebhookSchema.parse(JSON.parse(readFileSync(values.alert, 'utf8'))), new Date(at).toISOString());
  else if (values['prometheus-url']) alerts = await alertsFromPrometheus(values['prometheus-url'], values.alertname!, labels, at);
  else throw new Error('--alertname needs --prometheus-url (to read the firing alert); or pass --alert FILE');
  const { dir, rootCause } = await recordCase({
    name: values.name,
    description: values.description || `recorded from a live target at ${new Date(at).toISOString()}`,
    tags: values.tag,
    alerts,
    at,
    evidence,
    expected: { kind: values.expect as RootCauseKind, target: parseTarget(values['expect-target']) },
    ...(values.out ? { dir: values.out } : {}),
    recordedWith: { live: true },
  });
  process.stdout.write(`recorded ${dir}\nroot cause now: ${JSON.stringify(rootCause)}\n`);
  await (evidence.metrics as McpMetrics | undefined)?.close?.();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`record-case: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
