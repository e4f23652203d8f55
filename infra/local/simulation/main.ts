/**
 * Process entry of the simulated cluster (started by `local-cluster up`): replays the recent past into
 * an OpenMetrics history file for backfilling, then serves the cluster live on 127.0.0.1, following
 * the wall clock. Logs are JSON lines on stdout.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { z } from 'zod';
import { createLogger } from '../../../core/log.js';
import { defineCli, helpText, parseCommandLine, port as portNumber, readOptions, readWith, UsageError, wholeNumber, type OptionValues } from '../../../lib/platform/cli.js';
import { HistoryWriter, replayHistory } from './exposition/history.js';
import { createKubeApi, selfSignedCertificate } from './kube-api/index.js';
import { resolveProfile } from '../profiles.js';
import { createLocalClusterServer } from './server.js';
import { Simulation } from './simulation.js';
import { createXRayApi, TraceRecorder } from './xray/index.js';

/** Where the token may come from instead of its file (the environment is the process's own to read). */
const kubeTokenVariable = 'LOCAL_CLUSTER_SIM_KUBE_TOKEN';

const simulationOptions = {
  stateDir: { flag: '--state-dir', value: 'DIR', required: true, describe: 'where the history file goes (the stack\'s simulation directory)' },
  port: { flag: '--port', value: 'PORT', default: '16444', schema: portNumber(0), describe: 'exporters, Prometheus service discovery and the X-Ray API subset (http)' },
  kubePort: { flag: '--kube-port', value: 'PORT', default: '16443', schema: portNumber(0), describe: 'the Kubernetes API subset (https)' },
  host: { flag: '--host', value: 'HOST', default: '127.0.0.1', describe: 'address to listen on' },
  profile: { flag: '--profile', value: 'NAME', default: 'realistic', schema: readWith(resolveProfile), describe: 'timing profile: realistic or fast' },
  kubeTokenFile: { flag: '--kube-token-file', value: 'FILE', describe: `file holding the bearer token the Kubernetes API requires (or the token in ${kubeTokenVariable}; neither: no authentication). Never the token itself: the command line is visible to every user` },
  tlsCert: { flag: '--tls-cert', value: 'FILE', describe: 'serving certificate of the Kubernetes API (with --tls-key; default: a self-signed one)' },
  tlsKey: { flag: '--tls-key', value: 'FILE', describe: 'its private key' },
  seed: { flag: '--seed', value: 'N', schema: wholeNumber(0, 2 ** 31 - 1), describe: 'seed of the simulation (reproducible traffic and noise)' },
  historyHours: {
    flag: '--history-hours',
    value: 'H',
    defaultDescription: "the profile's",
    schema: z.string().refine((text) => Number(text) > 0, 'must be a positive number of hours').transform(Number),
    describe: 'hours of history replayed before serving',
  },
} as const;

const simulationCli = defineCli({
  name: 'local-cluster-sim',
  summary: 'the simulated pet-adoption EKS cluster, as local-cluster up starts it',
  description: 'The simulated pet-adoption EKS cluster (local-cluster up starts it): replays the recent past into a history\nfile for backfilling, then serves the cluster live, following the wall clock.',
  usage: '--state-dir DIR [options]',
  options: Object.values(simulationOptions),
});

/** The process's own arguments; bad ones exit 2 with one line, as every command of the kit. */
function readArguments(): OptionValues<typeof simulationOptions> {
  try {
    const line = parseCommandLine(simulationCli, process.argv.slice(2));
    if (line.help) {
      process.stdout.write(helpText(simulationCli));
      process.exit(0);
    }
    return readOptions(simulationOptions, line.flags, {});
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`local-cluster-sim: ${error.message}\n`);
    process.exit(2);
  }
}

const values = readArguments();

/** The Kubernetes API's token: its file (made 0600 by local-cluster up), else the variable, else none. */
function readKubeToken(file: string | undefined): string | undefined {
  if (!file) return process.env[kubeTokenVariable] || undefined;
  try {
    const token = readFileSync(file, 'utf8').trim();
    if (!token) throw new Error('the file is empty');
    return token;
  } catch (error) {
    process.stderr.write(`local-cluster-sim: --kube-token-file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    process.exit(2);
  }
}
const log = createLogger('local-cluster-sim', { sink: (r) => process.stdout.write(JSON.stringify(r) + '\n') });
const profile = values.profile;
const port = values.port;
const kubePort = values.kubePort;
const stateDir = values.stateDir;
const hours = values.historyHours ?? profile.historyHours;
const stepMs = profile.historyStepSeconds * 1000;
const started = Date.now();
const historyEnd = Math.floor(started / stepMs) * stepMs;
// The cluster starts a few minutes before the history it guarantees, so that history begins settled.
const SETTLE_MS = 10 * 60_000;
const historyStart = historyEnd - hours * 3_600_000 - SETTLE_MS;

const simulation = new Simulation({
  start: historyStart,
  profile,
  seed: values.seed,
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
const certificate = values.tlsCert && values.tlsKey
  ? { cert: readFileSync(values.tlsCert, 'utf8'), key: readFileSync(values.tlsKey, 'utf8') }
  : selfSignedCertificate();
const kubeApiUrl = `https://${values.host}:${kubePort}`;
const token = readKubeToken(values.kubeTokenFile);
const kubeApi = createKubeApi(simulation, { token, logger: log.child({ face: 'kube-api' }) });
const kubeServer = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
  if (!kubeApi(req, res)) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', code: 404 }));
  }
});

// kubectl exec opens a WebSocket: the upgrade reaches the API through the server's 'upgrade' event.
kubeServer.on('upgrade', (req, socket, head) => {
  if (!kubeApi.upgrade(req, socket, head)) socket.destroy();
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
