/**
 * What every request passes before a route sees it: the Host and Origin checks (a web page cannot reach
 * the API, neither through DNS rebinding nor as a cross-origin request), the body's encoding and media
 * type (JSON only: a cross-origin `text/plain` POST, which needs no CORS preflight, gets a 415), and the
 * credential, which makes the request's principal (credentials.ts).
 *
 * CSRF-safe by construction: credentials travel only in headers a page cannot set cross-origin without a
 * preflight (`Authorization`, `X-Api-Key`), never in cookies, and the API grants no CORS at all.
 *
 * Hand-written on express rather than a library: the Host rules depend on where the agent listens
 * (known once listening), and the CORS libraries answer preflights, which this API never grants.
 */
import { isIP } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { anonymousName, type Credentials, type Principal, type Role } from './credentials.js';
import { HttpError } from './errors.js';

export interface Listening {
  host: string;
  port: number;
}

export interface HostPolicy {
  /** Where the server listens; undefined before it does. */
  listening(): Listening | undefined;
  /** How people reach the API (`--public-url`): its host is allowed, its origin too. */
  publicUrl?: string;
  /** More Host names (`--allowed-hosts`): an ingress's, a Service's. `name` allows any port, `name:port` that one. */
  allowedHosts?: readonly string[];
  /** More browser origins (`--allowed-origins`), e.g. a web console served elsewhere. */
  allowedOrigins?: readonly string[];
}

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]']);
const allInterfaces = new Set(['0.0.0.0', '::', '[::]', '']);
// A Host header is a name or an address and a port: anything else (user info, paths) is refused before parsing.
const hostHeaderPattern = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i;

interface HostName {
  hostname: string;
  port?: number;
}

export function parseHostHeader(value: string): HostName | undefined {
  const match = hostHeaderPattern.exec(value.trim());
  if (!match) return undefined;
  return { hostname: match[1]!.toLowerCase().replace(/\.$/, ''), ...(match[2] ? { port: Number(match[2]) } : {}) };
}

function hostOfUrl(url: string | undefined): HostName | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return { hostname: parsed.hostname.toLowerCase(), ...(parsed.port ? { port: Number(parsed.port) } : {}) };
  } catch {
    return undefined;
  }
}

/**
 * Whether a request with this Host may be served. DNS rebinding puts the attacker's name in the Host
 * header, so names are what is checked: this machine's loopback names (on the listening port, unless the
 * agent listens on every interface, where port-forwards map ports), the listen address, the public URL's
 * host and `--allowed-hosts`. Listening on every interface (a pod), IP addresses and in-cluster Service
 * names (`*.svc`, `*.svc.cluster.local`) are allowed too: no page can make a browser resolve those to
 * the agent.
 */
export function isAllowedHost(header: string | undefined, policy: HostPolicy): boolean {
  if (!header) return false;
  const host = parseHostHeader(header);
  const listening = policy.listening();
  if (!host || !listening) return false;
  const everywhere = allInterfaces.has(listening.host);
  const explicit = [...(policy.allowedHosts ?? []).map((entry) => parseHostHeader(entry)), hostOfUrl(policy.publicUrl)];
  if (!everywhere && !loopbackNames.has(listening.host) && !loopbackNames.has(`[${listening.host}]`)) explicit.push({ hostname: listening.host.includes(':') ? `[${listening.host}]` : listening.host.toLowerCase() });
  if (explicit.some((entry) => entry && entry.hostname === host.hostname && (entry.port === undefined || entry.port === host.port))) return true;
  if (loopbackNames.has(host.hostname)) return everywhere || host.port === undefined || host.port === listening.port;
  if (everywhere) return isIP(host.hostname.replace(/^\[|\]$/g, '')) !== 0 || /\.svc(\.cluster\.local)?$/.test(host.hostname);
  return false;
}

/** The origins a browser may call from: the agent's own (it will serve the web console) and `--allowed-origins`. */
export function allowedOrigins(policy: HostPolicy): Set<string> {
  const origins = new Set((policy.allowedOrigins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
  const listening = policy.listening();
  if (listening) {
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) origins.add(`http://${name}:${listening.port}`);
    if (!allInterfaces.has(listening.host)) origins.add(`http://${listening.host.includes(':') ? `[${listening.host}]` : listening.host}:${listening.port}`.toLowerCase());
  }
  if (policy.publicUrl) {
    try {
      origins.add(new URL(policy.publicUrl).origin.toLowerCase());
    } catch {
      // an unparsable public URL allows no origin
    }
  }
  return origins;
}

/** 421 for a Host this server does not answer to (DNS rebinding), before anything else runs. */
export function hostCheck(policy: HostPolicy) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (isAllowedHost(req.headers.host, policy)) return next();
    const shown = (req.headers.host ?? '').slice(0, 100);
    next(new HttpError(421, req.headers.host ? `Host ${shown} is not a name this agent answers to; reach it by 127.0.0.1, localhost, its --public-url, or add the name with --allowed-hosts` : 'missing Host header'));
  };
}

