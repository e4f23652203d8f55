/**
 * `--help` of every command from the compiled build (what `npx <command> --help` runs): the help path
 * loads the option tables only, never the agent, the MCP server, the AWS SDK or the Kubernetes client.
 * Needs `npm run build` first. `--runs N` (default 5) per command; the median counts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag, percentile, type Benchmark, type Measurement } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The acceptance target of issue 10, for the commands people and MCP clients start most. */
const targets: Record<string, number | undefined> = { 'prometheus-mcp': 0.5, 'devops-agent': 0.5, 'local-cluster': undefined, 'run-scenario': undefined };

const bench: Benchmark = {
  name: 'cli-help',
  description: 'wall time of `<command> --help` from the compiled build (node start included)',
  async run({ args, log }) {
    const runs = Number(flag(args, '--runs') ?? '5');
    const measurements: Measurement[] = [];
    for (const [command, target] of Object.entries(targets)) {
      const seconds: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const result = spawnSync(process.execPath, [join(root, 'bin', `${command}.js`), '--help'], { cwd: root, encoding: 'utf8' });
        seconds.push((performance.now() - started) / 1000);
        if (result.status !== 0) throw new Error(`${command} --help exited ${result.status}: ${result.stderr}`);
      }
      const median = percentile(seconds, 50);
      log(`${command}: ${seconds.map((s) => s.toFixed(3)).join(' ')} s`);
      measurements.push({ name: `${command} --help (median of ${runs})`, value: median, unit: 's', ...(target ? { target: `< ${target} s`, pass: median < target } : {}) });
    }
    return measurements;
  },
};

export default bench;
