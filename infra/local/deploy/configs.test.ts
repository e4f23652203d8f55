/**
 * The generated Prometheus and Alertmanager configurations: what they say (configs.real.test.ts checks
 * them with the installed `promtool` and `amtool`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { profiles } from '../profiles.js';
import { alertmanagerArgs, renderAlertmanagerConfig } from './alertmanager-config.js';
import { defaultPorts, stackPaths } from './config.js';
import { prometheusArgs, renderPrometheusConfig, simulationPoolNames, simulationScrapePools } from './prometheus-config.js';

const dir = mkdtempSync(join(tmpdir(), 'stack-configs-'));
const paths = stackPaths(dir);
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('prometheus.yml loads the kit\'s rules and the standard ones', () => {
  assert.equal(parse(renderPrometheusConfig(profiles.fast, defaultPorts, paths)).rule_files, [paths.rulesFile, paths.standardRulesFile]);
});

test('prometheus.yml: profile intervals, cluster label, http_sd jobs honouring the exposition labels', () => {
  const config = parse(renderPrometheusConfig(profiles.fast, defaultPorts, paths));
  assert.equal(config.global, { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '2s', external_labels: { cluster: 'petadoptions-local' } });
  assert.is(parse(renderPrometheusConfig(profiles.realistic, defaultPorts, paths)).global.scrape_timeout, '10s');
  const jobs = config.scrape_configs.map((j: { job_name: string }) => j.job_name);
  assert.equal(jobs, ['prometheus', ...simulationPoolNames]);
  // kube-prometheus's honorLabels: the kubelet/cAdvisor and kube-state-metrics expositions keep their
  // labels (namespace, pod, container); node-exporter and the control plane take the target's.
  const honoured = config.scrape_configs.filter((j: { honor_labels: boolean }) => j.honor_labels).map((j: { job_name: string }) => j.job_name);
  assert.equal(honoured, ['serviceMonitor/monitoring/kubelet/0', 'serviceMonitor/monitoring/kubelet/1', 'serviceMonitor/monitoring/kube-state-metrics/0', 'kubernetes-pods']);
  for (const job of config.scrape_configs.slice(1)) {
    assert.is(job.honor_labels, simulationScrapePools.find((p) => p.pool === job.job_name)!.honorLabels);
    assert.equal(job.http_sd_configs, [{ url: `http://127.0.0.1:16444/sd/${job.job_name}`, refresh_interval: '2s' }]);
  }
  assert.equal(config.alerting.alertmanagers[0].static_configs, [{ targets: ['127.0.0.1:19093'] }]);
  assert.equal(config.alerting.alertmanagers[0].basic_auth, { username: 'prometheus', password_file: paths.alertmanagerPassword });
});

test('everything listens on loopback only; Alertmanager gossip is off', () => {
  const prometheus = prometheusArgs(defaultPorts, paths);
  assert.ok(prometheus.includes('--web.listen-address=127.0.0.1:19090'));
  // Issue 11: no lifecycle API (any page could POST /-/quit), CORS for Prometheus's own origin only.
  assert.not.ok(prometheus.includes('--web.enable-lifecycle'));
  assert.ok(prometheus.includes('--web.cors.origin=http://(127\\.0\\.0\\.1|localhost):19090'));
  assert.ok(prometheus.includes('--storage.tsdb.retention.time=15d'));
  const alertmanager = alertmanagerArgs(defaultPorts, paths);
  assert.ok(alertmanager.includes('--web.listen-address=127.0.0.1:19093'));
  assert.ok(alertmanager.includes('--cluster.listen-address='));
  assert.ok(alertmanager.includes(`--web.config.file=${paths.alertmanagerWebConfig}`));
});

test('Alertmanager routes everything to the agent webhook, grouped by alertname and namespace', () => {
  const config = parse(renderAlertmanagerConfig(profiles.fast, { ...defaultPorts, agent: 28080 }, paths));
  assert.equal(config.route, {
    receiver: 'devops-agent',
    group_by: ['alertname', 'namespace'],
    group_wait: '1s',
    group_interval: '5s',
    repeat_interval: '1h',
    // The standard alerts that fire by design notify no one, as kube-prometheus routes them.
    routes: [
      { matchers: ['alertname = Watchdog'], receiver: 'null' },
      { matchers: ['alertname = InfoInhibitor'], receiver: 'null' },
    ],
  });
  assert.equal(config.receivers[1], { name: 'null' });
  // Issue 11: with the webhook token, read from its file.
  assert.equal(config.receivers[0].webhook_configs, [{ url: 'http://127.0.0.1:28080/webhooks/alertmanager', send_resolved: true, http_config: { authorization: { type: 'Bearer', credentials_file: paths.webhookToken } } }]);
});

test.run();
