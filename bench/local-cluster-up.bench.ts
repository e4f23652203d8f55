/**
 * `npm run bench -- local-cluster-up`: time from `local-cluster up` to a ready stack (history simulated
 * and backfilled, every scrape job scraped once, rules loaded), per phase, then `down`. Runs in a
 * temporary state directory on free ports, so it never touches a stack you have running.
 *
 * Flags: --profile fast|realistic (default fast), --simulation real|stand-in (default real:
 * infra/local/simulation/main.ts), --extra-series N (stand-in only: history series, default 3000, which gives a
 * backfill of about the real cluster's size).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag, type Benchmark, type Measurement } from './harness.js';
import { down, up } from '../infra/local/deploy/commands.js';
import { resolveStackConfig } from '../infra/local/deploy/config.js';
import { lineProgress } from '../infra/local/deploy/progress.js';
import { freeStackPorts } from '../test/support/deploy/ports.js';

const targetSeconds = 20;

const benchmark: Benchmark = {
  name: 'local-cluster-up',
  description: `local-cluster up to ready (target < ${targetSeconds} s), per phase, then down`,
  async run({ args, log }) {
    const simulation = flag(args, '--simulation') ?? 'real';
    const stateDir = mkdtempSync(join(tmpdir(), 'local-cluster-bench-'));
    const base = resolveStackConfig({ profile: flag(args, '--profile') ?? 'fast', 'state-dir': stateDir }, {});
    const config = {
      ...base,
      ports: (await freeStackPorts())[0]!,
      install: false,
      simulationEntry: simulation === 'stand-in' ? fileURLToPath(new URL('../test/support/deploy/fake-sim.ts', import.meta.url)) : base.simulationEntry,
    };
    const previousExtra = process.env.FAKE_SIM_EXTRA_SERIES;
    if (simulation === 'stand-in') process.env.FAKE_SIM_EXTRA_SERIES = flag(args, '--extra-series') ?? '3000';
    const context = { profile: config.profile.name, simulation };
    try {
      // The harness logs whole lines; progress writes a step's line in two parts.
      let pending = '';
      const progress = lineProgress((text) => {
        pending += text;
        for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
          log(pending.slice(0, end).trim());
          pending = pending.slice(end + 1);
        }
      });
      const result = await up(config, { progress });
      const downStarted = performance.now();
      const stopped = await down(config);
      const downSeconds = (performance.now() - downStarted) / 1000;
      const measurements: Measurement[] = [
        { name: `up to ready (${config.profile.name}, ${simulation} simulation)`, value: result.seconds, unit: 's', target: `< ${targetSeconds} s`, pass: result.seconds < targetSeconds, details: { ...context, timings: result.timings } },
        ...Object.entries(result.timings).map(([phase, seconds]) => ({ name: `  ${phase}`, value: seconds, unit: 's', details: context })),
        { name: 'down', value: downSeconds, unit: 's', details: { ...context, stopped: stopped.stopped } },
      ];
      return measurements;
    } finally {
      await down(config).catch(() => {});
      if (previousExtra === undefined) delete process.env.FAKE_SIM_EXTRA_SERIES;
      else process.env.FAKE_SIM_EXTRA_SERIES = previousExtra;
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
