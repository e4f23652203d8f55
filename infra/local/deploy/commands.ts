/**
 * `local-cluster up | down | status`: bringing the registered components up in order and waiting for
 * each, stopping exactly what was started, and reporting what runs. The CLI (`cli.ts`) only parses
 * arguments and prints; tests and benchmarks call these functions directly.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createServer } from 'node:net';
import { renderKubeconfig } from '../../../lib/kubernetes/kubeconfig.js';
import { selfSignedCertificate } from '../../../lib/platform/tls.js';
import type { TimingProfile } from '../profiles.js';
import { ensureBinaries } from './binaries.js';
import { ensureCredentials } from './credentials.js';
import { loopbackHttpsUrl, stackPaths, type StackConfig, type StackPaths, type StackPorts } from './config.js';
import type { Component, Readiness, StartContext } from './components/component.js';
import { stackComponents } from './components/registry.js';
import { acquireLock } from './lock.js';
import { clusterLabel } from './prometheus-config.js';
import { isOurProcess, lastLines, sleep, stopProcess, type ProcessRecord, type StopOutcome } from './processes.js';
import { silentProgress, type Progress } from './progress.js';
import { loadState, newKubeToken, saveState, type StackState } from './state.js';
import { inspectStack, runningRecord, type StackStatus } from './status.js';

export interface CommandOptions {
  /** Defaults to the registry; tests pass their own list. */
  components?: readonly Component[];
  progress?: Progress;
  /** Aborting stops `up`: what it started is stopped again. */
  signal?: AbortSignal;
  /** Environment for finding binaries (PATH, *_BIN). */
  env?: NodeJS.ProcessEnv;
}

/** A component that failed to start, with its log so the user sees why without opening files. */
export class ComponentFailure extends Error {
  override name = 'ComponentFailure';
  constructor(
    readonly component: string,
    message: string,
    readonly log: string,
    readonly logTail: string[],
    readonly hint: string,
  ) {
    super(message);
  }
}

export class Interrupted extends Error {
  override name = 'Interrupted';
}

export interface UpResult {
  status: StackStatus;
  /** Components started by this call, in order; empty when everything already ran. */
  started: string[];
  /**
   * Wall-clock seconds per phase, for the benchmark: `binaries`, and per component `<name>.start`
   * (configuration, data preparation such as the backfill, spawn) and `<name>.ready` (spawn to ready).
   */
  timings: Record<string, number>;
  seconds: number;
}

