/**
 * The settled check a run starts from: warning and critical alerts hold it back; the alerts a healthy
 * cluster with the standard rules always fires (`Watchdog`, `InfoInhibitor`, severity "none") and info
 * alerts do not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitUntilSettled } from './preflight.js';
import { FakeCluster, ScriptedClock, ScriptedMetrics } from '../test/support/runner/stubs.js';
import type { FiringAlert } from './ports.js';

const firing = (name: string, severity: string, labels: Record<string, string> = {}): FiringAlert => ({ name, state: 'firing', labels: { alertname: name, severity, ...labels }, activeAt: '2026-11-25T08:00:00Z' });

test('Watchdog, InfoInhibitor and info alerts leave a healthy cluster settled', async () => {
  const metrics = new ScriptedMetrics();
  metrics.firing = [firing('Watchdog', 'none'), firing('InfoInhibitor', 'none', { namespace: 'petadoptions' }), firing('CPUThrottlingHigh', 'info', { namespace: 'petadoptions' })];
  const result = await waitUntilSettled(new FakeCluster(), { seconds: 10, clock: new ScriptedClock(0), pollMs: 1000, metrics });
  assert.equal(result, { ok: true, detail: 'settled' });
});

test('a warning or critical alert holds the run back until the window ends', async () => {
  const metrics = new ScriptedMetrics();
  metrics.firing = [firing('Watchdog', 'none'), firing('KubePodCrashLooping', 'warning', { namespace: 'petadoptions', pod: 'petsite-7d4b9c6f8-q7w2e' }), firing('KubeletDown', 'critical')];
  const result = await waitUntilSettled(new FakeCluster(), { seconds: 10, clock: new ScriptedClock(0), pollMs: 1000, metrics });
  assert.is(result.ok, false);
  assert.is(result.detail, 'alert KubePodCrashLooping firing; alert KubeletDown firing');
});

test.run();
