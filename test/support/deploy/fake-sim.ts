/**
 * A stand-in for infra/local/simulation/main.ts, for the stack's own tests and benchmark: the same command line
 * and HTTP contract (history file, /-/ready, /sd/<job>, expositions, bearer-token Kubernetes API root),
 * with a handful of DESIGN.md series instead of a cluster model.
 *
 *   node --import tsx fake-sim.ts --port P --state-dir DIR --profile fast|realistic --kube-token-file FILE [--seed N]
 *
 * Knobs (environment): FAKE_SIM_EXTRA_SERIES=N adds N more history series (backfill load for the
 * benchmark); FAKE_SIM_FAIL=1 exits with an error before listening (failure paths).
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveProfile } from '../../../infra/local/profiles.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'kube-port': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'state-dir': { type: 'string' },
    profile: { type: 'string' },
    'kube-token-file': { type: 'string' },
    seed: { type: 'string' },
  },
});
const port = Number(values.port);
const stateDir = values['state-dir']!;
const profile = resolveProfile(values.profile);
const token = values['kube-token-file'] ? readFileSync(values['kube-token-file'], 'utf8').trim() : (process.env.LOCAL_CLUSTER_SIM_KUBE_TOKEN ?? '');
const log = (msg: string, fields: Record<string, unknown> = {}) => console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', component: 'fake-sim', msg, ...fields }));

const nodes = ['ip-10-0-1-23.us-west-2.compute.internal', 'ip-10-0-2-41.us-west-2.compute.internal'];
const pods = [
  { pod: 'petsite-7d4b9c6f8-q7w2e', service: 'petsite', node: nodes[0]! },
  { pod: 'petsearch-5f7c8d9b4-k2j3h', service: 'petsearch', node: nodes[1]! },
];
const ns = 'petadoptions';
const pools = ['serviceMonitor/monitoring/kubelet/0', 'serviceMonitor/monitoring/kubelet/1', 'serviceMonitor/monitoring/node-exporter/0', 'serviceMonitor/monitoring/kube-state-metrics/0', 'serviceMonitor/monitoring/kube-state-metrics/1', 'serviceMonitor/monitoring/kube-apiserver/0', 'serviceMonitor/monitoring/coredns/0', 'podMonitor/monitoring/kube-proxy/0', 'podMonitor/monitoring/aws-node/0', 'kubernetes-pods'];

const labels = (l: Record<string, string>) =>
  '{' +
  Object.entries(l)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',') +
  '}';
const workingSet = (i: number, t: number) => 200 * 2 ** 20 + i * 10 * 2 ** 20 + Math.round(5 * 2 ** 20 * Math.sin(t / 600));
const requests = (i: number, t: number) => Math.floor((t - historyStart / 1000) * (5 + i));

if (process.env.FAKE_SIM_FAIL) {
  console.error('fake-sim: failing on purpose (FAKE_SIM_FAIL is set)');
  process.exit(1);
}

const historyEnd = Date.now();
const historyStart = historyEnd - profile.historyHours * 3_600_000;
const historyFile = join(stateDir, 'history', 'history.om');
await writeHistory();

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
  const now = Date.now() / 1000;
  if (url.pathname === '/-/ready') return json(response, { ready: true, historyFile, historyStart, historyEnd });
  // The Kubernetes API's own readiness endpoint, as kube-apiserver (and the real simulation) answer it.
  if (url.pathname === '/readyz') return text(response, 'ok');
  if (url.pathname.startsWith('/sd/')) return json(response, discovery(url.pathname.slice(4)));
  if (url.pathname === '/metrics/cadvisor') {
    const node = url.searchParams.get('node');
    return text(
      response,
      pods
        .map((p, i) => ({ p, i }))
        .filter(({ p }) => p.node === node)
        .map(({ p, i }) => `container_memory_working_set_bytes${labels({ namespace: ns, pod: p.pod, container: p.service })} ${workingSet(i, now)}`)
        .join('\n'),
    );
  }
  if (url.pathname === '/metrics/self') return text(response, `process_start_time_seconds ${Math.floor(historyStart / 1000)}`);
  if (url.pathname === '/metrics/node-exporter') {
    return text(response, `node_memory_MemAvailable_bytes ${4 * 2 ** 30}`);
  }
  if (url.pathname === '/metrics/kube-state-metrics') {
    return text(
      response,
      pods.map((p) => `kube_pod_info${labels({ namespace: ns, pod: p.pod, node: p.node, created_by_kind: 'ReplicaSet', created_by_name: p.pod.replace(/-[a-z0-9]+$/, '') })} 1`).join('\n'),
    );
  }
  if (url.pathname.startsWith('/metrics/pods/')) {
    const i = pods.findIndex((p) => p.pod === url.pathname.slice('/metrics/pods/'.length));
    if (i < 0) return notFound(response);
    return text(response, `http_requests_total${labels({ service: pods[i]!.service, route: '/', method: 'GET', code: '200' })} ${requests(i, now)}`);
  }
  if (url.pathname === '/version') return json(response, { major: '1', minor: '30', gitVersion: 'v1.30.0-eks-fake' });
  if (url.pathname.startsWith('/api')) {
    if (request.headers.authorization !== `Bearer ${token}`) return json(response, { kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 }, 401);
    return json(response, { kind: 'APIVersions', versions: ['v1'] });
  }
  return notFound(response);
});
server.listen(port, '127.0.0.1', () => log('listening', { port, historyFile }));
// The real simulation serves its Kubernetes API over TLS on a port of its own; hold it the same way.
if (values['kube-port'] && values['tls-cert'] && values['tls-key']) {
  createHttpsServer({ cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ major: '1', minor: '31', gitVersion: 'v1.31.9-eks-fake' }));
  }).listen(Number(values['kube-port']), '127.0.0.1');
}
process.on('SIGTERM', () => {
  log('stopping on SIGTERM');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});

/** The real simulation's scrape pools (kube-prometheus's ServiceMonitors/PodMonitors) and their final target labels. */
function discovery(pool: string) {
  const target = [`127.0.0.1:${port}`];
  const ip = (node: string) => node.replace(/^ip-(\d+)-(\d+)-(\d+)-(\d+)\..*$/, '$1.$2.$3.$4');
  const kubelet = (node: string) => ({ job: 'kubelet', instance: `${ip(node)}:10250`, node, namespace: 'kube-system', service: 'kubelet', endpoint: 'https-metrics' });
  switch (pool) {
    case 'serviceMonitor/monitoring/kubelet/0':
      return nodes.map((node) => ({ targets: target, labels: { __metrics_path__: '/metrics/self', ...kubelet(node), metrics_path: '/metrics' } }));
    case 'serviceMonitor/monitoring/kubelet/1':
      return nodes.map((node) => ({ targets: target, labels: { __metrics_path__: '/metrics/cadvisor', __param_node: node, ...kubelet(node), metrics_path: '/metrics/cadvisor' } }));
    case 'serviceMonitor/monitoring/node-exporter/0':
      return nodes.map((node) => ({ targets: target, labels: { __metrics_path__: '/metrics/node-exporter', __param_node: node, job: 'node-exporter', instance: node, node } }));
    case 'serviceMonitor/monitoring/kube-state-metrics/0':
      return [{ targets: target, labels: { __metrics_path__: '/metrics/kube-state-metrics', job: 'kube-state-metrics', instance: '192.168.74.20:8443' } }];
    case 'serviceMonitor/monitoring/kube-state-metrics/1':
      return [{ targets: target, labels: { __metrics_path__: '/metrics/self', job: 'kube-state-metrics', instance: '192.168.74.20:9443' } }];
    case 'serviceMonitor/monitoring/kube-apiserver/0':
      return [{ targets: target, labels: { __metrics_path__: '/metrics/self', job: 'apiserver', instance: '192.168.101.176:443' } }];
    case 'serviceMonitor/monitoring/coredns/0':
      return [{ targets: target, labels: { __metrics_path__: '/metrics/self', job: 'coredns', instance: '192.168.27.31:9153' } }];
    case 'podMonitor/monitoring/kube-proxy/0':
      return nodes.map((node) => ({ targets: target, labels: { __metrics_path__: '/metrics/self', job: 'kube-proxy', instance: `${ip(node)}:10249` } }));
    case 'podMonitor/monitoring/aws-node/0':
      return nodes.map((node) => ({ targets: target, labels: { __metrics_path__: '/metrics/self', job: 'aws-node', instance: `${ip(node)}:61678` } }));
    case 'kubernetes-pods':
      return pods.map((p) => ({ targets: target, labels: { __metrics_path__: `/metrics/pods/${p.pod}`, job: 'kubernetes-pods', namespace: ns, pod: p.pod, instance: p.pod } }));
    default:
      return [];
  }
}

