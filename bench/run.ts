/**
 * `npm run bench [-- <name filter>... --flag value]`: runs every `*.bench.ts` under the repository
 * (benchmarks live beside the code they measure, or in bench/), prints each measurement against its
 * target, and writes bench/results/latest.json.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Benchmark, Measurement } from './harness.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const skip = new Set(['node_modules', '.git', 'cdk.out', '.local-cluster']);

function find(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (skip.has(entry)) continue;
    const path = join(dir, entry);
    if (relative(root, path) === join('infra', 'eks')) continue;
    if (statSync(path).isDirectory()) find(path, out);
    else if (entry.endsWith('.bench.ts')) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const filters: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i]!.startsWith('--')) {
    if (!args[i]!.includes('=') && args[i + 1] && !args[i + 1]!.startsWith('--')) i++;
    continue;
  }
  filters.push(args[i]!);
}

const results: { benchmark: string; file: string; measurements: Measurement[]; error?: string }[] = [];
let failed = false;
for (const file of find(root).sort()) {
  const mod = (await import(pathToFileURL(file).href)) as { default: Benchmark };
  const bench = mod.default;
  // A filter names a benchmark or its file (slack matches bench/slack.bench.ts), never the folders above it.
  if (filters.length && !filters.some((f) => bench.name.includes(f) || basename(file, '.bench.ts').includes(f))) continue;
  const log = (message: string) => process.stderr.write(`  [${bench.name}] ${message}\n`);
  console.log(`\n== ${bench.name}: ${bench.description}`);
  try {
    const measurements = await bench.run({ args, log });
    for (const m of measurements) {
      const verdict = m.pass === undefined ? '' : m.pass ? '  ok' : '  MISSED';
      console.log(`  ${m.name.padEnd(52)} ${formatValue(m.value).padStart(12)} ${m.unit.padEnd(10)} ${m.target ? `target ${m.target}` : ''}${verdict}`);
    }
    results.push({ benchmark: bench.name, file: relative(root, file), measurements });
  } catch (error) {
    failed = true;
    console.log(`  error: ${(error as Error).stack ?? error}`);
    results.push({ benchmark: bench.name, file: relative(root, file), measurements: [], error: String(error) });
  }
}

mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'latest.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2) + '\n');
console.log(`\nresults written to bench/results/latest.json`);
process.exitCode = failed ? 1 : 0;

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
