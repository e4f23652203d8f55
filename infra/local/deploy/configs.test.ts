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
import { parse } from 'yaml';
import { profiles } from '../profiles.js';
import { alertmanagerArgs, renderAlertmanagerConfig } from './alertmanager-config.js';
import { findOnPath } from './binaries.js';
import { defaultPorts, stackPaths } from './config.js';
import { prometheusArgs, renderPrometheusConfig, simulationJobs } from './prometheus-config.js';
import { renderAlertRules } from './rules.js';

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
    writeFileSync(paths.prometheusConfig, renderPrometheusConfig(profile, defaultPorts, paths));
    check(process.env.PROMTOOL_BIN ?? findOnPath(['promtool']), ['check', 'config', paths.prometheusConfig]);
  });

  test(`${profile.name}: amtool check-config accepts alertmanager.yml`, () => {
    mkdirSync(dirname(paths.alertmanagerConfig), { recursive: true });
    writeFileSync(paths.alertmanagerConfig, renderAlertmanagerConfig(profile, defaultPorts));
    check(process.env.AMTOOL_BIN ?? findOnPath(['amtool']), ['check-config', paths.alertmanagerConfig]);
  });
}

test('prometheus.yml: profile intervals, cluster label, http_sd jobs honouring the exposition labels', () => {
  const config = parse(renderPrometheusConfig(profiles.fast, defaultPorts, paths));
  assert.equal(config.global, { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '2s', external_labels: { cluster: 'petadoptions-local' } });
  assert.is(parse(renderPrometheusConfig(profiles.realistic, defaultPorts, paths)).global.scrape_timeout, '10s');
  const jobs = config.scrape_configs.map((j: { job_name: string }) => j.job_name);
  assert.equal(jobs, ['prometheus', ...simulationJobs]);
  for (const job of config.scrape_configs.slice(1)) {
    assert.is(job.honor_labels, true);
    assert.equal(job.http_sd_configs, [{ url: `http://127.0.0.1:16444/sd/${job.job_name}`, refresh_interval: '2s' }]);
  }
  assert.equal(config.alerting.alertmanagers[0].static_configs, [{ targets: ['127.0.0.1:19093'] }]);
});

test('everything listens on loopback only; Alertmanager gossip is off', () => {
  const prometheus = prometheusArgs(defaultPorts, paths);
  assert.ok(prometheus.includes('--web.listen-address=127.0.0.1:19090'));
  assert.ok(prometheus.includes('--web.enable-lifecycle'));
  assert.ok(prometheus.includes('--storage.tsdb.retention.time=15d'));
  const alertmanager = alertmanagerArgs(defaultPorts, paths);
  assert.ok(alertmanager.includes('--web.listen-address=127.0.0.1:19093'));
  assert.ok(alertmanager.includes('--cluster.listen-address='));
});

test('Alertmanager routes everything to the agent webhook, grouped by alertname and namespace', () => {
  const config = parse(renderAlertmanagerConfig(profiles.fast, { ...defaultPorts, agent: 28080 }));
  assert.equal(config.route, { receiver: 'devops-agent', group_by: ['alertname', 'namespace'], group_wait: '1s', group_interval: '5s', repeat_interval: '1h' });
  assert.equal(config.receivers[0].webhook_configs, [{ url: 'http://127.0.0.1:28080/webhooks/alertmanager', send_resolved: true }]);
});

test.run();
