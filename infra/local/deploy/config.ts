/**
 * Where a local stack lives and how it is reached: state directory, ports, timing profile. Resolved from
 * flags, then environment variables, then defaults (lib/platform/cli.ts); the option table below is also
 * what `--help` prints, so the documentation cannot drift from the behaviour.
 */
import { defaultLocalTargetDir } from '../../../core/local-target.js';
import { port, readOptions, UsageError, wholeNumber, type GivenFlags, type OptionSpec } from '../../../lib/platform/cli.js';
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

/** One option of `local-cluster`, and the commands that take it. */
export interface StackOption extends OptionSpec {
  commands: readonly Subcommand[];
}

const all: Subcommand[] = ['up', 'down', 'status'];
const portOption = (name: keyof StackPorts, what: string) =>
  ({
    flag: `--${name}-port`,
    value: 'PORT',
    env: `LOCAL_CLUSTER_${name.toUpperCase()}_PORT`,
    defaultDescription: `${defaultPorts[name]} + offset`,
    schema: port(1),
    describe: what,
    commands: ['up'],
  }) as const satisfies StackOption;

const stackOptionTable = {
  stateDir: {
    flag: '--state-dir',
    value: 'DIR',
    env: 'LOCAL_CLUSTER_STATE_DIR',
    defaultDescription: '${XDG_STATE_HOME:-~/.local/state}/eks-incident-kit/local-cluster, suffixed -N with --port-offset N',
    describe: 'configs, data, logs, kubeconfig and pids of this stack',
    commands: all,
  },
  portOffset: {
    flag: '--port-offset',
    value: 'N',
    env: 'LOCAL_CLUSTER_PORT_OFFSET',
    default: '0',
    schema: wholeNumber(0, 50_000),
    describe: 'add N to every default port and use a state directory of its own: a second stack is one flag',
    commands: all,
  },
  profile: { flag: '--profile', value: 'NAME', env: 'LOCAL_CLUSTER_PROFILE', defaultDescription: 'realistic', describe: 'timing profile: realistic (EKS-like intervals) or fast (seconds; CI and rehearsals)', commands: ['up'] },
  fast: { flag: '--fast', describe: 'shorthand for --profile fast', commands: ['up'] },
  prometheusPort: portOption('prometheus', 'Prometheus HTTP port'),
  alertmanagerPort: portOption('alertmanager', 'Alertmanager HTTP port'),
  kubePort: portOption('kube', 'simulated cluster: Kubernetes API subset (https)'),
  simulationPort: portOption('simulation', 'simulated cluster: exporters, service discovery, X-Ray API'),
  agentPort: portOption('agent', 'DevOps agent (Alertmanager sends its webhooks there)'),
  mcpPort: portOption('mcp', 'Prometheus MCP server'),
  seed: { flag: '--seed', value: 'N', env: 'LOCAL_CLUSTER_SEED', schema: wholeNumber(0, 2 ** 31 - 1), describe: 'seed of the simulation (reproducible traffic and noise)', commands: ['up'] },
  noInstall: { flag: '--no-install', env: 'LOCAL_CLUSTER_NO_INSTALL', describe: 'never install Prometheus/Alertmanager; print the install command instead', commands: ['up'] },
  json: { flag: '--json', describe: 'print the result as JSON on stdout (progress goes to stderr)', commands: all },
} as const satisfies Record<string, StackOption>;

/** Every option, as `--help` lists them. */
export const stackOptions: readonly StackOption[] = Object.values(stackOptionTable);

/** Flags as given on the command line (what `parseCommandLine(localClusterCli, argv).flags` returns). */
export type FlagValues = GivenFlags;

export const defaultStateDir = defaultLocalTargetDir;

