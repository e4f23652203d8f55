/** Alertmanager, routing every alert to the DevOps agent's webhook. */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { alertmanagerArgs, renderAlertmanagerConfig } from '../alertmanager-config.js';
import { loopbackUrl, type StackPaths } from '../config.js';
import { alertmanagerAuthorization } from '../credentials.js';
import { probeJson } from '../http.js';
import { launchDetached } from '../processes.js';
import type { Component } from './component.js';

export const alertmanager: Component = {
  name: 'alertmanager',
  reportAs: 'alertmanagerUrl',
  startsAfter: [],
  restartsWith: [],
  ports: (ports) => [ports.alertmanager],
  url: (ports) => loopbackUrl(ports.alertmanager),
  startingText: () => 'starting',

  async start(ctx) {
    mkdirSync(dirname(ctx.paths.alertmanagerConfig), { recursive: true });
    mkdirSync(ctx.paths.alertmanagerData, { recursive: true });
    // Prometheus starts with fresh alert state every time (its TSDB is rebuilt from the history), so the
    // notification log of the previous Alertmanager must go too: it would take a re-fired alert with the
    // same labels for one already notified (a page that never reached the agent, until repeat_interval).
    // Silences are kept.
    rmSync(join(ctx.paths.alertmanagerData, 'nflog'), { force: true });
    writeFileSync(ctx.paths.alertmanagerConfig, renderAlertmanagerConfig(ctx.profile, ctx.ports, ctx.paths));
    return launchDetached({ command: ctx.binaries.alertmanager, args: alertmanagerArgs(ctx.ports, ctx.paths), log: ctx.paths.log('alertmanager') });
  },

  async isReady(ctx) {
    const probe = await probeJson(`${loopbackUrl(ctx.ports.alertmanager)}/-/ready`, 2_000, ctx.signal, alertmanagerHeaders(ctx.paths));
    return probe.status === 200 ? { ready: true } : { ready: false, detail: probe.error ?? `/-/ready answered ${probe.status}` };
  },

  readyTimeoutMs: () => 30_000,
};

/** Its API is behind basic auth (credentials.ts): probes log in too. */
function alertmanagerHeaders(paths: StackPaths | undefined): Record<string, string> {
  const authorization = paths ? alertmanagerAuthorization(paths) : undefined;
  return authorization ? { authorization } : {};
}
