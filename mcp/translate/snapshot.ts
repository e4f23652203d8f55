/**
 * A snapshot of what the catalog knows, shaped for entity resolution: namespaces, workloads (the
 * "services" people name: deployments, daemonsets, the `service` label of application metrics, and the
 * names pods are derived from), pods, nodes, containers, HTTP routes and metric names.
 */
import { promqlString } from '../../lib/prometheus/promql.js';
import type { LabelCatalog } from './catalog.js';

export interface Workload {
  name: string;
  namespace: string;
  /** Whether application metrics carry `service="<name>"`. */
  http: boolean;
  /** Whether kube-state-metrics has a deployment of that name. */
  deployment: boolean;
  /** Whether a container of that name exists (cAdvisor and kube-state-metrics select by it). */
  container: boolean;
}

export interface PodRef {
  name: string;
  namespace: string;
  workload?: string;
}

export interface RouteRef {
  route: string;
  service: string;
}

/** The nodes of one availability zone ("the node in us-west-2b"). */
export interface ZoneRef {
  zone: string;
  nodes: string[];
}

export interface CatalogSnapshot {
  metrics: string[];
  namespaces: string[];
  nodes: string[];
  /** Availability zones of the nodes, when the metrics say (topology labels, or the cloud provider id). */
  zones?: ZoneRef[];
  workloads: Workload[];
  pods: PodRef[];
  /** Containers that are not named like their workload (sidecars, agents). */
  containers: { name: string; namespace: string }[];
  routes: RouteRef[];
}

/** Deployment pods are `<name>-<template hash>-<suffix>`; DaemonSet and StatefulSet pods `<name>-<suffix>`. */
export function workloadOfPod(pod: string): string | undefined {
  const deployment = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  if (deployment) return deployment[1];
  const other = /^(.+)-([a-z0-9]{5}|\d+)$/.exec(pod);
  return other?.[1];
}

/** Node labels kube-state-metrics or relabelling may carry the zone in, most specific first. */
const zoneLabels = ['label_topology_kubernetes_io_zone', 'topology_kubernetes_io_zone', 'label_failure_domain_beta_kubernetes_io_zone', 'failure_domain_beta_kubernetes_io_zone', 'zone', 'availability_zone'];

/** The zone in a node's provider id: `aws:///us-west-2b/i-0abc...`, `gce://project/europe-west1-b/name`. */
export function zoneOfProviderId(providerId: string): string | undefined {
  return /^aws:\/\/\/([a-z]{2}(?:-[a-z]+)+-\d+[a-z])\//.exec(providerId)?.[1] ?? /^gce:\/\/[^/]+\/([a-z]+-[a-z]+\d+-[a-z])\//.exec(providerId)?.[1];
}

function regexQuote(value: string): string {
  return value.replace(/[.*+?^$()[\]{}|\\]/g, '\\$&');
}

/** Nodes by availability zone: from a topology label if one is present, else from `kube_node_info`'s provider id. */
async function loadZones(catalog: LabelCatalog, nodes: string[]): Promise<ZoneRef[]> {
  if (nodes.length === 0) return [];
  const known = new Set(nodes);
  const zonesOf = async (zones: string[], selector: (zone: string) => string) =>
    (await Promise.all(zones.map(async (zone) => ({ zone, nodes: (await catalog.labelValues('node', [selector(zone)])).filter((n) => known.has(n)) })))).filter((z) => z.nodes.length > 0);
  for (const label of zoneLabels) {
    const values = await catalog.labelValues(label);
    if (values.length === 0) continue;
    const zones = await zonesOf(values, (zone) => `{${label}=${promqlString(zone)}}`);
    if (zones.length) return zones;
  }
  const byZone = new Set((await catalog.labelValues('provider_id')).map(zoneOfProviderId).filter((z): z is string => !!z));
  return zonesOf([...byZone].sort(), (zone) => `kube_node_info{provider_id=~${promqlString(`[a-z]+://.*/${regexQuote(zone)}/.*`)}}`);
}


export async function loadSnapshot(catalog: LabelCatalog): Promise<CatalogSnapshot> {
  const [metrics, namespaces, nodes] = await Promise.all([catalog.metricNames(), catalog.labelValues('namespace'), catalog.labelValues('node')]);
  const perNamespace = await Promise.all(
    namespaces.map(async (namespace) => {
      const match = [`{namespace=${promqlString(namespace)}}`];
      const [pods, containers, deployments, daemonsets, services] = await Promise.all([
        catalog.labelValues('pod', match),
        catalog.labelValues('container', match),
        catalog.labelValues('deployment', match),
        catalog.labelValues('daemonset', match),
        // The application's `service` label only: under prometheus-operator every target also carries
        // `service="<Kubernetes Service>"` (kubelet, kube-dns, node-exporter...), which is not an HTTP service.
        catalog.labelValues('service', [`{__name__=~"http_.+", namespace=${promqlString(namespace)}}`]),
      ]);
      return { namespace, pods, containers, deployments, daemonsets, services };
    }),
  );
  const workloads: Workload[] = [];
  const pods: PodRef[] = [];
  const containers: { name: string; namespace: string }[] = [];
  const httpServices = new Set<string>();
  for (const ns of perNamespace) {
    const byName = new Map<string, Workload>();
    const workload = (name: string) => {
      let w = byName.get(name);
      if (!w) {
        w = { name, namespace: ns.namespace, http: false, deployment: false, container: false };
        byName.set(name, w);
      }
      return w;
    };
    for (const d of ns.deployments) workload(d).deployment = true;
    for (const s of ns.services) {
      workload(s).http = true;
      httpServices.add(s);
    }
    // A pod belongs to the longest known Deployment or DaemonSet its name starts with; the name shape
    // alone misreads DaemonSet pods such as `node-exporter-57dsv` as Deployment `node`'s.
    const owners = [...ns.deployments, ...ns.daemonsets].sort((a, b) => b.length - a.length);
    for (const d of ns.daemonsets) workload(d);
    for (const p of ns.pods) {
      const w = owners.find((o) => p.startsWith(`${o}-`) && workloadOfPod(p) !== undefined) ?? workloadOfPod(p);
      if (w) workload(w);
      pods.push({ name: p, namespace: ns.namespace, workload: w });
    }
    for (const c of ns.containers) {
      if (c === 'POD') continue;
      const w = byName.get(c);
      if (w) w.container = true;
      else containers.push({ name: c, namespace: ns.namespace });
    }
    workloads.push(...byName.values());
  }
  const routes = (
    await Promise.all([...httpServices].map(async (service) => (await catalog.labelValues('route', [`{service=${promqlString(service)}}`])).map((route) => ({ route, service }))))
  ).flat();
  const zones = await loadZones(catalog, nodes);
  return { metrics, namespaces, nodes, workloads, pods, containers, routes, ...(zones.length ? { zones } : {}) };
}
