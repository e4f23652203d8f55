/**
 * Where a local stack lives and how it is reached: state directory, ports, timing profile. Resolved from
 * flags, then environment variables, then defaults; the option table below is also what `--help` prints,
 * so the documentation cannot drift from the behaviour.
 */
import { defaultLocalTargetDir } from '../../../core/local-target.js';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveProfile, type TimingProfile } from '../profiles.js';
import { simulationEntry } from './launch.js';

export type Subcommand = 'up' | 'down' | 'status';

export interface StackPorts {
  prometheus: number;
  alertmanager: number;
  /** The simulated cluster's Kubernetes API subset (https). */
  kube: number;
  /** The simulation's exporters, Prometheus service discovery and X-Ray API subset (http). */
  simulation: number;
  agent: number;
  mcp: number;
}

/**
 * Defaults stay clear of 9090/9093: Debian's `prometheus` and `prometheus-alertmanager` packages, which
 * `up` may install, start system services on exactly those ports.
 */
export const defaultPorts: StackPorts = { prometheus: 19090, alertmanager: 19093, kube: 16443, simulation: 16444, agent: 18080, mcp: 18081 };

export interface StackConfig {
  stateDir: string;
  /** Whether the state directory was chosen explicitly, so hints can repeat the flag. */
  stateDirExplicit: boolean;
  profile: TimingProfile;
  ports: StackPorts;
  portOffset: number;
  /** Install missing Prometheus/Alertmanager packages where possible (Debian/Ubuntu as root or sudo). */
  install: boolean;
  /** Seed of the simulation, for reproducible runs. */
  seed?: number;
  /** Script that runs the simulation process; tests point it at a stand-in. */
  simulationEntry: string;
}

/** One command-line option: its flag, the environment variable behind it, and what it does. */
export interface StackOption {
  flag: string;
  /** Placeholder of the value; absent for boolean flags. */
  value?: string;
  env?: string;
  describe: string;
  commands: readonly Subcommand[];
}

const all: Subcommand[] = ['up', 'down', 'status'];
const portOption = (name: keyof StackPorts, what: string): StackOption => ({
  flag: `--${name}-port`,
  value: 'PORT',
  env: `LOCAL_CLUSTER_${name.toUpperCase()}_PORT`,
  describe: `${what} (default ${defaultPorts[name]} + offset)`,
  commands: ['up'],
});

export const stackOptions: readonly StackOption[] = [
  {
    flag: '--state-dir',
    value: 'DIR',
    env: 'LOCAL_CLUSTER_STATE_DIR',
    describe: 'configs, data, logs, kubeconfig and pids of this stack (default ${XDG_STATE_HOME:-~/.local/state}/eks-incident-kit/local-cluster, suffixed -N with --port-offset N)',
    commands: all,
  },
  {
    flag: '--port-offset',
    value: 'N',
    env: 'LOCAL_CLUSTER_PORT_OFFSET',
    describe: 'add N to every default port and use a state directory of its own: a second stack is one flag',
    commands: all,
  },
  { flag: '--profile', value: 'NAME', env: 'LOCAL_CLUSTER_PROFILE', describe: 'timing profile: realistic (default; EKS-like intervals) or fast (seconds; CI and rehearsals)', commands: ['up'] },
  { flag: '--fast', describe: 'shorthand for --profile fast', commands: ['up'] },
  portOption('prometheus', 'Prometheus HTTP port'),
  portOption('alertmanager', 'Alertmanager HTTP port'),
  portOption('kube', 'simulated cluster: Kubernetes API subset (https)'),
  portOption('simulation', 'simulated cluster: exporters, service discovery, X-Ray API'),
  portOption('agent', 'DevOps agent (Alertmanager sends its webhooks there)'),
  portOption('mcp', 'Prometheus MCP server'),
  { flag: '--seed', value: 'N', env: 'LOCAL_CLUSTER_SEED', describe: 'seed of the simulation (reproducible traffic and noise)', commands: ['up'] },
  { flag: '--no-install', env: 'LOCAL_CLUSTER_NO_INSTALL', describe: 'never install Prometheus/Alertmanager; print the install command instead', commands: ['up'] },
  { flag: '--json', describe: 'print the result as JSON on stdout (progress goes to stderr)', commands: all },
  { flag: '--help', describe: 'show this help', commands: all },
];

