/**
 * Failures of Kubernetes API calls, classified once for every caller: an HTTP status with the API
 * server's own Status message, an unreachable server, a timeout or a cancellation, whether another
 * attempt could help, and how long the server asked us to wait. Callers turn the one error type into
 * their own (the agent's EvidenceUnavailable, the runner's messages).
 */
import { networkErrorCode } from '../platform/retry.js';

export type KubernetesFailureKind = 'http' | 'unreachable' | 'timeout' | 'cancelled' | 'other';

/** What went wrong with one attempt, in terms a retry can act on. */
export interface KubernetesFailure {
  kind: KubernetesFailureKind;
  /** One phrase: "HTTP 500 from the Kubernetes API: etcdserver: request timed out", "no answer within 150 ms". */
  reason: string;
  retryable: boolean;
  status?: number;
  /** The API server's Status message (or the client's error message): what the server said. */
  detail: string;
  retryAfterMs?: number;
}

/** A Kubernetes API call that failed, after `attempts` attempts. */
export class KubernetesApiError extends Error {
  override name = 'KubernetesApiError';

  constructor(
    /** What was being done: "list pods in petadoptions", "patch deployment petadoptions/petsite". */
    readonly operation: string,
    readonly failure: KubernetesFailure,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`${operation}: ${failure.reason}${attempts > 1 && failure.retryable ? ` (gave up after ${attempts} attempts)` : ''}`, options);
  }

  get status(): number | undefined {
    return this.failure.status;
  }

  get retryable(): boolean {
    return this.failure.retryable;
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubernetesApiError && error.status === 404;
}

/** The HTTP status of a client failure (ApiException carries `code`), if any. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The API server's Status message from an ApiException body. */
export function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown } | undefined)?.body;
  if (typeof body === 'string') {
    try {
      const status = JSON.parse(body) as { message?: string };
      if (status.message) return status.message;
    } catch {
      return body.slice(0, 200);
    }
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') return (body as { message: string }).message;
  return messageOf(error);
}

/**
 * Statuses worth another try on a read: throttling, request timeouts and the whole 5xx family. Wider
 * than lib/platform's gateway set on purpose: the API server answers 500 when etcd times out, which passes.
 */
export function retryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** One failed attempt, classified. `timedOutAfterMs`/`cancelled` say which of our own signals ended it. */
export function classifyKubeError(error: unknown, context: { timedOutAfterMs?: number; cancelled?: boolean } = {}): KubernetesFailure {
  if (context.cancelled) return { kind: 'cancelled', reason: 'cancelled', retryable: false, detail: 'cancelled by the caller' };
  if (context.timedOutAfterMs !== undefined) {
    const reason = `no answer within ${context.timedOutAfterMs} ms`;
    return { kind: 'timeout', reason, retryable: true, detail: reason };
  }
  const status = statusOf(error);
  if (status !== undefined) {
    const detail = apiMessage(error);
    const retryAfter = Number((error as { headers?: Record<string, string> }).headers?.['retry-after']);
    return {
      kind: 'http',
      status,
      reason: `HTTP ${status} from the Kubernetes API: ${detail}`,
      detail,
      retryable: retryableStatus(status),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  }
  const message = messageOf(error);
  const code = networkErrorCode(error);
  if (code) return { kind: 'unreachable', reason: `Kubernetes API unreachable (${code})`, retryable: true, detail: message };
  if (/abort/i.test(message)) return { kind: 'timeout', reason: 'request aborted (timeout)', retryable: true, detail: message };
  return { kind: 'other', reason: `Kubernetes API call failed: ${message}`, retryable: /socket|network|ECONN|fetch/i.test(message), detail: message };
}

/**
 * Writes are retried only where a retry cannot double an effect: throttling (429) and failures before
 * the server answered. An eviction's 429 is its disruption budget, which the caller waits for itself.
 */
export type CallKind = 'read' | 'write' | 'eviction';

export function retryableAs(kind: CallKind, failure: KubernetesFailure): boolean {
  if (!failure.retryable) return false;
  if (kind === 'read' || failure.status === undefined) return true;
  return kind === 'write' && failure.status === 429;
}
