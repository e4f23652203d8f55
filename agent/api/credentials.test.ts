import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkTokenName, CredentialError, Credentials, parseTokens } from './credentials.js';

const token = (c: string) => c.repeat(32);

test('tokens files: NAME TOKEN lines, comments, a bare token only where it has a default name', () => {
  assert.equal(parseTokens(`# operators\nlocal:alice ${token('a')}\n\non-call@example.com ${token('b')}  # pager\n`, 'ops'), [
    { name: 'local:alice', token: token('a') },
    { name: 'on-call@example.com', token: token('b') },
  ]);
  assert.equal(parseTokens(`${token('w')}\n`, 'webhook.token', 'webhook'), [{ name: 'webhook', token: token('w') }]);
  assert.equal(parseTokens(`alice ${token('a')};bob ${token('b')}`, 'VAR').map((t) => t.name), ['alice', 'bob']);
  assert.throws(() => parseTokens(token('a'), 'ops'), /needs a name: NAME TOKEN/);
  assert.throws(() => parseTokens('', 'ops'), /holds no token/);
  assert.throws(() => parseTokens('alice short', 'ops'), /5 characters; use at least 22/);
  assert.throws(() => parseTokens(`alice ${token('a')} extra`, 'ops'), /expected NAME TOKEN, got 3 words/);
  assert.throws(() => parseTokens(`alice ${token('a')}"`, 'ops'), /characters a bearer token cannot carry/);
  assert.throws(() => parseTokens(`x\nalice sh`, 'ops', 'webhook'), /ops line 1/);
});

test('reserved actors cannot name a token, whatever their case', () => {
  for (const name of ['policy', 'Policy', 'auto-approve', 'agent', 'AGENT', 'agent/remediate', 'agent:x', 'system', 'api-token', 'anonymous']) {
    assert.match(checkTokenName(name) ?? '', /reserved/, name);
    assert.throws(() => parseTokens(`${name} ${token('a')}`, 'ops'), /reserved/, name);
  }
  for (const name of ['alice', 'local:alice', 'agentina', 'ci-runner', 'on-call@example.com']) assert.is(checkTokenName(name), undefined, name);
  assert.match(checkTokenName('bad name') ?? '', /not a token name/);
  assert.match(checkTokenName('x'.repeat(65)) ?? '', /not a token name/);
});

test('credentials: a token opens its roles only; names unique, tokens never shared between credentials', () => {
  const credentials = new Credentials({ operators: [{ name: 'alice', token: token('a') }], webhook: [{ name: 'webhook', token: token('w') }] });
  assert.equal(credentials.identify(token('a')), { name: 'alice', roles: ['operator'] });
  assert.equal(credentials.identify(token('w')), { name: 'webhook', roles: ['webhook'] });
  assert.is(credentials.identify(token('a') + 'x'), undefined);
  assert.is(credentials.identify(''), undefined);
  assert.ok(credentials.requires('operator') && credentials.requires('webhook') && credentials.configured);
  assert.not.ok(new Credentials({ webhook: [{ name: 'webhook', token: token('w') }] }).requires('operator'));
  assert.not.ok(new Credentials().configured);
  const legacy = new Credentials({ apiToken: 's3cret-token' });
  assert.equal(legacy.identify('s3cret-token'), { name: 'api-token', roles: ['webhook', 'operator'] });
  assert.throws(() => new Credentials({ operators: [{ name: 'alice', token: token('a') }], webhook: [{ name: 'webhook', token: token('a') }] }), (e: Error) => e instanceof CredentialError && /same token/.test(e.message));
  assert.throws(() => new Credentials({ operators: [{ name: 'alice', token: token('a') }, { name: 'alice', token: token('b') }] }), /given twice/);
  assert.throws(() => new Credentials({ operators: [{ name: 'alice', token: token('a') }], apiToken: token('a') }), /same token/);
});

test.run();
