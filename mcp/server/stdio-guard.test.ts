/**
 * The stdin guard: malformed lines are answered with JSON-RPC errors (and not passed on), messages
 * pass unchanged whatever the chunking, and an endless line is cut off with an answer.
 */
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { guardStdin, refusalOf } from './stdio-guard.js';

function harness(maxLineBytes?: number) {
  const input = new PassThrough();
  const output = new PassThrough();
  const refused: string[] = [];
  const passed = guardStdin(input, output, { ...(maxLineBytes ? { maxLineBytes } : {}), onRefused: (r) => refused.push(r) });
  let forwarded = '';
  let answered = '';
  passed.on('data', (c: Buffer) => (forwarded += c));
  output.on('data', (c: Buffer) => (answered += c));
  return {
    input,
    refused,
    forwarded: () => forwarded.split('\n').filter(Boolean),
    answers: () => answered.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { jsonrpc: string; id: unknown; error: { code: number; message: string } }),
    done: () => new Promise((resolve) => passed.once('end', resolve)),
  };
}

const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });

test('malformed lines get a parse error or an invalid-request error; messages pass on', async () => {
  const h = harness();
  h.input.write('not json\n');
  h.input.write(`${ping}\r\n`);
  h.input.write('{"id": "x", "hello": 1}\n\n');
  h.input.end('[1, 2]\n');
  await h.done();
  assert.equal(h.forwarded(), [ping]);
  assert.equal(h.answers().map((a) => [a.jsonrpc, a.id, a.error.code]), [['2.0', null, -32700], ['2.0', 'x', -32600], ['2.0', null, -32600]]);
  assert.is(h.refused.length, 3);
});

test('a message split across chunks, and several in one chunk, pass whole', async () => {
  const h = harness();
  h.input.write(ping.slice(0, 10));
  h.input.write(`${ping.slice(10)}\n${ping}`);
  h.input.end('\n');
  await h.done();
  assert.equal(h.forwarded(), [ping, ping]);
  assert.equal(h.answers(), []);
});

test('a line longer than the limit is answered once and skipped to the next newline', async () => {
  const h = harness(64);
  h.input.write('x'.repeat(50));
  h.input.write('y'.repeat(50));
  h.input.write('z'.repeat(50));
  h.input.end(`tail\n${ping}\n`);
  await h.done();
  assert.equal(h.forwarded(), [ping]);
  assert.equal(h.answers().map((a) => a.error.code), [-32600]);
  assert.match(h.answers()[0]!.error.message, /exceeds 64 bytes/);
});

test('refusalOf: JSON-RPC 2.0 requests, notifications and responses are messages', () => {
  assert.is(refusalOf(ping), undefined);
  assert.is(refusalOf('{"jsonrpc":"2.0","method":"notifications/initialized"}'), undefined);
  assert.is(refusalOf('{"jsonrpc":"2.0","id":3,"result":{}}'), undefined);
  assert.is(refusalOf('{"jsonrpc":"1.0","id":3,"method":"x"}')!.code, -32600);
});

test.run();
