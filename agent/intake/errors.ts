/**
 * Why a payload was refused. The HTTP layer answers 4xx with the message, counts the reason, and the
 * agent carries on: a bad payload never takes the agent down.
 */
import type { ZodError } from 'zod';
import type { RejectReason } from '../metrics.js';

export class PayloadRejected extends Error {
  constructor(
    readonly reason: RejectReason,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'PayloadRejected';
  }
}

/** "alerts.0.startsAt: Invalid ISO datetime; status: ..." — the first few issues, with their paths. */
export function describeIssues(error: ZodError, max = 5): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.map(String).join('.');
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}

/**
 * A sender sent more new alerts than its rate allows: answered 429 with Retry-After. The alerts of the
 * payload taken before the limit was reached are kept; sent again, they are duplicates, so a sender that
 * retries the whole payload later loses nothing and opens nothing twice.
 */
export class AlertsRateLimited extends PayloadRejected {
  constructor(
    readonly sender: string,
    readonly retryAfterSeconds: number,
    readonly taken: number,
    readonly refused: number,
  ) {
    super('rate-limited', `too many new alerts from ${sender}: ${taken} taken, ${refused} refused; send them again in ${retryAfterSeconds} s`, 429);
    this.name = 'AlertsRateLimited';
  }
}
