/**
 * Who is calling the agent's HTTP API. Every request is authenticated to a principal: a webhook
 * credential opens only `POST /webhooks/*`, named operator tokens open the reads and approve/reject,
 * and the name of the operator's token is the approver the audit records (never a name from the body).
 *
 * Credentials come from files or the environment, never the command line (docs/agent-configuration.md):
 *   - webhook: one bare token (what Alertmanager's `credentials_file` holds), or `NAME TOKEN` lines, one
 *     per sender (the name reaches the intake, which rate-limits per sender);
 *   - operators: `NAME TOKEN` lines; the name is who decided.
 * The legacy `--api-token` is one shared credential with both roles, named `api-token`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { isReservedActor } from '../workflow/approvals.js';

export type Role = 'webhook' | 'operator';

/** Who a request comes from (`authenticated: false` only when the agent has no credential of that role). */
export interface Principal {
  name: string;
  role: Role;
  authenticated: boolean;
}

export interface NamedToken {
  name: string;
  token: string;
}

export interface CredentialConfig {
  webhook?: readonly NamedToken[];
  operators?: readonly NamedToken[];
  /** The legacy shared token (`--api-token`): both roles, named `api-token`. */
  apiToken?: string;
}

/** Thrown for a tokens file or variable the agent cannot use; the message names the source and the fix. */
export class CredentialError extends Error {
  override name = 'CredentialError';
}

/** The principal name of the legacy shared token. */
export const apiTokenName = 'api-token';
/** The name a bare webhook token gets. */
export const defaultWebhookName = 'webhook';
/** Who calls without a credential, when the agent has none of that role. */
export const anonymousName = 'anonymous';

/** Shortest token accepted from a tokens file: 128 bits of base64. */
export const MIN_TOKEN_LENGTH = 22;
// RFC 6750's b64token: what fits in `Authorization: Bearer` unquoted.
const tokenPattern = /^[A-Za-z0-9\-._~+/]+=*$/;
const namePattern = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,63}$/;

/** Whether `name` can name a token: the name charset, and no actor the agent itself records. */
export function checkTokenName(name: string): string | undefined {
  if (isReservedActor(name) || name.toLowerCase() === apiTokenName || name.toLowerCase() === anonymousName) return `"${name.slice(0, 80)}" is reserved for the agent's own decisions and cannot name a token`;
  if (name.toLowerCase().startsWith('slack:')) return `"${name.slice(0, 80)}" starts with slack:, which names Slack users (slack:<USER_ID>); a token cannot pass for one`;
  if (!namePattern.test(name)) return `"${name.slice(0, 80)}" is not a token name (letters, digits and . _ : @ + -, at most 64, starting with a letter or digit)`;
  return undefined;
}

/**
 * Reads the text of a tokens file (or variable): one entry per line (or `;`-separated), `NAME TOKEN`, or a
 * bare `TOKEN` where `bareName` is given; `#` starts a comment. `source` names the file in errors.
 */
export function parseTokens(text: string, source: string, bareName?: string): NamedToken[] {
  const entries: NamedToken[] = [];
  const lines = text.split(/\r?\n|;/);
  lines.forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const where = `${source}${lines.length > 1 ? ` line ${index + 1}` : ''}`;
    const fields = line.split(/\s+/);
    if (fields.length > 2) throw new CredentialError(`${where}: expected NAME TOKEN, got ${fields.length} words`);
    if (fields.length === 1 && !bareName) throw new CredentialError(`${where}: an operator token needs a name: NAME TOKEN (the name is the approver the audit records)`);
    const [name, token] = fields.length === 2 ? [fields[0]!, fields[1]!] : [bareName!, fields[0]!];
    const badName = checkTokenName(name);
    if (badName) throw new CredentialError(`${where}: ${badName}`);
    if (!tokenPattern.test(token)) throw new CredentialError(`${where}: the token of ${name} has characters a bearer token cannot carry (use base64url, e.g. openssl rand -base64 32)`);
    if (token.length < MIN_TOKEN_LENGTH) throw new CredentialError(`${where}: the token of ${name} is ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} random ones (openssl rand -base64 32)`);
    entries.push({ name, token });
  });
  if (!entries.length) throw new CredentialError(`${source} holds no token`);
  return entries;
}

interface Entry {
  name: string;
  roles: readonly Role[];
  digest: Buffer;
}

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** The credentials the agent accepts, compared in constant time (by their SHA-256, so lengths do not leak). */
export class Credentials {
  private readonly entries: Entry[] = [];

  constructor(config: CredentialConfig = {}) {
    const seen = new Map<string, string>();
    const add = (name: string, roles: readonly Role[], token: string, what: string) => {
      const key = digest(token).toString('hex');
      const other = seen.get(key);
      if (other) throw new CredentialError(`${what} has the same token as ${other}: give every credential its own token (a webhook credential must never approve)`);
      seen.set(key, what);
      this.entries.push({ name, roles, digest: Buffer.from(key, 'hex') });
    };
    const names = new Set<string>();
    for (const { name, token } of config.operators ?? []) {
      if (names.has(name)) throw new CredentialError(`operator token ${name} is given twice; names must be unique (they are the approvers the audit records)`);
      names.add(name);
      add(name, ['operator'], token, `operator token ${name}`);
    }
    for (const { name, token } of config.webhook ?? []) add(name, ['webhook'], token, `webhook token ${name}`);
    if (config.apiToken) add(apiTokenName, ['webhook', 'operator'], config.apiToken, 'the --api-token');
  }

  /** Whether callers in this role must present a credential (the agent has at least one of the role). */
  requires(role: Role): boolean {
    return this.entries.some((e) => e.roles.includes(role));
  }

  /** Whether the agent has any credential at all (else it runs as a development setup). */
  get configured(): boolean {
    return this.entries.length > 0;
  }

  /** The credential a presented token belongs to; every entry is compared, so timing tells nothing. */
  identify(presented: string): { name: string; roles: readonly Role[] } | undefined {
    const given = digest(presented);
    let found: Entry | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, given) && !found) found = entry;
    return found ? { name: found.name, roles: found.roles } : undefined;
  }
}
