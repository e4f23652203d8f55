/**
 * AWS credentials that stay fresh for a long-running MCP server. IRSA, SSO and instance-role
 * credentials expire (often hourly); the SDK's default chain memoizes what it resolved and only
 * re-resolves by its own wall clock. Here the decision is made on the injected clock, ahead of
 * expiry, and the re-resolution asks the chain to go back to the source (`forceRefresh`), so a
 * signature is never made with credentials that are about to lapse.
 */
import { systemClock, type Clock } from '../../../core/clock.js';
import { createLogger, type Logger } from '../../../core/log.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** The shape of `fromNodeProviderChain()` and other AWS SDK credential providers. */
export type CredentialProvider = (options?: { forceRefresh?: boolean }) => Promise<AwsCredentials>;

export interface RefreshingCredentialsOptions {
  clock?: Clock;
  /** Re-resolve this long before expiry (default 5 min, as the SDK), or at half the lifetime if shorter. */
  refreshBeforeMs?: number;
  /** After a failed refresh while the old credentials still hold, wait this long before trying again. */
  retryRefreshAfterMs?: number;
  logger?: Logger;
}

interface Held {
  credentials: AwsCredentials;
  /** Clock time at which to resolve again. */
  refreshAt: number;
  expiresAt: number;
}

export class RefreshingCredentials {
  private held?: Held;
  private pending?: Promise<AwsCredentials>;
  private invalidated = false;
  private readonly clock: Clock;
  private readonly refreshBeforeMs: number;
  private readonly retryRefreshAfterMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly provider: CredentialProvider,
    options: RefreshingCredentialsOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
    this.retryRefreshAfterMs = options.retryRefreshAfterMs ?? 30_000;
    this.logger = options.logger ?? createLogger('mcp.backends');
  }

  /** Credentials valid now and not about to expire; resolves concurrent callers with one provider call. */
  async get(): Promise<AwsCredentials> {
    if (this.held && !this.invalidated && this.clock.now() < this.held.refreshAt) return this.held.credentials;
    this.pending ??= this.resolve().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Makes the next get() resolve afresh (the server said the token expired). */
  invalidate(): void {
    this.invalidated = true;
  }

  private async resolve(): Promise<AwsCredentials> {
    // The first resolution may use the chain's memo; any later one is a refresh and must bypass it.
    const refreshing = this.held !== undefined;
    let credentials: AwsCredentials;
    try {
      credentials = await this.provider(refreshing ? { forceRefresh: true } : undefined);
    } catch (error) {
      const held = this.held;
      if (held && !this.invalidated && this.clock.now() < held.expiresAt) {
        // Keep signing with what still works; a transient STS/IMDS hiccup must not fail queries.
        held.refreshAt = this.clock.now() + this.retryRefreshAfterMs;
        this.logger.warn('AWS credential refresh failed; using the current credentials until they expire', {
          error: error instanceof Error ? error.message : String(error),
          expiresAt: new Date(held.expiresAt).toISOString(),
        });
        return held.credentials;
      }
      throw error;
    }

    const now = this.clock.now();
    const expiresAt = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    if (expiresAt <= now) {
      throw new Error(
        `the AWS credential provider returned credentials that expired at ${new Date(expiresAt).toISOString()}; renew them (e.g. \`aws sso login\`) or check the web identity token file`,
      );
    }
    const lead = Math.min(this.refreshBeforeMs, (expiresAt - now) / 2);
    this.held = { credentials, expiresAt, refreshAt: expiresAt - lead };
    this.invalidated = false;
    this.logger.info(refreshing ? 'refreshed AWS credentials' : 'resolved AWS credentials', {
      expiresAt: Number.isFinite(expiresAt) ? new Date(expiresAt).toISOString() : 'never',
    });
    return credentials;
  }
}
