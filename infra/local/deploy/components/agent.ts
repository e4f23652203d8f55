/**
 * The DevOps agent (agent/, `devops-agent serve`): Alertmanager's webhook receiver, investigating with
 * the stack's MCP server, Kubernetes API and X-Ray API, and remediating after approval. It gets the
 * stack's credentials as files (credentials.ts): the webhook token, and the approver's operator token.
 *
 * Its data (incidents, approvals, execution claims, the audit log) is never deleted here. Incidents
 * belong to one simulated cluster: the agent starts once the simulation is up, so the cluster it serves
 * is known before anything is compared. An agent restarted alone finds the same cluster and keeps its
 * data; a new simulation (a fresh `up`, or `down` then `up`) moves the previous data aside, whole, to
 * `agent/archive/<time>-<previous cluster>/`, and the agent starts afresh.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackUrl } from '../config.js';
import { probeJson } from '../http.js';
import { kitCommand, localServeArgs } from '../launch.js';
import { launchDetached } from '../processes.js';
import type { Component } from './component.js';

const MARKER = 'cluster-id';
const ARCHIVE = 'archive';

/** The simulated cluster the agent is about to serve: its process, which a new simulation replaces. */
export function clusterIdOf(simulation: { pid: number; startTime: string }): string {
  return `simulation-${simulation.pid}-${simulation.startTime}`;
}

/**
 * Makes `dataDir` the data of `clusterId`: kept when it already is (or when an older version wrote no
 * usable marker), otherwise moved aside whole (the SQLite file with its WAL) into the archive.
 * Returns the archive directory when something was moved.
 */
export function prepareAgentData(dataDir: string, clusterId: string, now = new Date()): string | undefined {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The kit's own directory: tightened if an older version created it readable by others.
    if ((statSync(dataDir).mode & 0o077) !== 0) chmodSync(dataDir, 0o700);
  } catch (error) {
    throw new Error(`the agent's data directory ${dataDir} cannot be created or used (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): make the state directory writable by this user, or choose another with --state-dir`, { cause: error });
  }
  const marker = join(dataDir, MARKER);
  const previous = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
  let archived: string | undefined;
  // "none" was written by versions that looked before the simulation was known: it names no cluster.
  if (previous && previous !== 'none' && previous !== clusterId) {
    const entries = readdirSync(dataDir).filter((name) => name !== ARCHIVE);
    if (entries.length) {
      archived = join(dataDir, ARCHIVE, `${now.toISOString().replace(/[:.]/g, '-')}-${previous.replace(/[^A-Za-z0-9._-]/g, '_')}`);
      mkdirSync(archived, { recursive: true, mode: 0o700 });
      for (const name of entries) renameSync(join(dataDir, name), join(archived, name));
    }
  }
  writeFileSync(marker, clusterId, { mode: 0o600 });
  return archived;
}

export const agent: Component = {
  name: 'agent',
  reportAs: 'agentUrl',
  // The cluster it serves must be known (and running) before its data is matched to it.
  startsAfter: ['simulation'],
  // A new simulation is a new cluster: the agent restarts with it and archives the previous incidents.
  restartsWith: ['simulation'],
  ports: (ports) => [ports.agent],
  url: (ports) => loopbackUrl(ports.agent),
  startingText: () => 'starting',

  async start(ctx) {
    const dataDir = join(ctx.paths.stateDir, 'agent');
    const simulation = ctx.state.components.simulation;
    if (!simulation) throw new Error('the agent starts after the simulation, which is not recorded as running: run local-cluster up again');
    const archived = prepareAgentData(dataDir, clusterIdOf(simulation));
    if (archived) ctx.progress.note(`  agent         a new simulation: the previous incidents and audit log are kept in ${archived}`);
    const launch = kitCommand(
      'devops-agent',
      localServeArgs({
        port: ctx.ports.agent,
        dataDir,
        kubeconfig: ctx.paths.kubeconfig,
        mcpUrl: `${loopbackUrl(ctx.ports.mcp)}/mcp`,
        prometheusUrl: loopbackUrl(ctx.ports.prometheus),
        xrayEndpoint: loopbackUrl(ctx.ports.simulation),
        publicUrl: loopbackUrl(ctx.ports.agent),
        rateWindow: ctx.profile.rateWindow,
        minStepSeconds: ctx.profile.scrapeIntervalSeconds,
        // Alertmanager delivers with the webhook token; people and the runner approve with the approver's.
        webhookTokenFile: ctx.paths.webhookToken,
        operatorTokensFile: ctx.paths.operatorTokens,
        curlTokenFile: ctx.paths.approverToken,
      }),
    );
    return launchDetached({ ...launch, log: ctx.paths.log('agent') });
  },

  async isReady(ctx) {
    const probe = await probeJson(`${loopbackUrl(ctx.ports.agent)}/readyz`, 2_000, ctx.signal);
    return probe.status === 200 ? { ready: true } : { ready: false, detail: probe.error ?? `/readyz answered ${probe.status}` };
  },

  readyTimeoutMs: () => 30_000,
};
