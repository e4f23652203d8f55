/**
 * What a stack is doing right now, from its state file and live probes: the `status` command's model and
 * its two renderings (JSON for scripts, a compact table for people).
 */
import { formatTable } from '../../../lib/platform/table.js';
import { existsSync } from 'node:fs';
import type { TimingProfile } from '../profiles.js';
import { resolveProfile } from '../profiles.js';
import { loopbackUrl, shellQuote, type StackPaths, type StackPorts } from './config.js';
import type { Component, EndpointField } from './components/component.js';
import { isOurProcess, lastLines } from './processes.js';
import type { StackState } from './state.js';

export type ComponentState = 'running' | 'crashed' | 'stopped';

export interface ComponentStatus {
  name: string;
  pid: number | null;
  url: string;
  state: ComponentState;
  healthy: boolean;
  /** Why it is not healthy ("connection refused", "no successful scrape yet of node-exporter"). */
  detail?: string;
  log: string;
  /** The end of its log, when it crashed or is unhealthy. */
  lastLines?: string[];
}

export type StackStatus = {
  /** Every component's process is running. */
  running: boolean;
  /** Every component is running and answers its health probe. */
  healthy: boolean;
  profile: string | null;
  stateDir: string;
  startedAt: string | null;
  /** Written by `up`; null until the first `up`. */
  kubeconfig: string | null;
  /** A 0600 file holding the operator token that approves actions on the agent's API (DESIGN.md); null until the first `up`. */
  agentTokenFile: string | null;
  /** The agent's web console (log in with the token in `agentTokenFile`); null when the stack has no agent. */
  consoleUrl: string | null;
  /** The X-Ray API subset is served by the simulation, beside the Kubernetes API. */
  xrayUrl: string | null;
  components: ComponentStatus[];
} & Record<EndpointField, string | null>;

const endpointFields: EndpointField[] = ['prometheusUrl', 'alertmanagerUrl', 'kubeApiUrl', 'agentUrl', 'mcpUrl'];

/** The record of a component whose process is alive and still ours. */
export function runningRecord(state: StackState | undefined, name: string) {
  const record = state?.components[name];
  return record && isOurProcess(record) ? record : undefined;
}

export async function probeComponent(component: Component, state: StackState | undefined, ports: StackPorts, profile: TimingProfile, paths: StackPaths): Promise<ComponentStatus> {
  const record = state?.components[component.name];
  const url = component.url(ports);
  const log = record?.log ?? paths.log(component.name);
  const report = (fields: Omit<ComponentStatus, 'name' | 'url' | 'log'>): ComponentStatus => {
    const { lastLines: tail, ...rest } = fields;
    return { name: component.name, ...rest, url, log, ...(tail ? { lastLines: tail } : {}) };
  };
  if (!record) return report({ pid: null, state: 'stopped', healthy: false });
  if (!isOurProcess(record)) {
    return report({ pid: record.pid, state: 'crashed', healthy: false, detail: `process ${record.pid} is gone`, lastLines: lastLines(log) });
  }
  const readiness = await component.isReady({ ports, profile, state: state!, paths });
  return readiness.ready
    ? report({ pid: record.pid, state: 'running', healthy: true })
    : report({ pid: record.pid, state: 'running', healthy: false, detail: readiness.detail, lastLines: lastLines(log) });
}

export async function inspectStack(components: readonly Component[], state: StackState | undefined, ports: StackPorts, paths: StackPaths): Promise<StackStatus> {
  const profile = resolveProfile(state?.profile);
  const statuses = await Promise.all(components.map((c) => probeComponent(c, state, ports, profile, paths)));
  const endpoints = Object.fromEntries(endpointFields.map((field) => [field, null])) as Record<EndpointField, string | null>;
  for (const component of components) if (component.reportAs) endpoints[component.reportAs] = component.url(ports);
  return {
    running: statuses.every((s) => s.state === 'running'),
    healthy: statuses.every((s) => s.healthy),
    profile: state?.profile ?? null,
    stateDir: paths.stateDir,
    startedAt: state?.startedAt ?? null,
    ...endpoints,
    xrayUrl: state ? loopbackUrl(ports.simulation) : null,
    kubeconfig: existsSync(paths.kubeconfig) ? paths.kubeconfig : null,
    agentTokenFile: existsSync(paths.approverToken) ? paths.approverToken : null,
    consoleUrl: consoleUrlOf(endpoints.agentUrl),
    components: statuses,
  };
}

/** Where the agent serves its web console (agent/console, on by default). */
export const consoleUrlOf = (agentUrl: string | null): string | null => (agentUrl ? `${agentUrl.replace(/\/+$/, '')}/console/` : null);

/**
 * Exit code of `status`, after LSB init scripts: 0 all running and healthy, 1 something crashed or
 * unhealthy, 3 not running at all.
 */
export function statusExitCode(status: StackStatus): number {
  if (status.healthy) return 0;
  return status.components.every((c) => c.state === 'stopped') ? 3 : 1;
}

export function renderStatusTable(status: StackStatus): string {
  const lines: string[] = [];
  const summary = status.healthy ? 'running' : status.components.every((c) => c.state === 'stopped') ? 'stopped' : 'DEGRADED';
  lines.push(`local-cluster ${summary}${status.profile ? ` (profile ${status.profile})` : ''}, state ${status.stateDir}`);
  const rows = status.components.map((c) => [c.name, c.state, c.state === 'running' ? (c.healthy ? 'yes' : 'NO') : '-', c.pid === null ? '-' : String(c.pid), c.url]);
  const header = ['COMPONENT', 'STATE', 'HEALTHY', 'PID', 'URL'];
  lines.push(...formatTable(header, rows, { indent: '  ' }));
  for (const c of status.components) {
    if (c.state === 'stopped' || c.healthy) continue;
    lines.push('', `${c.name}: ${c.state === 'crashed' ? 'crashed' : 'unhealthy'}${c.detail ? ` (${c.detail})` : ''}; log ${c.log}`);
    for (const line of c.lastLines ?? []) lines.push(`  | ${line}`);
  }
  const access = [
    ...(status.kubeconfig ? [`kubeconfig  ${status.kubeconfig}`] : []),
    ...(status.consoleUrl ? [`web console ${status.consoleUrl}   (approve there; log in with the agent token)`] : []),
    ...(status.agentTokenFile ? [`agent token ${status.agentTokenFile}   (approve: curl -X POST <agentUrl>/incidents/<id>/actions/<actionId>/approve -H "Authorization: Bearer $(cat ${shellQuote(status.agentTokenFile)})")`] : []),
  ];
  if (access.length) lines.push('', ...access);
  return lines.join('\n') + '\n';
}
