import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { connect, createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { forwardService, PortForwardError, resolveServiceTarget, type PortForwardApi } from './port-forward.js';

const service: V1Service = { metadata: { name: 'devops-agent', namespace: 'devops-agent' }, spec: { selector: { app: 'devops-agent' }, ports: [{ name: 'http', port: 80, targetPort: 'http' as unknown as number }] } };
const pod = (name: string, ready: boolean, phase = 'Running'): V1Pod => ({
  metadata: { name, namespace: 'devops-agent', labels: { app: 'devops-agent' } },
  spec: { containers: [{ name: 'agent', ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { phase, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

function api(pods: V1Pod[], tunnel: PortForwardApi['tunnel'] = async () => undefined): PortForwardApi & { selectors: string[] } {
  const selectors: string[] = [];
  return {
    selectors,
    readService: async (_namespace, name) => {
      if (name !== 'devops-agent') throw new Error(`HTTP-Code: 404 services "${name}" not found`);
      return service;
    },
    listPods: async (_namespace, selector) => {
      selectors.push(selector);
      return pods;
    },
    tunnel,
  };
}

const ref = { namespace: 'devops-agent', name: 'devops-agent', port: 80 };

test("a Service's port resolves to a ready pod of its selector and the container port its targetPort names", async () => {
  const a = api([pod('devops-agent-0', false), pod('devops-agent-1', true)]);
  assert.equal(await resolveServiceTarget(a, ref), { pod: 'devops-agent-1', port: 8080 });
  assert.equal(a.selectors, ['app=devops-agent']);
});

test('what cannot be forwarded says why', async () => {
  const reason = (a: PortForwardApi, r = ref) => resolveServiceTarget(a, r).then(() => '', (e: Error) => (assert.instance(e, PortForwardError), e.message));
  assert.match(await reason(api([pod('devops-agent-0', false)])), /^service devops-agent\/devops-agent has no ready pod \(1 pod\(s\): devops-agent-0 Running\); kubectl get pods -n devops-agent$/);
  assert.match(await reason(api([]), { ...ref, port: 8080 }), /has no port 8080 \(it has 80\)/);
  assert.match(await reason(api([]), { ...ref, name: 'agent' }), /^cannot read service devops-agent\/agent: HTTP-Code: 404/);
});

test('each connection to the local port is tunnelled to the pod; close ends them', async () => {
  // The pod's side: an echo server on loopback, reached through the fake tunnel.
  const echo: Server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  const echoPort = (echo.address() as AddressInfo).port;
  const tunnels: string[] = [];
  const forward = await forwardService(
    api([pod('devops-agent-1', true)], async (namespace, name, port, socket) => {
      tunnels.push(`${namespace}/${name}:${port}`);
      const upstream = connect(echoPort, '127.0.0.1');
      socket.once('close', () => upstream.destroy());
      socket.pipe(upstream).pipe(socket);
    }),
    ref,
  );
  try {
    assert.match(forward.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await new Promise<string>((resolve, reject) => {
      const client = connect(forward.port, '127.0.0.1', () => client.write('ping'));
      client.once('data', (data) => {
        resolve(data.toString());
        client.destroy();
      });
      client.once('error', reject);
    });
    assert.is(answer, 'ping');
    assert.equal(tunnels, ['devops-agent/devops-agent-1:8080']);
  } finally {
    await forward.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  }
});

test('a forward to a Service without a ready pod fails before it listens', async () => {
  await forwardService(api([]), ref).then(
    () => assert.unreachable(),
    (error: Error) => assert.match(error.message, /has no ready pod/),
  );
});

test.run();
