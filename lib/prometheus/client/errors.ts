/**
 * Typed failures of a metrics backend. Each carries a `kind` a tool can branch on, the endpoint and
 * HTTP status, how many attempts were made, and a `hint`: one sentence the model (or a person) can act
 * on, such as "check the URL: connection refused at http://127.0.0.1:9090".
 */

export type BackendErrorKind =
  /** The request is malformed; for queries, a PromQL syntax error with Prometheus' own message. */
  | 'bad_data'
  /** The query parsed but failed while running (HTTP 422: many-to-many matching, too many samples...). */
  | 'execution'
  /** No answer in time: the client's per-attempt timeout, or the server's query timeout. */
  | 'timeout'
  /** The caller aborted (MCP client cancellation). Never retried. */
  | 'canceled'
  /** The server could not be reached or is not serving (connection refused, DNS, 502/503). */
  | 'unavailable'
  /** Missing, invalid or expired credentials. */
  | 'unauthorized'
  /** Authenticated but not allowed (AMP: the IAM role lacks an aps: action). */
  | 'forbidden'
  /** Wrong URL, or the AMP workspace does not exist in that region. */
  | 'not_found'
  /** Rate limited (HTTP 429, AMP throttling). */
  | 'too_many_requests'
  /** The backend has no such endpoint (AMP: targets, build info). */
  | 'not_supported'
  /** Something answered, but not with the Prometheus HTTP API (wrong URL, a proxy's HTML page). */
  | 'bad_response';

export interface BackendErrorDetails {
  message: string;
  hint: string;
  /** The API path ("/api/v1/query") or control-plane operation ("DescribeWorkspace"). */
  endpoint: string;
  /** Where the request went, without query string or credentials. */
  url?: string;
  status?: number;
  attempts?: number;
  /** Prometheus `errorType`, AWS error code (`x-amzn-ErrorType`), or the network error code. */
  errorType?: string;
  requestId?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

export abstract class BackendError extends Error {
  abstract readonly kind: BackendErrorKind;
  readonly hint: string;
  readonly endpoint: string;
  readonly url?: string;
  readonly status?: number;
  readonly attempts: number;
  readonly errorType?: string;
  readonly requestId?: string;
  readonly retryAfterMs?: number;

  constructor(details: BackendErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.hint = details.hint;
    this.endpoint = details.endpoint;
    this.url = details.url;
    this.status = details.status;
    this.attempts = details.attempts ?? 0;
    this.errorType = details.errorType;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** A plain object for structured tool output and logs. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { kind: this.kind, message: this.message, hint: this.hint, endpoint: this.endpoint };
    for (const key of ['url', 'status', 'errorType', 'requestId', 'retryAfterMs'] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    out.attempts = this.attempts;
    return out;
  }
}

export class BadDataError extends BackendError {
  readonly kind = 'bad_data' as const;
}
export class ExecutionError extends BackendError {
  readonly kind = 'execution' as const;
}
export class BackendTimeoutError extends BackendError {
  readonly kind = 'timeout' as const;
}
export class CanceledError extends BackendError {
  readonly kind = 'canceled' as const;
}
export class UnavailableError extends BackendError {
  readonly kind = 'unavailable' as const;
}
export class UnauthorizedError extends BackendError {
  readonly kind = 'unauthorized' as const;
}
export class ForbiddenError extends BackendError {
  readonly kind = 'forbidden' as const;
}
export class NotFoundError extends BackendError {
  readonly kind = 'not_found' as const;
}
export class TooManyRequestsError extends BackendError {
  readonly kind = 'too_many_requests' as const;
}
export class NotSupportedError extends BackendError {
  readonly kind = 'not_supported' as const;
}
export class BadResponseError extends BackendError {
  readonly kind = 'bad_response' as const;
}

const classes: Record<BackendErrorKind, new (details: BackendErrorDetails) => BackendError> = {
  bad_data: BadDataError,
  execution: ExecutionError,
  timeout: BackendTimeoutError,
  canceled: CanceledError,
  unavailable: UnavailableError,
  unauthorized: UnauthorizedError,
  forbidden: ForbiddenError,
  not_found: NotFoundError,
  too_many_requests: TooManyRequestsError,
  not_supported: NotSupportedError,
  bad_response: BadResponseError,
};

export function backendError(kind: BackendErrorKind, details: BackendErrorDetails): BackendError {
  return new classes[kind](details);
}

export function isBackendError(value: unknown): value is BackendError {
  return value instanceof BackendError;
}

/** Raised for bad configuration (flags, env), before any request: the CLI prints it and exits non-zero. */
export class BackendConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackendConfigError';
  }
}
