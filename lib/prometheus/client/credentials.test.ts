/**
 * Credential refresh on the injected clock: expiring credentials are re-resolved ahead of expiry,
 * bypassing the provider's memo, and an "expired token" answer triggers one fresh resolution.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../../core/clock.js';
import { memoryLogger } from '../../../core/log.js';
import { AmpBackend } from './amp.js';
import { RefreshingCredentials, type AwsCredentials } from './credentials.js';
import { BackendError } from './errors.js';
import { replay, ScriptedFetch } from '../../../test/support/prometheus/fake-fetch.js';
import { parseAuthorization } from '../../../test/support/prometheus/sigv4-reference.js';

/** An STS-like provider: each call issues new keys valid for `lifetimeMs` from the clock's now. */
function stsProvider(clock: ManualClock, lifetimeMs: number) {
  const calls: ({ forceRefresh?: boolean } | undefined)[] = [];
  const provider = async (options?: { forceRefresh?: boolean }): Promise<AwsCredentials> => {
    calls.push(options);
    const n = calls.length;
    return {
      accessKeyId: `ASIAEXAMPLE${String(n).padStart(9, '0')}`,
      secretAccessKey: `secret-${n}`,
      sessionToken: `token-${n}`,
      expiration: new Date(clock.now() + lifetimeMs),
    };
  };
  return { provider, calls };
}

test('credentials expiring in a minute: reused for a while, re-resolved before expiry with forceRefresh', async () => {
  const clock = new ManualClock();
  const sts = stsProvider(clock, 60_000);
  const credentials = new RefreshingCredentials(sts.provider, { clock, logger: memoryLogger() });

  const first = await credentials.get();
  assert.is(first.accessKeyId, 'ASIAEXAMPLE000000001');
  assert.equal(sts.calls, [undefined], 'the first resolution may use the chain\'s memo');

  clock.advance(10_000);
  assert.is((await credentials.get()).accessKeyId, 'ASIAEXAMPLE000000001', 'still fresh: no new resolution');
  assert.is(sts.calls.length, 1);

  clock.advance(25_000); // 35 s in: past half the lifetime, 25 s before expiry
  const second = await credentials.get();
  assert.is(second.accessKeyId, 'ASIAEXAMPLE000000002');
  assert.equal(sts.calls[1], { forceRefresh: true }, 'a refresh bypasses the provider\'s memo');
});

test('long-lived credentials refresh five minutes before expiry', async () => {
  const clock = new ManualClock();
  const sts = stsProvider(clock, 60 * 60_000);
  const credentials = new RefreshingCredentials(sts.provider, { clock, logger: memoryLogger() });
  await credentials.get();
  clock.advance(54 * 60_000);
  await credentials.get();
  assert.is(sts.calls.length, 1);
  clock.advance(60_001); // 4:59 before expiry
  await credentials.get();
  assert.is(sts.calls.length, 2);
});

test('concurrent callers share one resolution', async () => {
  const clock = new ManualClock();
  const sts = stsProvider(clock, 60_000);
  const credentials = new RefreshingCredentials(sts.provider, { clock, logger: memoryLogger() });
  const all = await Promise.all([credentials.get(), credentials.get(), credentials.get()]);
  assert.is(sts.calls.length, 1);
  assert.ok(all.every((c) => c.accessKeyId === all[0]!.accessKeyId));
});

