/**
 * The root Dockerfile, proven without a Docker engine: its runtime stage's file set is rebuilt in a
 * temporary directory by following that stage's own lines (COPY from the build context or from the
 * build stage, which is this checkout after `npm run build`; RUN npm ci with the same flags, from the
 * npm registry), then checked: its size, no dev dependency in it, every command starting from it as a
 * non-root user that cannot write there (as on a read-only root filesystem), the workload serving and
 * the HEALTHCHECK command judging it. A line this test cannot reproduce fails it, so the Dockerfile and
 * the test change together.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serviceByName } from '../lib/petadoption/catalog.js';
import { freePort } from './support/free-port.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** What the runtime stage may weigh (files, without the base image): production dependencies and the build. */
const SIZE_BUDGET_MB = 160;

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  name: string;
  instructions: Instruction[];
}

/** Instructions by stage: comments and the parser directive dropped, continuation lines joined. */
function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.trimEnd().endsWith('\\')) {
      line = line.trimEnd().slice(0, -1);
      i++;
      while (i < lines.length && /^\s*#/.test(lines[i]!)) i++;
      line += ` ${lines[i]!.trim()}`;
    }
    const [, keyword, args] = /^\s*(\w+)\s+(.*)$/.exec(line)!;
    const instruction = { keyword: keyword!.toUpperCase(), args: args!.trim(), line: start + 1 };
    if (instruction.keyword === 'FROM') stages.push({ name: /\bAS\s+(\S+)$/i.exec(instruction.args)?.[1] ?? String(stages.length), instructions: [] });
    stages.at(-1)?.instructions.push(instruction);
  }
  return stages;
}

