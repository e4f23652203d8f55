/**
 * What stands between stdin and the SDK's stdio transport: it reads newline-delimited messages and
 * answers each line that is not one, instead of the transport dropping it silently (JSON-RPC 2.0:
 * invalid JSON gets a parse error, -32700; JSON that is not a JSON-RPC message gets -32600 with its id
 * when it has one). A line longer than `maxLineBytes` is answered and skipped, so stdin cannot grow
 * the buffer without bound. Well-formed lines pass on unchanged.
 */
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;

export interface StdioGuardOptions {
  /** Longest message line (default 4 MiB, as the HTTP transport's body limit). */
  maxLineBytes?: number;
  /** Told about each refused line (for the log). */
  onRefused?: (reason: string) => void;
}

function idOf(value: unknown): string | number | null {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

/** Why a line is not a JSON-RPC message, with its answer; undefined when it is one. */
export function refusalOf(line: string): { code: number; message: string; id: string | number | null } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { code: PARSE_ERROR, message: `Parse error: ${(error as Error).message.slice(0, 200)}`, id: null };
  }
  const parsed = JSONRPCMessageSchema.safeParse(value);
  if (parsed.success) return undefined;
  return { code: INVALID_REQUEST, message: 'Invalid Request: not a JSON-RPC 2.0 request, notification or response', id: idOf(value) };
}

export function guardStdin(input: Readable, output: Writable, options: StdioGuardOptions = {}): Readable {
  const maxLineBytes = options.maxLineBytes ?? 4 * 1024 * 1024;
  const passed = new PassThrough();
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;

  const answer = (refusal: { code: number; message: string; id: string | number | null }) => {
    options.onRefused?.(refusal.message);
    output.write(`${JSON.stringify({ jsonrpc: '2.0', id: refusal.id, error: { code: refusal.code, message: refusal.message } })}\n`);
  };

  const line = (bytes: Buffer) => {
    const text = bytes.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return;
    const refusal = refusalOf(text);
    if (refusal) answer(refusal);
    else passed.write(`${text}\n`);
  };

  input.on('data', (chunk: Buffer) => {
    let from = 0;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, from)) {
      if (!skipping) {
        pending.push(chunk.subarray(from, at));
        line(Buffer.concat(pending));
      }
      pending = [];
      pendingBytes = 0;
      skipping = false;
      from = at + 1;
    }
    if (skipping || from >= chunk.length) return;
    pending.push(chunk.subarray(from));
    pendingBytes += chunk.length - from;
    if (pendingBytes > maxLineBytes) {
      answer({ code: INVALID_REQUEST, message: `Invalid Request: the message exceeds ${maxLineBytes} bytes`, id: null });
      pending = [];
      pendingBytes = 0;
      skipping = true;
    }
  });
  input.once('end', () => {
    if (!skipping && pendingBytes > 0) line(Buffer.concat(pending));
    passed.end();
  });
  input.once('error', (error) => passed.destroy(error));
  return passed;
}
