import type { ContainerStatus, Pod } from '../../cluster/objects.js';
import type { TablePrinter } from './table.js';
import { age, ageColumn, column, nameColumn, since } from './table.js';

type InitContainerStatus = ContainerStatus & { started?: boolean };
type InitContainer = { name: string; restartPolicy?: string };

/** The STATUS, READY and RESTARTS columns exactly as printPod of k8s.io/kubernetes pkg/printers computes them. */
export function podSummary(pod: Pod, now: number): { ready: string; status: string; restarts: string; conditions?: { type: string; status: string; reason: string; message: string }[] } {
  const spec = pod.spec;
  const status = pod.status ?? { phase: 'Pending' };
  const initContainers = (spec.initContainers as InitContainer[] | undefined) ?? [];
  const restartable = (name: string) => initContainers.find((c) => c.name === name)?.restartPolicy === 'Always';
  const totalContainers = spec.containers.length + initContainers.filter((c) => c.restartPolicy === 'Always').length;
  let readyContainers = 0;
  let restarts = 0;
  let restartableInitRestarts = 0;
  let lastRestart = 0;
  let lastRestartableInitRestart = 0;
  let reason: string = status.reason || status.phase;
  for (const condition of status.conditions ?? []) if (condition.type === 'PodScheduled' && condition.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const finishedAt = (s: ContainerStatus) => (s.lastState?.terminated?.finishedAt ? Date.parse(s.lastState.terminated.finishedAt) : 0);
  let initializing = false;
  const initStatuses = (status as { initContainerStatuses?: InitContainerStatus[] }).initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const container = initStatuses[i]!;
    restarts += container.restartCount;
    lastRestart = Math.max(lastRestart, finishedAt(container));
    if (restartable(container.name)) {
      restartableInitRestarts += container.restartCount;
      lastRestartableInitRestart = Math.max(lastRestartableInitRestart, finishedAt(container));
    }
    const terminated = container.state?.terminated;
    const waiting = container.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (restartable(container.name) && container.started) {
      if (container.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      reason = terminated.reason ? `Init:${terminated.reason}` : terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  const podReady = (status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  const initialized = (status.conditions ?? []).some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const container = statuses[i]!;
      restarts += container.restartCount;
      lastRestart = Math.max(lastRestart, finishedAt(container));
      const { waiting, terminated, running } = container.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (container.ready && running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = podReady ? 'Running' : 'NotReady';
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && !terminal) reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestart > 0 ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  const conditions =
    status.phase === 'Succeeded'
      ? [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]
      : status.phase === 'Failed'
        ? [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]
        : undefined;
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText, ...(conditions ? { conditions } : {}) };
}

export const podPrinter: TablePrinter<Pod> = {
  columns: [
    nameColumn,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn,
    column('IP', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', { priority: 1 }),
    column('Node', 'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.', { priority: 1 }),
    column('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', { priority: 1 }),
    column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', { priority: 1 }),
  ],
  row: (pod, now) => {
    const summary = podSummary(pod, now);
    const status = pod.status ?? { phase: 'Pending' };
    const gates = (pod.spec.readinessGates as { conditionType: string }[] | undefined) ?? [];
    const readyGates = gates.filter((g) => (status.conditions ?? []).some((c) => c.type === g.conditionType && c.status === 'True')).length;
    return {
      cells: [
        pod.metadata.name,
        summary.ready,
        summary.status,
        summary.restarts,
        age(pod, now),
        status.podIPs?.[0]?.ip || status.podIP || '<none>',
        pod.spec.nodeName || '<none>',
        (status as { nominatedNodeName?: string }).nominatedNodeName || '<none>',
        gates.length ? `${readyGates}/${gates.length}` : '<none>',
      ],
      ...(summary.conditions ? { conditions: summary.conditions } : {}),
    };
  },
};
