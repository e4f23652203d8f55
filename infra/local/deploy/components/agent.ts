/**
 * The DevOps agent (agent/, `devops-agent serve`): Alertmanager's webhook receiver, investigating with
 * the stack's MCP server, Kubernetes API and X-Ray API, and remediating after approval. It gets the
 * stack's credentials as files (credentials.ts): the webhook token, and the approver's operator token.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loopbackUrl } from '../config.js';
import { probeJson } from '../http.js';
import { kitCommand, localServeArgs } from '../launch.js';
import { launchDetached } from '../processes.js';
import type { Component } from './component.js';

export const agent: Component = {
  name: 'agent',
  reportAs: 'agentUrl',
  startsAfter: [],
  restartsWith: [],
  ports: (ports) => [ports.agent],
  url: (ports) => loopbackUrl(ports.agent),
  startingText: () => 'starting',

  async start(ctx) {
    const dataDir = join(ctx.paths.stateDir, 'agent');
    // Incidents belong to one simulated cluster: a new simulation (its pods, its history) starts the agent
    // afresh, while an agent restarted alone keeps its incidents and resumes them.
    const simulation = ctx.state.components.simulation;
    const clusterId = simulation ? `${simulation.pid}@${simulation.startTime}` : 'none';
    const marker = join(dataDir, 'cluster-id');
    if (existsSync(marker) && readFileSync(marker, 'utf8') !== clusterId) rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(marker, clusterId);
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
