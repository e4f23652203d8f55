/**
 * The faults the agent's integration tests and replay cases inject into the simulated cluster, the way
 * the scenarios do (Chaos Mesh objects in the store, or a rollout patch), with the alert rule that
 * fires for each and the root cause the analysis must find. Retargetable: every fault takes the
 * service (or node) it hits.
 */
import type { RootCauseKind } from '../../../core/types.js';
import type { Deployment, Node } from '../../../infra/local/simulation/cluster/objects.js';
import { DEPLOYMENT, NODE } from '../../../infra/local/simulation/cluster/resources.js';
import type { Simulation } from '../../../infra/local/simulation/simulation.js';
import { createChaos } from '../simulation/chaos.js';

export interface Expected {
  kind: RootCauseKind;
  target: { kind: 'Deployment' | 'Node'; namespace?: string; name: string };
}

export interface FaultSpec {
  /** Case name, e.g. memory-leak-petlistadoptions. */
  name: string;
  description: string;
  /** Minutes from injection to the investigation. */
  minutes: number;
  inject(sim: Simulation): void;
  /** The alert rule that fires, and labels that pick the series the incident is about. */
  alert: { rule: string; labels: Record<string, string> } | { manual: { name: string; labels: Record<string, string>; severity: 'critical' | 'warning'; summary: string } };
  expected(sim: Simulation): Expected;
  tags: string[];
}

const NS = 'petadoptions';
const deployment = (name: string): Expected['target'] => ({ kind: 'Deployment', namespace: NS, name });

export function nodeName(sim: Simulation, index: number): string {
  return sim.store.list<Node>(NODE)[index]!.metadata.name;
}

