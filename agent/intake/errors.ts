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
