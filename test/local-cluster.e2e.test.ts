/**
 * The local target end to end, as a new user meets it: `local-cluster up --fast` with the real
 * simulation, Prometheus and Alertmanager; kubectl and @kubernetes/client-node against the printed
 * kubeconfig; a memory StressChaos that makes an alert fire; `down` leaving nothing behind.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from './support/free-port.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const stateDir = mkdtempSync(join(tmpdir(), 'local-cluster-e2e-'));
const env = { ...process.env, LOCAL_CLUSTER_STATE_DIR: stateDir };
const ports: Record<string, number> = {};
let status: { prometheusUrl: string; kubeApiUrl: string; mcpUrl: string; kubeconfig: string; components: { pid: number }[] };

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'bin/local-cluster.js'), ...args], { env, cwd: root, maxBuffer: 10 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function promql(query: string, at?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const params = new URLSearchParams({ query, ...(at ? { time: String(at / 1000) } : {}) });
  const body = (await (await fetch(`${status.prometheusUrl}/api/v1/query?${params}`)).json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.is(body.status, 'success', query);
  return body.data.result;
}

async function waitFor<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function kubeClient(): k8s.KubeConfig {
  const config = new k8s.KubeConfig();
  config.loadFromFile(status.kubeconfig);
  return config;
}

test.before(async () => {
  for (const name of ['prometheus', 'alertmanager', 'kube', 'simulation', 'agent', 'mcp']) ports[name] = await freePort();
  const flags = Object.entries(ports).flatMap(([name, port]) => [`--${name}-port`, String(port)]);
  const up = await cli('up', '--fast', ...flags);
  assert.is(up.code, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
  assert.match(up.stdout, /local-cluster is up \(profile fast\)/);
  const s = await cli('status', '--json');
  status = JSON.parse(s.stdout);
});

test.after(async () => {
  await cli('down');
  rmSync(stateDir, { recursive: true, force: true });
});

test('every DESIGN.md metric family is in Prometheus, with at least 6 hours of history', async () => {
  const families = [
    'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_memory_rss', 'container_cpu_cfs_periods_total',
    'container_cpu_cfs_throttled_periods_total', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total',
    'kube_pod_info', 'kube_pod_status_phase', 'kube_pod_container_status_restarts_total', 'kube_pod_container_status_last_terminated_reason',
    'kube_pod_container_resource_limits', 'kube_pod_container_resource_requests', 'kube_deployment_spec_replicas',
    'kube_deployment_status_replicas_available', 'kube_node_status_condition', 'kube_node_spec_unschedulable',
    'node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_load1',
    'http_requests_total', 'http_request_duration_seconds_bucket', 'http_request_duration_seconds_sum', 'http_request_duration_seconds_count',
  ];
  const sixHoursAgo = Date.now() - 6 * 3_600_000 + 60_000;
  for (const family of families) {
    const now = await promql(`count(${family})`);
    assert.ok(now.length === 1 && Number(now[0]!.value[1]) > 0, `${family} now`);
    const then = await promql(`count(${family})`, sixHoursAgo);
    assert.ok(then.length === 1 && Number(then[0]!.value[1]) > 0, `${family} 6 h ago`);
  }
  const labels = (await promql('container_memory_working_set_bytes{namespace="petadoptions"}'))[0]!.metric;
  for (const label of ['namespace', 'pod', 'container', 'node']) assert.ok(labels[label], `label ${label}`);
  const app = (await promql('http_requests_total{service="petsite"}'))[0]!.metric;
  for (const label of ['service', 'route', 'method', 'code']) assert.ok(app[label], `label ${label}`);
});

test('kubectl get pods and kubectl top pods work with the printed kubeconfig', async () => {
  const pods = spawnSync('kubectl', ['--kubeconfig', status.kubeconfig, 'get', 'pods', '-n', 'petadoptions'], { encoding: 'utf8' });
  assert.is(pods.status, 0, pods.stderr);
  assert.match(pods.stdout, /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
  assert.match(pods.stdout, /petsite-\S+\s+1\/1\s+Running/);
  assert.is(pods.stderr, '');
  const top = spawnSync('kubectl', ['--kubeconfig', status.kubeconfig, 'top', 'pods', '-n', 'petadoptions'], { encoding: 'utf8' });
  assert.is(top.status, 0, top.stderr);
  assert.match(top.stdout, /NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
  assert.match(top.stdout, /petsearch-\S+\s+\d+m\s+\d+Mi/);
});

test('@kubernetes/client-node lists pods, deletes one (a replacement appears), scales a deployment, cordons a node', async () => {
  const config = kubeClient();
  const core = config.makeApiClient(k8s.CoreV1Api);
  const apps = config.makeApiClient(k8s.AppsV1Api);
  const pods = await core.listNamespacedPod({ namespace: 'petadoptions', labelSelector: 'app=pethistory' });
  assert.is(pods.items.length, 1);
  const victim = pods.items[0]!.metadata!.name!;
  await core.deleteNamespacedPod({ name: victim, namespace: 'petadoptions' });
  await waitFor('a replacement pethistory pod', 30, async () => {
    const now = await core.listNamespacedPod({ namespace: 'petadoptions', labelSelector: 'app=pethistory' });
    return now.items.some((p) => p.metadata!.name !== victim && p.status?.phase === 'Running') ? true : undefined;
  });
  await apps.patchNamespacedDeploymentScale(
    { name: 'petsearch', namespace: 'petadoptions', body: { spec: { replicas: 3 } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await waitFor('3 available petsearch replicas', 40, async () => {
    const d = await apps.readNamespacedDeployment({ name: 'petsearch', namespace: 'petadoptions' });
    return d.status?.availableReplicas === 3 ? true : undefined;
  });
  const node = (await core.listNode()).items[0]!.metadata!.name!;
  await core.patchNode({ name: node, body: { spec: { unschedulable: true } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
  const cordoned = await core.readNode({ name: node });
  assert.is(cordoned.spec?.unschedulable, true);
  await core.patchNode({ name: node, body: { spec: { unschedulable: false } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
});

test('a memory StressChaos on petlistadoptions grows its working set and fires an alert within 60 s; deleting it stops the growth', async () => {
  const custom = kubeClient().makeApiClient(k8s.CustomObjectsApi);
  const workingSet = async (window = '') =>
    Math.max(...(await promql(window ? `max_over_time(container_memory_working_set_bytes{container="petlistadoptions"}[${window}])` : 'container_memory_working_set_bytes{container="petlistadoptions"}')).map((r) => Number(r.value[1])));
  const before = await workingSet();
  const injectedAt = Date.now();
  await custom.createNamespacedCustomObject({
    group: 'chaos-mesh.org', version: 'v1alpha1', namespace: 'petadoptions', plural: 'stresschaos',
    body: {
      apiVersion: 'chaos-mesh.org/v1alpha1', kind: 'StressChaos',
      metadata: { name: 'petlistadoptions-memory-leak' },
      spec: { mode: 'one', selector: { labelSelectors: { app: 'petlistadoptions' } }, stressors: { memory: { workers: 1, size: '512MB', time: '45s' } } },
    },
  });
  const alert = await waitFor('a firing memory alert for petlistadoptions', 60, async () => {
    const firing = await promql('ALERTS{alertstate="firing", container="petlistadoptions"}');
    return firing[0]?.metric.alertname;
  });
  const seconds = (Date.now() - injectedAt) / 1000;
  assert.ok(seconds <= 60, `alert ${alert} after ${seconds.toFixed(0)} s`);
  // It may have been OOMKilled and restarted already: look at the peak since the injection.
  assert.ok((await workingSet('1m')) > before + 50 * 2 ** 20, 'working set grew');
  await custom.deleteNamespacedCustomObject({ group: 'chaos-mesh.org', version: 'v1alpha1', namespace: 'petadoptions', plural: 'stresschaos', name: 'petlistadoptions-memory-leak' });
  await new Promise((r) => setTimeout(r, 6000));
  const settled = await workingSet();
  await new Promise((r) => setTimeout(r, 10_000));
  const later = await workingSet();
  assert.ok(later < settled + 10 * 2 ** 20, `no more growth (${(settled / 2 ** 20).toFixed(0)} -> ${(later / 2 ** 20).toFixed(0)} MiB)`);
  assert.ok(later < 200 * 2 ** 20, `back near its baseline (${(later / 2 ** 20).toFixed(0)} MiB)`);
});

test('the MCP server runs as part of the stack and answers questions from its Prometheus', async () => {
  assert.is(status.mcpUrl, `http://127.0.0.1:${ports.mcp}/mcp`);
  const client = new Client({ name: 'e2e', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(status.mcpUrl)));
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    for (const name of ['execute_query', 'execute_range_query', 'translate_query', 'ask', 'detect_anomalies']) assert.ok(tools.includes(name), name);
    const answer = await client.callTool({ name: 'ask', arguments: { question: 'memory usage of petsearch pods' } });
    assert.not.ok(answer.isError, JSON.stringify(answer.content));
    const structured = answer.structuredContent as { promql: string; intent: string };
    assert.match(structured.promql, /container_memory_working_set_bytes/);
  } finally {
    await client.close();
  }
});

test('down stops every process up started', async () => {
  const pids = status.components.map((c) => c.pid);
  const down = await cli('down');
  assert.is(down.code, 0, down.stderr);
  // A process that just exited may linger a moment (exiting, or a zombie until it is reaped).
  const running = (pid: number) => {
    try {
      return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  await waitFor('the processes to exit', 5, async () => (pids.some(running) ? undefined : true));
  const after = await cli('status', '--json');
  assert.is(JSON.parse(after.stdout).running, false);
});

test.run();
