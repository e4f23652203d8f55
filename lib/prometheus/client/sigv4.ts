/**
 * SigV4 signing of AMP requests (service `aps`) with the AWS SDK's own signer. Every attempt is signed
 * anew: the signature covers the time (x-amz-date), and credentials may have been refreshed since.
 * The payload hash of POST bodies goes in `x-amz-content-sha256`, and a session token in
 * `x-amz-security-token`; both are signed headers, as is `host`.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Clock } from '../../../core/clock.js';
import type { Authorizer } from './api-client.js';
import type { RefreshingCredentials } from './credentials.js';
import type { OutgoingRequest } from './request.js';

export interface SigV4Options {
  region: string;
  credentials: RefreshingCredentials;
  clock: Clock;
  /** The signing name; AMP's data plane and control plane both use "aps". */
  service?: string;
}

export function sigv4Authorizer(options: SigV4Options): Authorizer {
  const signer = new SignatureV4({
    service: options.service ?? 'aps',
    region: options.region,
    sha256: Sha256,
    credentials: () => options.credentials.get(),
  });
  return {
    async authorize(request: OutgoingRequest): Promise<OutgoingRequest> {
      const { url } = request;
      const signed = await signer.sign(
        new HttpRequest({
          method: request.method,
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          query: queryRecord(url.searchParams),
          headers: { ...request.headers, host: url.host },
          body: request.body,
        }),
        { signingDate: new Date(options.clock.now()) },
      );
      return { ...request, headers: signed.headers };
    },
    invalidate: () => options.credentials.invalidate(),
  };
}

/** Repeated keys (`match[]`) become arrays: SigV4 sorts their values in the canonical query. */
function queryRecord(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of search) {
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[name] = [existing, value];
  }
  return query;
}
