/**
 * The simulation's cost: CPU per simulated minute when following the wall clock (1 s ticks, with
 * logs), and the time to replay the backfilled history (6 h at the history step), which sits on the
 * critical path of `local-cluster up`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, Measurement } from './harness.js';
import { HistoryWriter, replayHistory } from '../infra/local/simulation/exposition/history.js';
import { profiles } from '../infra/local/profiles.js';
import { Simulation } from '../infra/local/simulation/simulation.js';

const benchmark: Benchmark = {
  name: 'simulation',
  description: 'simulated cluster: CPU per simulated minute (live) and history replay time',
  async run({ log }) {
    const measurements: Measurement[] = [];
    const start = Date.UTC(2026, 10, 25, 12, 0, 0);
    const live = new Simulation({ start, profile: profiles.realistic, seed: 1 });
    live.logs.emitAccessLogsFrom(start);
    live.run(120);
    const minutes = 30;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    live.run(minutes * 60, 1);
    const cpu = process.cpuUsage(cpu0);
    const cpuMsPerMinute = (cpu.user + cpu.system) / 1000 / minutes;
    log(`${minutes} simulated minutes in ${((performance.now() - wall0) / 1000).toFixed(2)} s`);
    measurements.push({ name: 'live: CPU per simulated minute', value: cpuMsPerMinute, unit: 'ms', target: '< 600 ms (1% of a core)', pass: cpuMsPerMinute < 600 });
    measurements.push({ name: 'live: share of one core', value: (cpuMsPerMinute / 60_000) * 100, unit: '%' });

    const dir = mkdtempSync(join(tmpdir(), 'sim-bench-'));
    try {
      const stepMs = profiles.realistic.historyStepSeconds * 1000;
      const end = start + 6 * 3_600_000;
      const sim = new Simulation({ start, profile: profiles.realistic, seed: 2, historyEnd: end });
      sim.logs.emitAccessLogsFrom(end - 15 * 60_000);
      const writer = new HistoryWriter(join(dir, 'history.om'));
      const t0 = performance.now();
      await replayHistory(sim, writer, { end, stepMs, fineFrom: end - 30 * 60_000 });
      const written = await writer.close();
      const seconds = (performance.now() - t0) / 1000;
      log(`replayed 6 h: ${written.samples} samples in ${seconds.toFixed(2)} s`);
      measurements.push({ name: 'history: replay 6 h and write samples', value: seconds, unit: 's', target: '< 8 s', pass: seconds < 8, details: { samples: written.samples } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return measurements;
  },
};

export default benchmark;