export const faults = {
  memoryLeak(service = 'petlistadoptions', alertRule = 'ContainerOOMKilled'): FaultSpec {
    return {
      name: `memory-leak-${service}`,
      description: `${service} leaks memory (StressChaos memory, one pod) until it is OOMKilled, in a loop`,
      minutes: 18,
      inject: (sim) => createChaos(sim.store, { kind: 'StressChaos', metadata: { name: `${service}-memory-leak`, namespace: NS }, spec: { mode: 'one', selector: { labelSelectors: { app: service } }, stressors: { memory: { workers: 1, size: '150%', time: '5m' } } } }),
      alert: { rule: alertRule, labels: { deployment: service } },
      expected: () => ({ kind: 'memory-leak', target: deployment(service) }),
      tags: ['memory-leak', 'oom'],
    };
  },
  cpuThrottling(service = 'payforadoption', load = 60): FaultSpec {
    return {
      name: `cpu-throttling-${service}`,
      description: `${service} is CPU-stressed (StressChaos cpu, all pods, ${load}% of a core) and throttled`,
      minutes: 12,
      inject: (sim) => createChaos(sim.store, { kind: 'StressChaos', metadata: { name: `${service}-cpu-stress`, namespace: NS }, spec: { mode: 'all', selector: { labelSelectors: { app: service } }, stressors: { cpu: { workers: 1, load } } } }),
      alert: { rule: 'CPUThrottlingHigh', labels: { deployment: service } },
      expected: () => ({ kind: 'cpu-throttling', target: deployment(service) }),
      tags: ['cpu-throttling'],
    };
  },
  /** CPU stress on a callee, seen as latency at the front end: the traces must lead to the callee. */
  latencyFromCpu(service = 'petsearch', load = 100): FaultSpec {
    return {
      name: `high-latency-cpu-${service}`,
      description: `${service} is CPU-stressed; petsite's p99 latency alerts`,
      minutes: 12,
      inject: (sim) => createChaos(sim.store, { kind: 'StressChaos', metadata: { name: `${service}-cpu-stress`, namespace: NS }, spec: { mode: 'all', selector: { labelSelectors: { app: service } }, stressors: { cpu: { workers: 2, load } } } }),
      alert: { rule: 'HighRequestLatency', labels: { service: 'petsite' } },
      expected: () => ({ kind: 'cpu-throttling', target: deployment(service) }),
      tags: ['high-latency', 'cpu-throttling', 'downstream'],
    };
  },
  networkDelay(service = 'petsearch', latency = '1200ms'): FaultSpec {
    return {
      name: `network-latency-${service}`,
      description: `the network to ${service}'s pods adds ${latency} (NetworkChaos delay, all pods); petsite's p99 latency alerts`,
      minutes: 10,
      inject: (sim) => createChaos(sim.store, { kind: 'NetworkChaos', metadata: { name: `${service}-network-delay`, namespace: NS }, spec: { action: 'delay', mode: 'all', selector: { labelSelectors: { app: service } }, delay: { latency, jitter: '50ms' } } }),
      alert: { rule: 'HighRequestLatency', labels: { service: 'petsite' } },
      expected: () => ({ kind: 'network-latency', target: deployment(service) }),
      tags: ['network-latency', 'high-latency', 'downstream'],
    };
  },
  /** A delay past the callers' 3 s client timeout: 504s at the front end. */
  networkTimeouts(service = 'payforadoption', latency = '3500ms'): FaultSpec {
    return {
      name: `network-timeouts-${service}`,
      description: `the network to ${service}'s pods adds ${latency}, beyond the callers' timeout; petsite answers 504`,
      minutes: 10,
      inject: (sim) => createChaos(sim.store, { kind: 'NetworkChaos', metadata: { name: `${service}-network-delay`, namespace: NS }, spec: { action: 'delay', mode: 'all', selector: { labelSelectors: { app: service } }, delay: { latency, jitter: '100ms' } } }),
      alert: { rule: 'HighErrorRate', labels: { service: 'petsite' } },
      expected: () => ({ kind: 'network-latency', target: deployment(service) }),
      tags: ['network-latency', 'errors', 'downstream'],
    };
  },
  /** A rollout with an invalid setting: the new pods exit at start and back off (issue 2's crash loop). */
  crashLoop(service = 'petsite'): FaultSpec {
    // One setting per service that its start-up validation rejects (lib/petadoption/catalog.ts).
    const badEnv: Record<string, [string, string]> = {
      petsite: ['SEARCH_API_URL', 'petsearch:80'],
      petsearch: ['PETS_TABLE_NAME', ''],
      petlistadoptions: ['PETSEARCH_URL', 'petsearch'],
      pethistory: ['GUNICORN_WORKERS', '0'],
      payforadoption: ['DB_MAX_CONNECTIONS', 'twenty'],
    };
    return {
      name: `crash-loop-${service}`,
      description: `a rollout of ${service} with an invalid ${badEnv[service]?.[0]} crash-loops its new pods`,
      minutes: 8,
      inject: (sim) =>
        sim.store.mutate<Deployment>(DEPLOYMENT, NS, service, (d) => {
          const c = d.spec.template.spec.containers[0]!;
          const [name, value] = badEnv[service] ?? ['CONFIG_URL', 'not a url'];
          c.env = [...(c.env ?? []).filter((e) => e.name !== name), { name, value }];
          d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': `kubectl set env deployment/${service} ${name}=${value}` };
        }),
      alert: { rule: 'PodCrashLooping', labels: { deployment: service } },
      expected: () => ({ kind: 'crash-loop', target: deployment(service) }),
      tags: ['crash-loop', 'rollout'],
    };
  },
  /** A rollout to an image tag that does not exist, one pod at a time: replicas go missing. */
  badDeployment(service = 'petsearch'): FaultSpec {
    return {
      name: `bad-deployment-${service}`,
      description: `a rollout of ${service} to an image tag that does not exist (maxUnavailable 1): pods cannot pull, a replica is missing`,
      minutes: 10,
      inject: (sim) =>
        sim.store.mutate<Deployment>(DEPLOYMENT, NS, service, (d) => {
          const c = d.spec.template.spec.containers[0]!;
          c.image = `${c.image.replace(/:[^:]+$/, '')}:9.9.9-rc1`;
          d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } };
          d.metadata.annotations = { ...d.metadata.annotations, 'kubernetes.io/change-cause': `kubectl set image deployment/${service} ${service}=${c.image}` };
        }),
      alert: { rule: 'DeploymentReplicasUnavailable', labels: { deployment: service } },
      expected: () => ({ kind: 'bad-deployment', target: deployment(service) }),
      tags: ['bad-deployment', 'rollout'],
    };
  },
  nodePressure(index = 2): FaultSpec {
    let node = '';
    return {
      name: `node-pressure-${index}`,
      description: `a memory hog on node #${index} (StressChaos on its kube-proxy): MemoryPressure, evictions`,
      minutes: 6,
      inject: (sim) => {
        node = nodeName(sim, index);
        createChaos(sim.store, { kind: 'StressChaos', metadata: { name: 'node-memory-hog', namespace: 'chaos-mesh' }, spec: { mode: 'one', selector: { namespaces: ['kube-system'], labelSelectors: { 'k8s-app': 'kube-proxy' }, nodes: [node] }, stressors: { memory: { size: '100%', time: '3m' } }, duration: '30m' } });
      },
      get alert(): FaultSpec['alert'] {
        const labels: Record<string, string> = node ? { node } : {};
        return { rule: 'NodeMemoryPressure', labels };
      },
      expected: (sim) => ({ kind: 'node-pressure', target: { kind: 'Node', name: node || nodeName(sim, index) } }),
      tags: ['node-pressure', 'eviction'],
    };
  },
  /** Two faults at once; the alert of `primary` must lead to its cause, not to the other one. */
  concurrent(primary: FaultSpec, other: FaultSpec): FaultSpec {
    return {
      ...primary,
      name: `${primary.name}-with-${other.name}`,
      description: `${primary.description}, while ${other.description}`,
      minutes: Math.max(primary.minutes, other.minutes),
      inject: (sim) => {
        primary.inject(sim);
        other.inject(sim);
      },
      tags: [...primary.tags, 'concurrent'],
    };
  },
  /** Nothing wrong: an anomaly alert on a healthy cluster must end as `unknown`. */
  falseAlarm(service = 'petsite'): FaultSpec {
    return {
      name: `false-alarm-${service}`,
      description: `no fault; an anomaly alert about ${service} latency on a healthy cluster`,
      minutes: 10,
      inject: () => undefined,
      alert: { manual: { name: 'LatencyAnomaly', labels: { namespace: NS, service, severity: 'warning' }, severity: 'warning', summary: `p99 latency of ${service} looks unusual` } },
      expected: () => ({ kind: 'unknown', target: deployment(service) }),
      tags: ['unknown', 'false-alarm'],
    };
  },
};
