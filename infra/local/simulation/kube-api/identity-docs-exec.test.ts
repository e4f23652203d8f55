import { request as httpRequest } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { createLogger } from '../../../../core/log.js';
import type { Pod } from '../cluster/objects.js';
import { POD } from '../cluster/resources.js';
import { listenOnLoopback, NAMESPACE_NAME, sampleCluster, callApi } from '../../../../test/support/simulation/sample-cluster.js';
import { runDiagnostic } from './exec/commands.js';
import { createKubeApi } from './server.js';

/** Who the token is (reviews), the API's documentation (OpenAPI), and exec's protocol and commands. */
async function served() {
  const cluster = sampleCluster();
  const api = createKubeApi(cluster.backend, { token: 'secret', logger: createLogger('kube-api', { level: 'error', sink: () => undefined }) });
  const server = await listenOnLoopback(api);
  server.server.on('upgrade', (req, socket, head) => {
    if (!api.upgrade(req, socket, head)) socket.destroy();
  });
  const call = (method: string, path: string, options: Parameters<typeof callApi>[3] = {}) => callApi(server.url, method, path, { token: 'secret', ...options });
  return { ...cluster, server, call };
}

test('reviews answer for the token: whoami, can-i, the rules; they are created, never stored', async () => {
  const api = await served();
  try {
    const whoami = await api.call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    assert.is(whoami.status, 201);
    assert.match(whoami.json.status.userInfo.username, /^arn:aws:sts::123456789012:assumed-role\//);
    assert.equal(whoami.json.status.userInfo.groups, ['system:authenticated']);
    const access = await api.call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: { spec: { resourceAttributes: { verb: 'delete', resource: 'pods', namespace: NAMESPACE_NAME } } } });
    assert.equal([access.status, access.json.status.allowed], [201, true]);
    assert.match(access.json.status.reason, /^EKS Access Policy: allowed by ClusterRoleBinding/);
    assert.is((await api.call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: { spec: {} } })).status, 422);
    const rules = await api.call('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { body: { spec: { namespace: NAMESPACE_NAME } } });
    assert.ok(rules.json.status.resourceRules.some((r: { verbs: string[]; resources: string[] }) => r.verbs[0] === '*' && r.resources[0] === '*'));
    assert.is((await api.call('GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).status, 405);
    assert.is((await api.call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { body: {}, token: 'wrong' })).status, 401);
  } finally {
    await api.server.close();
  }
});

test('OpenAPI v3 documents carry the upstream schemas: kinds by GVK, every reference resolvable, merge keys for apply', async () => {
  const api = await served();
  try {
    const root = (await api.call('GET', '/openapi/v3')).json;
    const apps = (await api.call('GET', root.paths['apis/apps/v1'].serverRelativeURL)).json;
    const schemas = apps.components.schemas as Record<string, Record<string, unknown>>;
    const deployment = schemas['io.k8s.api.apps.v1.Deployment']!;
    assert.equal(deployment['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    assert.match(String(deployment.description), /Deployment enables declarative updates for Pods and ReplicaSets/);
    const text = JSON.stringify(apps);
    for (const match of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) assert.ok(schemas[match[1]!], `${match[1]} is in the document`);
    const podSpec = schemas['io.k8s.api.core.v1.PodSpec']! as { properties: Record<string, Record<string, unknown>>; required: string[] };
    assert.equal(podSpec.required, ['containers']);
    assert.equal([podSpec.properties.containers!['x-kubernetes-patch-merge-key'], podSpec.properties.containers!['x-kubernetes-patch-strategy']], ['name', 'merge']);
    const core = (await api.call('GET', root.paths['api/v1'].serverRelativeURL)).json;
    assert.ok(core.components.schemas['io.k8s.api.core.v1.Pod']['x-kubernetes-group-version-kind']);
    assert.ok(root.paths['apis/discovery.k8s.io/v1'] && root.paths['apis/authorization.k8s.io/v1']);
  } finally {
    await api.server.close();
  }
});

test('health answers verbosely when asked, as kube-apiserver lists its checks', async () => {
  const api = await served();
  try {
    const readyz = await api.call('GET', '/readyz?verbose');
    assert.match(readyz.text, /^\[\+\]ping ok\n[\s\S]*\[\+\]etcd-readiness ok[\s\S]*readyz check passed\n$/);
    assert.not.match((await api.call('GET', '/livez?verbose')).text, /etcd-readiness/);
  } finally {
    await api.server.close();
  }
});

/** One `kubectl exec` over the v5 channel protocol: what came on stdout and the final Status. */
function exec(url: string, path: string): Promise<{ protocol: string; stdout: string; status: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace('http', 'ws') + path, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], { headers: { Authorization: 'Bearer secret' } });
    let stdout = '';
    let status: Record<string, unknown> = {};
    ws.on('message', (data: Buffer) => {
      if (data[0] === 1) stdout += data.subarray(1).toString();
      if (data[0] === 3) status = JSON.parse(data.subarray(1).toString()) as Record<string, unknown>;
    });
    ws.on('close', () => resolve({ protocol: ws.protocol, stdout, status }));
    ws.on('error', reject);
  });
}

