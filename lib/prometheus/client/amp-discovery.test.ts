/**
 * Workspace discovery. Most cases mock the AMP control-plane client with aws-sdk-client-mock; one
 * group feeds the recorded-shape JSON fixtures through the real SDK (a request handler that answers
 * from fixtures/, never the network), proving the fixtures parse as AMP's answers would.
 */
import {
  AccessDeniedException,
  AmpClient,
  DescribeWorkspaceCommand,
  ListWorkspacesCommand,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
  type DescribeWorkspaceCommandOutput,
  type ListWorkspacesCommandOutput,
} from '@aws-sdk/client-amp';
import { HttpResponse, type HttpRequest } from '@smithy/protocol-http';
import { mockClient } from 'aws-sdk-client-mock';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../../../core/log.js';
import { findWorkspace } from './amp-discovery.js';
import { BackendError } from './errors.js';
import { fixture } from '../../../test/support/prometheus/fake-fetch.js';
import { quietSdkWarnings } from '../../../test/support/prometheus/quiet-sdk.js';

const WS = 'ws-3f2a8c4e-7b1d-4e9a-9c65-0d2e1f3a4b5c';
const STAGING = 'ws-11111111-2222-4333-8444-555555555555';
const fakeCredentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const $metadata = { httpStatusCode: 200 };

quietSdkWarnings(test);

/** Fixture JSON as the SDK hands it over (timestamps in seconds become Dates). */
function listOutput(name: string): ListWorkspacesCommandOutput {
  const body = fixture(name).body as { workspaces: ({ createdAt: number } & Record<string, unknown>)[]; nextToken?: string };
  return { $metadata, ...body, workspaces: body.workspaces.map((w) => ({ ...w, createdAt: new Date(w.createdAt * 1000) })) } as ListWorkspacesCommandOutput;
}
function describeOutput(name: string): DescribeWorkspaceCommandOutput {
  const body = fixture(name).body as { workspace: { createdAt: number } & Record<string, unknown> };
  return { $metadata, workspace: { ...body.workspace, createdAt: new Date(body.workspace.createdAt * 1000) } } as DescribeWorkspaceCommandOutput;
}

function mockedAmp() {
  const client = new AmpClient({ region: 'us-east-1', credentials: fakeCredentials });
  const mock = mockClient(client);
  return { client, mock };
}

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BackendError) return error;
    throw error;
  }
  throw new Error('expected discovery to fail');
}

const denied = (action: string) =>
  new AccessDeniedException({
    message: `User: arn:aws:sts::123456789012:assumed-role/petadoptions-prometheus-mcp/s is not authorized to perform: ${action}`,
    $metadata: { httpStatusCode: 403, requestId: 'req-1' },
  });

test('by ID: DescribeWorkspace, ACTIVE, its prometheusEndpoint is the API root', async () => {
  const { client, mock } = mockedAmp();
  mock.on(DescribeWorkspaceCommand, { workspaceId: WS }).resolves(describeOutput('describe-workspace.json'));
  const workspace = await findWorkspace({ region: 'us-east-1', workspaceId: WS }, { client, logger: memoryLogger() });
  assert.equal(workspace, {
    workspaceId: WS,
    alias: 'petadoptions',
    arn: `arn:aws:aps:us-east-1:123456789012:workspace/${WS}`,
    status: 'ACTIVE',
    prometheusEndpoint: `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/`,
    region: 'us-east-1',
    verified: true,
  });
  assert.is(mock.commandCalls(ListWorkspacesCommand).length, 0);
});

