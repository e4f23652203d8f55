/**
 * Reliability of the scenarios (`npm run bench -- scenarios`): N consecutive `run-scenario <name> --fast
 * --auto-approve` runs of each scenario on a local stack of its own, as CI would run them. Per scenario:
 * the share resolved with the expected root cause (target >= 95 %), the median agent MTTR, and its spread
 * (largest distance of a run from the median, target within +-20 %).
 *
 *   npm run bench -- scenarios [--runs 10] [--scenarios memory-leak,crash-loop] [--parallel N] [--keep DIR]
 *
 * A --fast run takes two to four minutes (the agent's verification holds a minute), so ten runs of five
 * scenarios take about two and a half hours one after the other. `--parallel N` gives N workers a local
 * stack each (own ports and state) and deals the scenarios out to them; on 2 cores, 3 workers keep the
 * machine below saturation (most of a run is waiting) and finish in about an hour.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioReport } from '../core/types.js';
import { freeStackPorts } from '../test/support/deploy/ports.js';
import { scenarioNames } from '../scenarios/catalog.js';
import { median, readHistory, summarise } from '../runner/report/history.js';
import { flag, type Benchmark, type Measurement } from './harness.js';

const root = new URL('..', import.meta.url).pathname;

const expectedKind: Record<string, string> = { 'memory-leak': 'memory-leak', 'cpu-latency': 'cpu-throttling', 'network-latency': 'network-latency', 'node-pressure': 'node-pressure', 'crash-loop': 'crash-loop' };

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin/run-scenario.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), 20 * 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}\ncould not start run-scenario: ${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Outcome {
  resolved: boolean;
  rightCause: boolean;
  mttr: number | null;
  manual: number | null;
}

const benchmark: Benchmark = {
  name: 'scenarios',
  description: 'consecutive --fast --auto-approve runs of each scenario on the local target: resolved share and MTTR spread',
  async run({ args, log }): Promise<Measurement[]> {
    const runs = Number(flag(args, '--runs') ?? '10');
    const names = (flag(args, '--scenarios') ?? scenarioNames().join(',')).split(',').filter(Boolean);
    const workers = Math.max(1, Math.min(names.length, Number(flag(args, '--parallel') ?? '1')));
    if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer (got ${flag(args, '--runs')})`);
    const keep = flag(args, '--keep');
    const dir = keep ?? mkdtempSync(join(tmpdir(), 'bench-scenarios-'));
    mkdirSync(dir, { recursive: true });
    const ports = await freeStackPorts(workers);
    const envs = ports.map((p, w) => {
      const env: NodeJS.ProcessEnv = { ...process.env, LOCAL_CLUSTER_STATE_DIR: join(dir, `stack-${w}`), XDG_STATE_HOME: join(dir, `xdg-${w}`), LOG_LEVEL: 'warn' };
      for (const [name, port] of Object.entries(p)) env[`LOCAL_CLUSTER_${name.toUpperCase()}_PORT`] = String(port);
      return env;
    });
    const outcomesBy = new Map<string, Outcome[]>();
    const queue = [...names];
    const worker = async (w: number) => {
      for (let scenario = queue.shift(); scenario; scenario = queue.shift()) {
        const outcomes: Outcome[] = [];
        outcomesBy.set(scenario, outcomes);
        for (let i = 1; i <= runs; i++) {
          const out = join(dir, 'reports', `${scenario}-${i}`);
          const started = Date.now();
          const result = await run([scenario, '--fast', '--auto-approve', '--json', '--out', out, '--history', join(dir, 'reports', 'history.jsonl')], envs[w]!, dir);
          let report: ScenarioReport | undefined;
          try {
            report = JSON.parse(result.stdout) as ScenarioReport;
          } catch {
            report = undefined;
          }
          const resolved = result.code === 0 && report?.outcome === 'resolved';
          const rightCause = report?.rootCause?.kind === expectedKind[scenario];
          outcomes.push({ resolved: resolved && rightCause, rightCause, mttr: report?.mttr.agentSeconds ?? null, manual: report?.mttr.manualBaselineSeconds ?? null });
          log(`${scenario} ${i}/${runs}: ${resolved ? 'resolved' : `UNRESOLVED (exit ${result.code}: ${result.stderr.split('\n').filter((l) => /failed:|UNRESOLVED/.test(l)).slice(-1)[0] ?? ''})`}, ${report?.rootCause?.kind ?? 'no'} root cause, agent ${report?.mttr.agentSeconds ?? '-'} s, manual ${report?.mttr.manualBaselineSeconds ?? '-'} s, wall ${Math.round((Date.now() - started) / 1000)} s`);
        }
      }
    };
    const measurements: Measurement[] = [];
    try {
      await Promise.all(envs.map((_, w) => worker(w)));
      for (const scenario of names) {
        const outcomes = outcomesBy.get(scenario) ?? [];
        const times = outcomes.filter((o) => o.resolved && o.mttr !== null).map((o) => o.mttr!);
        const mid = median(times);
        const spread = mid ? (Math.max(...times.map((t) => Math.abs(t - mid))) / mid) * 100 : NaN;
        const resolvedPct = (outcomes.filter((o) => o.resolved).length / Math.max(1, outcomes.length)) * 100;
        measurements.push(
          { name: `${scenario}: resolved with the expected root cause`, value: resolvedPct, unit: '%', target: '>= 95 %', pass: resolvedPct >= 95, details: { runs, workers } },
          { name: `${scenario}: median agent MTTR`, value: mid ?? NaN, unit: 's', details: { times, manualMedian: median(outcomes.map((o) => o.manual).filter((m): m is number => m !== null)) } },
          { name: `${scenario}: MTTR spread around the median`, value: spread, unit: '%', target: '<= 20 %', pass: Number.isFinite(spread) && spread <= 20 },
        );
      }
      const summaries = summarise(readHistory(join(dir, 'reports', 'history.jsonl')));
      for (const s of summaries) log(`${s.scenario}: ${s.runs} runs, ${s.resolvedPct} % resolved, agent median ${s.agent.median} s (±${s.agent.spreadPct} %), manual median ${s.manual.median} s, reduction ${s.reductionPct} %`);
      const resultFile = join(dir, 'reports', 'history.jsonl');
      log(`run history: ${resultFile}${keep ? '' : ' (deleted at the end; pass --keep DIR to keep it)'}`);
    } finally {
      await Promise.all(envs.map((env) => new Promise<void>((resolve) => spawn(process.execPath, [join(root, 'bin/local-cluster.js'), 'down'], { cwd: root, env, stdio: 'ignore' }).on('close', () => resolve()))));
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
    return measurements;
  },
};

export default benchmark;