/** Bad input on the command line: the CLI exits 2 with this one-line message. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export type FlagValues = Record<string, string | boolean | undefined>;


export const defaultStateDir = defaultLocalTargetDir;

/** Flag > environment variable > default, for every setting of the stack. */
export function resolveStackConfig(flags: FlagValues, env: NodeJS.ProcessEnv = process.env, home = homedir()): StackConfig {
  const pick = (flag: string, envName?: string): string | undefined => {
    const value = flags[flag];
    if (typeof value === 'string') return value;
    return envName && env[envName] ? env[envName] : undefined;
  };

  const portOffset = integer(pick('port-offset', 'LOCAL_CLUSTER_PORT_OFFSET') ?? '0', '--port-offset', 0, 50_000);

  if (flags.fast === true && typeof flags.profile === 'string' && flags.profile !== 'fast') {
    throw new UsageError(`--fast contradicts --profile ${flags.profile}; give one of them`);
  }
  const profileName = flags.fast === true ? 'fast' : pick('profile', 'LOCAL_CLUSTER_PROFILE');
  let profile: TimingProfile;
  try {
    profile = resolveProfile(profileName);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const ports = {} as StackPorts;
  for (const name of Object.keys(defaultPorts) as (keyof StackPorts)[]) {
    const explicit = pick(`${name}-port`, `LOCAL_CLUSTER_${name.toUpperCase()}_PORT`);
    ports[name] = explicit === undefined ? defaultPorts[name] + portOffset : integer(explicit, `--${name}-port`, 1, 65_535);
    if (ports[name] > 65_535) throw new UsageError(`--port-offset ${portOffset} puts the ${name} port past 65535; use a smaller offset`);
  }
  const taken = new Map<number, string>();
  for (const [name, port] of Object.entries(ports)) {
    if (taken.has(port)) throw new UsageError(`the ${taken.get(port)} and ${name} ports are both ${port}; give them different ports`);
    taken.set(port, name);
  }

  const explicitStateDir = pick('state-dir', 'LOCAL_CLUSTER_STATE_DIR');
  const seedText = pick('seed', 'LOCAL_CLUSTER_SEED');
  const noInstall = flags['no-install'] === true || isTruthy(env.LOCAL_CLUSTER_NO_INSTALL);

  return {
    stateDir: explicitStateDir ? resolve(explicitStateDir) : defaultStateDir(env, portOffset, home),
    stateDirExplicit: Boolean(explicitStateDir),
    profile,
    ports,
    portOffset,
    install: !noInstall,
    seed: seedText === undefined ? undefined : integer(seedText, '--seed', 0, 2 ** 31 - 1),
    simulationEntry: env.LOCAL_CLUSTER_SIMULATION_ENTRY ? resolve(env.LOCAL_CLUSTER_SIMULATION_ENTRY) : simulationEntry,
  };
}

/** The flags another command needs to address the same stack ("--port-offset 100"), for printed hints. */
export function stackSelector(config: StackConfig): string {
  if (config.stateDirExplicit) return ` --state-dir ${shellQuote(config.stateDir)}`;
  return config.portOffset ? ` --port-offset ${config.portOffset}` : '';
}

/** Files and folders of one stack. Everything a stack writes stays under its state directory. */
export interface StackPaths {
  stateDir: string;
  stateFile: string;
  lockFile: string;
  logsDir: string;
  kubeconfig: string;
  /** Serving certificate and key of the simulated Kubernetes API (kept across restarts, like the token). */
  kubeTlsCert: string;
  kubeTlsKey: string;
  simulationDir: string;
  prometheusConfig: string;
  rulesFile: string;
  prometheusData: string;
  alertmanagerConfig: string;
  alertmanagerData: string;
  log(component: string): string;
}

export function stackPaths(stateDir: string): StackPaths {
  const logsDir = join(stateDir, 'logs');
  return {
    stateDir,
    stateFile: join(stateDir, 'state.json'),
    lockFile: join(stateDir, 'lock'),
    logsDir,
    kubeconfig: join(stateDir, 'kubeconfig'),
    kubeTlsCert: join(stateDir, 'kube-api', 'tls.crt'),
    kubeTlsKey: join(stateDir, 'kube-api', 'tls.key'),
    simulationDir: join(stateDir, 'simulation'),
    prometheusConfig: join(stateDir, 'prometheus', 'prometheus.yml'),
    rulesFile: join(stateDir, 'prometheus', 'rules', 'alerts.yml'),
    prometheusData: join(stateDir, 'prometheus', 'data'),
    alertmanagerConfig: join(stateDir, 'alertmanager', 'alertmanager.yml'),
    alertmanagerData: join(stateDir, 'alertmanager', 'data'),
    log: (component) => join(logsDir, `${component}.log`),
  };
}

export const loopbackUrl = (port: number): string => `http://127.0.0.1:${port}`;
export const loopbackHttpsUrl = (port: number): string => `https://127.0.0.1:${port}`;

/** Where Alertmanager delivers alerts: the agent's webhook (DESIGN.md, agent HTTP API). */
export const agentWebhookUrl = (ports: StackPorts): string => `${loopbackUrl(ports.agent)}/webhooks/alertmanager`;

function integer(text: string, what: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) throw new UsageError(`${what} must be a whole number (got "${text}")`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`${what} must be between ${min} and ${max} (got ${value})`);
  return value;
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.toLowerCase());
}

export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
