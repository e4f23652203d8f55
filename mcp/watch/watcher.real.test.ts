/**
 * The watcher against the real Prometheus fixture (test/support/prometheus-history.ts): three hours of
 * the simulated pet-adoption cluster in which petlistadoptions leaks memory and is OOMKilled in a loop
 * since at-25m. Evaluated with a fixed clock at the fixture's `at`, and replayed minute by minute as a
 * running server would have seen it; the pushed alerts are checked with the agent's own schema.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { anomalyAlertSchema, type AnomalyAlert } from '../../agent/intake/anomaly.js';
import { ManualClock } from '../../core/clock.js';
import { memoryLogger } from '../../core/log.js';
import { freePort } from '../../test/support/free-port.js';
import { prometheusHistory } from '../../test/support/prometheus-history.js';
import { createBackend } from '../../lib/prometheus/client/index.js';
import { runPrometheusMcp } from '../server/cli.js';
import { petAdoptionWatchList } from './default-watch-list.js';
import { fakeReceiver } from '../../test/support/mcp/watch/receiver.js';
import { AnomalyWatcher } from './watcher.js';

const minute = 60_000;

function alerts(bodies: unknown[]): AnomalyAlert[] {
  return bodies.map((body) => {
    const parsed = anomalyAlertSchema.safeParse(body);
    assert.ok(parsed.success, `the agent's schema accepts ${JSON.stringify(body)}: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`);
    return parsed.data!;
  });
}

const isLeak = (a: AnomalyAlert) => a.anomaly.kind === 'growth' && a.series.container === 'petlistadoptions' && (a.series.pod ?? '').startsWith('petlistadoptions-');
const key = (a: AnomalyAlert) => `${a.query}|${JSON.stringify(a.series)}|${a.anomaly.start}`;
const brief = (list: AnomalyAlert[]) => JSON.stringify(list.map((a) => [a.status, a.series.pod ?? a.series.service ?? a.series.node, a.anomaly.kind, a.anomaly.start]));

test('at the fixture\'s instant, the default watch list pushes the petlistadoptions memory leak as growth towards its limit', async () => {
  const history = await prometheusHistory();
  const receiver = await fakeReceiver();
  try {
    const backend = await createBackend({ prometheusUrl: history.url });
    const watcher = new AnomalyWatcher({ webhookUrl: receiver.url }, { backend, clock: new ManualClock(history.at), logger: memoryLogger() });
    await watcher.runOnce();
    await watcher.idle();
    const status = watcher.status();
    assert.is(status.errors, 0, status.lastQueryError);
    for (const w of status.watches) assert.ok(w.series > 0, `the default watch ${w.name} finds series on the pet-adoption cluster`);

    const pushed = alerts(receiver.accepted());
    const leak = pushed.filter(isLeak);
    assert.ok(leak.length >= 1, `a growth anomaly for the leaking petlistadoptions pod was pushed; pushed: ${brief(pushed)}`);
    const growth = leak[0]!;
    assert.is(growth.status, 'firing');
    assert.is(growth.query, petAdoptionWatchList.watches[0]!.query);
    assert.match(growth.summary!, /^Memory working set vs limit: petlistadoptions-\S+ is growing towards its limit$/);
    assert.ok(Date.parse(growth.anomaly.start) >= history.at - 25 * minute, `the episode starts with the leak (${growth.anomaly.start})`);
    assert.match(growth.anomaly.explanation, /limit/);
    assert.is(status.pushed, pushed.length);
    assert.is(status.failed, 0);
  } finally {
    await receiver.close();
  }
});

test('replayed minute by minute from before the leak: pushed while it happens, once per episode, then its end', async () => {
  const history = await prometheusHistory();
  const receiver = await fakeReceiver();
  try {
    const real = await createBackend({ prometheusUrl: history.url });
    const fetched: number[] = [];
    const backend = Object.assign(Object.create(real) as typeof real, {
      queryRange: (q: string, o: Parameters<typeof real.queryRange>[1]) => {
        fetched.push(Number(o.end) - Number(o.start));
        return real.queryRange(q, o);
      },
    });
    const clock = new ManualClock(history.at - 30 * minute);
    const memory = { ...petAdoptionWatchList, watches: petAdoptionWatchList.watches.slice(0, 1) };
    const watcher = new AnomalyWatcher({ webhookUrl: receiver.url, watchList: memory }, { backend, clock, logger: memoryLogger() });
    for (;;) {
      await watcher.runOnce();
      await watcher.idle();
      if (clock.now() >= history.at) break;
      clock.advance(minute);
    }
    const pushed = alerts(receiver.accepted());
    const firing = pushed.filter((a) => a.status === 'firing');
    const resolved = pushed.filter((a) => a.status === 'resolved');
    const growth = firing.filter(isLeak);
    assert.is(growth.length, 1, `the leak's growth is pushed once: ${brief(pushed)}`);
    const detectedAt = Date.parse(growth[0]!.detectedAt!);
    assert.ok(detectedAt >= history.at - 25 * minute && detectedAt <= history.at - 15 * minute, `pushed within minutes of the leak's start (${growth[0]!.detectedAt})`);
    assert.is(new Set(firing.map(key)).size, firing.length, `no episode pushed twice over 31 runs: ${brief(pushed)}`);
    assert.is(new Set(resolved.map(key)).size, resolved.length, 'no end pushed twice');
    for (const r of resolved) assert.ok(firing.some((f) => key(f) === key(r) && f.anomaly.kind === r.anomaly.kind), `each end belongs to a pushed episode: ${key(r)}`);
    assert.ok(firing.every((a) => a.series.container === 'petlistadoptions'), `only the leaking service: ${brief(pushed)}`);
    assert.is(watcher.status().runs, 31);
    assert.equal(fetched, [7200, ...Array(30).fill(120)], 'the whole window once, then only the new minute and a minute of overlap');
  } finally {
    await receiver.close();
  }
});

test('prometheus-mcp --anomaly-webhook: the server started on the recorded history pushes the leak to the agent', async () => {
  const history = await prometheusHistory();
  const receiver = await fakeReceiver();
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = 'error'; // the server's JSON log lines would drown the test report
  let stop!: (why: string) => void;
  const stopSignal = new Promise<string>((resolve) => (stop = resolve));
  try {
    const port = await freePort();
    const argv = ['--transport', 'http', '--port', String(port), '--prometheus-url', history.url, '--now', new Date(history.at).toISOString(), '--anomaly-webhook', receiver.url];
    let stderr = '';
    const exited = runPrometheusMcp(argv, { stdout: () => undefined, stderr: (t) => (stderr += t), env: { ...process.env, LOG_LEVEL: 'error' }, stopSignal });
    const deadline = Date.now() + 30_000;
    while (!receiver.accepted().some((b) => isLeak(b as AnomalyAlert)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    stop('test done');
    assert.is(await exited, 0, stderr);
    const leak = alerts(receiver.accepted()).find(isLeak);
    assert.ok(leak, `pushed the leak: ${brief(alerts(receiver.accepted()))}`);
    assert.equal(leak.origin, { server: 'prometheus-mcp', url: `http://127.0.0.1:${port}/mcp` });
  } finally {
    stop('cleanup');
    if (level === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = level;
    await receiver.close();
  }
});

test.run();
