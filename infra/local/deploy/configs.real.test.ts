// The tests of configs.test.ts that need the real Prometheus tools (npm test runs them; npm run test:unit does not).
/**
 * The generated Prometheus and Alertmanager configurations, checked by the tools of the installed
 * versions (Prometheus 2.42 and Alertmanager 0.25 on Debian bookworm): `promtool check config`, which
 * also loads the rule files it names, and `amtool check-config`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { profiles } from '../profiles.js';
import { renderAlertmanagerConfig } from './alertmanager-config.js';
import { findOnPath } from './binaries.js';
import { defaultPorts, stackPaths } from './config.js';
import { renderPrometheusConfig } from './prometheus-config.js';
import { renderAlertRules } from './rules.js';
import { renderStandardRules } from './standard-rules.js';

const dir = mkdtempSync(join(tmpdir(), 'stack-configs-'));
const paths = stackPaths(dir);
test.after(() => rmSync(dir, { recursive: true, force: true }));

function check(tool: string | undefined, args: string[]) {
  assert.ok(tool, `${args[0]} checker not found on PATH (Debian: apt-get install prometheus prometheus-alertmanager)`);
  const result = spawnSync(tool!, args, { encoding: 'utf8' });
  assert.is(result.status, 0, `${result.stdout}${result.stderr}`);
}

for (const profile of Object.values(profiles)) {
  test(`${profile.name}: promtool check config accepts prometheus.yml and its rules`, () => {
    mkdirSync(dirname(paths.rulesFile), { recursive: true });
    writeFileSync(paths.rulesFile, renderAlertRules(profile));
    writeFileSync(paths.standardRulesFile, renderStandardRules());
    writeFileSync(paths.prometheusConfig, renderPrometheusConfig(profile, defaultPorts, paths));
    check(process.env.PROMTOOL_BIN ?? findOnPath(['promtool']), ['check', 'config', paths.prometheusConfig]);
  });

  test(`${profile.name}: amtool check-config accepts alertmanager.yml`, () => {
    mkdirSync(dirname(paths.alertmanagerConfig), { recursive: true });
    writeFileSync(paths.alertmanagerConfig, renderAlertmanagerConfig(profile, defaultPorts, paths));
    check(process.env.AMTOOL_BIN ?? findOnPath(['amtool']), ['check-config', paths.alertmanagerConfig]);
  });
}

test.run();
