/** Errors the state store adapters share, so callers handle every backend alike. */

/** A conditional write lost to a concurrent change; re-read, re-apply and write again. */
export class IncidentConflict extends Error {
  constructor(readonly incidentId: string, detail = 'it was changed by someone else since it was read') {
    super(`incident ${incidentId} was not saved: ${detail}`);
    this.name = 'IncidentConflict';
  }
}

/** The store could not be reached or answered with an error; the caller retries later. */
export class StoreUnavailable extends Error {
  constructor(what: string, cause: unknown) {
    super(`state store unavailable while ${what}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreUnavailable';
  }
}
