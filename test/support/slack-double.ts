/**
 * A local double of Slack's Web API: an HTTP server on 127.0.0.1 answering the methods the agent's
 * Slack app calls, with bodies shaped as Slack's API reference shows them (docs.slack.dev/reference/
 * methods/...), recording every call. Bolt is pointed at it with `clientOptions.slackApiUrl`
 * (`double.apiUrl`), so no traffic leaves the machine.
 *
 *   auth.test, chat.postMessage, chat.update, chat.postEphemeral, reactions.add, views.open,
 *   usergroups.users.list, and `POST /response/<id>` for the response_url of slash commands and
 *   interactions (Bolt's `respond()`).
 *
 * A wrong token gets `{"ok":false,"error":"invalid_auth"}` (HTTP 200, as Slack answers); an unknown
 * method `unknown_method`. `failNext(method, error)` makes the next call of a method fail.
 *
 * Socket Mode (docs.slack.dev/apis/events-api/using-socket-mode): `apps.connections.open`, called with
 * the app-level token (`xapp-...`), answers a `ws://127.0.0.1:<port>/link/?ticket=...` URL; the double
 * serves that WebSocket (the `ws` package) and speaks the protocol: `hello` on connect, envelopes
 * `{envelope_id, type: events_api | interactive | slash_commands, payload, accepts_response_payload,
 * retry_attempt, retry_reason}` sent with `sendEnvelope`, the client's acks `{envelope_id, payload?}`
 * recorded and resolved, a ping every few seconds as Slack's servers do, and `disconnect` on request.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token?: string;
  /** performance.now() when it arrived. */
  at: number;
  /** What the double answered. */
  answer?: Record<string, unknown>;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface SlackDoubleOptions {
  botToken: string;
  teamId?: string;
  botUserId?: string;
  botId?: string;
  /** User group id -> member user ids (usergroups.users.list). */
  userGroups?: Record<string, string[]>;
  /** The app-level token (`xapp-...`) apps.connections.open accepts (Socket Mode). */
  appToken?: string;
}

export type EnvelopeType = 'events_api' | 'interactive' | 'slash_commands';

/** A client's acknowledgement of an envelope (`{envelope_id, payload?}`). */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
  /** performance.now() when it arrived. */
  at: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Form fields as the Web API client sends them; JSON-valued fields (blocks, attachments) parsed. */
function parseArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (!body) return {};
  if (contentType?.includes('application/json')) return JSON.parse(body) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    if ((value.startsWith('[') || value.startsWith('{')) && ['blocks', 'attachments', 'view', 'metadata'].includes(key)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        // left as text
      }
    }
    args[key] = value;
  }
  return args;
}

export class SlackDouble {
  readonly calls: SlackCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  private server?: Server;
  private port = 0;
  private seq = 0;
  private failures = new Map<string, string>();
  private waiters: { match: () => boolean; resolve: () => void }[] = [];
  private wss?: WebSocketServer;
  private pinger?: NodeJS.Timeout;
  private tickets = new Set<string>();
  /** Open Socket Mode connections (after `hello`). */
  readonly sockets = new Set<WebSocket>();
  readonly acks: SocketAck[] = [];
  private pendingAcks = new Map<string, (ack: SocketAck) => void>();
  readonly teamId: string;
  readonly botUserId: string;
  readonly botId: string;