/** A Docker path pattern (`*`, `?`, `**`) as a regular expression over slash-separated relative paths. */
function pattern(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** .dockerignore as patterns over context-relative paths (a pattern also excludes what is under it). */
function ignoredByContext(path: string): boolean {
  const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => pattern(l.replace(/^\//, '')));
  const parts = path.split('/');
  return parts.some((_, i) => patterns.some((p) => p.test(parts.slice(0, i + 1).join('/'))));
}

/** Splits a COPY line into its flags and paths. */
function copyArgs(args: string): { from?: string; excludes: RegExp[]; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const unknown = flags.filter((f) => !/^--(from|exclude)=/.test(f));
  if (unknown.length) throw new Error(`COPY flags this test does not reproduce: ${unknown.join(' ')}`);
  return {
    from: flags.find((f) => f.startsWith('--from='))?.slice('--from='.length),
    excludes: flags.filter((f) => f.startsWith('--exclude=')).map((f) => pattern(f.slice('--exclude='.length))),
    sources: paths.slice(0, -1),
    dest: paths.at(-1)!,
  };
}

/** Copies a file, or a directory's contents, leaving out what the exclude patterns match (relative to the source). */
function copyInto(source: string, target: string, excludes: RegExp[], top = source): void {
  const rel = relative(top, source);
  if (rel && excludes.some((e) => e.test(rel))) return;
  if (statSync(source).isDirectory()) {
    mkdirSync(target, { recursive: true });
    for (const entry of readdirSync(source)) copyInto(join(source, entry), join(target, entry), excludes, top);
  } else {
    mkdirSync(dirname(target), { recursive: true });
    cpSync(source, target);
  }
}

function sizeOf(path: string): number {
  const stat = lstatSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((sum, entry) => sum + sizeOf(join(path, entry)), 0) : stat.size;
}

const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const build = stages.find((s) => s.name === 'build');
const runtime = stages.at(-1)!;
const scratch = mkdtempSync(join(tmpdir(), 'image-'));
/** The image's filesystem: / of the container is `scratch`, its WORKDIR under it. */
const inImage = (path: string) => join(scratch, path);
let workdir = '/';
const env: Record<string, string> = {};
const links = new Map<string, string>();
const setup: string[] = [];
const timings: Record<string, number> = {};
let healthcheck: string[] = [];
let user = 'root';
let command: string[] = [];

/** Whoever the container runs as: not root, and nobody who may write into the image's files. */
const asNonRoot: SpawnSyncOptions = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
const dataDir = join(scratch, 'data');

test.before(() => {
  chmodSync(scratch, 0o755);
  for (const instruction of runtime.instructions) {
    const { keyword, args } = instruction;
    switch (keyword) {
      case 'FROM':
      case 'ARG':
      case 'EXPOSE':
      case 'VOLUME':
        break;
      case 'ENV':
        for (const m of args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
        break;
      case 'WORKDIR':
        workdir = args;
        mkdirSync(inImage(workdir), { recursive: true });
        break;
      case 'USER':
        user = args;
        break;
      case 'COPY': {
        const copy = copyArgs(args);
        for (const source of copy.sources) {
          let from: string;
          if (copy.from) {
            assert.is(copy.from, 'build', `line ${instruction.line}: copies come from the build stage`);
            // The build stage is this checkout after `npm ci` and `npm run build` (its WORKDIR /app).
            assert.ok(source.startsWith('/app/'), `line ${instruction.line}: ${source} is under the build stage's /app`);
            from = join(root, source.slice('/app/'.length));
          } else {
            assert.not.ok(ignoredByContext(source), `line ${instruction.line}: ${source} is left out of the build context by .dockerignore`);
            from = join(root, source);
          }
          assert.ok(existsSync(from), `line ${instruction.line}: ${from} exists`);
          const dest = inImage(copy.dest.startsWith('/') ? copy.dest : join(workdir, copy.dest));
          const intoDirectory = copy.dest.endsWith('/') || copy.sources.length > 1;
          copyInto(from, statSync(from).isDirectory() || !intoDirectory ? dest : join(dest, basename(from)), copy.excludes);
        }
        break;
      }
      case 'RUN':
        for (const step of args.split('&&').map((s) => s.trim())) {
          const words = step.split(/\s+/);
          if (words[0] === 'npm' && words[1] === 'ci') {
            const started = Date.now();
            const result = spawnSync('npm', words.slice(1), { cwd: inImage(workdir), encoding: 'utf8', env: { ...process.env, NODE_ENV: env.NODE_ENV ?? 'production' } });
            assert.is(result.status, 0, `${step}:\n${result.stdout}\n${result.stderr}`);
            timings[step] = Date.now() - started;
          } else if (step === 'npm cache clean --force') {
            // The image's npm cache, not this machine's: nothing to reproduce.
          } else if (words[0] === 'ln' && words[1] === '-s') links.set(words[3]!, words[2]!);
          else if (/^(mkdir -p|chown) /.test(step)) setup.push(step);
          else throw new Error(`line ${instruction.line}: a RUN step this test does not reproduce: ${step}`);
        }
        break;
      case 'HEALTHCHECK':
        healthcheck = JSON.parse(/CMD\s+(\[.*\])$/.exec(args)![1]!) as string[];
        break;
      case 'CMD':
        command = JSON.parse(args) as string[];
        break;
      default:
        throw new Error(`line ${instruction.line}: ${keyword} is not reproduced by this test`);
    }
  }
  mkdirSync(dataDir, { recursive: true });
  if (asNonRoot.uid !== undefined) spawnSync('chown', ['-R', `${asNonRoot.uid}:${asNonRoot.gid}`, dataDir]);
});

test.after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

const app = () => inImage(workdir);

function runInImage(args: string[], extraEnv: Record<string, string> = {}) {
  return spawnSync(process.execPath, args, { ...asNonRoot, cwd: app(), encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env, XDG_STATE_HOME: dataDir, ...extraEnv } });
}

test('the Dockerfile is multi-stage: a build stage compiles, the runtime stage installs production dependencies only and runs as a non-root user', () => {
  assert.ok(stages.length >= 2 && build, `stages: ${stages.map((s) => s.name)}`);
  const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  assert.ok(runs(build!).some((r) => /\bnpm ci\b/.test(r)));
  assert.ok(runs(build!).some((r) => /\bnpm run build\b/.test(r)));
  assert.ok(runs(runtime).some((r) => /\bnpm ci --omit=dev\b/.test(r)));
  assert.ok(user !== 'root' && user !== '0', `USER ${user}`);
  assert.ok(healthcheck.length > 0, 'HEALTHCHECK');
  assert.equal(command, ['devops-agent', 'serve']);
  assert.not.ok(runtime.instructions.some((i) => i.keyword === 'COPY' && /(^|\s)\.\s/.test(i.args)), 'the runtime stage never copies the whole context');
  assert.ok(existsSync(join(root, '.dockerignore')));
  for (const heavy of ['node_modules/x', 'dist/x', 'infra/eks/cdk.out', '.git/x']) assert.ok(ignoredByContext(heavy), `.dockerignore leaves out ${heavy}`);
});

test(`the runtime file set is small (under ${SIZE_BUDGET_MB} MB) and holds the build and the data the kit reads`, () => {
  const total = sizeOf(app());
  const modules = sizeOf(join(app(), 'node_modules'));
  const dist = sizeOf(join(app(), 'dist'));
  console.log(`  runtime file set: ${(total / 2 ** 20).toFixed(1)} MiB (node_modules ${(modules / 2 ** 20).toFixed(1)} MiB, dist ${(dist / 2 ** 20).toFixed(1)} MiB); ${JSON.stringify(timings)}`);
  assert.ok(total < SIZE_BUDGET_MB * 2 ** 20, `${total} bytes`);
  for (const path of ['package.json', 'dist/bin/devops-agent.js', 'dist/workload/main.js', 'agent/playbooks/crash-loop.yaml', 'agent/workflow/general-investigation.yaml', 'agent/analysis/calibration.json', 'runner/report/report.html.hbs', 'scenarios/memory-leak/scenario.yaml', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node']) {
    assert.ok(existsSync(join(app(), path)), path);
  }
  const sources = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'node_modules' ? [] : sources(join(dir, e.name))) : /\.(ts|map)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : []));
  assert.equal(sources(app()).map((f) => relative(app(), f)), [], 'no TypeScript sources or source maps of ours');
  for (const [link, target] of links) assert.ok(existsSync(inImage(target)), `${link} -> ${target}`);
  assert.ok([...links.keys()].includes('/usr/local/bin/devops-agent'), 'the default command is on PATH');
});

test('no dev dependency is installed: nothing the lock file marks dev, no TypeScript, no tsx', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const dev = Object.entries(lock.packages).filter(([path, entry]) => path && entry.dev).map(([path]) => path);
  assert.ok(dev.length > 50, 'the lock file marks its dev packages');
  assert.equal(dev.filter((path) => existsSync(join(app(), path))), []);
  for (const name of ['typescript', 'tsx', 'esbuild', 'uvu', 'eslint']) assert.not.ok(existsSync(join(app(), 'node_modules', name)), name);
});

