/**
 * Turns what came back (an HTTP answer or a network error) into either the API's success envelope
 * or a `Failure`: the error's kind, the server's own words, and whether another attempt may help.
 * Both Prometheus' error envelope and the AWS error shape AMP's gateway uses (`x-amzn-ErrorType`
 * plus `{"message": ...}`) are understood, so the adapters share one reading of the wire.
 */
import type { BackendErrorKind } from './errors.js';
import type { ApiSuccess } from './port.js';
import { networkErrorCode, parseRetryAfter, retryableStatuses } from '../../platform/retry.js';

export interface Failure {
  kind: BackendErrorKind;
  /** What happened, in the server's words where it gave any. */
  message: string;
  retryable: boolean;
  /** "/api/v1/query" */
  endpoint: string;
  /** The request URL without its query string. */
  url: string;
  /** The backend's base URL (what the user configured). */
  baseUrl: string;
  status?: number;
  /** Prometheus errorType, AWS error code, or network error code. */
  errorType?: string;
  requestId?: string;
  retryAfterMs?: number;
  /** The per-attempt timeout that expired, for kind 'timeout' raised on our side. */
  timeoutMs?: number;
  /** The credentials were rejected as expired: resolving fresh ones may fix it. */
  credentialsExpired?: boolean;
  cause?: unknown;
}

export interface RequestContext {
  endpoint: string;
  url: string;
  baseUrl: string;
  nowMs: number;
}

export type Reading = { ok: true; envelope: ApiSuccess<unknown> } | { ok: false; failure: Failure };

const prometheusErrorKinds: Record<string, BackendErrorKind> = {
  bad_data: 'bad_data',
  execution: 'execution',
  // Prometheus reports storage and engine faults as "internal"; to the caller the query failed to run.
  internal: 'execution',
  timeout: 'timeout',
  canceled: 'canceled',
  unavailable: 'unavailable',
  not_found: 'not_found',
  not_acceptable: 'bad_response',
};

const awsErrorKinds: Record<string, BackendErrorKind> = {
  AccessDeniedException: 'forbidden',
  AccessDenied: 'forbidden',
  ExpiredTokenException: 'unauthorized',
  ExpiredToken: 'unauthorized',
  UnrecognizedClientException: 'unauthorized',
  InvalidClientTokenId: 'unauthorized',
  InvalidSignatureException: 'unauthorized',
  SignatureDoesNotMatch: 'unauthorized',
  IncompleteSignatureException: 'unauthorized',
  MissingAuthenticationTokenException: 'unauthorized',
  ThrottlingException: 'too_many_requests',
  TooManyRequestsException: 'too_many_requests',
  ResourceNotFoundException: 'not_found',
  ValidationException: 'bad_data',
  ServiceQuotaExceededException: 'too_many_requests',
  InternalServerException: 'unavailable',
  ServiceUnavailableException: 'unavailable',
};

function kindForStatus(status: number): BackendErrorKind {
  switch (status) {
    case 400:
    case 413:
    case 414:
      return 'bad_data';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 408:
    case 504:
      return 'timeout';
    case 422:
      return 'execution';
    case 429:
      return 'too_many_requests';
    case 499:
      return 'canceled';
    default:
      return status >= 500 ? 'unavailable' : 'bad_response';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat;
}

/** "AccessDeniedException:http://internal.amazon.com/coral/..." or "com.amazon.coral#AccessDeniedException". */
function awsErrorCode(headers: Headers, body: unknown): string | undefined {
  const header = headers.get('x-amzn-errortype');
  if (header) return header.split(':')[0]!.trim();
  if (isRecord(body) && typeof body.__type === 'string') return body.__type.split('#').pop();
  return undefined;
}

function awsMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  for (const key of ['message', 'Message', 'errorMessage']) {
    if (typeof body[key] === 'string') return body[key] as string;
  }
  return undefined;
}

/** Reads one HTTP answer. Only 2xx answers carrying `status: "success"` and `data` count as success. */
export function readResponse(status: number, headers: Headers, text: string, context: RequestContext): Reading {
  const body = parseJson(text);
  const requestId = headers.get('x-amzn-requestid') ?? undefined;
  const base = { endpoint: context.endpoint, url: context.url, baseUrl: context.baseUrl, status, requestId };

  if (isRecord(body) && body.status === 'success' && 'data' in body && status >= 200 && status < 300) {
    return { ok: true, envelope: body as unknown as ApiSuccess<unknown> };
  }

  if (isRecord(body) && body.status === 'error' && typeof body.errorType === 'string') {
    const errorType = body.errorType;
    const kind = prometheusErrorKinds[errorType] ?? kindForStatus(status);
    // A query that ran out of its evaluation budget will do so again: retrying only burns the budget twice.
    const retryable = retryableStatuses.has(status) && errorType !== 'timeout';
    const message = typeof body.error === 'string' && body.error !== '' ? body.error : `${errorType} (HTTP ${status})`;
    return {
      ok: false,
      failure: { ...base, kind, message, errorType, retryable, retryAfterMs: parseRetryAfter(headers.get('retry-after'), context.nowMs) },
    };
  }

  if (status >= 200 && status < 300) {
    const contentType = headers.get('content-type') ?? 'no content type';
    return {
      ok: false,
      failure: {
        ...base,
        kind: 'bad_response',
        retryable: false,
        message: `${context.url} answered HTTP ${status} (${contentType}) but not with the Prometheus API's JSON envelope: ${snippet(text) || '(empty body)'}`,
      },
    };
  }

  const awsCode = awsErrorCode(headers, body);
  const awsText = awsMessage(body);
  const kind = (awsCode && awsErrorKinds[awsCode]) || kindForStatus(status);
  const detail = awsText ?? (snippet(text) || headers.get('content-type') || 'empty body');
  const message = awsCode ? `${awsCode}: ${detail}` : `HTTP ${status} from ${context.url}: ${detail}`;
  const credentialsExpired =
    awsCode === 'ExpiredTokenException' || awsCode === 'ExpiredToken' || /security token included in the request is expired/i.test(detail);
  return {
    ok: false,
    failure: {
      ...base,
      kind,
      message,
      errorType: awsCode,
      retryable: retryableStatuses.has(status),
      retryAfterMs: parseRetryAfter(headers.get('retry-after'), context.nowMs),
      ...(credentialsExpired ? { credentialsExpired } : {}),
    },
  };
}

/** Network error codes after which the same request may well succeed. */
const transientNetworkCodes = new Set([
  'ECONNREFUSED', // a restarting Prometheus; a port-forward being re-established
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN', // DNS temporarily failing (ENOTFOUND, by contrast, is a wrong host name)
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const networkDescriptions: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  UND_ERR_SOCKET: 'connection closed by the server before it answered',
  ENOTFOUND: 'host name does not resolve',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    message = current.message || message;
    current = current.cause;
  }
  return message;
}

export function readNetworkError(error: unknown, context: RequestContext): Failure {
  const code = networkErrorCode(error);
  const what = (code ? networkDescriptions[code] : undefined) ?? innermostMessage(error);
  return {
    kind: 'unavailable',
    message: `${what}${code ? ` (${code})` : ''} at ${context.url}`,
    retryable: code !== undefined && transientNetworkCodes.has(code),
    endpoint: context.endpoint,
    url: context.url,
    baseUrl: context.baseUrl,
    errorType: code,
    cause: error,
  };
}
