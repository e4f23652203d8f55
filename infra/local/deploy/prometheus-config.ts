/**
 * prometheus.yml for the local target: the simulation's scrape pools found through HTTP service
 * discovery (one target per node, pod or endpoint, as Kubernetes SD would find them on EKS), a
 * self-scrape, the alert rules and the stack's Alertmanager. Accepted by Prometheus 2.42 (Debian bookworm).
 *
 * The pools are the ones prometheus-operator generates for kube-prometheus's ServiceMonitors and
 * PodMonitors (`serviceMonitor/<namespace>/<name>/<endpoint>`), so `job`, `instance`, `metrics_path`,
 * `namespace`, `service`, `endpoint`, `pod`, `container` and `node` come out as on an EKS cluster
 * monitored by kube-prometheus. The discovery answer carries the final target labels (a `job` label
 * from discovery takes precedence over the pool name), so no relabelling is needed here; `honor_labels`
 * is the ServiceMonitor's `honorLabels`.
 */
import { stringify } from 'yaml';
import type { TimingProfile } from '../profiles.js';
import { loopbackUrl, type StackPaths, type StackPorts } from './config.js';
import { alertmanagerUser } from './credentials.js';

/**
 * The simulation's scrape pools with their `honor_labels`; each has `/sd/<pool>` on the simulation's
 * port. The simulation's exposition/targets.ts lists the same pools (the walls keep the two apart).
 */
export const simulationScrapePools = [
  { pool: 'serviceMonitor/monitoring/kubelet/0', job: 'kubelet', honorLabels: true },
  { pool: 'serviceMonitor/monitoring/kubelet/1', job: 'kubelet', honorLabels: true },
  { pool: 'serviceMonitor/monitoring/node-exporter/0', job: 'node-exporter', honorLabels: false },
  { pool: 'serviceMonitor/monitoring/kube-state-metrics/0', job: 'kube-state-metrics', honorLabels: true },
  { pool: 'serviceMonitor/monitoring/kube-state-metrics/1', job: 'kube-state-metrics', honorLabels: false },
  { pool: 'serviceMonitor/monitoring/kube-apiserver/0', job: 'apiserver', honorLabels: false },
  { pool: 'serviceMonitor/monitoring/coredns/0', job: 'coredns', honorLabels: false },
  { pool: 'podMonitor/monitoring/kube-proxy/0', job: 'kube-proxy', honorLabels: false },
  { pool: 'podMonitor/monitoring/aws-node/0', job: 'aws-node', honorLabels: false },
  { pool: 'kubernetes-pods', job: 'kubernetes-pods', honorLabels: true },
] as const;

/** The pools `local-cluster up` waits for (a target discovered and scraped in each). */
export const simulationPoolNames: string[] = simulationScrapePools.map((p) => p.pool);

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
      ...simulationScrapePools.map(({ pool, honorLabels }) => ({
        job_name: pool,
        honor_labels: honorLabels,
        http_sd_configs: [{ url: `${loopbackUrl(ports.simulation)}/sd/${pool}`, refresh_interval: interval }],
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
