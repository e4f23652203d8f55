/**
 * An independent SigV4 implementation (node:crypto, written from the AWS specification), used only
 * to check the signatures the AMP adapter produces with the SDK's signer. It is itself checked
 * against AWS's published test-suite vectors (get-vanilla, post-vanilla) before being trusted.
 */
import { createHash, createHmac } from 'node:crypto';

export interface ReferenceRequest {
  method: string;
  url: URL;
  /** The headers to sign (lowercase or not); `host` is taken from the URL when absent. */
  headers: Record<string, string>;
  body?: string;
}

export interface ReferenceKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  /** "20150830T123600Z" */
  amzDate: string;
}

export interface ReferenceSignature {
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string;
  signature: string;
  authorization: string;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** RFC 3986 unreserved characters stay; everything else is %XX (uppercase), as SigV4 requires. */
function uriEncode(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'))
    .map((byte) => {
      const c = String.fromCharCode(byte);
      return /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
}

export function referenceSign(request: ReferenceRequest, key: ReferenceKey): ReferenceSignature {
  // Canonical URI: the path as sent, each segment encoded once more (every service but S3).
  const canonicalUri = request.url.pathname
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
  const canonicalQuery = [...request.url.searchParams.entries()]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headers = new Map<string, string>();
  headers.set('host', request.url.host);
  for (const [name, value] of Object.entries(request.headers)) headers.set(name.toLowerCase(), value.trim().replace(/\s+/g, ' '));
  const names = [...headers.keys()].sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name)}\n`).join('');
  const signedHeaders = names.join(';');
  const payloadHash = sha256Hex(request.body ?? '');
  const canonicalRequest = [request.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');

  const date = key.amzDate.slice(0, 8);
  const scope = `${date}/${key.region}/${key.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', key.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, date), key.region), key.service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return {
    canonicalRequest,
    stringToSign,
    signedHeaders,
    signature,
    authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** The fields of an Authorization header: credential scope parts, signed header names, signature. */
export function parseAuthorization(header: string): { accessKeyId: string; date: string; region: string; service: string; signedHeaders: string[]; signature: string } {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(header);
  if (!match) throw new Error(`not a SigV4 Authorization header: ${header}`);
  return {
    accessKeyId: match[1]!,
    date: match[2]!,
    region: match[3]!,
    service: match[4]!,
    signedHeaders: match[5]!.split(';'),
    signature: match[6]!,
  };
}