test("every command starts from the file set, as a user who cannot write there", () => {
  const bins = JSON.parse(readFileSync(join(app(), 'package.json'), 'utf8')).bin as Record<string, string>;
  assert.equal(Object.keys(bins).sort(), ['devops-agent', 'local-cluster', 'prometheus-mcp', 'run-scenario']);
  for (const [name, path] of Object.entries(bins)) {
    const result = runInImage([path, '--help']);
    assert.is(result.status, 0, `${name} --help: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`${name}`, 'i'));
  }
  const workload = runInImage(['dist/workload/main.js', '--help']);
  assert.is(workload.status, 0, workload.stderr);
  assert.match(workload.stdout, /petadoption-workload --role ROLE/);
  // The data folders read at run time: scenarios, and the agent's playbooks, workflow and calibration.
  const list = runInImage([bins['run-scenario']!, '--list']);
  assert.is(list.status, 0, list.stderr);
  assert.match(list.stdout, /memory-leak/);
  const investigation = runInImage([bins['devops-agent']!, 'investigate', '--event', join(root, 'agent/intake/fixtures/manual-crash-loop.json'), '--json']);
  assert.is(investigation.status, 0, investigation.stderr);
  assert.match(investigation.stdout, /"kind": "crash-loop"/);
});

test('the workload serves from the file set and the HEALTHCHECK command judges it', async () => {
  const port = await freePort();
  const profile = serviceByName.get('petsearch')!;
  const child = spawn(process.execPath, ['dist/workload/main.js'], {
    ...asNonRoot,
    cwd: app(),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, HOME: '/nonexistent', ...env, ...Object.fromEntries(profile.env.map((e) => [e.name, e.value])), ROLE: 'petsearch', PORT: String(port), LISTEN_ADDRESS: '127.0.0.1', STARTUP_SECONDS: '0', MEMORY_SCALE: '0' },
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c));
  child.stderr!.on('data', (c: Buffer) => (output += c));
  const exited = once(child, 'exit');
  try {
    const deadline = Date.now() + 20_000;
    while (!(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok).catch(() => false))) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `petsearch did not become ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.is((await fetch(`http://127.0.0.1:${port}/api/search`)).status, 200);
    const [program, ...args] = healthcheck;
    assert.is(program, 'node');
    const healthy = spawnSync(process.execPath, args, { ...asNonRoot, cwd: app(), encoding: 'utf8', env: { PATH: process.env.PATH, HEALTHCHECK_PORT: String(port) } });
    assert.is(healthy.status, 0, healthy.stderr);
    const unhealthy = spawnSync(process.execPath, args, { ...asNonRoot, cwd: app(), encoding: 'utf8', env: { PATH: process.env.PATH, HEALTHCHECK_PORT: String(await freePort()) } });
    assert.is(unhealthy.status, 1);
  } finally {
    child.kill('SIGTERM');
    const [code] = await exited;
    assert.is(code, 0, output);
  }
});

test.run();
