import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { parseTokens } from '../../../agent/api/credentials.js';
import { stackPaths } from './config.js';
import { alertmanagerAuthorization, approverName, ensureCredentials } from './credentials.js';

const mode = (file: string) => statSync(file).mode & 0o777;

test('credentials are 0600 files in a 0700 folder, made once and kept across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stack-credentials-'));
  try {
    const paths = stackPaths(dir);
    const first = ensureCredentials(paths);
    assert.is(mode(paths.credentialsDir), 0o700);
    for (const file of [paths.webhookToken, paths.approverToken, paths.operatorTokens, paths.alertmanagerPassword, paths.alertmanagerWebConfig]) assert.is(mode(file), 0o600, file);
    assert.is(readFileSync(paths.approverToken, 'utf8').trim(), first.approverToken);
    assert.is.not(first.approverToken, first.webhookToken);
    // What the agent reads: the approver's name and token.
    assert.equal(parseTokens(readFileSync(paths.operatorTokens, 'utf8'), paths.operatorTokens), [{ name: first.approver, token: first.approverToken }]);
    assert.equal(parseTokens(readFileSync(paths.webhookToken, 'utf8'), paths.webhookToken, 'webhook'), [{ name: 'webhook', token: first.webhookToken }]);
    const hash = parse(readFileSync(paths.alertmanagerWebConfig, 'utf8')).basic_auth_users.prometheus as string;
    assert.ok(bcrypt.compareSync(first.alertmanagerPassword, hash));
    assert.is(alertmanagerAuthorization(paths), `Basic ${Buffer.from(`prometheus:${first.alertmanagerPassword}`).toString('base64')}`);

    chmodSync(paths.approverToken, 0o644);
    const again = ensureCredentials(paths);
    assert.equal(again, first, 'kept across restarts');
    assert.is(mode(paths.approverToken), 0o600, 'a loosened mode is put back');
    writeFileSync(paths.webhookToken, 'short\n');
    assert.is.not(ensureCredentials(paths).webhookToken, 'short', 'an unusable token is replaced');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the approver is named after the OS user, as a name the agent accepts for a token', () => {
  assert.is(approverName('alice'), 'local:alice');
  assert.is(approverName('Jean Dupont'), 'local:Jean-Dupont');
  assert.is(approverName('__'), 'local:user');
  assert.equal(parseTokens(`${approverName('agent')} ${'x'.repeat(32)}`, 'f').map((t) => t.name), ['local:agent']);
});

test.run();
