/**
 * Test entry.
 *
 *   npm test                  the whole suite (what CI runs): unit tests, then integration and e2e
 *   npm run test:unit         unit tests only: no Prometheus install, no build, a couple of minutes
 *   npm test -- agent/ lib/prometheus/anomaly/     files whose path starts with one of these prefixes
 *   npm run test:eks          the eks target's CDK tests only (infra/eks, its own package)
 *
 * Unit tests are the `*.test.ts` files beside the code; they run in worker processes (one per core),
 * each worker taking the next file when it is done. Integration tests (under test/, and `*.real.test.ts`
 * files beside the code, which start the real Prometheus or Alertmanager) run one file at a time after
 * them, against the compiled build (`npm run build`, run here first) and the installed binaries.
 * The eks target's tests (infra/eks, its own package with the CDK toolchain) run after the unit tests,
 * in one process of their own (they share one synthesised blueprint): when infra/eks is installed, and
 * always under CI=true, where a missing install fails the run instead of skipping it.
 * The run ends with uvu's totals for all files together ("Total:", "Passed:"), which CI reads.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const eksDir = join(root, 'infra', 'eks');
const skipDirs = new Set(['node_modules', '.git', 'cdk.out', '.local-cluster', 'recordings', 'fixtures', 'dist', '.scratch']);

interface Totals {
  total: number;
  passed: number;
  skipped: number;
  failedFiles: string[];
}

if (process.argv.includes('--worker')) await serveAsWorker();
else await main();

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unitOnly = args.includes('--unit');
  const bail = args.includes('--bail');
  const jobsFlag = args.find((a) => a.startsWith('--jobs='));
  const jobs = Math.max(1, jobsFlag ? Number(jobsFlag.slice('--jobs='.length)) : Math.min(4, availableParallelism()));
  const unknown = args.filter((a) => a.startsWith('-') && a !== '--unit' && a !== '--bail' && !a.startsWith('--jobs='));
  if (unknown.length) fail(`unknown option ${unknown.join(' ')} (options: --unit, --bail, --jobs=N; other arguments are path prefixes)`);
  const prefixes = args.filter((a) => !a.startsWith('-')).map((a) => a.replace(/^\.\//, ''));

  const files = find(root, [])
    .map((file) => relative(root, file))
    .filter((file) => prefixes.length === 0 || prefixes.some((prefix) => file.startsWith(prefix)))
    .sort();
  const unit = files.filter(isUnit);
  const integration = unitOnly ? [] : files.filter((file) => !isUnit(file));
  const eks = eksSelection(prefixes);
  if (unit.length + integration.length === 0 && !eks) fail(`no test files start with ${prefixes.join(' or ')}${unitOnly ? ' (unit tests only)' : ''}`);

  const started = Date.now();
  const totals: Totals = { total: 0, passed: 0, skipped: 0, failedFiles: [] };
  if (unit.length) {
    process.stdout.write(`unit tests: ${unit.length} files in ${Math.min(jobs, unit.length)} workers\n`);
    await runFiles(unit, { workers: Math.min(jobs, unit.length), stream: false, bail }, totals);
  }
  if (eks && !(bail && totals.failedFiles.length)) runEksTests(eks.prefixes, totals);
  if (integration.length && !(bail && totals.failedFiles.length)) {
    prepareIntegration();
    process.stdout.write(`\nintegration tests: ${integration.length} files, one at a time\n`);
    await runFiles(integration, { workers: 1, stream: true, bail }, totals);
  }
  if (totals.failedFiles.length) process.stdout.write(`\nfailed: ${totals.failedFiles.join(', ')}\n`);
  // uvu's own summary format: CI reads the last "Total:" and "Passed:" lines.
  process.stdout.write(`\n  Total:     ${totals.total}\n  Passed:    ${totals.passed}\n  Skipped:   ${totals.skipped}\n  Duration:  ${((Date.now() - started) / 1000).toFixed(1)}s\n\n`);
  process.exitCode = totals.failedFiles.length ? 1 : 0;
}

/** Whether the arguments select infra/eks's tests, and which of its files (paths relative to infra/eks). */
function eksSelection(prefixes: string[]): { prefixes: string[] } | undefined {
  if (prefixes.length === 0) return { prefixes: [] };
  if (!prefixes.some((p) => p.startsWith('infra/eks') || 'infra/eks/'.startsWith(p))) return undefined;
  return { prefixes: prefixes.filter((p) => p.startsWith('infra/eks/') && p.length > 'infra/eks/'.length).map((p) => p.slice('infra/eks/'.length)) };
}

/**
 * infra/eks's own runner (infra/eks/test/run.ts) with infra/eks's tsx and the module hook that lets its
 * tests import the kit's sources; its uvu totals join ours.
 */
