/**
 * Tool failures the model can act on: what happened and what to do next. Backend errors keep their
 * kind and hint; syntax errors carry the position; guardrails carry a safer query to run instead.
 */
import { isBackendError } from '../../lib/prometheus/client/index.js';

export type ToolErrorKind =
  | 'invalid_argument'
  | 'invalid_query'
  | 'guardrail'
  | 'not_found'
  | 'not_available'
  | 'canceled'
  | 'backend';

export class ToolError extends Error {
  override name = 'ToolError';
  constructor(
    readonly kind: ToolErrorKind,
    message: string,
    readonly hint: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, message: this.message, hint: this.hint, ...this.details };
  }
}

/** Any failure as a ToolError (backend errors keep their kind and hint under `details.backend`). */
export function asToolError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  if (isBackendError(error)) {
    const kind = error.kind === 'canceled' ? 'canceled' : error.kind === 'bad_data' ? 'invalid_query' : 'backend';
    return new ToolError(kind, error.message, error.hint, { backend: error.toJSON() });
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new ToolError('canceled', 'the request was cancelled', 'nothing to do; ask again if the answer is still needed');
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ToolError('backend', message, 'this looks like a bug in the MCP server; retry, and report it with the server log if it persists');
}
