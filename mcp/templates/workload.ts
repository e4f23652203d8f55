/**
 * Container resource measures: CPU, memory, network, throttling, usage against limits and requests,
 * restarts and OOM kills, from cAdvisor and kube-state-metrics.
 */
import { windowParam, type MeasureDef } from './measure.js';

const cpu = (sel: string) => `rate(container_cpu_usage_seconds_total${sel}[\${window}])`;

/** Usage over a kube-state-metrics resource (limits or requests), summed on both sides by the same labels. */
function usageOver(id: string, resource: 'memory' | 'cpu', kind: 'limits' | 'requests'): MeasureDef {
  const word = kind === 'limits' ? 'limit' : 'request';
  return {
    id,
    title: `${resource === 'memory' ? 'Memory working set' : 'CPU usage'} / ${word}`,
    description: `${resource === 'memory' ? 'Memory working set' : 'CPU usage (cores, rate over the window)'} as a fraction of the container ${word}s (1 = at the ${word}); pods without a ${word} drop out.`,
    category: resource === 'memory' ? 'memory' : 'cpu',
    unit: 'ratio',
    families: ['container', 'kubeResource'],
    ask: (s) => `How close is ${s} to its ${resource} ${word}?`,
    params: resource === 'cpu' ? [windowParam] : [],
    build: (q) => {
      const usage = resource === 'memory' ? `container_memory_working_set_bytes${q.sel('container')}` : cpu(q.sel('container'));
      const bound = `kube_pod_container_resource_${kind}${q.sel('kubeResource', [`resource="${resource}"`])}`;
      return `${q.agg('sum', usage)} / ${q.agg('sum', bound, 'kubeResource')}`;
    },
  };
}

function resource(id: string, res: 'memory' | 'cpu', kind: 'limits' | 'requests'): MeasureDef {
  const word = kind === 'limits' ? 'limit' : 'request';
  return {
    id,
    title: `${res === 'memory' ? 'Memory' : 'CPU'} ${word}s`,
    description: `Sum of the containers' ${res} ${word}s (${res === 'memory' ? 'bytes' : 'cores'}).`,
    category: res,
    unit: res === 'memory' ? 'bytes' : 'cores',
    families: ['kubeResource'],
    ask: (s) => `What is the ${res} ${word} of ${s}?`,
    build: (q) => q.agg('sum', `kube_pod_container_resource_${kind}${q.sel('kubeResource', [`resource="${res}"`])}`),
  };
}

