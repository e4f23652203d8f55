/**
 * alertmanager.yml for the local target: every alert goes to the DevOps agent's webhook, grouped by
 * alert name and namespace with the profile's timings, with the stack's webhook token (read from its
 * file by Alertmanager at each delivery). Until the agent runs, Alertmanager logs the failed deliveries
 * and retries; nothing else depends on them. Its own API is behind basic auth (credentials.ts).
 *
 * The standard alerts that fire by design (standard-rules.ts: `Watchdog`, `InfoInhibitor`) go to a
 * receiver with no integration, as kube-prometheus's own alertmanager.yaml routes them: they are no
 * incident, and the agent would otherwise open one for each.
 */
import { stringify } from 'yaml';
import type { TimingProfile } from '../profiles.js';
import { agentWebhookUrl, loopbackUrl, type StackPaths, type StackPorts } from './config.js';
import { firingByDesign } from './standard-rules.js';

export const agentReceiver = 'devops-agent';
/** kube-prometheus's name for the receiver that notifies no one. */
export const nullReceiver = 'null';

export function renderAlertmanagerConfig(profile: TimingProfile, ports: StackPorts, paths: Pick<StackPaths, 'webhookToken'>): string {
  const config = {
    route: {
      receiver: agentReceiver,
      group_by: ['alertname', 'namespace'],
      group_wait: profile.groupWait,
      group_interval: profile.groupInterval,
      repeat_interval: profile.repeatInterval,
      routes: Object.keys(firingByDesign).map((alertname) => ({ matchers: [`alertname = ${alertname}`], receiver: nullReceiver })),
    },
    receivers: [
      {
        name: agentReceiver,
        webhook_configs: [{ url: agentWebhookUrl(ports), send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials_file: paths.webhookToken } } }],
      },
      { name: nullReceiver },
    ],
  };
  return stringify(config, { lineWidth: 0 });
}

export function alertmanagerArgs(ports: StackPorts, paths: Pick<StackPaths, 'alertmanagerConfig' | 'alertmanagerData' | 'alertmanagerWebConfig'>): string[] {
  return [
    `--config.file=${paths.alertmanagerConfig}`,
    // Basic auth on the API: Alertmanager has no CORS setting, and answers every origin otherwise.
    `--web.config.file=${paths.alertmanagerWebConfig}`,
    `--storage.path=${paths.alertmanagerData}`,
    `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
    `--web.external-url=${loopbackUrl(ports.alertmanager)}/`,
    // An empty listen address disables clustering: no gossip port on 0.0.0.0:9094, so two stacks on one
    // machine never find each other (or anything else on the network).
    '--cluster.listen-address=',
  ];
}
