import { isoTime } from '../../../../../core/clock.js';
import { parseQuantity } from '../../../../../core/quantity.js';
import type { Node, Pod, Taint } from '../objects.js';
import { NODE, POD } from '../resources.js';
import type { Controller, ControllerContext } from './context.js';
import { isTerminated, podRequests, setCondition } from './podutil.js';

/**
 * default-scheduler, reduced to what matters here: node readiness, cordons and taints, node selectors,
 * requests against allocatable, and the least-allocated score. Unschedulable pods get the same
 * FailedScheduling message shape as the real one.
 */
export class Scheduler implements Controller {
  readonly name = 'default-scheduler';
  constructor(private readonly ctx: ControllerContext) {}

  reconcile(): void {
    const { store } = this.ctx;
    const pending = store.list<Pod>(POD).filter((p) => !p.spec.nodeName && !p.metadata.deletionTimestamp && !isTerminated(p));
    if (pending.length === 0) return;
    const nodes = store.list<Node>(NODE);
    for (const pod of pending.sort((a, b) => (b.spec.priority ?? 0) - (a.spec.priority ?? 0))) {
      const allPods = store.list<Pod>(POD);
      const reasons = new Map<string, number>();
      const fits: { node: Node; score: number }[] = [];
      for (const node of nodes) {
        const reason = this.unfit(pod, node, allPods);
        if (reason) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        else fits.push({ node, score: this.score(pod, node, allPods) });
      }
      if (fits.length === 0) {
        const summary = [...reasons.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([r, n]) => `${n} ${r}`).join(', ');
        const message = `0/${nodes.length} nodes are available: ${summary}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
        this.ctx.events.warning(pod, 'FailedScheduling', message, { component: 'default-scheduler' });
        store.mutate<Pod>(POD, pod.metadata.namespace, pod.metadata.name, (p) => {
          p.status.conditions = setCondition(p.status.conditions ?? [], {
            type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: isoTime(this.ctx.clock.now()), reason: 'Unschedulable', message,
          });
        });
        continue;
      }
      fits.sort((a, b) => b.score - a.score || a.node.metadata.name.localeCompare(b.node.metadata.name));
      const chosen = fits[0]!.node;
      store.mutate<Pod>(POD, pod.metadata.namespace, pod.metadata.name, (p) => {
        p.spec.nodeName = chosen.metadata.name;
        p.status.conditions = setCondition(p.status.conditions ?? [], {
          type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: isoTime(this.ctx.clock.now()),
        });
      });
      this.ctx.events.normal(pod, 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${chosen.metadata.name}`, { component: 'default-scheduler' });
    }
  }

  private unfit(pod: Pod, node: Node, allPods: Pod[]): string | undefined {
    const ready = node.status.conditions.find((c) => c.type === 'Ready')?.status === 'True';
    if (!ready) return "node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
    for (const [key, value] of Object.entries(pod.spec.nodeSelector ?? {})) {
      if (node.metadata.labels?.[key] !== value) return "node(s) didn't match Pod's node affinity/selector";
    }
    if (node.spec.unschedulable && !tolerates(pod, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return 'node(s) were unschedulable';
    for (const taint of node.spec.taints ?? []) {
      if (taint.effect === 'PreferNoSchedule') continue;
      if (!tolerates(pod, taint)) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
    }
    const onNode = allPods.filter((p) => p.spec.nodeName === node.metadata.name && !isTerminated(p));
    const used = onNode.reduce((acc, p) => {
      const r = podRequests(p);
      return { cpu: acc.cpu + r.cpu, memory: acc.memory + r.memory };
    }, { cpu: 0, memory: 0 });
    const want = podRequests(pod);
    if (onNode.length + 1 > parseQuantity(node.status.allocatable.pods ?? '110')) return 'Too many pods';
    if (used.cpu + want.cpu > parseQuantity(node.status.allocatable.cpu!) + 1e-9) return 'Insufficient cpu';
    if (used.memory + want.memory > parseQuantity(node.status.allocatable.memory!)) return 'Insufficient memory';
    return undefined;
  }

  private score(pod: Pod, node: Node, allPods: Pod[]): number {
    const onNode = allPods.filter((p) => p.spec.nodeName === node.metadata.name && !isTerminated(p));
    const want = podRequests(pod);
    const used = onNode.reduce((acc, p) => {
      const r = podRequests(p);
      return { cpu: acc.cpu + r.cpu, memory: acc.memory + r.memory };
    }, want);
    const cpuFree = 1 - used.cpu / parseQuantity(node.status.allocatable.cpu!);
    const memFree = 1 - used.memory / parseQuantity(node.status.allocatable.memory!);
    // Spread replicas of one workload across nodes (PodTopologySpread's default soft constraint).
    const app = pod.metadata.labels?.app ?? pod.metadata.labels?.['k8s-app'];
    const siblings = app ? onNode.filter((p) => (p.metadata.labels?.app ?? p.metadata.labels?.['k8s-app']) === app).length : 0;
    return (cpuFree + memFree) / 2 - siblings * 0.5;
  }
}

export function tolerates(pod: Pod, taint: Pick<Taint, 'key' | 'effect' | 'value'>): boolean {
  return (pod.spec.tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}
