/**
 * One Prometheus API call over HTTP: build the request, authorize it (headers, SigV4), send it with a
 * per-attempt timeout, read the answer, and retry what is worth retrying (429/502/503/504, dropped
 * connections, timeouts) on the kit's one retry policy (lib/platform/retry.ts: full-jitter back-off,
 * the server's Retry-After). Both adapters use it; they differ only in authorization and in how they
 * explain failures.
 */
import { systemClock, type Clock, type Sleep } from '../../../core/clock.js';
import { createLogger, type Logger } from '../../../core/log.js';
import { defaultRetryPolicy, retry, type RetryPolicy } from '../../platform/retry.js';
import { readNetworkError, readResponse, type Failure, type RequestContext } from './classify.js';
import { backendError, BadResponseError, CanceledError, isBackendError, type BackendError } from './errors.js';
import { prometheusHint, type Explain } from './hints.js';
import type { ApiSuccess } from './port.js';
import { encodeParams, type ApiCall, type OutgoingRequest } from './request.js';

export type Fetch = (input: URL, init: RequestInit) => Promise<Response>;

/** Adds authentication to a request; called again for every attempt (signatures carry the time). */
export interface Authorizer {
  authorize(request: OutgoingRequest): Promise<OutgoingRequest>;
  /** Forgets cached credentials, so the next authorize() resolves fresh ones. */
  invalidate?(): void;
}

/** Knobs shared by every backend; all optional, all injectable for tests. */
export interface ClientOptions {
  /** Per-attempt timeout in milliseconds (default 30 s). */
  requestTimeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  fetch?: Fetch;
  clock?: Clock;
  /** Waits between attempts (default: the clock's sleep). */
  sleep?: Sleep;
  /** Uniform [0, 1) source for back-off jitter. */
  random?: () => number;
  logger?: Logger;
}

export interface ApiClientOptions extends ClientOptions {
  /** The API root: requests go to `${baseUrl}api/v1/<path>`. Must end with "/". */
  baseUrl: URL;
  headers?: Record<string, string>;
  authorizer?: Authorizer;
  explain?: Explain;
}

export const defaultRequestTimeoutMs = 30_000;

type Attempt = { ok: true; envelope: ApiSuccess<unknown> } | { ok: false; failure: Failure };

/** A failed attempt, as the retry loop sees it: the classified failure decides whether to go again. */
class FailedAttempt extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

export class ApiClient {
  readonly baseUrl: URL;
  private readonly fetch: Fetch;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly policy: RetryPolicy;
  private readonly requestTimeoutMs: number;
  private readonly headers: Record<string, string>;
  private readonly authorizer?: Authorizer;
  private readonly explain: Explain;
  private readonly logger: Logger;

  constructor(options: ApiClientOptions) {
    if (!options.baseUrl.pathname.endsWith('/')) throw new TypeError(`base URL must end with "/" (got ${options.baseUrl.href})`);
    this.baseUrl = options.baseUrl;
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? this.clock.sleep;
    this.random = options.random ?? Math.random;
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
    this.headers = { accept: 'application/json', ...lowercaseKeys(options.headers ?? {}) };
    this.authorizer = options.authorizer;
    this.explain = options.explain ?? prometheusHint;
    this.logger = options.logger ?? createLogger('mcp.backends');
  }