/**
 * 403 for a browser's cross-origin request: an Origin not allowed (`null` included), or, for requests
 * browsers send without an Origin (a GET from an image or script tag), `Sec-Fetch-Site` other than
 * same-origin or none. Clients that are no browser (Alertmanager, curl, the runner) send neither.
 */
export function originCheck(policy: HostPolicy) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (allowedOrigins(policy).has(origin.replace(/\/+$/, '').toLowerCase())) return next();
      return next(new HttpError(403, `requests from the web page origin ${origin.slice(0, 100)} are refused (the API grants no cross-origin access); add a trusted origin with --allowed-origins`));
    }
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return next(new HttpError(403, `a ${String(site).slice(0, 20)} browser request is refused (the API grants no cross-origin access)`));
    next();
  };
}

/** A body's Content-Encoding the agent inflates (body-parser's, limited on the inflated size); others get 415. */
const supportedEncodings = new Set(['identity', 'gzip', 'deflate']);

function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

export function bodyEncodingCheck(req: Request, _res: Response, next: NextFunction) {
  const encoding = req.headers['content-encoding'];
  if (encoding === undefined || !hasBody(req)) return next();
  const codings = encoding.split(',').map((c) => c.trim().toLowerCase()).filter(Boolean);
  if (codings.length <= 1 && supportedEncodings.has(codings[0] ?? 'identity')) return next();
  next(new HttpError(415, `Content-Encoding ${encoding.slice(0, 40)} is not supported; send the body uncompressed, or with gzip or deflate`));
}

/** JSON media types: application/json and application/*+json, any charset body-parser reads (UTF-8). */
export const jsonMediaTypes = ['application/json', '+json'];

/** 415 for a body that does not say it is JSON (a `text/plain` or form POST is what a page can send cross-origin). */
export function jsonOnly(req: Request, _res: Response, next: NextFunction) {
  if (!hasBody(req) || req.is(jsonMediaTypes)) return next();
  const given = req.headers['content-type'];
  next(new HttpError(415, `the body must be JSON: send Content-Type: application/json${given ? ` (got ${given.slice(0, 60)})` : ' (none given)'}`));
}

/** The credential a request presents: `Authorization: Bearer <token>`, else `X-Api-Key: <token>` (EventBridge API destinations). */
export function presentedToken(req: Request): string | undefined {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return /^Bearer +(\S+) *$/i.exec(authorization)?.[1] ?? '';
  const apiKey = req.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}

/** The name the audit gives whoever sent a request: its credential's, else `anonymous`. */
export function callerName(req: Request, credentials: Credentials): string {
  const token = presentedToken(req);
  return (token && credentials.identify(token)?.name) || anonymousName;
}

export interface AuthorizeOptions {
  /** Refuse callers without a credential even when the agent has none of this role (approve/reject). */
  alwaysRequired?: boolean;
  /** What the route does, for the messages ("read incidents", "approve or reject actions"). */
  what: string;
}

/**
 * Makes the request's principal for a route of `role` (res.locals.principal), or refuses it: 401
 * without a credential or with an unknown one, 403 with a credential of another role. A route family is
 * open (principal `anonymous`, not authenticated) only when the agent has no credentials at all, a
 * development setup; approve/reject never are.
 */
export function authorize(credentials: Credentials, role: Role, options: AuthorizeOptions) {
  const open = !credentials.configured && !options.alwaysRequired;
  return (req: Request, res: Response, next: NextFunction) => {
    const token = presentedToken(req);
    if (token === undefined && open) {
      res.locals.principal = { name: anonymousName, role, authenticated: false } satisfies Principal;
      return next();
    }
    const challenge = { 'WWW-Authenticate': 'Bearer realm="devops-agent"' };
    if (!token) {
      const hint = credentials.requires(role)
        ? `send Authorization: Bearer <token> with ${role === 'operator' ? 'an operator token (--operator-tokens-file)' : 'the webhook token (--webhook-token-file)'}`
        : `the agent has no ${role === 'operator' ? 'operator tokens: start it with --operator-tokens-file FILE' : 'webhook credential: start it with --webhook-token-file FILE'}`;
      return next(new HttpError(401, `missing or wrong API token: a credential is required to ${options.what}; ${hint}`, { headers: challenge }));
    }
    const found = credentials.identify(token);
    if (!found) return next(new HttpError(401, `missing or wrong API token: the token matches no credential the agent was given (${role === 'operator' ? 'operator tokens' : 'webhook credential'})`, { headers: challenge }));
    if (!found.roles.includes(role)) return next(new HttpError(403, `the ${found.roles.join('/')} credential ${found.name} cannot ${options.what}; that needs ${role === 'operator' ? 'an operator token' : 'the webhook credential'}`));
    res.locals.principal = { name: found.name, role, authenticated: true } satisfies Principal;
    next();
  };
}

/** Headers that keep a browser from rendering or caching what the API answers. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'", 'Referrer-Policy': 'no-referrer' });
  next();
}
