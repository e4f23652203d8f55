import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AGGREGATED_DISCOVERY_V2 } from './discovery.js';
import { startSampleApi } from '../../../../test/support/simulation/sample-cluster.js';

test('only Kubernetes paths are claimed, so one server can serve metrics and traces too', async () => {
  const api = await startSampleApi();
  try {
    const other = await api.call('GET', '/metrics');
    assert.is(other.status, 404);
    assert.is(other.text, 'not found\n');
    assert.is((await api.call('GET', '/healthz')).text, 'ok');
    assert.is((await api.call('GET', '/readyz')).status, 200);
  } finally {
    await api.close();
  }
});

test('a token is required everywhere but health and version, with the real 401 Status', async () => {
  const api = await startSampleApi({ token: 's3cret' });
  try {
    const denied = await api.call('GET', '/api/v1/namespaces/petadoptions/pods', { token: 'wrong' });
    assert.is(denied.status, 401);
    assert.equal(denied.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    assert.is((await api.call('GET', '/version', { token: 'wrong' })).status, 200);
    assert.is((await api.call('GET', '/livez', { token: 'wrong' })).status, 200);
    assert.is((await api.call('GET', '/api/v1/namespaces/petadoptions/pods')).status, 200);
  } finally {
    await api.close();
  }
});

test('a body over 3 MiB gets 413 with a Status, not a reset connection, whether its length is declared or not', async () => {
  const api = await startSampleApi();
  try {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    const declared = await fetch(`${api.url}/api/v1/namespaces/petadoptions/configmaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.is(declared.status, 413);
    assert.equal(await declared.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Request entity too large: limit is 3145728', reason: 'RequestEntityTooLarge', code: 413 });
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1024 * 1024)));
        controller.close();
      },
    });
    const streamed = await fetch(`${api.url}/api/v1/namespaces/petadoptions/configmaps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit);
    assert.is(streamed.status, 413);
    assert.is(((await streamed.json()) as { reason: string }).reason, 'RequestEntityTooLarge');
    assert.is((await api.call('GET', '/api/v1/namespaces/petadoptions/pods')).status, 200, 'the server carries on');
  } finally {
    await api.close();
  }
});

test('discovery serves legacy and aggregated documents from the resource registry', async () => {
  const api = await startSampleApi();
  try {
    const version = await api.call('GET', '/version');
    assert.match(version.json.gitVersion, /^v1\.31\.\d+-eks-/);
    assert.is(version.json.platform, 'linux/amd64');
    assert.equal((await api.call('GET', '/api')).json.versions, ['v1']);
    const groups = (await api.call('GET', '/apis')).json.groups.map((g: { name: string }) => g.name);
    for (const group of ['apps', 'policy', 'networking.k8s.io', 'autoscaling', 'metrics.k8s.io', 'chaos-mesh.org']) assert.ok(groups.includes(group), group);
    const core = (await api.call('GET', '/api/v1')).json;
    const names = core.resources.map((r: { name: string }) => r.name);
    for (const name of ['pods', 'pods/log', 'pods/eviction', 'nodes', 'events', 'namespaces']) assert.ok(names.includes(name), name);
    const eviction = core.resources.find((r: { name: string }) => r.name === 'pods/eviction');
    assert.equal([eviction.group, eviction.version, eviction.kind], ['policy', 'v1', 'Eviction']);
    const apps = (await api.call('GET', '/apis/apps/v1')).json;
    assert.ok(apps.resources.some((r: { name: string; kind: string }) => r.name === 'deployments/scale' && r.kind === 'Scale'));

    const aggregated = await api.call('GET', '/apis', { accept: `${AGGREGATED_DISCOVERY_V2},application/json` });
    assert.is(aggregated.contentType, AGGREGATED_DISCOVERY_V2);
    assert.is(aggregated.json.kind, 'APIGroupDiscoveryList');
    const chaos = aggregated.json.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'chaos-mesh.org');
    assert.equal(chaos.versions[0].resources.map((r: { resource: string }) => r.resource), ['stresschaos', 'networkchaos', 'podchaos']);
    const legacy = await api.call('GET', '/api', { accept: AGGREGATED_DISCOVERY_V2 });
    assert.ok(legacy.json.items[0].versions[0].resources.some((r: { resource: string; subresources?: { subresource: string }[] }) => r.resource === 'pods' && r.subresources?.some((s) => s.subresource === 'log')));
  } finally {
    await api.close();
  }
});

