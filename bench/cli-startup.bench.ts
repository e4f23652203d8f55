/**
 * `npm run bench -- cli-startup`: how fast the compiled commands answer. Each `--help` is timed from
 * process start to exit; the MCP server from process start to its answer to `initialize` over stdio
 * (what a client such as Claude Desktop waits for before the first tool call). Median of `--runs N`
 * (default 7). Builds first (`npm run build`), since production runs the compiled JavaScript.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { flag, percentile, type Benchmark, type Measurement } from './harness.js';
import { packageRoot } from '../lib/platform/package-root.js';

const helpTargetSeconds = 0.5;
const initializeTargetSeconds = 1;

function timeHelp(bin: string): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(packageRoot, 'bin', `${bin}.js`), '--help'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${bin} --help exited ${result.status}: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

/** Seconds from spawning `prometheus-mcp` (stdio) to the `initialize` result on its stdout. */
function timeInitialize(): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // The server does not need Prometheus to answer initialize; an unused loopback port is enough.
    const child = spawn(process.execPath, [join(packageRoot, 'bin', 'prometheus-mcp.js'), '--prometheus-url', 'http://127.0.0.1:9'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no initialize answer within 20 s: ${err.slice(0, 500)}`));
    }, 20_000);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"id":1') && out.includes('"result"')) {
        const seconds = (performance.now() - started) / 1000;
        clearTimeout(timer);
        child.kill();
        resolve(seconds);
      }
    });
    child.on('error', reject);
    child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }) + '\n');
  });
}

const benchmark: Benchmark = {
  name: 'cli-startup',
  description: `compiled commands: --help < ${helpTargetSeconds} s, MCP initialize over stdio < ${initializeTargetSeconds} s`,
  async run({ args, log }) {
    const runs = Number(flag(args, '--runs') ?? 7);
    const build = spawnSync(process.execPath, [join(packageRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(packageRoot, 'tsconfig.build.json')], { stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
    const measurements: Measurement[] = [];
    for (const bin of ['prometheus-mcp', 'devops-agent', 'local-cluster', 'run-scenario']) {
      const times = Array.from({ length: runs }, () => timeHelp(bin));
      const median = percentile(times, 50);
      const required = bin === 'prometheus-mcp' || bin === 'devops-agent';
      log(`${bin} --help: ${times.map((t) => t.toFixed(2)).join(' ')} s`);
      measurements.push({ name: `${bin} --help (median of ${runs})`, value: median, unit: 's', ...(required ? { target: `< ${helpTargetSeconds} s`, pass: median < helpTargetSeconds } : {}), details: { runs: times } });
    }
    const initialize: number[] = [];
    for (let i = 0; i < runs; i++) initialize.push(await timeInitialize());
    const median = percentile(initialize, 50);
    log(`prometheus-mcp initialize: ${initialize.map((t) => t.toFixed(2)).join(' ')} s`);
    measurements.push({ name: `prometheus-mcp (stdio) start to initialize (median of ${runs})`, value: median, unit: 's', target: `< ${initializeTargetSeconds} s`, pass: median < initializeTargetSeconds, details: { runs: initialize } });
    return measurements;
  },
};

export default benchmark;
