/**
 * A fake agent webhook for tests: node:http on 127.0.0.1, port 0. Records every request body and
 * answers with the statuses the test queues (202 once the queue is empty).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  body: unknown;
  status: number;
  /** The Authorization header sent, if any. */
  authorization?: string;
}

export interface FakeReceiver {
  url: string;
  received: Received[];
  /** Bodies of the requests answered 2xx. */
  accepted(): unknown[];
  /** Answer the next requests with these statuses (and optional headers), in order. */
  respond(...answers: (number | { status: number; headers?: Record<string, string>; body?: string })[]): void;
  close(): Promise<void>;
}

export async function fakeReceiver(path = '/webhooks/anomaly'): Promise<FakeReceiver> {
  const queue: { status: number; headers?: Record<string, string>; body?: string }[] = [];
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const next = queue.shift() ?? { status: 202 };
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      received.push({ path: req.url ?? '', body, status: next.status, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(next.body ?? JSON.stringify(next.status < 300 ? { accepted: true } : { error: `status ${next.status}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    accepted: () => received.filter((r) => r.status < 300).map((r) => r.body),
    respond: (...answers) => queue.push(...answers.map((a) => (typeof a === 'number' ? { status: a } : a))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A loopback URL nothing listens on (a port that was just free). */
export async function closedUrl(path = '/webhooks/anomaly'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}
