/**
 * The whole agent (intake, queue, engine, real playbooks and steps, policy, HTTP API) in-process against
 * a simulated world: its Prometheus, Kubernetes API and X-Ray, and its cluster for remediation. Alerts
 * are posted to the agent's webhook like Alertmanager would post them, and every PromQL query the
 * investigation makes is kept, so tests can see what an alert's labels reached. Time is the world's
 * investigation instant on a manual clock (waits advance it).
 */
import { fileURLToPath } from 'node:url';
import { ManualClock } from '../../../core/clock.js';
import { createLogger } from '../../../core/log.js';
import type { Incident } from '../../../core/types.js';
import { createAgent, type Agent } from '../../../agent/app.js';
import type { AgentConfig } from '../../../agent/config.js';
import type { EvidenceSources } from '../../../agent/ports.js';
import { recordingSources } from './recorded-evidence.js';
import type { World } from './simulated-world.js';
import { RecordingNotifier, testConfig } from './workflow-testkit.js';

export const PLAYBOOKS_DIR = fileURLToPath(new URL('../../../agent/playbooks/', import.meta.url));

export interface AgentOnWorld {
  agent: Agent;
  clock: ManualClock;
  notifier: RecordingNotifier;
  /** Every PromQL query the agent sent, in order (range, instant and anomaly queries). */
  queries(): string[];
  /** POSTs a payload to one of the agent's webhooks; the status and the JSON answer. */
  post(path: string, payload: unknown, headers?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>;
  /** The incident once its investigation has stopped moving (finished, failed or waiting for people). */
  settled(incidentId: string, timeoutMs?: number): Promise<Incident & { workflow: { status: string } | null }>;
  stop(): Promise<void>;
}

export async function startAgentOnWorld(world: World, options: { config?: Partial<AgentConfig>; evidence?: EvidenceSources } = {}): Promise<AgentOnWorld> {
  const clock = new ManualClock(world.at);
  const recording = recordingSources(options.evidence ?? world.evidence);
  const notifier = new RecordingNotifier();
  const agent = await createAgent(testConfig({ playbookDirs: [PLAYBOOKS_DIR], concurrency: 1, ...options.config }), {
    clock,
    log: createLogger('agent-on-world', { level: 'error' }),
    evidence: recording.sources,
    cluster: world.cluster,
    notifier,
    notifierOut: null,
    pollIntervalMs: 20,
  });
  await agent.start();
  return {
    agent,
    clock,
    notifier,
    queries: () => recording.calls.prometheus.map((call) => String(call.args[0])),
    async post(path, payload, headers = {}) {
      const response = await fetch(`${agent.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof payload === 'string' ? payload : JSON.stringify(payload) });
      const text = await response.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        body = { text };
      }
      return { status: response.status, body, headers: response.headers };
    },
    async settled(incidentId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const incident = (await (await fetch(`${agent.url}/incidents/${incidentId}`)).json()) as Incident & { workflow: { status: string } | null };
        if (incident.workflow && incident.workflow.status !== 'running') return incident;
        if (Date.now() > deadline) throw new Error(`incident ${incidentId} still ${incident.status} (workflow ${incident.workflow?.status ?? 'not started'}) after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: () => agent.stop({ graceMs: 0 }),
  };
}

/** An Alertmanager webhook (v4) carrying one firing alert, as a forger would write it. */
export function alertmanagerPayload(labels: Record<string, string>, options: { summary?: string; startsAt: string; fingerprint?: string; annotations?: Record<string, string> }): Record<string, unknown> {
  return {
    version: '4',
    groupKey: `{}:{alertname="${labels.alertname}"}`,
    status: 'firing',
    receiver: 'devops-agent',
    groupLabels: { alertname: labels.alertname },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.invalid',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations: { ...(options.summary ? { summary: options.summary } : {}), ...options.annotations },
        startsAt: options.startsAt,
        endsAt: '0001-01-01T00:00:00Z',
        ...(options.fingerprint ? { fingerprint: options.fingerprint } : {}),
      },
    ],
  };
}
