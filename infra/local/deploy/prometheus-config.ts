/**
 * prometheus.yml for the local target: the simulation's four scrape jobs found through HTTP service
 * discovery (one target per node or per running pod, as Kubernetes SD would find them on EKS), a
 * self-scrape, the alert rules and the stack's Alertmanager. Accepted by Prometheus 2.42 (Debian bookworm).
 */
import { stringify } from 'yaml';
import type { TimingProfile } from '../profiles.js';
import { loopbackUrl, type StackPaths, type StackPorts } from './config.js';
import { alertmanagerUser } from './credentials.js';

/** The simulation's scrape jobs; each has `/sd/<job>` on the simulation's port. */
export const simulationJobs = ['kubernetes-cadvisor', 'node-exporter', 'kube-state-metrics', 'kubernetes-pods'] as const;

export const clusterLabel = 'petadoptions-local';

export function renderPrometheusConfig(profile: TimingProfile, ports: StackPorts, paths: Pick<StackPaths, 'rulesFile' | 'standardRulesFile' | 'alertmanagerPassword'>): string {
  const interval = `${profile.scrapeIntervalSeconds}s`;
  const config = {
    global: {
      scrape_interval: interval,
      // The timeout may not exceed the interval: 2 s in the fast profile.
      scrape_timeout: `${Math.min(profile.scrapeIntervalSeconds, 10)}s`,
      evaluation_interval: `${profile.evaluationIntervalSeconds}s`,
      external_labels: { cluster: clusterLabel },
    },
    rule_files: [paths.rulesFile, paths.standardRulesFile],
    alerting: {
      alertmanagers: [{ api_version: 'v2', basic_auth: { username: alertmanagerUser, password_file: paths.alertmanagerPassword }, static_configs: [{ targets: [`127.0.0.1:${ports.alertmanager}`] }] }],
    },
    scrape_configs: [
      { job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${ports.prometheus}`] }] },
      ...simulationJobs.map((job) => ({
        job_name: job,
        // The expositions carry namespace/pod/container/node themselves, as cAdvisor and
        // kube-state-metrics do behind the EKS relabelling; keep theirs over the target's.
        honor_labels: true,
        http_sd_configs: [{ url: `${loopbackUrl(ports.simulation)}/sd/${job}`, refresh_interval: interval }],
      })),
    ],
  };
  return stringify(config, { lineWidth: 0 });
}

export function prometheusArgs(ports: StackPorts, paths: Pick<StackPaths, 'prometheusConfig' | 'prometheusData'>): string[] {
  return [
    `--config.file=${paths.prometheusConfig}`,
    `--storage.tsdb.path=${paths.prometheusData}`,
    `--storage.tsdb.retention.time=15d`,
    `--web.listen-address=127.0.0.1:${ports.prometheus}`,
    `--web.external-url=${loopbackUrl(ports.prometheus)}/`,
    // No lifecycle API (any page could POST /-/quit or /-/reload). Nothing here reloads Prometheus (`up`
    // restarts it with a new configuration); by hand: kill -HUP <its pid from local-cluster status>.
    // CORS for Prometheus's own origin only (the default is every origin): another page cannot read it.
    `--web.cors.origin=${ownOrigins(ports.prometheus)}`,
  ];
}

/** The regex of Prometheus's own origins (Prometheus anchors it). */
export function ownOrigins(port: number): string {
  return `http://(127\\.0\\.0\\.1|localhost):${port}`;
}