test('by alias: pages through ListWorkspaces (prefix filter), keeps the exact alias only', async () => {
  const { client, mock } = mockedAmp();
  mock
    .on(ListWorkspacesCommand)
    .resolvesOnce(listOutput('list-workspaces-page1.json'))
    .resolvesOnce(listOutput('list-workspaces-page2.json'));
  mock.on(DescribeWorkspaceCommand).resolves(describeOutput('describe-workspace.json'));
  const workspace = await findWorkspace({ region: 'us-east-1', alias: 'petadoptions' }, { client, logger: memoryLogger() });
  assert.is(workspace.workspaceId, WS, 'petadoptions-staging on page 1 is a prefix match, not the alias');
  const lists = mock.commandCalls(ListWorkspacesCommand);
  assert.is(lists.length, 2);
  assert.is(lists[0]!.args[0].input.alias, 'petadoptions');
  assert.is(lists[1]!.args[0].input.nextToken, 'AAMA-EFRSURBSGh5Y1hLY3BWNHh0ZXhhbXBsZXRva2Vu');
  assert.is(mock.commandCalls(DescribeWorkspaceCommand)[0]!.args[0].input.workspaceId, WS);
});

test('alias not found: not_found, listing what the region has', async () => {
  const { client, mock } = mockedAmp();
  mock.on(ListWorkspacesCommand, { alias: 'petadoption', maxResults: 100 }).resolves({ $metadata, workspaces: [] });
  mock.on(ListWorkspacesCommand, { maxResults: 100 }).resolves(listOutput('list-workspaces-page2.json'));
  const error = await failure(findWorkspace({ region: 'us-east-1', alias: 'petadoption' }, { client }));
  assert.is(error.kind, 'not_found');
  assert.is(error.endpoint, 'ListWorkspaces');
  assert.match(error.hint, new RegExp(`workspaces in us-east-1: petadoptions \\(${WS}\\)`));
});

test('alias in a region with no workspaces: says to check the region', async () => {
  const { client, mock } = mockedAmp();
  mock.on(ListWorkspacesCommand).resolves({ $metadata, workspaces: [] });
  const error = await failure(findWorkspace({ region: 'eu-west-1', alias: 'petadoptions' }, { client }));
  assert.is(error.kind, 'not_found');
  assert.match(error.hint, /no AMP workspaces in eu-west-1; check --region/);
});

test('the same alias twice: bad_data, asking for the ID', async () => {
  const { client, mock } = mockedAmp();
  const one = listOutput('list-workspaces-page2.json').workspaces![0]!;
  mock.on(ListWorkspacesCommand).resolves({ $metadata, workspaces: [one, { ...one, workspaceId: STAGING }] });
  const error = await failure(findWorkspace({ region: 'us-east-1', alias: 'petadoptions' }, { client }));
  assert.is(error.kind, 'bad_data');
  assert.match(error.hint, new RegExp(`--amp-workspace-id \\(${WS} or ${STAGING}\\)`));
});

test('a workspace still CREATING cannot be queried yet', async () => {
  const { client, mock } = mockedAmp();
  mock.on(DescribeWorkspaceCommand).resolves(describeOutput('describe-workspace-creating.json'));
  const error = await failure(findWorkspace({ region: 'us-east-1', workspaceId: STAGING }, { client }));
  assert.is(error.kind, 'unavailable');
  assert.is(error.errorType, 'CREATING');
  assert.match(error.message, /is CREATING, not ACTIVE/);
  assert.match(error.hint, /still being created/);
});

test('wrong region (or ID): ResourceNotFoundException becomes not_found with the region to check', async () => {
  const { client, mock } = mockedAmp();
  mock.on(DescribeWorkspaceCommand).rejects(
    new ResourceNotFoundException({ message: `Workspace ${WS} not found`, resourceId: WS, resourceType: 'Workspace', $metadata: { httpStatusCode: 404 } }),
  );
  const error = await failure(findWorkspace({ region: 'eu-west-1', workspaceId: WS }, { client }));
  assert.is(error.kind, 'not_found');
  assert.is(error.status, 404);
  assert.match(error.hint, new RegExp(`no workspace ${WS} in eu-west-1: workspaces are regional, so check --region`));
});

test('no aps:DescribeWorkspace (query-only role) with a known ID: regional endpoint, unverified, warned', async () => {
  const { client, mock } = mockedAmp();
  mock.on(DescribeWorkspaceCommand).rejects(denied('aps:DescribeWorkspace'));
  const logger = memoryLogger();
  const workspace = await findWorkspace({ region: 'us-east-1', workspaceId: WS }, { client, logger });
  assert.is(workspace.prometheusEndpoint, `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/`);
  assert.is(workspace.verified, false);
  assert.ok(logger.records.some((r) => r.level === 'warn' && /aps:DescribeWorkspace/.test(r.msg)));
});

