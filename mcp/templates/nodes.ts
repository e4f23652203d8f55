/**
 * Node measures from node-exporter and kube-state-metrics: CPU and memory utilisation, disk space,
 * load and saturation, conditions (memory/disk/PID pressure, readiness) and cordoning. Per node the
 * raw gauges keep their labels; for the whole cluster they are summed first.
 */
import { windowParam, type MeasureDef, type QueryBuilder } from './measure.js';

const nodeScopes = ['node', 'node-by-node', 'cluster-by-node', 'cluster'];
const perNode = (q: QueryBuilder) => q.scope.entity === 'node' || q.scope.group === 'node';
const fs = (q: QueryBuilder, metric: string) => `${metric}${q.sel('node', ['mountpoint="/"'])}`;

const conditionParam = {
  name: 'condition',
  kind: 'choice' as const,
  description: 'node condition',
  default: 'MemoryPressure',
  choices: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready', 'NetworkUnavailable'],
};

export const nodeMeasures: MeasureDef[] = [
  {
    id: 'node-cpu-utilisation',
    title: 'Node CPU utilisation',
    description: 'Percentage of CPU time not idle, averaged over the CPUs of each node.',
    category: 'nodes',
    unit: 'percent',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `What is the CPU utilisation of ${s}?`,
    params: [windowParam],
    build: (q) => `100 * (1 - ${q.scope.group === 'node' ? q.agg('avg', `rate(node_cpu_seconds_total${q.sel('node', ['mode="idle"'])}[\${window}])`) : `avg(rate(node_cpu_seconds_total${q.sel('node', ['mode="idle"'])}[\${window}]))`})`,
  },
  {
    id: 'node-memory-utilisation',
    title: 'Node memory utilisation',
    description: 'Percentage of node memory in use (1 - MemAvailable / MemTotal).',
    category: 'nodes',
    unit: 'percent',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `What is the memory utilisation of ${s}?`,
    build: (q) =>
      perNode(q)
        ? `100 * (1 - node_memory_MemAvailable_bytes${q.sel('node')} / node_memory_MemTotal_bytes${q.sel('node')})`
        : `100 * (1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes))`,
  },
  {
    id: 'node-memory-used',
    title: 'Node memory used',
    description: 'Node memory in use (MemTotal - MemAvailable), in bytes.',
    category: 'nodes',
    unit: 'bytes',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `How much memory is used on ${s}?`,
    build: (q) =>
      perNode(q)
        ? `node_memory_MemTotal_bytes${q.sel('node')} - node_memory_MemAvailable_bytes${q.sel('node')}`
        : 'sum(node_memory_MemTotal_bytes) - sum(node_memory_MemAvailable_bytes)',
  },
  {
    id: 'node-memory-available',
    title: 'Node memory available',
    description: 'Memory available for new work on nodes (MemAvailable), in bytes.',
    category: 'nodes',
    unit: 'bytes',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `How much free memory does ${s} have?`,
    build: (q) => (perNode(q) ? `node_memory_MemAvailable_bytes${q.sel('node')}` : 'sum(node_memory_MemAvailable_bytes)'),
  },
  {
    id: 'disk-usage',
    title: 'Disk usage',
    description: 'Percentage of the root filesystem in use.',
    category: 'disk',
    unit: 'percent',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `How full is the disk on ${s}?`,
    build: (q) =>
      perNode(q)
        ? `100 * (1 - ${fs(q, 'node_filesystem_avail_bytes')} / ${fs(q, 'node_filesystem_size_bytes')})`
        : `100 * (1 - sum(${fs(q, 'node_filesystem_avail_bytes')}) / sum(${fs(q, 'node_filesystem_size_bytes')}))`,
  },
  {
    id: 'disk-free',
    title: 'Free disk space',
    description: 'Bytes available on the root filesystem.',
    category: 'disk',
    unit: 'bytes',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `How much disk space is left on ${s}?`,
    build: (q) => (perNode(q) ? fs(q, 'node_filesystem_avail_bytes') : `sum(${fs(q, 'node_filesystem_avail_bytes')})`),
  },
  {
    id: 'node-load',
    title: 'Load average (1m)',
    description: 'One-minute load average of nodes.',
    category: 'nodes',
    unit: 'load',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `What is the load average of ${s}?`,
    build: (q) => (perNode(q) ? `node_load1${q.sel('node')}` : 'avg(node_load1)'),
  },
  {
    id: 'node-saturation',
    title: 'Load per CPU',
    description: 'One-minute load divided by the number of CPUs: above 1 means runnable work is waiting.',
    category: 'saturation',
    unit: 'ratio',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `Is ${s} saturated?`,
    build: (q) =>
      perNode(q)
        ? `node_load1${q.sel('node')} / on(node) count by (node) (node_cpu_seconds_total${q.sel('node', ['mode="idle"'])})`
        : 'sum(node_load1) / count(node_cpu_seconds_total{mode="idle"})',
  },
  {
    id: 'node-condition',
    title: 'Node condition',
    description: 'Whether a node condition is true (1) or not (0): MemoryPressure, DiskPressure, PIDPressure, Ready.',
    category: 'nodes',
    unit: 'boolean',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `Is ${s} under memory pressure?`,
    params: [conditionParam],
    build: (q) =>
      perNode(q)
        ? `kube_node_status_condition${q.sel('node', ['condition="${condition}"', 'status="true"'])}`
        : 'sum(kube_node_status_condition{condition="${condition}", status="true"})',
  },
  {
    id: 'node-unschedulable',
    title: 'Cordoned nodes',
    description: 'Whether a node is cordoned (unschedulable = 1).',
    category: 'nodes',
    unit: 'boolean',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `Is ${s} cordoned?`,
    build: (q) => (perNode(q) ? `kube_node_spec_unschedulable${q.sel('node')}` : 'sum(kube_node_spec_unschedulable)'),
  },
  {
    id: 'node-count',
    title: 'Nodes',
    description: 'Number of nodes in the cluster (kube_node_info).',
    category: 'nodes',
    unit: 'nodes',
    families: ['node'],
    only: ['cluster'],
    ask: () => 'How many nodes are there?',
    build: () => 'count(kube_node_info)',
  },
  {
    id: 'node-pods',
    title: 'Pods per node',
    description: 'Number of pods scheduled on nodes (kube_pod_info).',
    category: 'pods',
    unit: 'pods',
    families: ['node'],
    only: nodeScopes,
    ask: (s) => `How many pods are running on ${s}?`,
    build: (q) => (q.scope.group === 'node' ? `count by (node) (kube_pod_info${q.sel('node')})` : `count(kube_pod_info${q.sel('node')})`),
  },
];
