import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../../../../core/log.js';
import type { ClusterBackend } from '../cluster/backend.js';
import { errors } from '../cluster/errors.js';

/** What every handler is given: the cluster behind the API and the request as parsed once. */
export interface ApiContext {
  readonly backend: ClusterBackend;
  readonly logger: Logger;
  /** Interval of watch BOOKMARK events (kube-apiserver sends one about every minute). */
  readonly bookmarkIntervalMs: number;
}

export interface ApiRequest {
  readonly method: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The body as text (read once, on first call). */
  body(): Promise<string>;
}

/** `dryRun=All` (the only value the API server accepts): run admission and compute, persist nothing. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const value of values) if (value !== 'All') throw errors.invalid('DryRun', '', [{ field: 'dryRun', message: `Unsupported value: "${value}": supported values: "All"`, reason: 'FieldValueNotSupported' }]);
  return values.length > 0;
}

/** fieldManager and fieldValidation are accepted (kubectl always sends them) and validated for shape only. */
export function checkWriteParams(query: URLSearchParams): void {
  const validation = query.get('fieldValidation');
  if (validation !== null && !['Ignore', 'Warn', 'Strict', ''].includes(validation)) {
    throw errors.badRequest(`fieldValidation: Unsupported value: "${validation}": supported values: "Ignore", "Warn", "Strict"`);
  }
  const manager = query.get('fieldManager');
  if (manager !== null && manager.length > 128) throw errors.badRequest('fieldManager: Too long: may not be longer than 128');
}