test('no aps:ListWorkspaces with an alias: forbidden, suggesting the ID instead', async () => {
  const { client, mock } = mockedAmp();
  mock.on(ListWorkspacesCommand).rejects(denied('aps:ListWorkspaces'));
  const error = await failure(findWorkspace({ region: 'us-east-1', alias: 'petadoptions' }, { client }));
  assert.is(error.kind, 'forbidden');
  assert.is(error.requestId, 'req-1');
  assert.match(error.hint, /needs aps:ListWorkspaces in us-east-1 .* pass --amp-workspace-id/);
});

test('no credentials, invalid ID, throttling and an unresolvable region map to clear kinds', async () => {
  const cases: [Error, string, RegExp][] = [
    [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'unauthorized', /no AWS credentials found/],
    [new ValidationException({ message: '1 validation error detected', reason: 'OTHER', $metadata: {} }), 'bad_data', /not a valid workspace ID/],
    [new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }), 'too_many_requests', /throttling/],
    [Object.assign(new Error('getaddrinfo ENOTFOUND aps.us-east-9.amazonaws.com'), { code: 'ENOTFOUND' }), 'unavailable', /check --region/],
  ];
  for (const [rejection, kind, hint] of cases) {
    const { client, mock } = mockedAmp();
    mock.on(DescribeWorkspaceCommand).rejects(rejection);
    const error = await failure(findWorkspace({ region: 'us-east-1', workspaceId: WS }, { client }));
    assert.is(error.kind, kind, rejection.name);
    assert.match(error.hint, hint);
  }
});

/** A request handler that answers from fixtures (by path and nextToken) and refuses anything else. */
function fixtureHandler(requests: HttpRequest[]) {
  return {
    handle: async (request: HttpRequest) => {
      requests.push(request);
      if (request.hostname !== 'aps.us-east-1.amazonaws.com') throw new Error(`unexpected host ${request.hostname}`);
      let name: string;
      if (request.path === '/workspaces') name = request.query?.nextToken ? 'list-workspaces-page2.json' : 'list-workspaces-page1.json';
      else if (request.path === `/workspaces/${WS}`) name = 'describe-workspace.json';
      else if (request.path === `/workspaces/${STAGING}`) name = 'describe-workspace-creating.json';
      else name = 'describe-workspace-not-found.json';
      const exchange = fixture(name);
      return {
        response: new HttpResponse({
          statusCode: exchange.status,
          headers: exchange.headers,
          body: Buffer.from(JSON.stringify(exchange.body)),
        }),
      };
    },
  };
}

test('the control-plane fixtures parse with the real SDK, end to end, without the network', async () => {
  const requests: HttpRequest[] = [];
  const client = new AmpClient({ region: 'us-east-1', credentials: fakeCredentials, requestHandler: fixtureHandler(requests), maxAttempts: 1 });
  const workspace = await findWorkspace({ region: 'us-east-1', alias: 'petadoptions' }, { client, logger: memoryLogger() });
  assert.is(workspace.workspaceId, WS);
  assert.is(workspace.prometheusEndpoint, `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/`);
  assert.equal(
    requests.map((r) => `${r.method} ${r.path}`),
    ['GET /workspaces', 'GET /workspaces', `GET /workspaces/${WS}`],
  );
  assert.match(String(requests[0]!.headers.authorization), /\/us-east-1\/aps\/aws4_request/, 'the control plane is signed for aps too');

  const creating = await failure(findWorkspace({ region: 'us-east-1', workspaceId: STAGING }, { client }));
  assert.is(creating.kind, 'unavailable');
  const missing = await failure(findWorkspace({ region: 'us-east-1', workspaceId: 'ws-9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d' }, { client }));
  assert.is(missing.kind, 'not_found');
  assert.is(missing.errorType, 'ResourceNotFoundException');
  assert.is(missing.status, 404);
});

test.run();
