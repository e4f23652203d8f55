/**
 * How the local deployment starts the kit's own programs: by their command line, as a container
 * entrypoint would on EKS, never by importing them. The kit's commands run through their bin scripts
 * (the compiled JavaScript in dist/); the simulation through its compiled entry. A TypeScript entry
 * (a test's stand-in) runs with tsx's loader, which only development installs have.
 */
import { join } from 'node:path';
import { packageRoot } from '../../../lib/platform/package-root.js';

export type KitCommand = 'devops-agent' | 'prometheus-mcp';

/** `node <kit>/bin/<command>.js ...args` */
export function kitCommand(command: KitCommand, args: readonly string[]): { command: string; args: string[]; cwd: string } {
  return { command: process.execPath, args: [join(packageRoot, 'bin', `${command}.js`), ...args], cwd: packageRoot };
}

/** The simulated cluster's entry script (compiled). */
export const simulationEntry = join(packageRoot, 'dist', 'infra', 'local', 'simulation', 'main.js');

/** Node arguments that run `entry`: tsx's loader first for a TypeScript stand-in. */
export function nodeArgsFor(entry: string, nodeOptions: readonly string[] = []): string[] {
  return [...nodeOptions, ...(entry.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : []), entry];
}

/**
 * Arguments of `devops-agent serve` for the local target. Readiness: `GET /readyz` answers 200; stop:
 * SIGTERM (in-flight steps get 10 s, then checkpoint).
 */
export interface LocalAgentSettings {
  port: number;
  dataDir: string;
  kubeconfig?: string;
  mcpUrl?: string;
  prometheusUrl?: string;
  xrayEndpoint?: string;
  publicUrl?: string;
  /** `--auto-approve` for unattended runs (CI). */
  autoApprove?: boolean;
  /** The profile's rate window and scrape interval, so checks see fresh changes. */
  rateWindow?: string;
  minStepSeconds?: number;
  /** Credential files (never tokens: argv is visible to every user in `ps`). */
  webhookTokenFile?: string;
  operatorTokensFile?: string;
  /** The approver's token file, which the approve commands the agent prints read. */
  curlTokenFile?: string;
}

export function localServeArgs(settings: LocalAgentSettings): string[] {
  const flag = (name: string, value: string | undefined) => (value ? [`--${name}`, value] : []);
  return [
    'serve',
    '--host',
    '127.0.0.1',
    '--port',
    String(settings.port),
    '--data-dir',
    settings.dataDir,
    ...flag('kubeconfig', settings.kubeconfig),
    ...flag('mcp-url', settings.mcpUrl),
    ...flag('prometheus-url', settings.prometheusUrl),
    ...flag('xray-endpoint', settings.xrayEndpoint),
    ...flag('public-url', settings.publicUrl),
    ...flag('rate-window', settings.rateWindow),
    ...flag('min-step', settings.minStepSeconds ? `${settings.minStepSeconds}s` : undefined),
    ...flag('webhook-token-file', settings.webhookTokenFile),
    ...flag('operator-tokens-file', settings.operatorTokensFile),
    ...flag('curl-token-file', settings.curlTokenFile),
    ...(settings.autoApprove ? ['--auto-approve'] : []),
  ];
}
