/**
 * The local target's APIs served in-process on loopback for the agent's tests and the case recorder:
 * the Kubernetes API subset over a Simulation (and the X-Ray subset, when given), on a random port,
 * with the kubeconfig that points @kubernetes/client-node at it. A `faults` hook lets failure tests
 * answer some requests with 500s or never answer them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../../core/log.js';
import type { ClusterBackend } from '../../../infra/local/simulation/cluster/backend.js';
import { createKubeApi, renderKubeconfig } from '../../../infra/local/simulation/kube-api/index.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Decides, per request, whether to misbehave: 'error' answers 500, 'hang' never answers, 'throttle' answers 429. */
export type FaultPlan = (req: IncomingMessage) => 'error' | 'hang' | 'throttle' | undefined;

export interface LocalApis {
  url: string;
  kubeconfig: string;
  token: string;
  /** Requests served so far, by "METHOD path". */
  requests: string[];
  setFaults(plan: FaultPlan | undefined): void;
  close(): Promise<void>;
}

export async function serveLocalApis(backend: ClusterBackend, options: { extraHandlers?: Handler[]; token?: string } = {}): Promise<LocalApis> {
  const token = options.token ?? 'agent-test-token';
  const kube = createKubeApi(backend, { token, logger: createLogger('kube-api', { level: 'error' }) });
  const handlers = [kube, ...(options.extraHandlers ?? [])];
  let faults: FaultPlan | undefined;
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const fault = faults?.(req);
    if (fault === 'hang') {
      hanging.add(res);
      req.resume();
      return;
    }
    const aws = !/^\/(api|apis|version|healthz|livez|readyz|openapi)(\/|$|\?)/.test(req.url ?? '');
    if (aws && (fault === 'error' || fault === 'throttle')) {
      // What AWS services answer: the error type in a header, the message in a JSON body.
      req.resume();
      const [code, type, message] = fault === 'throttle' ? [429, 'ThrottledException', 'Rate exceeded'] : [500, 'InternalFailure', 'The request processing has failed because of an unknown error'];
      res.writeHead(code, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': type, 'x-amzn-RequestId': 'b1f0c2d3-0000-4000-8000-000000000000' });
      res.end(JSON.stringify({ Message: message }));
      return;
    }
    if (fault === 'error' || fault === 'throttle') {
      req.resume();
      const code = fault === 'error' ? 500 : 429;
      const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: fault === 'error' ? 'etcdserver: request timed out' : 'too many requests, please try again later', reason: fault === 'error' ? 'InternalError' : 'TooManyRequests', code });
      res.writeHead(code, { 'Content-Type': 'application/json', ...(fault === 'throttle' ? { 'Retry-After': '1' } : {}) });
      res.end(body);
      return;
    }
    for (const handler of handlers) if (handler(req, res)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token,
    kubeconfig: renderKubeconfig({ server: url, token, clusterName: 'petadoptions-local' }),
    requests,
    setFaults: (plan) => {
      faults = plan;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
