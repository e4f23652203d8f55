/**
 * The Prometheus programs the stack runs: found on PATH (or named by PROMETHEUS_BIN, PROMTOOL_BIN,
 * ALERTMANAGER_BIN), installed from the distribution where we can do that safely and visibly
 * (Debian/Ubuntu, as root or with passwordless sudo), otherwise an error with the exact command to run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Binaries {
  prometheus: string;
  promtool: string;
  alertmanager: string;
  /** Alertmanager's config checker; Debian ships it in prometheus-alertmanager. Optional. */
  amtool?: string;
  prometheusVersion: string;
  alertmanagerVersion: string;
}

type Program = 'prometheus' | 'promtool' | 'alertmanager';

const programs: Record<Program, { names: string[]; env: string }> = {
  prometheus: { names: ['prometheus'], env: 'PROMETHEUS_BIN' },
  promtool: { names: ['promtool'], env: 'PROMTOOL_BIN' },
  // Debian names the binary prometheus-alertmanager; upstream tarballs and Homebrew name it alertmanager.
  alertmanager: { names: ['prometheus-alertmanager', 'alertmanager'], env: 'ALERTMANAGER_BIN' },
};

/** http_sd_configs arrived in Prometheus 2.28; Debian bookworm ships 2.42. */
const minimumPrometheus = [2, 28];

export function findOnPath(names: string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Finds each program; throws when an *_BIN override names something that is not an executable. */
export function locatePrograms(env: NodeJS.ProcessEnv = process.env): { found: Partial<Record<Program, string>>; missing: Program[] } {
  const found: Partial<Record<Program, string>> = {};
  const missing: Program[] = [];
  for (const [program, { names, env: variable }] of Object.entries(programs) as [Program, (typeof programs)[Program]][]) {
    const override = env[variable];
    if (override) {
      if (!isExecutable(override)) throw new Error(`${variable}=${override} is not an executable file; fix the path or unset ${variable} to search PATH`);
      found[program] = override;
      continue;
    }
    const path = findOnPath(names, env);
    if (path) found[program] = path;
    else missing.push(program);
  }
  return { found, missing };
}

export interface HostFacts {
  platform: NodeJS.Platform;
  /** Fields of /etc/os-release (ID, ID_LIKE, ...), when it exists. */
  osRelease?: Record<string, string>;
  isRoot: boolean;
  passwordlessSudo: boolean;
}

export interface InstallPlan {
  /** Whether `up` may run it (root or passwordless sudo on Debian/Ubuntu); otherwise the user must. */
  automatic: boolean;
  /** argv to run, already prefixed with sudo where needed; empty when there is no package manager route. */
  command: string[];
  /** What to tell the user. */
  instructions: string;
}

const downloadPage = 'https://prometheus.io/download/';

/** How to install the missing programs on this host. Pure, so every OS branch is testable here. */
export function installPlan(missing: Program[], host: HostFacts): InstallPlan {
  const family = `${host.osRelease?.ID ?? ''} ${host.osRelease?.ID_LIKE ?? ''}`;
  const overrideHint = 'or point PROMETHEUS_BIN, PROMTOOL_BIN and ALERTMANAGER_BIN at binaries you have';
  if (host.platform === 'linux' && /\b(debian|ubuntu)\b/.test(family)) {
    const packages = [...new Set(missing.map((p) => (p === 'alertmanager' ? 'prometheus-alertmanager' : 'prometheus')))];
    const install = ['apt-get', 'install', '-y', '--no-install-recommends', ...packages];
    if (host.isRoot) return { automatic: true, command: install, instructions: install.join(' ') };
    if (host.passwordlessSudo) return { automatic: true, command: ['sudo', '-n', ...install], instructions: ['sudo', ...install].join(' ') };
    return { automatic: false, command: ['sudo', ...install], instructions: `run: sudo ${install.join(' ')}  (${overrideHint})` };
  }
  if (host.platform === 'linux' && /\b(fedora|rhel|centos)\b/.test(family)) {
    const packages = [...new Set(missing.map((p) => (p === 'alertmanager' ? 'golang-github-prometheus-alertmanager' : 'golang-github-prometheus')))];
    const command = ['sudo', 'dnf', 'install', '-y', ...packages];
    return { automatic: false, command, instructions: `run: ${command.join(' ')}  (or take the binaries from ${downloadPage}, ${overrideHint})` };
  }
  if (host.platform === 'darwin') {
    const packages = [...new Set(missing.map((p) => (p === 'alertmanager' ? 'alertmanager' : 'prometheus')))];
    const command = ['brew', 'install', ...packages];
    return { automatic: false, command, instructions: `run: ${command.join(' ')}` };
  }
  return { automatic: false, command: [], instructions: `download Prometheus and Alertmanager from ${downloadPage} and put them on PATH, ${overrideHint}` };
}

export function hostFacts(): HostFacts {
  let osRelease: Record<string, string> | undefined;
  try {
    osRelease = parseOsRelease(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    osRelease = undefined;
  }
  const isRoot = process.getuid?.() === 0;
  const passwordlessSudo = !isRoot && process.platform === 'linux' && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
  return { platform: process.platform, osRelease, isRoot, passwordlessSudo };
}

export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) fields[match[1]!] = match[2]!.replace(/^"(.*)"$/, '$1');
  }
  return fields;
}

