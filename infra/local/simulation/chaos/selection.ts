import type { Random } from '../../../../core/random.js';
import type { ChaosMode, ChaosSelector, Pod } from '../cluster/objects.js';
import { POD } from '../cluster/resources.js';
import { parseFieldSelector, selectorFromSpec } from '../cluster/selectors.js';
import type { ObjectStore } from '../cluster/store.js';

/**
 * Chaos Mesh's pod selection (PodSelectorSpec + mode/value): the candidates are filtered by every
 * selector given, then `mode` picks among them. Without `namespaces`, the experiment's own namespace.
 */
export function selectPods(store: ObjectStore, random: Random, selector: ChaosSelector, mode: ChaosMode, value: string | undefined, defaultNamespace: string): Pod[] {
  const namespaces = selector.pods ? Object.keys(selector.pods) : selector.namespaces?.length ? selector.namespaces : [defaultNamespace];
  const phases = selector.podPhaseSelectors?.length ? selector.podPhaseSelectors : ['Running'];
  const labelMatch = selectorFromSpec({ matchLabels: selector.labelSelectors ?? {}, matchExpressions: selector.expressionSelectors ?? [] });
  const fieldMatch = parseFieldSelector(Object.entries(selector.fieldSelectors ?? {}).map(([k, v]) => `${k}=${v}`).join(','));
  const candidates = namespaces
    .flatMap((ns) => store.list<Pod>(POD, ns))
    .filter((pod) => !pod.metadata.deletionTimestamp)
    .filter((pod) => phases.includes(pod.status.phase))
    .filter((pod) => !selector.pods || (selector.pods[pod.metadata.namespace!] ?? []).includes(pod.metadata.name))
    .filter((pod) => labelMatch(pod.metadata.labels))
    .filter((pod) => Object.entries(selector.annotationSelectors ?? {}).every(([k, v]) => pod.metadata.annotations?.[k] === v))
    .filter((pod) => fieldMatch(pod))
    .filter((pod) => !selector.nodes?.length || selector.nodes.includes(pod.spec.nodeName ?? ''))
    .filter((pod) => !selector.nodeSelectors || Object.keys(selector.nodeSelectors).length === 0 || nodeLabelsMatch(store, pod, selector.nodeSelectors));
  return applyMode(random, candidates, mode, value);
}

function nodeLabelsMatch(store: ObjectStore, pod: Pod, wanted: Record<string, string>): boolean {
  const node = store.get('/nodes', undefined, pod.spec.nodeName ?? '');
  return Boolean(node) && Object.entries(wanted).every(([k, v]) => node!.metadata.labels?.[k] === v);
}

export function applyMode<T>(random: Random, candidates: T[], mode: ChaosMode, value: string | undefined): T[] {
  const shuffled = [...candidates];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const n = Number(value ?? '0');
  switch (mode) {
    case 'one':
      return shuffled.slice(0, 1);
    case 'all':
      return candidates;
    case 'fixed':
      return shuffled.slice(0, Math.max(0, Math.floor(n)));
    case 'fixed-percent':
      return shuffled.slice(0, Math.floor((candidates.length * n) / 100));
    case 'random-max-percent':
      return shuffled.slice(0, Math.floor(random.next() * (Math.floor((candidates.length * n) / 100) + 1)));
  }
}