/** The target labels of a node's cAdvisor, as the scrape adds them (the history must carry the same). */
function cadvisorTarget(node: string): Record<string, string> {
  const group = discovery('serviceMonitor/monitoring/kubelet/1').find((g) => (g.labels as Record<string, string>).node === node)!;
  const { __metrics_path__: _path, __param_node: _node, ...target } = group.labels as Record<string, string>;
  return target;
}

async function writeHistory(): Promise<void> {
  mkdirSync(join(stateDir, 'history'), { recursive: true });
  const out = createWriteStream(historyFile);
  const write = (line: string) => (out.write(line + '\n') ? undefined : new Promise<void>((r) => out.once('drain', () => r())));
  const steps: number[] = [];
  for (let t = historyStart; t <= historyEnd; t += profile.historyStepSeconds * 1000) steps.push(Math.floor(t / 1000));
  await write('# TYPE container_memory_working_set_bytes gauge');
  for (const [i, p] of pods.entries()) {
    // As Prometheus would have stored the scrape: exposition labels plus the job and target labels.
    const series = labels({ ...cadvisorTarget(p.node), namespace: ns, pod: p.pod, container: p.service });
    for (const t of steps) await write(`container_memory_working_set_bytes${series} ${workingSet(i, t)} ${t}`);
  }
  const extra = Number(process.env.FAKE_SIM_EXTRA_SERIES ?? 0);
  for (let s = 0; s < extra; s++) {
    const node = nodes[s % nodes.length]!;
    const series = labels({ ...cadvisorTarget(node), namespace: ns, pod: `load-${s}`, container: 'load' });
    for (const t of steps) await write(`container_memory_working_set_bytes${series} ${workingSet(s, t)} ${t}`);
  }
  await write('# TYPE http_requests counter');
  for (const [i, p] of pods.entries()) {
    const series = labels({ service: p.service, route: '/', method: 'GET', code: '200', job: 'kubernetes-pods', instance: p.pod, namespace: ns, pod: p.pod });
    for (const t of steps) await write(`http_requests_total${series} ${requests(i, t)} ${t}`);
  }
  // Like the real history: a successful `up` per target and step (which is why readiness must ask the
  // targets API for live scrapes rather than query `up`).
  for (const pool of pools) {
    for (const group of discovery(pool)) {
      const { __metrics_path__: _path, __param_node: _node, ...targetLabels } = group.labels as Record<string, string>;
      const series = labels(targetLabels);
      for (const t of steps) await write(`up${series} 1 ${t}`);
    }
  }
  await write('# EOF');
  await new Promise<void>((resolveEnd) => out.end(() => resolveEnd()));
  log('history written', { historyFile, series: pods.length * 2 + extra, steps: steps.length });
}

function json(response: ServerResponse, body: unknown, code = 200) {
  response.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
function text(response: ServerResponse, body: string) {
  response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body + '\n');
}
function notFound(response: ServerResponse) {
  response.writeHead(404).end();
}
