import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureBinaries, installPlan, locatePrograms, parseOsRelease, type HostFacts } from './binaries.js';

const debian: HostFacts = { platform: 'linux', osRelease: parseOsRelease('ID=debian\nVERSION_ID="12"\n'), isRoot: true, passwordlessSudo: false };

test('Debian/Ubuntu as root: apt-get installs only the missing packages, automatically', () => {
  const plan = installPlan(['prometheus', 'promtool', 'alertmanager'], debian);
  assert.ok(plan.automatic);
  assert.equal(plan.command, ['apt-get', 'install', '-y', '--no-install-recommends', 'prometheus', 'prometheus-alertmanager']);
  assert.equal(installPlan(['alertmanager'], debian).command.slice(-1), ['prometheus-alertmanager']);
  const ubuntu = { ...debian, osRelease: parseOsRelease('ID=ubuntu\nID_LIKE=debian\n') };
  assert.ok(installPlan(['prometheus'], ubuntu).automatic);
});

test('Debian without root: sudo -n when passwordless sudo works, else the exact command to run', () => {
  const sudo = installPlan(['prometheus'], { ...debian, isRoot: false, passwordlessSudo: true });
  assert.ok(sudo.automatic);
  assert.equal(sudo.command.slice(0, 3), ['sudo', '-n', 'apt-get']);
  const user = installPlan(['prometheus'], { ...debian, isRoot: false, passwordlessSudo: false });
  assert.not.ok(user.automatic);
  assert.match(user.instructions, /^run: sudo apt-get install -y --no-install-recommends prometheus/);
});

test('elsewhere: never automatic, with the command for that OS', () => {
  const fedora = installPlan(['prometheus', 'alertmanager'], { platform: 'linux', osRelease: { ID: 'fedora' }, isRoot: true, passwordlessSudo: false });
  assert.not.ok(fedora.automatic);
  assert.match(fedora.instructions, /sudo dnf install -y golang-github-prometheus golang-github-prometheus-alertmanager/);
  const mac = installPlan(['prometheus', 'alertmanager'], { platform: 'darwin', isRoot: false, passwordlessSudo: false });
  assert.equal(mac.command, ['brew', 'install', 'prometheus', 'alertmanager']);
  const other = installPlan(['prometheus'], { platform: 'linux', osRelease: { ID: 'arch' }, isRoot: true, passwordlessSudo: false });
  assert.match(other.instructions, /https:\/\/prometheus\.io\/download\//);
});

test('*_BIN overrides win over PATH; a bad override is an error naming the variable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bins-'));
  try {
    const fake = join(dir, 'my-prometheus');
    writeFileSync(fake, '#!/bin/sh\necho "prometheus, version 2.50.1 (branch: x)"\n');
    chmodSync(fake, 0o755);
    const { found, missing } = locatePrograms({ PATH: '', PROMETHEUS_BIN: fake });
    assert.is(found.prometheus, fake);
    assert.equal(missing, ['promtool', 'alertmanager']);
    assert.throws(() => locatePrograms({ PATH: '', PROMTOOL_BIN: join(dir, 'nope') }), /PROMTOOL_BIN=.*nope is not an executable file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('missing programs with installing off: an error with the install command, nothing run', async () => {
  const said: string[] = [];
  try {
    await ensureBinaries({ install: false, say: (l) => said.push(l), env: { PATH: '' }, host: debian });
    assert.unreachable('found programs on an empty PATH');
  } catch (error) {
    assert.match((error as Error).message, /prometheus, promtool, alertmanager not found on PATH; apt-get install -y --no-install-recommends prometheus prometheus-alertmanager/);
  }
  assert.equal(said, []);
});

test.run();
