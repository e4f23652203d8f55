/**
 * AWS SDK v3 failures as retry decisions: throttling (ThrottledException for X-Ray, Throttling for
 * CloudWatch, LimitExceededException for Logs Insights' concurrent-query quota), 5xx and dropped
 * connections are worth another try; validation and access errors are not, and their message says
 * what to fix (an IAM action, a log group name).
 */
import type { Classify } from './resilience.js';
import { messageOf, networkErrorCode } from './resilience.js';

const THROTTLING = new Set(['ThrottledException', 'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'LimitExceededException', 'ProvisionedThroughputExceededException']);
const TRANSIENT = new Set(['ServiceUnavailable', 'ServiceUnavailableException', 'InternalFailure', 'InternalServerError', 'InternalServiceError', 'InternalServiceFault', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError']);
const ACCESS = new Set(['AccessDeniedException', 'AccessDenied', 'UnrecognizedClientException', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnauthorizedOperation']);

export function classifyAwsError(service: string): Classify {
  return (error) => {
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
  };
}