/** Flag > environment variable > default, for every setting of the stack. */
export function resolveStackConfig(flags: FlagValues, env: NodeJS.ProcessEnv = process.env, home = homedir()): StackConfig {
  const o = readOptions(stackOptionTable, flags, env);
  if (o.fast && typeof flags.profile === 'string' && flags.profile !== 'fast') {
    throw new UsageError(`--fast contradicts --profile ${flags.profile}; give one of them`);
  }
  let profile: TimingProfile;
  try {
    profile = resolveProfile(o.fast ? 'fast' : o.profile);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }

  const explicitPorts: Record<keyof StackPorts, number | undefined> = { prometheus: o.prometheusPort, alertmanager: o.alertmanagerPort, kube: o.kubePort, simulation: o.simulationPort, agent: o.agentPort, mcp: o.mcpPort };
  const ports = {} as StackPorts;
  for (const name of Object.keys(defaultPorts) as (keyof StackPorts)[]) {
    ports[name] = explicitPorts[name] ?? defaultPorts[name] + o.portOffset;
    if (ports[name] > 65_535) throw new UsageError(`--port-offset ${o.portOffset} puts the ${name} port past 65535; use a smaller offset`);
  }
  const taken = new Map<number, string>();
  for (const [name, number] of Object.entries(ports)) {
    if (taken.has(number)) throw new UsageError(`the ${taken.get(number)} and ${name} ports are both ${number}; give them different ports`);
    taken.set(number, name);
  }

  return {
    stateDir: o.stateDir ? resolve(o.stateDir) : defaultStateDir(env, o.portOffset, home),
    stateDirExplicit: Boolean(o.stateDir),
    profile,
    ports,
    portOffset: o.portOffset,
    install: !o.noInstall,
    seed: o.seed,
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
  /** The standard (kube-prometheus) rules, beside the kit's own (standard-rules.ts). */
  standardRulesFile: string;
  prometheusData: string;
  alertmanagerConfig: string;
  alertmanagerData: string;
  /** Alertmanager's web configuration (basic auth), beside its configuration. */
  alertmanagerWebConfig: string;
  /** The stack's credentials, 0600 files in a 0700 folder, kept across restarts (credentials.ts). */
  credentialsDir: string;
  /** Alertmanager's bearer token to the agent's webhook. */
  webhookToken: string;
  /** The operator token people and the runner approve with (`status --json`'s `agentTokenFile`). */
  approverToken: string;
  /** The agent's operator tokens file: the approver's name and token. */
  operatorTokens: string;
  /** Password of Alertmanager's API (basic auth), for Prometheus and people. */
  alertmanagerPassword: string;
  /** The simulated Kubernetes API's bearer token, for the simulation (never on its command line). */
  kubeToken: string;
  log(component: string): string;
}

export function stackPaths(stateDir: string): StackPaths {
  const logsDir = join(stateDir, 'logs');
  const credentialsDir = join(stateDir, 'credentials');
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
    standardRulesFile: join(stateDir, 'prometheus', 'rules', 'kube-prometheus.yml'),
    prometheusData: join(stateDir, 'prometheus', 'data'),
    alertmanagerConfig: join(stateDir, 'alertmanager', 'alertmanager.yml'),
    alertmanagerData: join(stateDir, 'alertmanager', 'data'),
    alertmanagerWebConfig: join(stateDir, 'alertmanager', 'web.yml'),
    credentialsDir,
    webhookToken: join(credentialsDir, 'webhook.token'),
    approverToken: join(credentialsDir, 'approver.token'),
    operatorTokens: join(credentialsDir, 'operators.tokens'),
    alertmanagerPassword: join(credentialsDir, 'alertmanager.password'),
    kubeToken: join(credentialsDir, 'kube.token'),
    log: (component) => join(logsDir, `${component}.log`),
  };
}

export const loopbackUrl = (port: number): string => `http://127.0.0.1:${port}`;
export const loopbackHttpsUrl = (port: number): string => `https://127.0.0.1:${port}`;

/** Where Alertmanager delivers alerts: the agent's webhook (DESIGN.md, agent HTTP API). */
export const agentWebhookUrl = (ports: StackPorts): string => `${loopbackUrl(ports.agent)}/webhooks/alertmanager`;

export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
