/**
 * Which scenario run caused an incident: `run-scenario`, once it has matched the incident to its
 * fault (runner/phases/detect.ts), records itself with `PUT /incidents/:id/run` and its operator token.
 * The record names the run, the scenario and the folder its report goes to (on the runner's machine);
 * the web console shows it and, when the agent can read that folder, serves the report
 * (console/report.ts). Recording is audited (`incident.run-recorded`); the same record again changes
 * nothing, another one replaces it (the audit keeps the previous run id).
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import type { Clock } from '../../core/clock.js';
import type { Incident, IncidentRun } from '../../core/types.js';
import type { StateStore } from '../ports.js';
import { IncidentNotFound, mutateIncident } from '../store/mutate.js';
import { HttpError } from './errors.js';

// No control characters anywhere (they reach HTML, logs and the audit).
const printable = (text: string) =>
  [...text].every((c) => {
    const code = c.codePointAt(0)!;
    return code >= 0x20 && !(code >= 0x7f && code <= 0x9f) && code !== 0x2028 && code !== 0x2029;
  });

export const runRecordBody = z
  .object({
    // run-scenario's ids: `20261125t090030-a1b2`.
    runId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", at most 64'),
    // Scenario names: `memory-leak`, `node-pressure`.
    scenario: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and "-", at most 64'),
    reportDir: z
      .string()
      .min(2)
      .max(1024)
      .refine(printable, 'no control characters')
      .refine((path) => isAbsolute(path) && resolve(path) === path, 'an absolute, normalized path (no "..", no trailing "/")'),
  })
  .strict();

export type RunRecordBody = z.infer<typeof runRecordBody>;

const same = (a: IncidentRun | undefined, b: RunRecordBody) => a !== undefined && a.runId === b.runId && a.scenario === b.scenario && a.reportDir === b.reportDir;

/** Records (or replaces) the run on the incident and audits it; 404 when there is no such incident. */
export async function recordRun(store: StateStore, clock: Clock, incidentId: string, body: RunRecordBody, by: string): Promise<{ incident: Incident; changed: boolean }> {
  const run: IncidentRun = { ...body, recordedBy: by, recordedAt: new Date(clock.now()).toISOString() };
  let previous: IncidentRun | undefined;
  let changed = false;
  let incident: Incident;
  try {
    incident = await mutateIncident(
      store,
      incidentId,
      (i) => {
        previous = i.run;
        changed = !same(i.run, body);
        if (!changed) return false;
        i.run = run;
      },
      { clock },
    );
  } catch (error) {
    if (error instanceof IncidentNotFound) throw new HttpError(404, `incident ${incidentId.slice(0, 200)} not found`);
    throw error;
  }
  if (changed) {
    await store.appendAudit({
      at: run.recordedAt,
      incidentId,
      actor: by,
      action: 'incident.run-recorded',
      detail: { runId: run.runId, scenario: run.scenario, reportDir: run.reportDir, ...(previous ? { previousRunId: previous.runId } : {}) },
    });
  }
  return { incident, changed };
}
