/**
 * A static catalog shaped like the local target (the simulated pet-adoption cluster): its namespaces,
 * services, pods, nodes, routes and metric names, for unit tests that need no Prometheus. Names follow
 * the fixture's conventions (`<deployment>-<hash>-<suffix>` pods, `ip-192-168-x-y` nodes).
 */
import { staticCatalog, type LabelCatalog } from '../../../mcp/translate/catalog.js';

export const petNodes = ['ip-192-168-139-191.us-west-2.compute.internal', 'ip-192-168-27-104.us-west-2.compute.internal', 'ip-192-168-74-219.us-west-2.compute.internal'];

const pods: [namespace: string, pod: string, containers: string[], node: number][] = [
  ['petadoptions', 'petsite-qc9jjtk2g5-jmkp4', ['petsite'], 2],
  ['petadoptions', 'petsite-qc9jjtk2g5-v9zl9', ['petsite'], 2],
  ['petadoptions', 'petsearch-bhhhpbt66h-glw2j', ['petsearch'], 0],
  ['petadoptions', 'petsearch-bhhhpbt66h-sktrx', ['petsearch'], 1],
  ['petadoptions', 'payforadoption-6dshvgncnx-j8m6j', ['payforadoption'], 0],
  ['petadoptions', 'payforadoption-6dshvgncnx-tvg6t', ['payforadoption'], 1],
  ['petadoptions', 'petlistadoptions-n49bqnqbdr-58lxx', ['petlistadoptions'], 0],
  ['petadoptions', 'petlistadoptions-n49bqnqbdr-cnkks', ['petlistadoptions'], 1],
  ['petadoptions', 'pethistory-jmqhrjfrb9-8s4nv', ['pethistory'], 1],
  ['petadoptions', 'trafficgenerator-7xqsz5fsdx-m2nq2', ['trafficgenerator'], 0],
  ['kube-system', 'coredns-v824tqzw7z-66v2x', ['coredns'], 0],
  ['kube-system', 'coredns-v824tqzw7z-tbnbg', ['coredns'], 1],
  ['kube-system', 'aws-node-6nzk7', ['aws-node', 'aws-eks-nodeagent'], 0],
  ['kube-system', 'aws-node-dfhp9', ['aws-node', 'aws-eks-nodeagent'], 1],
  ['kube-system', 'kube-proxy-4p9kp', ['kube-proxy'], 0],
  ['kube-system', 'metrics-server-k4tpsnzmcc-q9vkh', ['metrics-server'], 2],
  ['amazon-cloudwatch', 'cloudwatch-agent-c8p55', ['cloudwatch-agent'], 0],
  ['amazon-cloudwatch', 'fluent-bit-47nqp', ['fluent-bit'], 0],
];

const routes: Record<string, string[]> = {
  petsite: ['/', '/Search', '/Adoption/TakeMeHome', '/PetListAdoptions', '/PetHistory', '/health'],
  petsearch: ['/api/search', '/health'],
  payforadoption: ['/api/completeadoption', '/health'],
  petlistadoptions: ['/api/adoptionlist/', '/health'],
  pethistory: ['/petadoptionshistory/api/home/transactions', '/health'],
  trafficgenerator: ['/health'],
};

export function petSeries(): Record<string, string>[] {
  const series: Record<string, string>[] = [];
  for (const [namespace, pod, containers, node] of pods) {
    series.push({ __name__: 'kube_pod_info', namespace, pod, node: petNodes[node]! });
    for (const container of containers) {
      for (const name of ['container_memory_working_set_bytes', 'container_cpu_usage_seconds_total', 'kube_pod_container_status_restarts_total']) {
        series.push({ __name__: name, namespace, pod, container, node: petNodes[node]! });
      }
    }
    const deployment = /^(.+)-[a-z0-9]{10}-[a-z0-9]{5}$/.exec(pod)?.[1];
    if (deployment) series.push({ __name__: 'kube_deployment_spec_replicas', namespace, deployment });
    const service = containers[0]!;
    for (const route of routes[service] ?? []) series.push({ __name__: 'http_requests_total', namespace, pod, service, route, code: '200', method: 'GET' });
  }
  // Availability zones as EKS reports them: in the provider id of kube_node_info.
  const zones = ['us-west-2c', 'us-west-2a', 'us-west-2b'];
  petNodes.forEach((node, i) => {
    series.push({ __name__: 'node_load1', node }, { __name__: 'kube_node_status_condition', node, condition: 'Ready', status: 'true' });
    series.push({ __name__: 'kube_node_info', node, provider_id: `aws:///${zones[i]}/i-0${i}f55117d58b8102a7` });
  });
  for (const name of ['container_memory_rss', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total', 'container_cpu_cfs_periods_total', 'container_cpu_cfs_throttled_periods_total', 'kube_pod_status_phase', 'kube_pod_container_status_last_terminated_reason', 'kube_pod_container_resource_limits', 'kube_pod_container_resource_requests', 'kube_deployment_status_replicas_available', 'kube_node_spec_unschedulable', 'node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'http_request_duration_seconds_bucket', 'http_request_duration_seconds_sum', 'http_request_duration_seconds_count', 'up']) {
    series.push({ __name__: name });
  }
  return series;
}

export function petCatalog(): LabelCatalog {
  return staticCatalog(petSeries());
}

/** The fixture's instant: 2026-11-24 11:00 UTC. */
export const petNow = Date.UTC(2026, 10, 24, 11, 0, 0);
