/**
 * The Slack app's configuration, and its check before anything starts. Kept apart from the app
 * (app.ts), so reading the command line never loads Bolt.
 */

export interface SlackConfig {
  mode: 'http' | 'socket';
  /** `xoxb-...` */
  botToken: string;
  /** The app's signing secret (HTTP mode). */
  signingSecret?: string;
  /** The app-level token `xapp-...` with connections:write (Socket Mode). */
  appToken?: string;
  /** Channel id (or name) incidents are posted in. */
  channel: string;
  /** User ids (`U...`, `W...`) and user group ids (`S...`) who may approve and run `remediate`. */
  approvers: string[];
  /** The Web API's base URL (default https://slack.com/api/); tests: the Slack double's. */
  apiUrl?: string;
}

/** The Secrets Manager secret's JSON (infra/eks creates it): `{"botToken","signingSecret","appToken"?}`. */
export interface SlackSecret {
  botToken?: string;
  signingSecret?: string;
  appToken?: string;
}

export function parseSlackSecret(text: string): SlackSecret {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('the Slack secret is not JSON; put {"botToken":"xoxb-...","signingSecret":"..."} (and "appToken":"xapp-..." for Socket Mode)');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the Slack secret must be a JSON object {"botToken","signingSecret","appToken"?}');
  const out: SlackSecret = {};
  for (const key of ['botToken', 'signingSecret', 'appToken'] as const) {
    const value = (parsed as Record<string, unknown>)[key];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') throw new Error(`the Slack secret's ${key} must be a string`);
    out[key] = value.trim();
  }
  return out;
}

/** What is missing, said with what to give. */
export function checkSlackConfig(config: SlackConfig): void {
  if (!config.botToken) throw new Error('Slack needs the bot token (xoxb-...): --slack-bot-token-file FILE, DEVOPS_AGENT_SLACK_BOT_TOKEN, or botToken in the secret DEVOPS_AGENT_SLACK_SECRET_ARN');
  if (!/^xox[bp]-/.test(config.botToken)) throw new Error('the Slack bot token must start with xoxb- (the app\'s "Bot User OAuth Token")');
  if (config.mode === 'http' && !config.signingSecret) throw new Error('Slack over HTTP needs the signing secret: --slack-signing-secret-file FILE, DEVOPS_AGENT_SLACK_SIGNING_SECRET, or signingSecret in the Slack secret');
  if (config.mode === 'socket' && !config.appToken) throw new Error('Slack Socket Mode needs an app-level token (xapp-..., scope connections:write): --slack-app-token-file FILE, DEVOPS_AGENT_SLACK_APP_TOKEN, or appToken in the Slack secret');
  if (config.mode === 'socket' && !/^xapp-/.test(config.appToken!)) throw new Error('the Slack app-level token must start with xapp- (Basic Information > App-Level Tokens)');
  if (!config.channel) throw new Error('Slack needs the channel to post incidents in: --slack-channel C0123456789 (DEVOPS_AGENT_SLACK_CHANNEL)');
}
