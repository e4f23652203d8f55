/**
 * Signature checks: the AMP adapter signs with the SDK's SignatureV4; an independent implementation
 * (testing/sigv4-reference.ts, itself pinned to AWS's published test vectors) recomputes every
 * signature from the request exactly as fetch received it, the way AMP's front door would.
 */
import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../core/clock.js';
import { memoryLogger } from '../../../core/log.js';
import { AmpBackend } from './amp.js';
import type { AwsCredentials } from './credentials.js';
import { replay, ScriptedFetch, type SentRequest, type Step } from '../../../test/support/prometheus/fake-fetch.js';
import { parseAuthorization, referenceSign } from '../../../test/support/prometheus/sigv4-reference.js';

const suiteKey = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', region: 'us-east-1', service: 'service', amzDate: '20150830T123600Z' };

test('the reference signer reproduces AWS SigV4 test-suite vectors', () => {
  const url = new URL('https://example.amazonaws.com/');
  const headers = { 'X-Amz-Date': '20150830T123600Z' };
  // get-vanilla
  assert.is(referenceSign({ method: 'GET', url, headers }, suiteKey).signature, '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
  // post-vanilla
  assert.is(referenceSign({ method: 'POST', url, headers }, suiteKey).signature, '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b');
  // get-vanilla-query-order-key-case
  const query = new URL('https://example.amazonaws.com/?Param2=value2&Param1=value1');
  assert.is(referenceSign({ method: 'GET', url: query, headers }, suiteKey).signature, 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500');
  assert.is(
    referenceSign({ method: 'GET', url, headers }, suiteKey).authorization,
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  );
});

const workspaceId = 'ws-3f2a8c4e-7b1d-4e9a-9c65-0d2e1f3a4b5c';
const sessionCredentials: AwsCredentials = {
  accessKeyId: 'ASIAQEXAMPLEKEY12345',
  secretAccessKey: 'uV3F3YgNhwTSpfkbSxU2jBgTpJSGEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==',
};

function amp(credentials: AwsCredentials, ...steps: Step[]) {
  const scripted = new ScriptedFetch(...steps);
  const clock = new ManualClock(Date.UTC(2026, 10, 25, 9, 0, 0));
  const backend = new AmpBackend({
    region: 'us-east-1',
    workspaceId,
    credentials: async () => credentials,
    fetch: scripted.fetch,
    clock,
    sleep: async (ms) => void clock.advance(ms + 1_000),
    random: () => 0.5,
    logger: memoryLogger(),
  });
  return { backend, scripted, clock };
}

/** Recomputes the signature of a request as sent, over exactly the headers it says it signed. */
function verify(sent: SentRequest, credentials: AwsCredentials) {
  const auth = parseAuthorization(sent.headers.authorization!);
  const signed = Object.fromEntries(auth.signedHeaders.filter((name) => name !== 'host').map((name) => [name, sent.headers[name] ?? '']));
  const expected = referenceSign(
    { method: sent.method, url: sent.url, headers: signed, ...(sent.body !== undefined ? { body: sent.body } : {}) },
    { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, region: auth.region, service: auth.service, amzDate: sent.headers['x-amz-date']! },
  );
  return { auth, expected };
}

test('a POSTed AMP query is signed for service aps in the workspace region, body hash included', async () => {
  const { backend, scripted } = amp(sessionCredentials, replay('amp-query-vector.json'));
  const promql = 'sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="petadoptions", pod=~"petsite-.*"}[5m])) > 0.5';
  await backend.query(promql, { time: 1_795_600_000 });
  const sent = scripted.requests[0]!;
  assert.is(sent.url.href, `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${workspaceId}/api/v1/query`);
  assert.is(sent.method, 'POST');
  assert.is(new URLSearchParams(sent.body).get('query'), promql);

  const { auth, expected } = verify(sent, sessionCredentials);
  assert.is(auth.service, 'aps');
  assert.is(auth.region, 'us-east-1');
  assert.is(auth.date, '20261125');
  assert.is(auth.accessKeyId, sessionCredentials.accessKeyId);
  assert.is(sent.headers['x-amz-date'], '20261125T090000Z', 'signed at the injected clock time');
  assert.is(sent.headers['x-amz-content-sha256'], createHash('sha256').update(sent.body!).digest('hex'));
  assert.is(sent.headers['x-amz-security-token'], sessionCredentials.sessionToken);
  for (const header of ['host', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'content-type']) {
    assert.ok(auth.signedHeaders.includes(header), `${header} is signed`);
  }
  assert.is(sent.headers.host, undefined, 'Host is left to fetch, which derives it from the URL that was signed');
  assert.is(auth.signature, expected.signature);
  assert.is(sent.headers.authorization, expected.authorization);
  assert.match(expected.canonicalRequest, new RegExp(`^POST\\n/workspaces/${workspaceId}/api/v1/query\\n\\n`));
  assert.match(expected.stringToSign, /^AWS4-HMAC-SHA256\n20261125T090000Z\n20261125\/us-east-1\/aps\/aws4_request\n[0-9a-f]{64}$/);
});

test('a tampered body or a different secret no longer verifies (the check has teeth)', async () => {
  const { backend, scripted } = amp(sessionCredentials, replay('amp-query-vector.json'));
  await backend.query('up');
  const sent = scripted.requests[0]!;
  const tampered = verify({ ...sent, body: sent.body!.replace('up', 'down') }, sessionCredentials);
  assert.is.not(tampered.auth.signature, tampered.expected.signature);
  const wrongSecret = verify(sent, { ...sessionCredentials, secretAccessKey: 'another-secret' });
  assert.is.not(wrongSecret.auth.signature, wrongSecret.expected.signature);
});

test('GET with repeated, unsorted match[] values and special characters verifies (canonical query)', async () => {
  const { backend, scripted } = amp(sessionCredentials, replay('series.json'));
  await backend.series(['up{job="kubernetes-pods", pod=~"pet.*"}', 'http_requests_total{code!="200"}'], { start: '2026-11-25T08:00:00Z' });
  const sent = scripted.requests[0]!;
  assert.is(sent.method, 'GET');
  assert.is(sent.url.pathname, `/workspaces/${workspaceId}/api/v1/series`);
  assert.match(sent.url.search, /%20/, 'spaces as %20, as SigV4 canonicalises them');
  const { auth, expected } = verify(sent, sessionCredentials);
  assert.is(sent.headers['x-amz-content-sha256'], createHash('sha256').update('').digest('hex'), 'empty payload hash');
  assert.is(auth.signature, expected.signature);
  assert.match(expected.canonicalRequest.split('\n')[2]!, /^match%5B%5D=http_requests_total.*&match%5B%5D=up.*&start=2026-11-25T08%3A00%3A00Z$/);
});

test('without a session token there is no X-Amz-Security-Token, and the signature still verifies', async () => {
  const longTerm = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const { backend, scripted } = amp(longTerm, replay('label-values.json'));
  await backend.labelValues('pod', { match: ['kube_pod_info{namespace="petadoptions"}'] });
  const sent = scripted.requests[0]!;
  assert.is(sent.url.pathname, `/workspaces/${workspaceId}/api/v1/label/pod/values`);
  assert.is(sent.headers['x-amz-security-token'], undefined);
  const { auth, expected } = verify(sent, longTerm);
  assert.not.ok(auth.signedHeaders.includes('x-amz-security-token'));
  assert.is(auth.signature, expected.signature);
});

test('each retry is signed afresh, at its own time', async () => {
  const { backend, scripted } = amp(sessionCredentials, replay('amp-429-throttling.json'), replay('query-matrix.json'));
  await backend.queryRange('sum(rate(http_requests_total[1m]))', { start: 1_795_600_000, end: 1_795_600_600, step: 60 });
  assert.is(scripted.calls, 2);
  const [first, second] = scripted.requests as [SentRequest, SentRequest];
  assert.is.not(first.headers['x-amz-date'], second.headers['x-amz-date']);
  assert.is(verify(second, sessionCredentials).auth.signature, verify(second, sessionCredentials).expected.signature);
});

test.run();
