/**
 * The AMP adapter: URL layout, endpoints AMP lacks, and failures explained in IAM and regional terms.
 * No request leaves the process: fetch is injected and answers with AMP-shaped fixtures.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../core/clock.js';
import { memoryLogger } from '../../../core/log.js';
import { AmpBackend, ampActionFor } from './amp.js';
import type { CredentialProvider } from './credentials.js';
import { BackendError, NotSupportedError } from './errors.js';
import type { VectorData } from './port.js';
import { networkError, recordingSleep, replay, responseOf, ScriptedFetch, type Step } from '../../../test/support/prometheus/fake-fetch.js';

const workspaceId = 'ws-3f2a8c4e-7b1d-4e9a-9c65-0d2e1f3a4b5c';
const staticCredentials: CredentialProvider = async () => ({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });

function amp(steps: Step[], options: { region?: string; credentials?: CredentialProvider } = {}) {
  const scripted = new ScriptedFetch(...steps);
  const sleep = recordingSleep();
  const backend = new AmpBackend({
    region: options.region ?? 'us-east-1',
    workspaceId,
    workspaceAlias: 'petadoptions',
    credentials: options.credentials ?? staticCredentials,
    fetch: scripted.fetch,
    clock: new ManualClock(),
    sleep,
    random: () => 0.5,
    logger: memoryLogger(),
  });
  return { backend, scripted, sleep };
}

async function failure(promise: Promise<unknown>): Promise<BackendError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BackendError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

test('queries go to the workspace API under aps-workspaces.<region>, answers typed as Prometheus\'', async () => {
  const { backend, scripted } = amp([replay('amp-query-vector.json')]);
  const answer = await backend.query('container_memory_working_set_bytes{namespace="petadoptions"}');
  assert.is(scripted.requests[0]!.url.href, `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${workspaceId}/api/v1/query`);
  assert.is((answer.data as VectorData).result.length, 3);
  assert.equal(backend.describe(), {
    kind: 'amp',
    url: `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${workspaceId}/`,
    region: 'us-east-1',
    workspaceId,
    workspaceAlias: 'petadoptions',
  });
});

test('targets and build info are not supported by AMP: typed error, nothing sent', async () => {
  const { backend, scripted } = amp([]);
  for (const call of [() => backend.targets(), () => backend.buildInfo()]) {
    const error = await failure(call());
    assert.instance(error, NotSupportedError);
    assert.is(error.kind, 'not_supported');
    assert.match(error.message, /is not supported by Amazon Managed Service for Prometheus$/);
    assert.ok(error.hint.length > 20);
  }
  assert.is(scripted.calls, 0);
});

test('403 AccessDeniedException: forbidden, naming the role, the aps: action and the workspace', async () => {
  const { backend, scripted } = amp([replay('amp-403-access-denied.json')]);
  const error = await failure(backend.query('up'));
  assert.is(error.kind, 'forbidden');
  assert.is(error.status, 403);
  assert.is(error.errorType, 'AccessDeniedException');
  assert.is(error.requestId, 'c7a9f0e2-3b4d-4e5f-8a6b-9c0d1e2f3a4b');
  assert.is(error.attempts, 1);
  assert.match(error.message, /^AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role\/petadoptions-prometheus-mcp\//);
  assert.match(error.hint, new RegExp(`^AMP denied the request: the role petadoptions-prometheus-mcp needs aps:QueryMetrics on workspace ${workspaceId} \\(us-east-1\\)`));
  assert.is(scripted.calls, 1, 'not retried');
});

test('a bare 403 still names the action the endpoint needs', async () => {
  const { backend } = amp([responseOf({ status: 403, headers: { 'content-type': 'application/json' }, body: { message: 'Forbidden' } })]);
  const error = await failure(backend.series(['up']));
  assert.is(error.kind, 'forbidden');
  assert.match(error.hint, /needs aps:GetSeries on workspace/);
  assert.is(ampActionFor('/api/v1/label/pod/values'), 'aps:GetLabels');
  assert.is(ampActionFor('/api/v1/metadata'), 'aps:GetMetricMetadata');
  assert.is(ampActionFor('/api/v1/query_range'), 'aps:QueryMetrics');
});

test('signature mismatch: unauthorized, pointing at region and clock', async () => {
  const { backend } = amp([replay('amp-403-invalid-signature.json')]);
  const error = await failure(backend.query('up'));
  assert.is(error.kind, 'unauthorized');
  assert.is(error.errorType, 'InvalidSignatureException');
  assert.match(error.hint, /region must be the workspace's \(signing for us-east-1\)/);
});

test('unknown workspace: not_found, pointing at the region', async () => {
  const { backend } = amp([replay('amp-404-workspace.json')]);
  const error = await failure(backend.query('up'));
  assert.is(error.kind, 'not_found');
  assert.match(error.hint, /workspaces are regional/);
  assert.match(error.hint, /aws amp list-workspaces --region us-east-1/);
});

test('throttling is retried with back-off, then succeeds', async () => {
  const { backend, scripted, sleep } = amp([replay('amp-429-throttling.json'), replay('amp-query-vector.json')]);
  await backend.query('up');
  assert.is(scripted.calls, 2);
  assert.equal(sleep.delays, [125]);
});

test('persistent throttling: too_many_requests with AMP advice', async () => {
  const { backend } = amp([replay('amp-429-throttling.json'), replay('amp-429-throttling.json'), replay('amp-429-throttling.json')]);
  const error = await failure(backend.query('up'));
  assert.is(error.kind, 'too_many_requests');
  assert.is(error.attempts, 3);
  assert.match(error.hint, /AMP throttled the request/);
});

test('PromQL errors from AMP are bad_data with its message', async () => {
  const { backend } = amp([replay('amp-400-bad-data.json')]);
  const error = await failure(backend.query('sum(rate(http_requests_total[5m])'));
  assert.is(error.kind, 'bad_data');
  assert.is(error.message, '1:34: parse error: unclosed left parenthesis');
  assert.match(error.hint, /not valid PromQL/);
});

test('a region AMP does not serve: the endpoint does not resolve, hint says check the region', async () => {
  const { backend } = amp([networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND aps-workspaces.us-east-9.amazonaws.com')], { region: 'us-east-9' });
  const error = await failure(backend.query('up'));
  assert.is(error.kind, 'unavailable');
  assert.is(error.hint, 'check the region: aps-workspaces.us-east-9.amazonaws.com does not resolve ("us-east-9" is not a region AMP serves)');
});

test('no credentials at all: unauthorized before anything is sent', async () => {
  const missing: CredentialProvider = async () => {
    throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
  };
  const { backend, scripted } = amp([], { credentials: missing });
  const error = await failure(backend.query('up'));
  assert.is(error.kind, 'unauthorized');
  assert.is(error.errorType, 'CredentialsProviderError');
  assert.match(error.message, /Could not load credentials from any providers/);
  assert.match(error.hint, /IRSA/);
  assert.is(scripted.calls, 0);
});

test.run();