test('exec speaks the v5 WebSocket channel protocol: diagnostics answer, exit codes and refusals come as a Status', async () => {
  const api = await served();
  try {
    const pod = api.store.list<Pod>(POD, NAMESPACE_NAME).find((p) => p.metadata.labels?.app === 'petsite')!;
    const base = `/api/v1/namespaces/${NAMESPACE_NAME}/pods/${pod.metadata.name}/exec?stdout=true&stderr=true`;
    const resolv = await exec(api.server.url, `${base}&command=cat&command=/etc/resolv.conf`);
    assert.is(resolv.protocol, 'v5.channel.k8s.io');
    assert.is(resolv.stdout, `search ${NAMESPACE_NAME}.svc.cluster.local svc.cluster.local cluster.local us-west-2.compute.internal\nnameserver 10.100.0.10\noptions ndots:5\n`);
    assert.equal(resolv.status, { metadata: {}, status: 'Success' });
    const missing = await exec(api.server.url, `${base}&command=printenv&command=NOT_SET`);
    assert.equal([missing.status.reason, (missing.status.details as { causes: { message: string }[] }).causes[0]!.message], ['NonZeroExitCode', '1']);
    const refused = await exec(api.server.url, `${base}&command=rm&command=-rf&command=/`);
    assert.is(refused.status.reason, 'Forbidden');
    assert.match(String(refused.status.message), /read-only diagnostics only/);
    // Without an upgrade, or with SPDY, the server says what it wants instead of hanging up.
    assert.is((await api.call('POST', `${base}&command=env`)).status, 400);
    const spdy = await new Promise<number>((resolve) => {
      const req = httpRequest(`${api.server.url}${base}&command=env`, { method: 'POST', headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', Authorization: 'Bearer secret' } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => resolve(101));
      req.end();
    });
    assert.is(spdy, 400);
  } finally {
    await api.server.close();
  }
});

test('env is what the kubelet injects: the container variables, HOSTNAME and the service links of the namespace', () => {
  const { backend, store } = sampleCluster();
  const pod = store.list<Pod>(POD, NAMESPACE_NAME)[0]!;
  const env = runDiagnostic({ pod, container: pod.spec.containers[0]!, backend }, ['env']).stdout.split('\n');
  assert.ok(env.includes(`HOSTNAME=${pod.metadata.name}`));
  assert.ok(env.includes('AWS_REGION=us-west-2'));
  assert.ok(env.includes('KUBERNETES_SERVICE_HOST=10.100.0.1') && env.includes('KUBERNETES_PORT_443_TCP=tcp://10.100.0.1:443'));
  assert.equal(runDiagnostic({ pod, container: pod.spec.containers[0]!, backend }, ['sh', '-c', 'hostname']).stdout, `${pod.metadata.name}\n`);
  assert.ok(runDiagnostic({ pod, container: pod.spec.containers[0]!, backend }, ['sh', '-c', 'cat /etc/passwd | grep root']).refused);
});

test.run();
