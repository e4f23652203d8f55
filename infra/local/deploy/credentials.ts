/**
 * The local stack's credentials, made like the Kubernetes API token: once per state directory, kept
 * across restarts (so kubeconfigs, scripts and open terminals stay valid), as 0600 files in a 0700
 * `credentials/` folder:
 *
 *   webhook.token           Alertmanager -> the agent's webhooks (Alertmanager's `credentials_file`)
 *   approver.token          people and the runner -> approve/reject and reads (`status --json`: agentTokenFile)
 *   operators.tokens        the agent's operator tokens file: `local:<user> <approver token>`
 *   alertmanager.password   Prometheus and people -> Alertmanager's API (basic auth, user `prometheus`)
 *   kube.token              the simulated Kubernetes API's token, for the simulation (written as it starts)
 *
 * Processes get them by file, never on their command lines (visible to every user in `ps`).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import bcrypt from 'bcryptjs';
import { stringify } from 'yaml';
import type { StackPaths } from './config.js';

/** The user Prometheus (and people) log into Alertmanager's API as. */
export const alertmanagerUser = 'prometheus';

/** 32 random bytes, base64url: fits a bearer header and a basic-auth password as is. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** The approver's name: the OS user who ran `up`, e.g. `local:alice` (a name the agent accepts for a token). */
export function approverName(user = safeUserName()): string {
  const cleaned = user.replace(/[^A-Za-z0-9._@+-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 56);
  return `local:${cleaned || 'user'}`;
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'user';
  }
}

/** Writes a secret file atomically with mode 0600 (the mode is set before a byte is written). */
export function writeSecretFile(file: string, content: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** The secret kept in `file`, made when it is missing or unusable; its mode is put back to 0600. */
function keptSecret(file: string): string {
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(kept)) {
      chmodSync(file, 0o600);
      return kept;
    }
  }
  const secret = newSecret();
  writeSecretFile(file, `${secret}\n`);
  return secret;
}

export interface StackCredentials {
  approver: string;
  webhookToken: string;
  approverToken: string;
  alertmanagerPassword: string;
}

/**
 * Makes (or keeps) every credential of the stack and the files derived from them: the agent's
 * operator tokens file and Alertmanager's web configuration (a bcrypt hash of its password). Called by
 * `up` before any component starts.
 */
export function ensureCredentials(paths: StackPaths): StackCredentials {
  mkdirSync(paths.credentialsDir, { recursive: true, mode: 0o700 });
  chmodSync(paths.credentialsDir, 0o700);
  const webhookToken = keptSecret(paths.webhookToken);
  let approverToken = keptSecret(paths.approverToken);
  // Every credential its own token: the webhook's must never approve.
  if (approverToken === webhookToken) {
    approverToken = newSecret();
    writeSecretFile(paths.approverToken, `${approverToken}\n`);
  }
  const alertmanagerPassword = keptSecret(paths.alertmanagerPassword);
  const approver = approverName();
  writeSecretFile(paths.operatorTokens, `# written by local-cluster up: the approver of this stack (credentials/approver.token)\n${approver} ${approverToken}\n`);
  writeAlertmanagerWebConfig(paths, alertmanagerPassword);
  return { approver, webhookToken, approverToken, alertmanagerPassword };
}

/**
 * Alertmanager 0.25 has no CORS setting: its API answers every origin (`Access-Control-Allow-Origin: *`)
 * and API v1 takes a `text/plain` silence from any page. Basic auth (its web configuration file) closes
 * it: a page has no password to send, and a preflight (never credentialed) gets 401. The password is 256
 * random bits, so bcrypt's cost only has to be the usual one, not a defence.
 */
function writeAlertmanagerWebConfig(paths: StackPaths, password: string): void {
  const file = paths.alertmanagerWebConfig;
  if (existsSync(file)) {
    const current = /\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/.exec(readFileSync(file, 'utf8'))?.[0];
    if (current && bcrypt.compareSync(password, current)) return;
  }
  writeSecretFile(file, stringify({ basic_auth_users: { [alertmanagerUser]: bcrypt.hashSync(password, 10) } }));
}

/** `Authorization: Basic ...` for Alertmanager's API (probes, tests). */
export function alertmanagerAuthorization(paths: Pick<StackPaths, 'alertmanagerPassword'>): string | undefined {
  try {
    const password = readFileSync(paths.alertmanagerPassword, 'utf8').trim();
    return `Basic ${Buffer.from(`${alertmanagerUser}:${password}`).toString('base64')}`;
  } catch {
    return undefined;
  }
}