function runEksTests(prefixes: string[], totals: Totals): void {
  if (!existsSync(join(eksDir, 'node_modules', 'aws-cdk-lib', 'package.json'))) {
    if (process.env.CI === 'true') {
      process.stdout.write('\ninfra/eks: not installed; CI must run `npm ci --prefix infra/eks` before `npm test` (the eks tests are never skipped in CI)\n');
      totals.total += 1;
      totals.failedFiles.push('infra/eks (not installed)');
    } else {
      process.stdout.write('\ninfra/eks: not installed, its tests did not run (`npm ci --prefix infra/eks` installs the CDK toolchain; CI always runs them)\n');
    }
    return;
  }
  process.stdout.write('\ninfra/eks tests (one process, one synthesised blueprint)\n');
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', './kit-sources.mjs', 'test/run.ts', ...prefixes], { cwd: eksDir, encoding: 'utf8', env: process.env, maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const plain = stripVTControlCharacters(output);
  const number = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? 0);
  process.stdout.write(withoutTotals(output.split('\n').filter((line) => !/\bDEBUG\b/.test(stripVTControlCharacters(line))).join('\n')));
  process.stdout.write(`infra/eks: ${number('Passed')}/${number('Total')} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  const ok = result.status === 0 && number('Passed') === number('Total') && number('Total') > 0;
  totals.total += Math.max(number('Total'), ok ? 0 : 1);
  totals.passed += number('Passed');
  totals.skipped += number('Skipped');
  if (!ok) totals.failedFiles.push('infra/eks');
}

/** Unit tests need nothing but Node: no binaries, no build, no servers beyond the ones they start in-process. */
function isUnit(file: string): boolean {
  return !file.startsWith('test/') && !file.endsWith('.real.test.ts');
}

function find(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir)) {
    if (skipDirs.has(entry)) continue;
    const path = join(dir, entry);
    if (relative(root, path) === join('infra', 'eks')) continue;
    if (statSync(path).isDirectory()) find(path, out);
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/**
 * Integration tests run the real Prometheus and Alertmanager (installed here where we can: Debian or
 * Ubuntu as root, exactly as `local-cluster up` would) and the kit's compiled commands.
 */
function prepareIntegration(): void {
  const build = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  if (build.status !== 0) fail('npm run build failed: the integration tests run the compiled commands');
  const binaries = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', 'ensure-binaries.ts')], { stdio: 'inherit', cwd: root });
  if (binaries.status !== 0) fail('npm test needs Prometheus and Alertmanager (see above)');
}

interface RunOptions {
  workers: number;
  /** One worker whose output goes straight through (long e2e files show progress as they run). */
  stream: boolean;
  bail: boolean;
}

/** Hands files to worker processes one at a time; prints each file's output whole when it ends. */
async function runFiles(files: string[], options: RunOptions, totals: Totals): Promise<void> {
  const queue = [...files];
  const runWorker = async (): Promise<void> => {
    let worker = startWorker();
    while (queue.length) {
      if (options.bail && totals.failedFiles.length) break;
      const file = queue.shift()!;
      const result = await runInWorker(worker, file, options.stream);
      process.stdout.write(options.stream ? '' : result.output);
      totals.total += result.total;
      totals.passed += result.passed;
      totals.skipped += result.skipped;
      if (!result.ok) totals.failedFiles.push(file);
      if (result.crashed) worker = startWorker();
    }
    worker.kill();
  };
  await Promise.all(Array.from({ length: options.workers }, runWorker));
}

function startWorker(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--worker'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: process.env });
}

interface FileResult {
  ok: boolean;
  crashed: boolean;
  output: string;
  total: number;
  passed: number;
  skipped: number;
}

function runInWorker(worker: ChildProcess, file: string, stream: boolean): Promise<FileResult> {
  return new Promise((resolveFile) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (stream) process.stdout.write(withoutTotals(text));
    };
    const finish = (crashed: boolean, code?: number | null) => {
      worker.stdout!.off('data', onData);
      worker.stderr!.off('data', onData);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      const plain = stripVTControlCharacters(output);
      const number = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(plain)?.[1] ?? 0);
      const total = number('Total');
      const passed = number('Passed');
      const skipped = number('Skipped');
      const note = crashed ? `\n${file}: the test process exited (code ${code ?? 'signal'}) before the file finished\n` : '';
      if (stream && note) process.stdout.write(note);
      resolveFile({ ok: !crashed && exitOk && passed === total, crashed, output: withoutTotals(output) + note, total: crashed ? Math.max(total, passed + 1) : total, passed, skipped });
    };
    let exitOk = true;
    const onMessage = (message: { done?: boolean; ok?: boolean }) => {
      if (!message.done) return;
      exitOk = message.ok === true;
      // Output written just before the message may still be in the pipe.
      setImmediate(() => finish(false));
    };
    const onExit = (code: number | null) => finish(true, code);
    worker.stdout!.on('data', onData);
    worker.stderr!.on('data', onData);
    worker.on('message', onMessage);
    worker.once('exit', onExit);
    worker.send({ file });
  });
}

/** uvu prints totals after every file; the runner prints one summary for all of them at the end. */
function withoutTotals(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(Total|Passed|Skipped|Duration):/.test(stripVTControlCharacters(line)))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

/** A worker runs the files it is sent, one at a time, each with uvu's runner. */
async function serveAsWorker(): Promise<void> {
  const { run } = await import('uvu/run');
  process.on('message', async (message: { file: string }) => {
    const queue = (globalThis as { UVU_QUEUE?: unknown[] }).UVU_QUEUE;
    if (queue) queue.length = 0;
    process.exitCode = 0;
    await run([{ name: message.file, file: join(root, message.file) }]);
    process.send!({ done: true, ok: !process.exitCode });
  });
}

function fail(message: string): never {
  process.stderr.write(`npm test: ${message}\n`);
  process.exit(2);
}