export async function up(config: StackConfig, options: CommandOptions = {}): Promise<UpResult> {
  const components = options.components ?? stackComponents;
  const progress = options.progress ?? silentProgress;
  const signal = options.signal ?? new AbortController().signal;
  const paths = stackPaths(config.stateDir);
  const began = performance.now();
  const timings: Record<string, number> = {};
  mkdirSync(paths.stateDir, { recursive: true });
  const lock = acquireLock(paths.lockFile, 'up');
  const started: string[] = [];
  let state: StackState | undefined;
  try {
    const binaries = await ensureBinaries({ install: config.install, say: (line) => progress.note(line), env: options.env });
    timings.binaries = (performance.now() - began) / 1000;
    state = loadState(paths.stateFile);

    if (state && isAnyRunning(state) && (state.profile !== config.profile.name || !samePorts(state.ports, config.ports))) {
      const change = state.profile !== config.profile.name ? `profile ${state.profile}` : 'other ports';
      progress.note(`The stack in ${paths.stateDir} runs with ${change}; restarting it with profile ${config.profile.name}.`);
      await stopAll(state, components, progress);
      saveState(paths.stateFile, state);
    }
    state ??= { version: 1, profile: config.profile.name, ports: config.ports, kubeToken: newKubeToken(), components: {} };
    state.profile = config.profile.name;
    state.ports = config.ports;

    // Before anything starts: Alertmanager, Prometheus, the simulation and the agent read them.
    ensureCredentials(paths);
    const plan = await planStart(components, state, config.ports, config.profile, paths);
    if (plan.length === 0) {
      writeKubeconfig(paths, config.ports, state.kubeToken);
      return { status: await inspectStack(components, state, config.ports, paths), started, timings, seconds: (performance.now() - began) / 1000 };
    }
    // Stop what must restart (unhealthy, or its data derives from a component about to restart).
    for (const component of [...components].reverse()) {
      const record = runningRecord(state, component.name);
      if (plan.includes(component) && record) {
        progress.note(`  ${component.name.padEnd(13)} restarting (pid ${record.pid})`);
        await stopProcess(record);
      }
      if (plan.includes(component)) delete state.components[component.name];
    }
    if (!isAnyRunning(state)) state.startedAt = new Date().toISOString();
    await ensurePortsFree(plan, config.ports);
    saveState(paths.stateFile, state);
    // Written before the components start: the agent reads the cluster through it.
    writeKubeconfig(paths, config.ports, state.kubeToken);

    // Components start as soon as what they start after is ready, so independent ones overlap
    // (Alertmanager, the MCP server and the agent start while the simulation replays its history).
    const waiting = new AbortController();
    const stopWaiting = () => waiting.abort(signal.reason);
    signal.addEventListener('abort', stopWaiting, { once: true });
    const context: StartContext = { config, paths, binaries, progress, signal: waiting.signal, ports: config.ports, profile: config.profile, state };
    const bringUp = async (component: Component): Promise<string> => {
      const startAt = performance.now();
      const record = await component.start(context);
      const spawnedAt = performance.now();
      timings[`${component.name}.start`] = (spawnedAt - startAt) / 1000;
      state!.components[component.name] = { ...record, url: component.url(config.ports) };
      started.push(component.name);
      saveState(paths.stateFile, state!);
      const step = progress.begin(component.name, component.startingText(config.profile));
      const readiness = await waitUntilReady(component, record, context).catch((error: unknown) => {
        step.fail();
        throw error;
      });
      step.done('ready in {s}');
      timings[`${component.name}.ready`] = (performance.now() - spawnedAt) / 1000;
      if (readiness.info) state!.components[component.name]!.info = readiness.info;
      saveState(paths.stateFile, state!);
      return component.name;
    };
    const inflight = new Map<string, Promise<string>>();
    try {
      const pending = [...plan];
      const ready = new Set(components.filter((c) => !plan.includes(c)).map((c) => c.name));
      while (pending.length || inflight.size) {
        for (const component of [...pending]) {
          if (!startsAfter(component, components).every((name) => ready.has(name))) continue;
          pending.splice(pending.indexOf(component), 1);
          const bringing = bringUp(component);
          // A sibling's failure ends the run; this one's later rejection must not go unhandled.
          bringing.catch(() => {});
          inflight.set(component.name, bringing);
        }
        if (!inflight.size) throw new Error(`components wait on each other: ${pending.map((c) => c.name).join(', ')}`);
        const name = await Promise.race(inflight.values());
        inflight.delete(name);
        ready.add(name);
      }
    } catch (error) {
      // Stop the siblings' waits and let their starts finish, so every spawned process is recorded
      // in `started` before the cleanup below stops them.
      waiting.abort(error);
      await Promise.allSettled(inflight.values());
      throw error;
    } finally {
      signal.removeEventListener('abort', stopWaiting);
    }
    writeKubeconfig(paths, config.ports, state.kubeToken);
    return { status: await inspectStack(components, state, config.ports, paths), started, timings, seconds: (performance.now() - began) / 1000 };
  } catch (error) {
    if (state && started.length) {
      progress.note(signal.aborted ? 'Interrupted; stopping what this run started...' : 'Stopping what this run started...');
      for (const name of [...started].reverse()) {
        const record = state.components[name];
        if (record) await stopProcess(record);
        delete state.components[name];
      }
      if (!isAnyRunning(state)) delete state.startedAt;
      saveState(paths.stateFile, state);
    }
    if (signal.aborted) throw new Interrupted('interrupted; everything this run started was stopped');
    throw error;
  } finally {
    lock.release();
  }
}

export interface DownResult {
  stopped: { name: string; pid: number; outcome: StopOutcome }[];
  stateDir: string;
}

/** Stops the recorded processes that are still ours, newest component first. Idempotent. */
export async function down(config: Pick<StackConfig, 'stateDir'>, options: CommandOptions = {}): Promise<DownResult> {
  const components = options.components ?? stackComponents;
  const progress = options.progress ?? silentProgress;
  const paths = stackPaths(config.stateDir);
  const state = loadState(paths.stateFile);
  if (!state || Object.keys(state.components).length === 0) return { stopped: [], stateDir: paths.stateDir };
  const lock = acquireLock(paths.lockFile, 'down');
  try {
    const stopped = await stopAll(state, components, progress);
    saveState(paths.stateFile, state);
    return { stopped, stateDir: paths.stateDir };
  } finally {
    lock.release();
  }
}

export async function status(config: Pick<StackConfig, 'stateDir' | 'ports'>, options: CommandOptions = {}): Promise<StackStatus> {
  const paths = stackPaths(config.stateDir);
  const state = loadState(paths.stateFile);
  // A recorded stack is reported on the ports it was started with, whatever the flags say now.
  return inspectStack(options.components ?? stackComponents, state, state?.ports ?? config.ports, paths);
}

