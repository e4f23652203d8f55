/**
 * The simulated pet-adoption cluster (infra/local/simulation/main.ts): writes its history, then serves the
 * Kubernetes API subset over TLS on the kube port (kubectl only sends bearer tokens over TLS), and the
 * X-Ray API subset, the metric expositions and Prometheus service discovery on the simulation port.
 * Runs the compiled entry (launch.ts).
 */
import { existsSync } from 'node:fs';
import { packageRoot } from '../../../../lib/platform/package-root.js';
import { loopbackHttpsUrl, loopbackUrl } from '../config.js';
import { writeSecretFile } from '../credentials.js';
import { probeJson } from '../http.js';
import { nodeArgsFor } from '../launch.js';
import { launchDetached } from '../processes.js';
import type { Component } from './component.js';

interface SimulationReadiness {
  ready: boolean;
  historyFile: string;
  historyStart: number;
  historyEnd: number;
}

export const simulation: Component = {
  name: 'simulation',
  reportAs: 'kubeApiUrl',
  restartsWith: [],
  ports: (ports) => [ports.simulation, ports.kube],
  url: (ports) => loopbackHttpsUrl(ports.kube),
  startingText: (profile) => `simulating ${profile.historyHours} h of history`,

  async start(ctx) {
    const entry = ctx.config.simulationEntry;
    if (!existsSync(entry)) {
      throw new Error(`the simulation's entry script ${entry} does not exist; build the kit first (npm run build)`);
    }
    // The token by its 0600 file: a command line is visible to every user of the machine (`ps`).
    writeSecretFile(ctx.paths.kubeToken, `${ctx.state.kubeToken}\n`);
    const args = [
      // A larger young generation: replaying the history allocates many short-lived strings.
      ...nodeArgsFor(entry, ['--max-semi-space-size=64']),
      '--port',
      String(ctx.ports.simulation),
      '--kube-port',
      String(ctx.ports.kube),
      '--tls-cert',
      ctx.paths.kubeTlsCert,
      '--tls-key',
      ctx.paths.kubeTlsKey,
      '--state-dir',
      ctx.paths.simulationDir,
      '--profile',
      ctx.profile.name,
      '--kube-token-file',
      ctx.paths.kubeToken,
      ...(ctx.config.seed === undefined ? [] : ['--seed', String(ctx.config.seed)]),
    ];
    return launchDetached({ command: process.execPath, args, cwd: packageRoot, log: ctx.paths.log('simulation') });
  },

  async isReady(ctx) {
    const probe = await probeJson<SimulationReadiness>(`${loopbackUrl(ctx.ports.simulation)}/-/ready`, 2_000, ctx.signal);
    if (probe.status !== 200 || !probe.body?.ready) {
      return { ready: false, detail: probe.error ?? `/-/ready answered ${probe.status}${probe.status === 200 ? ' without {"ready": true}' : ''}` };
    }
    const { historyFile, historyStart, historyEnd } = probe.body;
    return { ready: true, info: { historyFile, historyStart, historyEnd } };
  },

  // Generating the history is the slow part; two minutes leaves room on a loaded CI machine.
  readyTimeoutMs: () => 120_000,
};
