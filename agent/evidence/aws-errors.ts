/**
 * AWS SDK v3 clients and their failures. The clients retry by themselves in the SDK's standard mode
 * (`awsRetry()`: exponential back-off with jitter, throttling-aware, a client-side retry quota), so the
 * adapters call them once and classify the final failure: throttling (ThrottledException for X-Ray,
 * Throttling for CloudWatch, LimitExceededException for Logs Insights' concurrent-query quota), 5xx and
 * dropped connections are retryable (a later step may try again); validation and access errors are
 * not, and their message says what to fix (an IAM action, a log group name).
 */
import { awsRetry } from '../../lib/platform/retry.js';
import type { Classify } from './resilience.js';
import { messageOf, networkErrorCode } from './resilience.js';

/** Requests without an answer after this long are abandoned and retried by the SDK. */
export const AWS_REQUEST_TIMEOUT_MS = 10_000;

/** Config every AWS evidence client is built with: the SDK's standard retries and a per-request timeout. */
export function awsClientConfig(region: string, maxAttempts?: number) {
  return { region, ...awsRetry(maxAttempts), requestHandler: { requestTimeout: AWS_REQUEST_TIMEOUT_MS } };
}

const THROTTLING = new Set(['ThrottledException', 'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'LimitExceededException', 'ProvisionedThroughputExceededException']);
const TRANSIENT = new Set(['ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalServerError', 'InternalServiceError', 'InternalServiceFault', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError']);
const ACCESS = new Set(['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnauthorizedOperation']);

/** The final failure of an SDK call (after the SDK's own retries, which `$metadata.attempts` counts). */
export function classifyAwsError(service: string): Classify {
  return (error) => {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number; attempts?: number }; $retryable?: unknown };
    const attempts = e?.$metadata?.attempts ?? 1;
    const failure = classifyOnce(service, error);
    return failure.retryable && attempts > 1 ? { ...failure, reason: `${failure.reason} (gave up after ${attempts} attempts)` } : failure;
  };
}

function classifyOnce(service: string, error: unknown): ReturnType<Classify> {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const message = messageOf(error);
  if (THROTTLING.has(name) || status === 429) return { retryable: true, reason: `throttled by ${service} (${name}: ${message})` };
  if (ACCESS.has(name) || status === 403) return { retryable: false, reason: `${service} denied access (${name}: ${message}); check the agent's IAM role` };
  if (TRANSIENT.has(name) || (status !== undefined && status >= 500) || e?.$retryable) return { retryable: true, reason: `${service} failed (${name}${status ? `, HTTP ${status}` : ''}: ${message})` };
  const code = networkErrorCode(error);
  if (code) return { retryable: true, reason: `${service} unreachable (${code})` };
  if (/socket hang up|ECONNRESET|network/i.test(message)) return { retryable: true, reason: `${service} unreachable: ${message}` };
  return { retryable: false, reason: `${service} rejected the request (${name}: ${message})` };
}
