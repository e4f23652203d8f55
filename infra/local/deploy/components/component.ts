/**
 * One process of the local stack. `up` starts the registered components in order and waits for each to
 * be ready; `down` stops them in reverse; `status` probes them. Adding a component (the MCP server, the
 * agent) is one file implementing this interface plus one line in `registry.ts`.
 */
import type { TimingProfile } from '../../profiles.js';
import type { Binaries } from '../binaries.js';
import type { StackConfig, StackPaths, StackPorts } from '../config.js';
import type { ProcessRecord } from '../processes.js';
import type { Progress } from '../progress.js';
import type { StackState } from '../state.js';

/** The `status --json` fields that carry a component's URL (DESIGN.md). */
export type EndpointField = 'prometheusUrl' | 'alertmanagerUrl' | 'kubeApiUrl' | 'agentUrl' | 'mcpUrl';

/** What probing a running component needs: where it listens and what the other components reported. */
export interface ProbeContext {
  ports: StackPorts;
  profile: TimingProfile;
  state: StackState;
  signal?: AbortSignal;
  /** The stack's files (credentials a probe logs in with). */
  paths?: StackPaths;
}

export interface StartContext extends ProbeContext {
  config: StackConfig;
  paths: StackPaths;
  binaries: Binaries;
  progress: Progress;
  signal: AbortSignal;
}

export interface Readiness {
  ready: boolean;
  /** What it still waits for, or why it is unhealthy ("waiting for the first scrape of node-exporter"). */
  detail?: string;
  /** Facts to keep in state.json once ready (the simulation's history file and range). */
  info?: Record<string, unknown>;
}

export interface Component {
  /** Name in progress lines, status, `logs/<name>.log` and state.json. */
  readonly name: string;
  /** The status field reporting its URL, if DESIGN.md names one. */
  readonly reportAs?: EndpointField;
  /**
   * Components whose fresh start forces a restart of this one, because its data derives from theirs
   * (Prometheus re-backfills the history of a new simulation).
   */
  readonly restartsWith: readonly string[];
  /**
   * Components that must be ready before this one starts (default: every component before it in the
   * registry). Those that need nothing from the others start at once, in parallel.
   */
  readonly startsAfter?: readonly string[];
  /** The ports it listens on (checked free before it starts). */
  ports(ports: StackPorts): number[];
  url(ports: StackPorts): string;
  /** What the progress line says while it starts ("simulating 6 h of history"). */
  startingText(profile: TimingProfile): string;
  /**
   * Writes its configuration, prepares its data and spawns it detached (`launchDetached`), returning the
   * pid with the start time and command line that identify that process later.
   */
  start(ctx: StartContext): Promise<ProcessRecord>;
  /** Probes whether it serves; used while `up` waits and by `status`. */
  isReady(ctx: ProbeContext): Promise<Readiness>;
  /** Longest acceptable time from spawn to ready. */
  readyTimeoutMs(profile: TimingProfile): number;
}
