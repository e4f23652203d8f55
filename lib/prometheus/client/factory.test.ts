/**
 * The factory and the flag/env rules the CLI relies on. AMP backends are built with an injected
 * control-plane client (aws-sdk-client-mock) and fetch, so nothing reaches AWS.
 */
import { AmpClient, DescribeWorkspaceCommand, ListWorkspacesCommand } from '@aws-sdk/client-amp';
import { mockClient } from 'aws-sdk-client-mock';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../core/clock.js';
import { memoryLogger } from '../../../core/log.js';
import { BackendConfigError } from './errors.js';
import { backendConfigFromFlags, createBackend } from './factory.js';
import { fixture, replay, ScriptedFetch } from '../../../test/support/prometheus/fake-fetch.js';
import { quietSdkWarnings } from '../../../test/support/prometheus/quiet-sdk.js';
import { parseAuthorization } from '../../../test/support/prometheus/sigv4-reference.js';

const WS = 'ws-3f2a8c4e-7b1d-4e9a-9c65-0d2e1f3a4b5c';
quietSdkWarnings(test);

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof BackendConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a BackendConfigError');
}

async function configErrorAsync(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof BackendConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a BackendConfigError');
}

test('flags over env: --prometheus-url, PROMETHEUS_URL, then the local target default', () => {
  assert.equal(backendConfigFromFlags({ prometheusUrl: 'http://127.0.0.1:9090' }, {}), { prometheusUrl: 'http://127.0.0.1:9090' });
  assert.equal(backendConfigFromFlags({}, { PROMETHEUS_URL: 'http://127.0.0.1:9091' }), { prometheusUrl: 'http://127.0.0.1:9091' });
  assert.equal(
    backendConfigFromFlags({ prometheusUrl: 'http://127.0.0.1:9090' }, { PROMETHEUS_URL: 'http://127.0.0.1:9091' }),
    { prometheusUrl: 'http://127.0.0.1:9090' },
  );
  assert.equal(backendConfigFromFlags({ defaultPrometheusUrl: 'http://127.0.0.1:19097' }, {}), { prometheusUrl: 'http://127.0.0.1:19097' });
  assert.match(configError(() => backendConfigFromFlags({}, {})), /pass --prometheus-url URL .* or --amp-workspace-id ID --region R/);
  assert.match(configError(() => backendConfigFromFlags({ prometheusUrl: 'localhost:9090' }, {})), /not an http\(s\) URL/);
});

test('AMP flags: region from --region, AWS_REGION, AWS_DEFAULT_REGION; an AMP flag wins over PROMETHEUS_URL', () => {
  assert.equal(backendConfigFromFlags({ ampWorkspaceId: WS, region: 'eu-west-1' }, { AWS_REGION: 'us-east-1' }), { region: 'eu-west-1', ampWorkspaceId: WS });
  assert.equal(backendConfigFromFlags({ ampWorkspaceId: WS }, { AWS_REGION: 'us-east-1' }), { region: 'us-east-1', ampWorkspaceId: WS });
  assert.equal(backendConfigFromFlags({ ampWorkspaceAlias: 'petadoptions' }, { AWS_DEFAULT_REGION: 'us-west-2' }), { region: 'us-west-2', ampWorkspaceAlias: 'petadoptions' });
  assert.equal(backendConfigFromFlags({ ampWorkspaceId: WS, region: 'us-east-1' }, { PROMETHEUS_URL: 'http://127.0.0.1:9090' }), { region: 'us-east-1', ampWorkspaceId: WS });
  assert.match(configError(() => backendConfigFromFlags({ ampWorkspaceId: WS }, {})), /needs a region: pass --region/);
  assert.match(configError(() => backendConfigFromFlags({ ampWorkspaceId: WS, prometheusUrl: 'http://127.0.0.1:9090', region: 'us-east-1' }, {})), /not both/);
});

test('createBackend validates AMP settings before touching AWS', async () => {
  const credentials = async () => ({ accessKeyId: 'A', secretAccessKey: 'B' });
  assert.match(await configErrorAsync(() => createBackend({ region: 'useast1', ampWorkspaceId: WS, credentials })), /"useast1" is not an AWS region/);
  assert.match(await configErrorAsync(() => createBackend({ region: 'us-east-1', ampWorkspaceId: 'petadoptions', credentials })), /not an AMP workspace ID .* alias/);
  assert.match(await configErrorAsync(() => createBackend({ region: 'us-east-1', credentials })), /no AMP workspace given/);
  assert.match(await configErrorAsync(() => createBackend({} as never)), /no metrics backend configured/);
});

test('a Prometheus backend from a URL', async () => {
  const scripted = new ScriptedFetch(replay('query-up.json'));
  const backend = await createBackend({ prometheusUrl: 'http://127.0.0.1:9090', fetch: scripted.fetch, logger: memoryLogger() });
  assert.equal(backend.describe(), { kind: 'prometheus', url: 'http://127.0.0.1:9090/' });
  await backend.query('up');
  assert.is(scripted.requests[0]!.url.href, 'http://127.0.0.1:9090/api/v1/query');
});

test('an AMP backend by alias: discovered through the (mocked) control plane, queries signed', async () => {
  const client = new AmpClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  const summary = fixture('list-workspaces-page2.json').body as { workspaces: Record<string, unknown>[] };
  mock.on(ListWorkspacesCommand).resolves({ $metadata: {}, workspaces: summary.workspaces.map((w) => ({ ...w, createdAt: new Date() })) as never });
  const described = fixture('describe-workspace.json').body as { workspace: Record<string, unknown> };
  mock.on(DescribeWorkspaceCommand).resolves({ $metadata: {}, workspace: { ...described.workspace, createdAt: new Date() } as never });

  const scripted = new ScriptedFetch(replay('amp-query-vector.json'));
  const backend = await createBackend({
    region: 'us-east-1',
    ampWorkspaceAlias: 'petadoptions',
    ampClient: client,
    credentials: async () => ({ accessKeyId: 'ASIAFACTORYEXAMPLE01', secretAccessKey: 's', sessionToken: 't' }),
    fetch: scripted.fetch,
    clock: new ManualClock(),
    logger: memoryLogger(),
  });
  assert.equal(backend.describe(), {
    kind: 'amp',
    url: `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WS}/`,
    region: 'us-east-1',
    workspaceId: WS,
    workspaceAlias: 'petadoptions',
  });
  await backend.query('up');
  const auth = parseAuthorization(scripted.requests[0]!.headers.authorization!);
  assert.equal([auth.accessKeyId, auth.service, auth.region], ['ASIAFACTORYEXAMPLE01', 'aps', 'us-east-1']);
});

test('discover: false with an ID skips the control plane; the default chain reads env credentials', async () => {
  const saved = { ...process.env };
  for (const name of ['AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) {
    delete process.env[name];
  }
  process.env.AWS_ACCESS_KEY_ID = 'AKIAENVCHAINEXAMPLE1';
  process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
  process.env.AWS_SESSION_TOKEN = 'env-token';
  try {
    const scripted = new ScriptedFetch(replay('amp-query-vector.json'));
    const backend = await createBackend({
      region: 'eu-west-1',
      ampWorkspaceId: WS,
      discover: false,
      fetch: scripted.fetch,
      logger: memoryLogger(),
    });
    await backend.query('up');
    const sent = scripted.requests[0]!;
    assert.is(sent.url.href, `https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/${WS}/api/v1/query`);
    assert.is(parseAuthorization(sent.headers.authorization!).accessKeyId, 'AKIAENVCHAINEXAMPLE1');
    assert.is(sent.headers['x-amz-security-token'], 'env-token');
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
});

test.run();