test('OpenAPI v3 tells kubectl that PATCH takes fieldValidation (server-side validation)', async () => {
  const api = await startSampleApi();
  try {
    const root = (await api.call('GET', '/openapi/v3')).json;
    const url = root.paths['apis/chaos-mesh.org/v1alpha1'].serverRelativeURL as string;
    assert.match(url, /^\/openapi\/v3\/apis\/chaos-mesh\.org\/v1alpha1\?hash=/);
    const doc = (await api.call('GET', url)).json;
    const item = doc.paths['/apis/chaos-mesh.org/v1alpha1/namespaces/{namespace}/stresschaos/{name}'];
    assert.equal(item.patch['x-kubernetes-group-version-kind'], { group: 'chaos-mesh.org', version: 'v1alpha1', kind: 'StressChaos' });
    assert.ok(item.patch.parameters.some((p: { name: string; in: string }) => p.name === 'fieldValidation' && p.in === 'query'));
    assert.not.ok('application/strategic-merge-patch+json' in item.patch.requestBody.content);
    // A real API server serves v2 too: as JSON here, not as protobuf (a protobuf-only client is told so).
    const v2 = await api.call('GET', '/openapi/v2', { accept: 'application/json' });
    assert.is(v2.status, 200);
    assert.is(v2.json.swagger, '2.0');
    assert.ok(v2.json.definitions['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind']);
    assert.is((await api.call('GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' })).status, 406);
  } finally {
    await api.close();
  }
});

test('errors are Status objects with the API server codes and wording', async () => {
  const api = await startSampleApi();
  try {
    const unknown = await api.call('GET', '/apis/apps/v1/namespaces/petadoptions/frobnicators');
    assert.equal(unknown.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
    assert.is((await api.call('GET', '/apis/nope.example.com/v1')).status, 404);
    const missing = await api.call('GET', '/apis/apps/v1/namespaces/petadoptions/deployments/nope');
    assert.is(missing.json.message, 'deployments.apps "nope" not found');
    assert.is((await api.call('PUT', '/api/v1/namespaces/petadoptions/pods', { body: {} })).status, 405);
    assert.is((await api.call('POST', '/api/v1', { body: {} })).status, 405);
    const malformed = await api.call('POST', '/api/v1/namespaces/petadoptions/pods', { body: '{"kind": "Pod",' });
    assert.is(malformed.status, 400);
    assert.is(malformed.json.reason, 'BadRequest');
    const wrongKind = await api.call('POST', '/apis/apps/v1/namespaces/petadoptions/deployments', { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } } });
    assert.is(wrongKind.status, 400);
    assert.match(wrongKind.json.message, /must be of type Deployment/);
    const badSelector = await api.call('GET', '/api/v1/pods?labelSelector=app%20in%20petsite');
    assert.is(badSelector.status, 400);
    const badField = await api.call('GET', '/api/v1/pods?fieldSelector=spec.frobnicate%3Dx');
    assert.equal([badField.status, badField.json.message], [400, 'field label not supported: spec.frobnicate']);
    const badLimit = await api.call('GET', '/api/v1/pods?limit=ten');
    assert.is(badLimit.status, 400);
    const wrongPatch = await api.call('PATCH', '/apis/apps/v1/namespaces/petadoptions/deployments/petsite', { body: '{}', contentType: 'text/plain' });
    assert.is(wrongPatch.status, 415);
  } finally {
    await api.close();
  }
});

test.run();