  /**
   * Runs the call; resolves with the success envelope when `isData` accepts its `data`, otherwise
   * rejects with a BackendError saying how many attempts were made.
   */
  async call<T>(call: ApiCall, isData: (data: unknown) => boolean = () => true): Promise<ApiSuccess<T>> {
    const url = new URL(`api/v1/${call.path}`, this.baseUrl);
    if (call.method === 'GET' && call.params.length > 0) url.search = encodeParams(call.params);
    const context = { endpoint: `/api/v1/${call.path}`, url: `${url.origin}${url.pathname}`, baseUrl: this.baseUrl.href };
    const timeoutMs = call.timeoutMs ?? this.requestTimeoutMs;

    if (call.signal?.aborted) throw this.canceled(context, 0, call.signal.reason);
    let attempts = 0;
    let refreshedCredentials = false;
    const once = async (): Promise<ApiSuccess<unknown>> => {
      attempts++;
      const outcome = await this.attempt(call, url, context, timeoutMs);
      if (outcome.ok) return outcome.envelope;
      const failure = outcome.failure;
      // Expired credentials are not a reason to back off: resolve fresh ones once and go again at once.
      if (failure.credentialsExpired && this.authorizer?.invalidate && !refreshedCredentials && !call.signal?.aborted) {
        refreshedCredentials = true;
        this.authorizer.invalidate();
        this.logger.warn('credentials rejected as expired; resolving fresh ones', { endpoint: context.endpoint });
        return once();
      }
      throw new FailedAttempt(failure);
    };

    let envelope: ApiSuccess<unknown>;
    try {
      envelope = await retry(once, {
        policy: this.policy,
        ...(call.signal ? { signal: call.signal } : {}),
        sleep: this.sleep,
        random: this.random,
        classify: (error) => (error instanceof FailedAttempt ? { retryable: error.failure.retryable, retryAfterMs: error.failure.retryAfterMs } : { retryable: false }),
        onRetry: ({ error, delayMs }) => {
          const failure = (error as FailedAttempt).failure;
          this.logger.warn('retrying Prometheus API request', {
            endpoint: context.endpoint,
            attempt: attempts,
            kind: failure.kind,
            status: failure.status,
            errorType: failure.errorType,
            delayMs,
          });
        },
      });
    } catch (error) {
      if (call.signal?.aborted) throw this.canceled(context, attempts, call.signal.reason);
      if (error instanceof FailedAttempt) throw this.toError(error.failure, attempts);
      throw error;
    }
    if (isData(envelope.data)) return envelope as ApiSuccess<T>;
    throw new BadResponseError({
      message: `${context.url} answered with data that is not the shape ${context.endpoint} returns`,
      hint: `check the URL: ${this.baseUrl.href} should be a Prometheus-compatible API root`,
      endpoint: context.endpoint,
      url: context.url,
      attempts,
    });
  }

  private async attempt(call: ApiCall, url: URL, context: Omit<RequestContext, 'nowMs'>, timeoutMs: number): Promise<Attempt> {
    let request: OutgoingRequest = { method: call.method, url, headers: { ...this.headers } };
    if (call.method === 'POST') {
      request.headers['content-type'] = 'application/x-www-form-urlencoded';
      request.body = encodeParams(call.params);
    }
    if (this.authorizer) {
      try {
        request = await this.authorizer.authorize(request);
      } catch (error) {
        if (isBackendError(error)) throw error;
        return { ok: false, failure: credentialFailure(error, context) };
      }
    }

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const forwardAbort = () => controller.abort(call.signal?.reason);
    call.signal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      // fetch derives Host from the URL (and ignores a host header); the signature covered the same value.
      const { host: _host, ...headers } = request.headers;
      const init: RequestInit = { method: request.method, headers, signal: controller.signal };
      if (request.body !== undefined) init.body = request.body;
      const response = await this.fetch(request.url, init);
      const text = await response.text();
      return readResponse(response.status, response.headers, text, { ...context, nowMs: this.clock.now() });
    } catch (error) {
      if (call.signal?.aborted) {
        return { ok: false, failure: { ...context, kind: 'canceled', message: 'canceled by the caller', retryable: false, cause: error } };
      }
      if (timedOut) {
        return {
          ok: false,
          failure: { ...context, kind: 'timeout', message: `no answer within ${timeoutMs} ms from ${context.url}`, retryable: true, timeoutMs },
        };
      }
      return { ok: false, failure: readNetworkError(error, { ...context, nowMs: this.clock.now() }) };
    } finally {
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', forwardAbort);
    }
  }

  private toError(failure: Failure, attempts: number): BackendError {
    return backendError(failure.kind, {
      message: failure.message,
      hint: this.explain(failure),
      endpoint: failure.endpoint,
      url: failure.url,
      status: failure.status,
      attempts,
      errorType: failure.errorType,
      requestId: failure.requestId,
      retryAfterMs: failure.retryAfterMs,
      cause: failure.cause,
    });
  }

  private canceled(context: Omit<RequestContext, 'nowMs'>, attempts: number, reason: unknown): CanceledError {
    return new CanceledError({
      message: `${context.endpoint} canceled by the caller after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
      hint: 'the request was canceled before it completed; run it again if the answer is still needed',
      endpoint: context.endpoint,
      url: context.url,
      attempts,
      cause: reason,
    });
  }
}

function credentialFailure(error: unknown, context: Omit<RequestContext, 'nowMs'>): Failure {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...context,
    kind: 'unauthorized',
    message: `could not obtain credentials to sign the request: ${message}`,
    errorType: error instanceof Error ? error.name : undefined,
    retryable: false,
    cause: error,
  };
}

function lowercaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
