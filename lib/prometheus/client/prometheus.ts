/**
 * The Prometheus adapter: the HTTP API of a Prometheus server (the local target's, or any reachable
 * one), with optional basic auth, bearer token or extra headers for servers behind a proxy.
 */
import { ApiClient, type ClientOptions } from './api-client.js';
import { BackendConfigError } from './errors.js';
import type { BackendDescription } from './port.js';
import { PrometheusApi } from './prometheus-api.js';

export interface BasicAuth {
  username: string;
  password: string;
}

export interface PrometheusBackendOptions extends ClientOptions {
  /** Server root, e.g. http://127.0.0.1:9090 or https://host/prometheus. Userinfo becomes basic auth. */
  url: string;
  basicAuth?: BasicAuth;
  bearerToken?: string;
  /** Sent with every request (e.g. X-Scope-OrgID for multi-tenant Prometheus-compatible stores). */
  headers?: Record<string, string>;
}

/**
 * Normalises a user-given URL to the API root: drops a trailing "/api/v1" (a common paste), keeps a
 * path prefix, ends with "/", and moves `user:pass@` out of the URL (fetch refuses URLs with them).
 */
export function prometheusRoot(raw: string): { root: URL; basicAuth?: BasicAuth } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new BackendConfigError(`"${raw}" is not a URL; pass the Prometheus server root, e.g. http://127.0.0.1:9090`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BackendConfigError(`"${raw}" is not an http(s) URL; pass the Prometheus server root, e.g. http://127.0.0.1:9090`);
  }
  const basicAuth = url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/api\/v1\/?$/, '').replace(/\/*$/, '/');
  return { root: url, ...(basicAuth ? { basicAuth } : {}) };
}

function authorizationHeader(options: PrometheusBackendOptions, fromUrl?: BasicAuth): Record<string, string> {
  if (options.bearerToken && (options.basicAuth || fromUrl)) {
    throw new BackendConfigError('pass either basic auth or a bearer token for Prometheus, not both');
  }
  if (options.bearerToken) return { authorization: `Bearer ${options.bearerToken}` };
  const basic = options.basicAuth ?? fromUrl;
  if (basic) return { authorization: `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}` };
  return {};
}

export class PrometheusBackend extends PrometheusApi {
  private readonly root: URL;

  constructor(options: PrometheusBackendOptions) {
    const { root, basicAuth } = prometheusRoot(options.url);
    const headers = { ...options.headers, ...authorizationHeader(options, basicAuth) };
    super(new ApiClient({ ...options, baseUrl: root, headers }));
    this.root = root;
  }

  describe(): BackendDescription {
    return { kind: 'prometheus', url: this.root.href };
  }
}
