import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { ApiError, errors } from '../cluster/errors.js';
import type { Status } from '../cluster/objects.js';

/** What a handler answers; watch and log streams write to the response themselves instead. */
export interface Reply {
  status: number;
  body: unknown;
  /** Defaults to application/json; a string body with text/plain is sent as is. */
  contentType?: string;
}

/** kube-apiserver refuses bodies over 3 MiB (etcd's request limit). */
const MAX_BODY_BYTES = 3 * 1024 * 1024;

export function reply(status: number, body: unknown, contentType?: string): Reply {
  return { status, body, ...(contentType ? { contentType } : {}) };
}

export function success(code: number, details?: Status['details']): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}), code };
}

/**
 * Reads a request body up to the API server's limit. A larger one is refused with 413 and a `Status`, as
 * kube-apiserver does, rather than a reset connection: the rest of the body is read and dropped (up to a
 * bound, then the connection is closed) so the client gets to read the answer.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = () => new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    discardRest(req, 0);
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.off('end', onEnd);
        chunks.length = 0;
        discardRest(req, size);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', reject);
  });
}

/** Past this much of a refused body, the connection is closed instead of read further. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

function discardRest(req: IncomingMessage, alreadyRead: number): void {
  let discarded = alreadyRead;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) req.destroy();
  });
  req.resume();
}

/** Media type without parameters, lower-cased ("application/merge-patch+json"). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Decodes a request body the way the API server's serializers do: JSON always, YAML for the YAML media
 * types (server-side apply sends YAML or JSON under application/apply-patch+yaml).
 */
export function decodeBody(text: string, contentType: string | undefined): unknown {
  if (!text.trim()) throw errors.badRequest('the body of the request was empty');
  const type = mediaType(contentType);
  try {
    if (type.endsWith('yaml')) return parseYaml(text) as unknown;
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw errors.badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
  }
}

export function decodeObject(text: string, contentType: string | undefined): Record<string, unknown> {
  const value = decodeBody(text, contentType);
  if (!isRecord(value)) throw errors.badRequest(`the body of the request must be a JSON object, got ${Array.isArray(value) ? 'array' : typeof value}`);
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function send(res: ServerResponse, answer: Reply): void {
  const contentType = answer.contentType ?? 'application/json';
  const payload = typeof answer.body === 'string' && !contentType.startsWith('application/json') ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload), 'Cache-Control': 'no-cache, private' });
  res.end(payload);
}

export function sendError(res: ServerResponse, error: unknown): number {
  const apiError = asApiError(error);
  if (!res.headersSent) send(res, reply(apiError.code, apiError.toStatus()));
  else res.end();
  return apiError.code;
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return errors.internal(error instanceof Error ? error.message : String(error));
}

/** Query parameters that are integers; a malformed one is a 400, as in the API server's decoder. */
export function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw errors.badRequest(`invalid value for ${name}: strconv.ParseInt: parsing "${raw}": invalid syntax`);
  return Number(raw);
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name);
  return raw === 'true' || raw === '1' || raw === 'True';
}