test('a failed refresh keeps the still-valid credentials; expired ones are refused', async () => {
  const clock = new ManualClock();
  let failing = false;
  let issued = 0;
  const logger = memoryLogger();
  const credentials = new RefreshingCredentials(
    async () => {
      if (failing) throw new Error('connect ETIMEDOUT 169.254.169.254:80');
      issued++;
      return { accessKeyId: `AKID${issued}`, secretAccessKey: 's', expiration: new Date(clock.now() + 60_000) };
    },
    { clock, logger },
  );
  await credentials.get();
  clock.advance(40_000);
  failing = true;
  assert.is((await credentials.get()).accessKeyId, 'AKID1', 'kept while valid');
  assert.ok(logger.records.some((r) => r.level === 'warn' && /refresh failed/.test(r.msg)));
  clock.advance(30_000); // now past expiry
  await credentials.get().then(
    () => assert.unreachable('expired credentials must not be used'),
    (error: Error) => assert.match(error.message, /ETIMEDOUT/),
  );

  const stale = new RefreshingCredentials(async () => ({ accessKeyId: 'A', secretAccessKey: 'B', expiration: new Date(clock.now() - 1) }), {
    clock,
    logger: memoryLogger(),
  });
  await stale.get().then(
    () => assert.unreachable(),
    (error: Error) => assert.match(error.message, /returned credentials that expired/),
  );
});

test('AMP requests: the next request after the clock passes the refresh point is signed with new keys', async () => {
  const clock = new ManualClock();
  const sts = stsProvider(clock, 60_000);
  const scripted = new ScriptedFetch(replay('amp-query-vector.json'), replay('amp-query-vector.json'), replay('amp-query-vector.json'));
  const backend = new AmpBackend({
    region: 'us-east-1',
    workspaceId: 'ws-3f2a8c4e-7b1d-4e9a-9c65-0d2e1f3a4b5c',
    credentials: sts.provider,
    fetch: scripted.fetch,
    clock,
    logger: memoryLogger(),
  });
  const keyOf = (i: number) => parseAuthorization(scripted.requests[i]!.headers.authorization!).accessKeyId;

  await backend.query('up');
  clock.advance(10_000);
  await backend.query('up');
  assert.is(keyOf(0), 'ASIAEXAMPLE000000001');
  assert.is(keyOf(1), 'ASIAEXAMPLE000000001');
  assert.is(sts.calls.length, 1);

  clock.advance(30_000);
  await backend.query('up');
  assert.is(sts.calls.length, 2, 'the next request re-resolved');
  assert.is(keyOf(2), 'ASIAEXAMPLE000000002');
  assert.is(scripted.requests[2]!.headers['x-amz-security-token'], 'token-2');
});

test('AMP answers "security token expired": one fresh resolution, re-signed, no back-off', async () => {
  const clock = new ManualClock();
  const sts = stsProvider(clock, 60 * 60_000);
  const scripted = new ScriptedFetch(replay('amp-403-expired-token.json'), replay('amp-query-vector.json'));
  const delays: number[] = [];
  const backend = new AmpBackend({
    region: 'us-east-1',
    workspaceId: 'ws-3f2a8c4e-7b1d-4e9a-9c65-0d2e1f3a4b5c',
    credentials: sts.provider,
    fetch: scripted.fetch,
    clock,
    sleep: async (ms) => void delays.push(ms),
    logger: memoryLogger(),
  });
  await backend.query('up');
  assert.is(scripted.calls, 2);
  assert.equal(delays, []);
  assert.equal(sts.calls, [undefined, { forceRefresh: true }]);
  assert.is(parseAuthorization(scripted.requests[1]!.headers.authorization!).accessKeyId, 'ASIAEXAMPLE000000002');

  // If fresh credentials are rejected as expired too, the error says to renew them.
  const again = new ScriptedFetch(replay('amp-403-expired-token.json'), replay('amp-403-expired-token.json'));
  const stuck = new AmpBackend({
    region: 'us-east-1',
    workspaceId: 'ws-3f2a8c4e-7b1d-4e9a-9c65-0d2e1f3a4b5c',
    credentials: stsProvider(clock, 60 * 60_000).provider,
    fetch: again.fetch,
    clock,
    logger: memoryLogger(),
  });
  const error = (await stuck.query('up').catch((e: unknown) => e)) as BackendError;
  assert.is(error.kind, 'unauthorized');
  assert.is(error.attempts, 2);
  assert.match(error.hint, /expired/);
  assert.match(error.hint, /aws sso login/);
});

test.run();
