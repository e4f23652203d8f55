/**
 * Runs a playbook's steps without the workflow engine, for replay cases, the case recorder and the
 * integration tests: steps in order, `parallel` groups together, params rendered with the engine's
 * templates, control kinds (`decide`, `notify`) skipped, `await-approval` handed to the caller. It
 * stops after the step kind named by `until`. The engine adds persistence, retries, timeouts and
 * goto on top of the same handlers.
 */
import { parseDuration } from '../../../core/duration.js';
import type { Alert } from '../../../core/types.js';
import { stepHandlers } from '../../../agent/steps/index.js';
import { PlaybookLibrary } from '../../../agent/workflow/loader.js';
import { choosePlaybook } from '../../../agent/workflow/matcher.js';
import { isGroup, type LeafStep, type Playbook } from '../../../agent/workflow/playbook.js';
import { StepRegistry } from '../../../agent/workflow/registry.js';
import type { StepHandler } from '../../../agent/workflow/step.js';
import { renderParams } from '../../../agent/workflow/template.js';
import type { MemoryContext } from './memory-context.js';

export const playbookDir = new URL('../../../agent/playbooks/', import.meta.url);

let library: PlaybookLibrary | undefined;

/** Our playbooks, loaded and validated as the agent loads them. */
export function playbooks(): PlaybookLibrary {
  library ??= PlaybookLibrary.load({ dirs: [decodeURIComponent(playbookDir.pathname)], registry: new StepRegistry(stepHandlers) });
  return library;
}

export function playbookFor(alerts: readonly Alert[]): Playbook {
  const lib = playbooks();
  return choosePlaybook(lib.playbooks, lib.fallback, alerts).playbook;
}

export interface RunOptions {
  handlers?: readonly StepHandler[];
  /** Stop after the first step of this kind (default: run everything). */
  until?: string;
  /** Called at `await-approval`; return false to stop there. */
  onApproval?: (context: MemoryContext) => boolean | Promise<boolean>;
  /** Steps with these ids are not run. */
  skip?: string[];
}

/** The engine's `window` variable: from the playbook's look-back before the first alert to now. */
export function windowVars(playbook: Playbook, alerts: readonly Alert[], now: number): Record<string, unknown> {
  const earliest = Math.min(...alerts.map((a) => Date.parse(a.startsAt)).filter(Number.isFinite), now);
  const start = earliest - parseDuration(playbook.window);
  const seconds = Math.max(1, Math.round((now - start) / 1000));
  return { start: Math.floor(start / 1000), end: Math.floor(now / 1000), startIso: new Date(start).toISOString(), endIso: new Date(now).toISOString(), seconds, stepSeconds: Math.max(15, Math.ceil(seconds / 240)) };
}

export async function runPlaybook(playbook: Playbook, context: MemoryContext, options: RunOptions = {}): Promise<Record<string, unknown>> {
  const registry = new StepRegistry(options.handlers ?? stepHandlers);
  const outputs = context.vars.steps as Record<string, unknown>;
  Object.assign(context.vars, { window: windowVars(playbook, context.alerts, context.now()), incident: { id: context.incident.id, title: context.incident.title, playbook: playbook.name } });
  const runLeaf = async (step: LeafStep): Promise<void> => {
    if (options.skip?.includes(step.id) || step.kind === 'decide' || step.kind === 'notify') return;
    const handler = registry.get(step.kind);
    if (!handler) throw new Error(`no handler for step kind ${step.kind}`);
    const params = handler.params.parse(renderParams(step.params, { ...context.vars, rootCause: context.incident.rootCause ?? null }));
    outputs[step.id] = await handler.run(context, params);
  };
  for (const step of playbook.steps) {
    if (isGroup(step)) {
      await Promise.all(step.parallel.map(runLeaf));
      if (options.until && step.parallel.some((s) => s.kind === options.until)) break;
      continue;
    }
    if (step.kind === 'await-approval') {
      if (!options.onApproval || !(await options.onApproval(context))) break;
      continue;
    }
    await runLeaf(step);
    if (options.until && step.kind === options.until) break;
  }
  return outputs;
}
