/**
 * The Prometheus MCP server (mcp/, `prometheus-mcp --transport http`), answering against the stack's
 * Prometheus: what MCP clients and the DevOps agent connect to.
 */
import { loopbackUrl } from '../config.js';
import { probeJson } from '../http.js';
import { kitCommand } from '../launch.js';
import { launchDetached } from '../processes.js';
import type { Component } from './component.js';

export const mcpServer: Component = {
  name: 'mcp-server',
  reportAs: 'mcpUrl',
  startsAfter: [],
  restartsWith: ['prometheus'],
  ports: (ports) => [ports.mcp],
  url: (ports) => `${loopbackUrl(ports.mcp)}/mcp`,
  startingText: () => 'starting',

  async start(ctx) {
    const launch = kitCommand('prometheus-mcp', [
      '--transport',
      'http',
      '--port',
      String(ctx.ports.mcp),
      '--prometheus-url',
      loopbackUrl(ctx.ports.prometheus),
      // "now" rounded to about half a scrape interval: fresh values, and repeated questions hit the cache.
      '--now-resolution',
      String(Math.max(1, Math.floor(ctx.profile.scrapeIntervalSeconds / 2))),
    ]);
    return launchDetached({ ...launch, log: ctx.paths.log('mcp-server') });
  },

  async isReady(ctx) {
    const probe = await probeJson(`${loopbackUrl(ctx.ports.mcp)}/readyz`, 2_000, ctx.signal);
    return probe.status === 200 ? { ready: true } : { ready: false, detail: probe.error ?? `/readyz answered ${probe.status}` };
  },

  // Ready means it reaches Prometheus, which comes up after the simulation's history: wait as long.
  readyTimeoutMs: () => 180_000,
};