/** Components to start: each that is not running and healthy, and each that restarts with one of those. */
async function planStart(components: readonly Component[], state: StackState, ports: StackPorts, profile: TimingProfile, paths: StackPaths): Promise<Component[]> {
  const plan: Component[] = [];
  for (const component of components) {
    const fresh = new Set(plan.map((c) => c.name));
    const record = runningRecord(state, component.name);
    const healthy = record ? (await component.isReady({ ports, profile, state, paths })).ready : false;
    if (!healthy || component.restartsWith.some((name) => fresh.has(name))) plan.push(component);
  }
  return plan;
}

/** Components that must be ready before this one starts: as declared, else every earlier one. */
function startsAfter(component: Component, components: readonly Component[]): readonly string[] {
  return component.startsAfter ?? components.slice(0, components.indexOf(component)).map((c) => c.name);
}

async function waitUntilReady(component: Component, record: ProcessRecord, context: StartContext): Promise<Readiness> {
  const timeoutMs = component.readyTimeoutMs(context.profile);
  const deadline = performance.now() + timeoutMs;
  let readiness: Readiness = { ready: false };
  for (;;) {
    if (!isOurProcess(record)) throw failure(component, `${component.name} exited while starting`, record.log);
    readiness = await component.isReady(context);
    if (readiness.ready) return readiness;
    if (performance.now() > deadline) {
      throw failure(component, `${component.name} was not ready after ${timeoutMs / 1000} s${readiness.detail ? ` (${readiness.detail})` : ''}`, record.log);
    }
    await sleep(200, context.signal);
  }
}

function failure(component: Component, message: string, log: string): ComponentFailure {
  return new ComponentFailure(
    component.name,
    message,
    log,
    lastLines(log, 15),
    `fix the cause shown in ${log}, then run local-cluster up again (local-cluster down cleans up leftovers)`,
  );
}

async function stopAll(state: StackState, components: readonly Component[], progress: Progress): Promise<DownResult['stopped']> {
  const known = components.map((c) => c.name);
  // Records of components this version no longer registers are stopped first: nothing depends on them.
  const order = [...Object.keys(state.components).filter((name) => !known.includes(name)), ...[...known].reverse()];
  const stopped: DownResult['stopped'] = [];
  for (const name of order) {
    const record = state.components[name];
    if (!record) continue;
    const step = progress.begin(name, `stopping pid ${record.pid}`);
    const outcome = await stopProcess(record);
    step.done(
      {
        stopped: 'stopped in {s}',
        killed: 'killed (did not stop within 10 s of SIGTERM)',
        'not-running': 'was not running',
        'not-ours': 'pid now belongs to another program; left alone',
      }[outcome],
    );
    stopped.push({ name, pid: record.pid, outcome });
    delete state.components[name];
  }
  delete state.startedAt;
  return stopped;
}

function isAnyRunning(state: StackState): boolean {
  return Object.values(state.components).some((record) => isOurProcess(record));
}

function samePorts(a: StackPorts, b: StackPorts): boolean {
  return (Object.keys(b) as (keyof StackPorts)[]).every((key) => a[key] === b[key]);
}

async function ensurePortsFree(plan: readonly Component[], ports: StackPorts): Promise<void> {
  for (const component of plan) {
    for (const port of component.ports(ports)) {
      if (!(await isPortFree(port))) {
        throw new Error(
          `port ${port} for ${component.name} is already in use by another program (not this stack); ` +
            `stop that program, or give this stack other ports with --port-offset N (or --${portFlag(port, component, ports)}-port P)`,
        );
      }
    }
  }
}

function portFlag(port: number, component: Component, ports: StackPorts): string {
  return (Object.keys(ports) as (keyof StackPorts)[]).find((key) => ports[key] === port) ?? component.name;
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolvePort(true)));
  });
}

/** The Kubernetes API's serving certificate: made once per state directory, so kubeconfigs stay valid. */
function ensureKubeCertificate(paths: StackPaths): string {
  if (!existsSync(paths.kubeTlsCert) || !existsSync(paths.kubeTlsKey)) {
    const { cert, key } = selfSignedCertificate({ validDays: 825 });
    mkdirSync(dirname(paths.kubeTlsCert), { recursive: true });
    writeFileSync(paths.kubeTlsKey, key, { mode: 0o600 });
    writeFileSync(paths.kubeTlsCert, cert);
  }
  return readFileSync(paths.kubeTlsCert, 'utf8');
}

function writeKubeconfig(paths: StackPaths, ports: StackPorts, token: string): void {
  const certificateAuthority = ensureKubeCertificate(paths);
  writeFileSync(paths.kubeconfig, renderKubeconfig({ server: loopbackHttpsUrl(ports.kube), token, clusterName: clusterLabel, namespace: 'petadoptions', certificateAuthority }), { mode: 0o600 });
}
