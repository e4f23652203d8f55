/**
 * A loopback HTTP proxy in front of a real server that holds every request for `delayMs` before
 * forwarding it, and records requests whose client went away first: the observable proof that a
 * cancellation reached the HTTP call.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowProxy {
  url: string;
  /** Paths of requests the client abandoned while the proxy held them. */
  abandoned: string[];
  /** Paths of requests forwarded. */
  forwarded: string[];
  close(): Promise<void>;
}

export async function slowProxy(target: string, delayMs: number, slow: (req: IncomingMessage) => boolean = () => true): Promise<SlowProxy> {
  const upstream = new URL(target);
  const abandoned: string[] = [];
  const forwarded: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let gone = false;
      res.on('close', () => {
        if (!res.writableFinished) gone = true;
      });
      const forward = () => {
        if (gone) {
          abandoned.push(req.url ?? '');
          return;
        }
        forwarded.push(req.url ?? '');
        const out = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.on('error', () => res.destroy());
        out.end(Buffer.concat(chunks));
      };
      setTimeout(forward, slow(req) ? delayMs : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    abandoned,
    forwarded,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
