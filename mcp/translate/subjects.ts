/**
 * The entities of a question, sorted by kind: what scopes are chosen from and what explanations name.
 */
import type { Entities, EntityMatch } from './types.js';

export interface Sets {
  services: EntityMatch[];
  pods: EntityMatch[];
  nodes: EntityMatch[];
  namespaces: EntityMatch[];
  routes: (EntityMatch & { service?: string })[];
  metrics: EntityMatch[];
}

export function sortEntities(matches: EntityMatch[]): Sets {
  const of = (...kinds: EntityMatch['kind'][]) => matches.filter((m) => kinds.includes(m.kind));
  return { services: of('service', 'container'), pods: of('pod'), nodes: of('node'), namespaces: of('namespace'), routes: of('route'), metrics: of('metric') };
}

export function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))];
}

export function entitiesOf(matches: EntityMatch[]): Entities {
  const out: Entities = {};
  for (const m of matches) {
    const list = (out[m.kind] ??= []);
    if (!list.includes(m.value)) list.push(m.value);
  }
  return out;
}

export function subjectOf(s: Sets): string {
  const parts = [
    ...s.routes.map((r) => `route ${r.value}`),
    ...s.services.map((e) => e.value),
    ...s.pods.map((e) => `pod ${e.value}`),
    ...s.nodes.map((e) => `node ${e.value}`),
    ...s.namespaces.map((e) => `namespace ${e.value}`),
  ];
  return parts.length ? parts.join(', ') : 'the cluster';
}