  constructor(private readonly options: SlackDoubleOptions) {
    this.teamId = options.teamId ?? 'T0001DOUBLE';
    this.botUserId = options.botUserId ?? 'U0BOTDOUBLE';
    this.botId = options.botId ?? 'B0BOTDOUBLE';
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((error: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'internal_error', detail: error.message }));
    }));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = url.searchParams.get('ticket') ?? '';
      // A ticket is good for one connection, as Slack's are.
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    this.pinger = setInterval(() => {
      for (const ws of this.sockets) ws.ping('double');
    }, 5_000);
    this.pinger.unref();
    return this;
  }

  private onSocket(ws: WebSocket): void {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message: { envelope_id?: unknown; payload?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (typeof message.envelope_id !== 'string') return;
      const ack: SocketAck = { envelope_id: message.envelope_id, ...(message.payload && typeof message.payload === 'object' ? { payload: message.payload as Record<string, unknown> } : {}), at: performance.now() };
      this.acks.push(ack);
      this.pendingAcks.get(ack.envelope_id)?.(ack);
      this.pendingAcks.delete(ack.envelope_id);
      this.settle();
    });
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.settle();
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: this.sockets.size + 1, debug_info: { host: 'applink-double', build_number: 1, approximate_connection_time: 18060 }, connection_info: { app_id: 'A0DOUBLE01' } }));
    this.sockets.add(ws);
    this.settle();
  }

  /**
   * Sends an envelope to the connected app (the newest connection) and resolves with its ack; rejects
   * when none comes within `timeoutMs` (Slack retries after 3 s; the double does not).
   */
  sendEnvelope(type: EnvelopeType, payload: Record<string, unknown>, timeoutMs = 3_000): Promise<SocketAck> {
    const ws = [...this.sockets].at(-1);
    if (!ws) return Promise.reject(new Error('no Socket Mode connection to send on'));
    const envelope_id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelope_id);
        reject(new Error(`the app did not ack the ${type} envelope ${envelope_id} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingAcks.set(envelope_id, (ack) => (clearTimeout(timer), resolve(ack)));
      ws.send(JSON.stringify({ envelope_id, payload, type, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    });
  }

  /** Asks the app to reconnect, as Slack does before it rotates a connection. */
  disconnectSockets(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-double' } }));
  }

  async stop(): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** What Bolt's `clientOptions.slackApiUrl` is set to. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A response_url for a signed payload; its posts are recorded in `responses`. */
  responseUrl(id = `r${++this.seq}`): string {
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  failNext(method: string, error: string): void {
    this.failures.set(method, error);
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves when `match` holds (checked now and after each call). */
  waitFor(match: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (match()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the Slack double did not see the expected call in time')), timeoutMs);
      this.waiters.push({ match, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private settle(): void {
    this.waiters = this.waiters.filter((w) => (w.match() ? (w.resolve(), false) : true));
  }

  private ts(): string {
    const now = Date.now();
    return `${Math.floor(now / 1000)}.${String(++this.seq).padStart(6, '0')}`;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(req);
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(payload));
    };
    const response = /^\/response\/([\w-]+)$/.exec(url.pathname);
    if (response) {
      this.responses.push({ id: response[1]!, body: JSON.parse(body || '{}') as Record<string, unknown>, at: performance.now() });
      this.settle();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const api = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!api || req.method !== 'POST') return send(404, { ok: false, error: 'unknown_method' });
    const method = api[1]!;
    const args = parseArgs(body, req.headers['content-type']);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (typeof args.token === 'string' ? args.token : undefined);
    const call: SlackCall = { method, args, ...(token ? { token } : {}), at: performance.now() };
    this.calls.push(call);
    try {
      const failure = this.failures.get(method);
      if (failure) this.failures.delete(method);
      // apps.connections.open takes the app-level token only; every other method the bot token.
      const expected = method === 'apps.connections.open' ? this.options.appToken : this.options.botToken;
      call.answer = !expected || token !== expected ? { ok: false, error: token ? 'invalid_auth' : 'not_authed' } : failure ? { ok: false, error: failure } : this.answer(method, args);
      send(200, call.answer);
    } finally {
      this.settle();
    }
  }

  /** Bodies as Slack's API reference shows them. */
  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = typeof args.channel === 'string' ? args.channel : 'C0DOUBLE01';
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://double.slack.com/', team: 'Double Workspace', user: 'devops-agent', team_id: this.teamId, user_id: this.botUserId, bot_id: this.botId, is_enterprise_install: false };
      case 'chat.postMessage': {
        const ts = this.ts();
        return {
          ok: true,
          channel,
          ts,
          message: { type: 'message', subtype: 'bot_message', text: args.text ?? '', ts, username: 'devops-agent', bot_id: this.botId, ...(args.blocks ? { blocks: args.blocks } : {}), ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}) },
        };
      }
      case 'chat.update':
        if (typeof args.ts !== 'string') return { ok: false, error: 'message_not_found' };
        return { ok: true, channel, ts: args.ts, text: args.text ?? '', message: { text: args.text ?? '', user: this.botUserId, ...(args.blocks ? { blocks: args.blocks } : {}) } };
      case 'chat.postEphemeral':
        if (typeof args.user !== 'string') return { ok: false, error: 'user_not_in_channel' };
        return { ok: true, message_ts: this.ts() };
      case 'reactions.add':
        if (typeof args.name !== 'string' || typeof args.timestamp !== 'string') return { ok: false, error: 'invalid_arguments' };
        return { ok: true };
      case 'views.open':
        if (typeof args.trigger_id !== 'string' || !args.trigger_id) return { ok: false, error: 'invalid_arguments' };
        if (typeof args.view !== 'object' || args.view === null) return { ok: false, error: 'invalid_arguments' };
        return { ok: true, view: { id: `V${++this.seq}`, team_id: this.teamId, type: 'modal', ...(typeof args.view === 'object' ? (args.view as object) : {}), state: { values: {} }, hash: `${Date.now()}.double`, private_metadata: '', root_view_id: `V${this.seq}`, app_id: 'A0DOUBLE01', bot_id: this.botId } };
      case 'apps.connections.open': {
        const ticket = randomUUID();
        this.tickets.add(ticket);
        return { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}&app_id=A0DOUBLE01` };
      }
      case 'usergroups.users.list': {
        const users = this.options.userGroups?.[String(args.usergroup)];
        return users ? { ok: true, users } : { ok: false, error: 'no_such_subteam' };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** `v0=` HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret: Slack's request signature. */
export async function slackSignature(signingSecret: string, timestamp: number, body: string): Promise<string> {
  const { createHmac } = await import('node:crypto');
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Posts a signed payload to the receiver as Slack does: form-urlencoded, with the signature headers. */
export async function postSigned(url: string, form: Record<string, string>, options: { signingSecret: string; timestamp?: number; signature?: string }): Promise<Response> {
  const body = new URLSearchParams(form).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? (await slackSignature(options.signingSecret, timestamp, body));
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature, 'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)' }, body });
}
