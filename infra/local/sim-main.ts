/**
 * Process entry of the simulated cluster (started by `local-cluster up`): replays the recent past into
 * an OpenMetrics history file for backfilling, then serves the cluster live on 127.0.0.1, following
 * the wall clock. Logs are JSON lines on stdout.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { createLogger } from '../../core/log.js';
import { HistoryWriter } from './exposition/history.js';
import { createKubeApi } from './kube-api/index.js';
import { resolveProfile } from './profiles.js';
import { createLocalClusterServer } from './server.js';
import { Simulation } from './simulation.js';
import { RECENT_ROLLOUT } from './seed.js';
import { createXRayApi, TraceRecorder } from './xray/index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '16443' },
    host: { type: 'string', default: '127.0.0.1' },
    'state-dir': { type: 'string' },
    profile: { type: 'string', default: 'realistic' },
    'kube-token': { type: 'string' },
    seed: { type: 'string' },
    'history-hours': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values['state-dir']) {
  process.stdout.write('usage: sim-main --state-dir DIR [--port 16443] [--profile realistic|fast] [--kube-token T] [--seed N] [--history-hours H]\n');
  process.exit(values.help ? 0 : 2);
}

const log = createLogger('local-cluster-sim', { sink: (r) => process.stdout.write(JSON.stringify(r) + '\n') });
const profile = resolveProfile(values.profile);
const port = Number(values.port);
const hours = values['history-hours'] ? Number(values['history-hours']) : profile.historyHours;
const stepMs = profile.historyStepSeconds * 1000;
const started = Date.now();
const historyEnd = Math.floor(started / stepMs) * stepMs;
const historyStart = historyEnd - hours * 3_600_000;

const simulation = new Simulation({
  start: historyStart,
  profile,
  seed: values.seed ? Number(values.seed) : undefined,
  recentRolloutAt: historyEnd - RECENT_ROLLOUT.hoursAgo * 3_600_000,
});
const traces = new TraceRecorder(simulation);
simulation.logs.emitAccessLogsFrom(historyEnd - 15 * 60_000);
traces.recordFrom(historyEnd - 60 * 60_000);

const history = new HistoryWriter(join(values['state-dir'], 'history', 'history.om'));
log.info('replaying history', { from: new Date(historyStart).toISOString(), to: new Date(historyEnd).toISOString(), profile: profile.name });
let nextSample = historyStart + stepMs;
const sample = async (now: number) => {
  while (now >= nextSample && nextSample <= historyEnd) {
    await history.scrape(simulation.scrapeTargets(), nextSample);
    nextSample += stepMs;
  }
};
// Coarse ticks for the distant past, the live tick for the last half hour (logs and traces need it).
await simulation.advanceTo(historyEnd - 30 * 60_000, { maxStepSeconds: 10, onStep: sample });
await simulation.advanceTo(historyEnd, { maxStepSeconds: profile.tickSeconds, onStep: sample });
const written = await history.close();
log.info('history written', { ...written, seconds: (Date.now() - started) / 1000 });

await simulation.advanceTo(Date.now());
const server = createLocalClusterServer({
  simulation,
  handlers: [createKubeApi(simulation, { token: values['kube-token'], logger: log.child({ face: 'kube-api' }) }), createXRayApi(traces)],
  logger: log,
  advertisedAddress: () => `${values.host}:${port}`,
  readiness: () => ({ historyFile: written.path, historyStart, historyEnd, samples: written.samples, simulatedAt: new Date(simulation.now).toISOString() }),
});

const timer = setInterval(() => {
  simulation.advanceTo(Date.now()).catch((error) => log.error('simulation step failed', { error: String(error) }));
}, 1000);

server.listen(port, values.host, () => log.info('serving', { url: `http://${values.host}:${port}`, profile: profile.name }));
server.on('error', (error) => {
  log.error('cannot listen', { port, error: String(error) });
  process.exit(1);
});

const stop = (signal: string) => {
  log.info('stopping', { signal });
  clearInterval(timer);
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
