/**
 * The scrape targets of the local cluster, as Prometheus discovers them (HTTP SD) and as the backfilled
 * history labels them. One list serves both, so history and live series carry identical label sets.
 */
import type { Node, Pod } from '../cluster/objects.js';
import { NODE, POD } from '../cluster/resources.js';
import { APP_NAMESPACE, serviceByName } from '../../../../lib/petadoption/catalog.js';
import { collectApp, collectCadvisor, collectKubeState, collectNodeExporter, type ExpositionSource } from './collectors.js';
import type { MetricFamily } from './families.js';

export const SCRAPE_JOBS = ['kubernetes-cadvisor', 'node-exporter', 'kube-state-metrics', 'kubernetes-pods'] as const;
export type ScrapeJob = (typeof SCRAPE_JOBS)[number];

export interface ScrapeTarget {
  job: ScrapeJob;
  /** Path on the simulation's HTTP server. */
  path: string;
  /** Target labels Prometheus attaches (instance and discovery labels). */
  labels: Record<string, string>;
  collect(): MetricFamily[];
}

export function scrapeTargets(source: ExpositionSource): ScrapeTarget[] {
  const targets: ScrapeTarget[] = [];
  const nodes = source.store.list<Node>(NODE);
  for (const node of nodes) {
    const name = node.metadata.name;
    const ip = node.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? name;
    targets.push({ job: 'kubernetes-cadvisor', path: `/metrics/cadvisor/${name}`, labels: { instance: name }, collect: () => collectCadvisor(source, name) });
    targets.push({ job: 'node-exporter', path: `/metrics/node-exporter/${name}`, labels: { instance: `${ip}:9100` }, collect: () => collectNodeExporter(source, name) });
  }
  targets.push({ job: 'kube-state-metrics', path: '/metrics/kube-state-metrics', labels: { instance: 'kube-state-metrics.kube-system.svc:8080' }, collect: () => collectKubeState(source) });
  for (const pod of source.store.list<Pod>(POD, APP_NAMESPACE)) {
    if (pod.status.phase !== 'Running' || !pod.status.podIP) continue;
    const service = serviceByName.get(pod.spec.containers[0]!.name);
    if (!service) continue;
    targets.push({
      job: 'kubernetes-pods',
      path: `/metrics/pods/${APP_NAMESPACE}/${pod.metadata.name}`,
      labels: { instance: `${pod.status.podIP}:${service.port}`, namespace: APP_NAMESPACE, pod: pod.metadata.name },
      collect: () => collectApp(source, pod.metadata.uid!),
    });
  }
  return targets;
}

/** Prometheus http_sd_configs answer for one job. */
export function serviceDiscovery(targets: ScrapeTarget[], job: string, hostPort: string): { targets: string[]; labels: Record<string, string> }[] {
  return targets.filter((t) => t.job === job).map((t) => ({ targets: [hostPort], labels: { __metrics_path__: t.path, ...t.labels } }));
}

/** Labels a scraped sample ends up with under `honor_labels: true`: exposition labels win. */
export function storedLabels(target: ScrapeTarget, sampleLabels: Record<string, string>): Record<string, string> {
  return { job: target.job, ...target.labels, ...sampleLabels };
}
