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

/**
 * A write the storage cannot take: the disk (or quota) is full, the files became read-only, or the
 * table is out of capacity. The API answers 503 (it is a StoreUnavailable) and `/readyz` stays not ready
 * until a write succeeds again; nothing is half-written (every write is one transaction).
 */
export class StorageExhausted extends StoreUnavailable {
  constructor(
    what: string,
    readonly reason: StorageFailure,
    cause: unknown,
    readonly where?: string,
  ) {
    super(what, cause);
    this.name = 'StorageExhausted';
    this.message = `${this.message}${hintFor(reason, where)}`;
  }
}

/** The state directory cannot be used (missing and not creatable, read-only, not a directory). */
export class StateDirectoryError extends Error {
  constructor(
    readonly directory: string,
    problem: string,
    cause?: unknown,
    advice = `Make it writable by this user (for example \`mkdir -p ${directory} && chmod 700 ${directory}\`), or choose another with --data-dir DIR (DEVOPS_AGENT_DATA_DIR) or --sqlite-path FILE`,
  ) {
    super(`the agent's state directory ${directory} ${problem}. ${advice}`, ...(cause === undefined ? [] : [{ cause }]));
    this.name = 'StateDirectoryError';
  }
}

export type StorageFailure = 'full' | 'read-only' | 'capacity';

const sqliteFull = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);
const readOnly = new Set(['SQLITE_READONLY', 'SQLITE_READONLY_DIRECTORY', 'SQLITE_READONLY_RECOVERY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_READONLY_CANTLOCK', 'SQLITE_READONLY_ROLLBACK', 'SQLITE_READONLY_DBMOVED', 'EROFS', 'EACCES', 'EPERM']);
const dynamoCapacity = new Set(['ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'ThrottlingException', 'ItemCollectionSizeLimitExceededException', 'LimitExceededException']);

/**
 * Whether an error means the storage cannot take writes now (as opposed to a bug or a conflict). SQLite
 * reports a full disk as SQLITE_FULL, or as an I/O error whose system errno is ENOSPC; DynamoDB as a
 * throughput or size limit. A DynamoDB error wrapped in a transaction cancellation counts too.
 */
export function storageFailureOf(error: unknown): StorageFailure | undefined {
  const e = error as { code?: unknown; name?: unknown; message?: unknown; CancellationReasons?: { Code?: string }[] } | undefined;
  if (!e) return undefined;
  const code = typeof e.code === 'string' ? e.code : '';
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (sqliteFull.has(code) || /\b(database or disk is full|no space left on device|ENOSPC|disk quota exceeded)\b/i.test(message)) return 'full';
  if (readOnly.has(code) || /attempt to write a readonly database/i.test(message)) return 'read-only';
  if (dynamoCapacity.has(name) || e.CancellationReasons?.some((r) => r.Code === 'ThrottlingError' || r.Code === 'ProvisionedThroughputExceeded')) return 'capacity';
  return undefined;
}

function hintFor(reason: StorageFailure, where: string | undefined): string {
  const place = where ? ` in ${where}` : '';
  if (reason === 'full') return `; the disk is full: free space${place} (old archives, logs) or grow the volume; the agent takes writes again as soon as there is room`;
  if (reason === 'read-only') return `; the state files${place} are read-only: make them writable by the agent's user`;
  return '; the table is out of capacity: raise its provisioned capacity or use on-demand mode; writes are retried';
}
