/**
 * Read-modify-write of an incident with optimistic concurrency. Intake (new and resolved alerts), the
 * approval API and the workflow engine all change incidents; each change is a function applied to the
 * freshest copy and written conditionally on the `updatedAt` it read, so no writer overwrites another's
 * change. `updatedAt` strictly increases (by at least 1 ms), so two writes in one millisecond still
 * differ and the condition stays meaningful under a manual clock.
 */
import type { Clock } from '../../core/clock.js';
import type { Incident } from '../../core/types.js';
import type { StateStore } from '../ports.js';
import { IncidentConflict } from './errors.js';

export function nextUpdatedAt(previous: string | undefined, now: number): string {
  const before = previous ? Date.parse(previous) : Number.NEGATIVE_INFINITY;
  return new Date(Math.max(now, before + 1)).toISOString();
}

export class IncidentNotFound extends Error {
  constructor(readonly incidentId: string) {
    super(`incident ${incidentId} not found`);
    this.name = 'IncidentNotFound';
  }
}

/**
 * Applies `change` to the stored incident and saves it, retrying on conflicts (up to `attempts`). The
 * change may run several times, on fresher copies: it must only depend on the incident it is given.
 * Returning `false` means "nothing to change" and skips the write.
 */
export async function mutateIncident(
  store: StateStore,
  id: string,
  change: (incident: Incident) => void | false,
  options: { clock: Clock; attempts?: number; initial?: Incident },
): Promise<Incident> {
  const attempts = options.attempts ?? 8;
  let current = options.initial ? structuredClone(options.initial) : await store.getIncident(id);
  for (let attempt = 1; ; attempt++) {
    if (!current) throw new IncidentNotFound(id);
    const expectedUpdatedAt = current.updatedAt;
    const draft = structuredClone(current);
    if (change(draft) === false) return current;
    draft.updatedAt = nextUpdatedAt(expectedUpdatedAt, options.clock.now());
    try {
      await store.putIncident(draft, { expectedUpdatedAt });
      return draft;
    } catch (error) {
      if (!(error instanceof IncidentConflict) || attempt >= attempts) throw error;
      current = await store.getIncident(id);
    }
  }
}