export const workloadMeasures: MeasureDef[] = [
  {
    id: 'cpu',
    title: 'CPU usage',
    description: 'CPU used by containers, in cores (rate of container_cpu_usage_seconds_total).',
    category: 'cpu',
    unit: 'cores',
    families: ['container'],
    ask: (s) => `How much CPU is ${s} using?`,
    params: [windowParam],
    build: (q) => q.agg('sum', cpu(q.sel('container'))),
  },
  {
    id: 'memory',
    title: 'Memory working set',
    description: 'Memory working set of containers (what the OOM killer compares with the limit), in bytes.',
    category: 'memory',
    unit: 'bytes',
    families: ['container'],
    ask: (s) => `How much memory is ${s} using?`,
    build: (q) => q.agg('sum', `container_memory_working_set_bytes${q.sel('container')}`),
  },
  {
    id: 'rss',
    title: 'Memory RSS',
    description: 'Resident set size of containers (anonymous memory, no page cache), in bytes.',
    category: 'memory',
    unit: 'bytes',
    families: ['container'],
    ask: (s) => `What is the RSS of ${s}?`,
    build: (q) => q.agg('sum', `container_memory_rss${q.sel('container')}`),
  },
  {
    id: 'network-receive',
    title: 'Network received',
    description: 'Bytes per second received by pods (rate of container_network_receive_bytes_total).',
    category: 'network',
    unit: 'bytes/s',
    families: ['network'],
    ask: (s) => `How much network traffic is ${s} receiving?`,
    params: [windowParam],
    build: (q) => q.agg('sum', `rate(container_network_receive_bytes_total${q.sel('network')}[\${window}])`),
  },
  {
    id: 'network-transmit',
    title: 'Network transmitted',
    description: 'Bytes per second sent by pods (rate of container_network_transmit_bytes_total).',
    category: 'network',
    unit: 'bytes/s',
    families: ['network'],
    ask: (s) => `How much network traffic is ${s} sending?`,
    params: [windowParam],
    build: (q) => q.agg('sum', `rate(container_network_transmit_bytes_total${q.sel('network')}[\${window}])`),
  },
  {
    id: 'network',
    title: 'Network traffic (in + out)',
    description: 'Bytes per second received plus transmitted by pods.',
    category: 'network',
    unit: 'bytes/s',
    families: ['network'],
    ask: (s) => `What is the network throughput of ${s}?`,
    params: [windowParam],
    build: (q) =>
      `${q.agg('sum', `rate(container_network_receive_bytes_total${q.sel('network')}[\${window}])`)} + ${q.agg('sum', `rate(container_network_transmit_bytes_total${q.sel('network')}[\${window}])`)}`,
  },
  {
    id: 'cpu-throttling',
    title: 'CPU throttling',
    description: 'Fraction of CFS periods in which containers were throttled (0..1): CPU saturation against the limit.',
    category: 'saturation',
    unit: 'ratio',
    families: ['container'],
    ask: (s) => `How much is ${s} being CPU throttled?`,
    params: [windowParam],
    examples: { service: 'payforadoption' },
    build: (q) =>
      `${q.agg('sum', `rate(container_cpu_cfs_throttled_periods_total${q.sel('container')}[\${window}])`)} / ${q.agg('sum', `rate(container_cpu_cfs_periods_total${q.sel('container')}[\${window}])`)}`,
  },
  usageOver('memory-vs-limit', 'memory', 'limits'),
  usageOver('memory-vs-request', 'memory', 'requests'),
  usageOver('cpu-vs-limit', 'cpu', 'limits'),
  usageOver('cpu-vs-request', 'cpu', 'requests'),
  {
    id: 'memory-headroom',
    title: 'Memory headroom',
    description: 'Memory limit minus working set, in bytes: how far from an OOM kill.',
    category: 'memory',
    unit: 'bytes',
    families: ['container', 'kubeResource'],
    ask: (s) => `How much memory headroom does ${s} have before its limit?`,
    build: (q) => `${q.agg('sum', `kube_pod_container_resource_limits${q.sel('kubeResource', ['resource="memory"'])}`, 'kubeResource')} - ${q.agg('sum', `container_memory_working_set_bytes${q.sel('container')}`)}`,
  },
  resource('memory-limit', 'memory', 'limits'),
  resource('memory-request', 'memory', 'requests'),
  resource('cpu-limit', 'cpu', 'limits'),
  resource('cpu-request', 'cpu', 'requests'),
  {
    id: 'restarts',
    title: 'Container restarts (total)',
    description: 'Restart count of containers since they were created (kube_pod_container_status_restarts_total).',
    category: 'restarts',
    unit: 'restarts',
    families: ['kubeContainer'],
    ask: (s) => `How many times has ${s} restarted?`,
    examples: { service: 'petlistadoptions' },
    build: (q) => q.agg('sum', `kube_pod_container_status_restarts_total${q.sel('kubeContainer')}`),
  },
  {
    id: 'restarts-increase',
    title: 'Container restarts in a window',
    description: 'Restarts within the window (increase of kube_pod_container_status_restarts_total).',
    category: 'restarts',
    unit: 'restarts',
    families: ['kubeContainer'],
    ask: (s) => `How many times did ${s} restart in the last hour?`,
    params: [{ ...windowParam, default: '1h' }],
    examples: { service: 'petlistadoptions' },
    build: (q) => q.agg('sum', `increase(kube_pod_container_status_restarts_total${q.sel('kubeContainer')}[\${window}])`),
  },
  {
    id: 'oom-killed',
    title: 'OOM-killed containers',
    description: 'Containers whose last termination was an OOM kill (kube_pod_container_status_last_terminated_reason).',
    category: 'restarts',
    unit: 'containers',
    families: ['kubeContainer'],
    ask: (s) => `Was ${s} OOMKilled?`,
    examples: { service: 'petlistadoptions' },
    build: (q) =>
      q.grouped && q.scope.group === 'pod'
        ? `kube_pod_container_status_last_terminated_reason${q.sel('kubeContainer', ['reason="OOMKilled"'])} == 1`
        : q.agg('sum', `kube_pod_container_status_last_terminated_reason${q.sel('kubeContainer', ['reason="OOMKilled"'])}`),
  },
  {
    id: 'crash-looping',
    title: 'Crash-looping containers',
    description: 'Containers waiting in CrashLoopBackOff (kube_pod_container_status_waiting_reason).',
    category: 'restarts',
    unit: 'containers',
    families: ['kubeContainer'],
    ask: (s) => `Is ${s} crash looping?`,
    examples: { service: 'petlistadoptions' },
    build: (q) =>
      q.grouped && q.scope.group === 'pod'
        ? `kube_pod_container_status_waiting_reason${q.sel('kubeContainer', ['reason="CrashLoopBackOff"'])} == 1`
        : q.agg('sum', `kube_pod_container_status_waiting_reason${q.sel('kubeContainer', ['reason="CrashLoopBackOff"'])}`),
  },
];
