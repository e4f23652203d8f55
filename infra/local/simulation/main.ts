/**
 * Process entry of the simulated cluster (started by `local-cluster up`): replays the recent past into
 * an OpenMetrics history file for backfilling, then serves the cluster live on 127.0.0.1, following
 * the wall clock. Logs are JSON lines on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { createLogger } from '../../../core/log.js';
import { HistoryWriter, replayHistory } from './exposition/history.js';
import { createKubeApi, selfSignedCertificate } from './kube-api/index.js';
import { resolveProfile } from '../profiles.js';
import { createLocalClusterServer } from './server.js';
import { Simulation } from './simulation.js';
import { createXRayApi, TraceRecorder } from './xray/index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '16444' },
    'kube-port': { type: 'string', default: '16443' },
    host: { type: 'string', default: '127.0.0.1' },
    'state-dir': { type: 'string' },
    profile: { type: 'string', default: 'realistic' },
    'kube-token': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    seed: { type: 'string' },
    'history-hours': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values['state-dir']) {
  process.stdout.write('usage: sim-main --state-dir DIR [--port 16444] [--kube-port 16443] [--profile realistic|fast] [--kube-token T] [--tls-cert FILE --tls-key FILE] [--seed N] [--history-hours H]\n');
  process.exit(values.help ? 0 : 2);
}

const log = createLogger('local-cluster-sim', { sink: (r) => process.stdout.write(JSON.stringify(r) + '\n') });
const profile = resolveProfile(values.profile);
const port = Number(values.port);
const kubePort = Number(values['kube-port']);
const stateDir = values['state-dir'];
const hours = values['history-hours'] ? Number(values['history-hours']) : profile.historyHours;
const stepMs = profile.historyStepSeconds * 1000;
const started = Date.now();
const historyEnd = Math.floor(started / stepMs) * stepMs;
// The cluster starts a few minutes before the history it guarantees, so that history begins settled.
const SETTLE_MS = 10 * 60_000;
const historyStart = historyEnd - hours * 3_600_000 - SETTLE_MS;

const simulation = new Simulation({
  start: historyStart,
  profile,
  seed: values.seed ? Number(values.seed) : undefined,
  historyEnd,
});
const traces = new TraceRecorder(simulation);
simulation.logs.emitAccessLogsFrom(historyEnd - 15 * 60_000);
traces.recordFrom(historyEnd - 60 * 60_000);

const history = new HistoryWriter(join(stateDir, 'history', 'history.om'));
log.info('replaying history', { from: new Date(historyStart).toISOString(), to: new Date(historyEnd).toISOString(), profile: profile.name });
await replayHistory(simulation, history, { end: historyEnd, stepMs, fineFrom: historyEnd - 30 * 60_000 });
const written = await history.close();
log.info('history written', { ...written, seconds: (Date.now() - started) / 1000 });

await simulation.advanceTo(Date.now());

// The Kubernetes API is served over TLS, as EKS's is: kubectl only sends bearer tokens to https servers.
// `local-cluster up` hands over the certificate its kubeconfig trusts; alone, the process makes its own.
const certificate = values['tls-cert'] && values['tls-key']
  ? { cert: readFileSync(values['tls-cert'], 'utf8'), key: readFileSync(values['tls-key'], 'utf8') }
  : selfSignedCertificate();
const kubeApiUrl = `https://${values.host}:${kubePort}`;
const token = values['kube-token'];
const kubeApi = createKubeApi(simulation, { token, logger: log.child({ face: 'kube-api' }) });
const kubeServer = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
  if (!kubeApi(req, res)) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }));
  }
});

const server = createLocalClusterServer({
  simulation,
  handlers: [createXRayApi(traces)],
  logger: log,
  advertisedAddress: () => `${values.host}:${port}`,
  readiness: () => ({
    historyFile: written.path,
    historyStart,
    historyEnd,
    samples: written.samples,
    simulatedAt: new Date(simulation.now).toISOString(),
    kubeApiUrl,
    xrayEndpoint: `http://${values.host}:${port}`,
  }),
});

const timer = setInterval(() => {
  simulation.advanceTo(Date.now()).catch((error) => log.error('simulation step failed', { error: String(error) }));
}, 1000);

const listen = (what: string, target: typeof server | typeof kubeServer, listenPort: number) =>
  new Promise<void>((resolve) => {
    target.once('error', (error) => {
      log.error(`cannot listen for the ${what}`, { port: listenPort, error: String(error) });
      process.exit(1);
    });
    target.listen(listenPort, values.host, () => resolve());
  });
// The Kubernetes API first: /readyz on the main port answering means everything is up.
await listen('Kubernetes API', kubeServer, kubePort);
await listen('exporters and X-Ray API', server, port);
log.info('serving', { url: `http://${values.host}:${port}`, kubeApiUrl, profile: profile.name });

const stop = (signal: string) => {
  log.info('stopping', { signal });
  clearInterval(timer);
  kubeServer.close();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