export interface EnsureOptions {
  install: boolean;
  /** Progress and install output, line by line. */
  say: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  host?: HostFacts;
}

/** Finds the programs, installing them first when allowed and possible; throws with instructions otherwise. */
export async function ensureBinaries(options: EnsureOptions): Promise<Binaries> {
  const env = options.env ?? process.env;
  let { found, missing } = locatePrograms(env);
  if (missing.length > 0) {
    const plan = installPlan(missing, options.host ?? hostFacts());
    const what = `${missing.join(', ')} not found on PATH`;
    if (!plan.automatic || !options.install) {
      throw new Error(`${what}; ${plan.instructions}${plan.automatic ? ' (or run up without --no-install)' : ''}`);
    }
    options.say(`${what}; installing them: ${plan.instructions}`);
    await runInstall(plan.command, options.say);
    ({ found, missing } = locatePrograms(env));
    if (missing.length > 0) throw new Error(`${missing.join(', ')} still not found on PATH after "${plan.instructions}"; check its output above`);
  }
  const prometheusVersion = versionOf(found.prometheus!);
  const [major = 0, minor = 0] = prometheusVersion.split('.').map(Number);
  if (major < minimumPrometheus[0]! || (major === minimumPrometheus[0] && minor < minimumPrometheus[1]!)) {
    throw new Error(`${found.prometheus} is Prometheus ${prometheusVersion}; the stack needs ${minimumPrometheus.join('.')} or newer (http_sd_configs); upgrade it or set PROMETHEUS_BIN`);
  }
  return {
    prometheus: found.prometheus!,
    promtool: found.promtool!,
    alertmanager: found.alertmanager!,
    amtool: env.AMTOOL_BIN ?? findOnPath(['amtool'], env),
    prometheusVersion,
    alertmanagerVersion: versionOf(found.alertmanager!),
  };
}

/** "prometheus, version 2.42.0+ds (branch: ...)" -> "2.42.0+ds". */
export function versionOf(binary: string): string {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  const text = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return /version (\S+)/.exec(text)?.[1] ?? 'unknown';
}

async function runInstall(command: string[], say: (line: string) => void): Promise<void> {
  const aptInstall = command.includes('apt-get');
  let status = await runStreaming(command, say);
  if (status !== 0 && aptInstall) {
    // The usual cause on a fresh machine: no package lists yet ("Unable to locate package").
    const update = command.slice(0, command.indexOf('apt-get')).concat(['apt-get', 'update']);
    say(`install failed; refreshing package lists: ${update.join(' ')}`);
    if ((await runStreaming(update, say)) === 0) status = await runStreaming(command, say);
  }
  if (status !== 0) throw new Error(`"${command.join(' ')}" failed (exit ${status}); see its output above, fix the cause and run up again`);
}

function runStreaming(command: string[], say: (line: string) => void): Promise<number> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command[0]!, command.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) say(`  | ${line}`);
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.once('error', (error) => reject(new Error(`could not run ${command[0]}: ${error.message}`)));
    child.once('close', (code) => resolveRun(code ?? 1));
  });
}
