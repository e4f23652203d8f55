/**
 * The step kinds a playbook may use: one registry (k8sgpt style). Evidence, analysis and remediation
 * kinds come from agent/steps/index.ts; the control kinds (`decide`, `await-approval`, `notify`) are
 * the engine's own and are always there. Adding a kind is adding a handler and one line, never
 * touching the engine.
 */
import type { ZodType } from 'zod';
import type { StepHandler } from './step.js';
import { awaitApprovalParams, decideParams, notifyHandler } from './control-steps.js';

/** Kinds whose control flow the engine runs itself; their params are validated like any other. */
export const controlKinds = { decide: decideParams, 'await-approval': awaitApprovalParams } as const;
export type ControlKind = keyof typeof controlKinds;

export function isControlKind(kind: string): kind is ControlKind {
  return kind in controlKinds;
}

export class StepRegistry {
  private readonly handlers = new Map<string, StepHandler>();

  constructor(handlers: readonly StepHandler[] = []) {
    this.register(notifyHandler);
    for (const handler of handlers) this.register(handler);
  }

  register(handler: StepHandler): void {
    if (isControlKind(handler.kind)) throw new Error(`step kind '${handler.kind}' is the engine's own and cannot be registered`);
    if (this.handlers.has(handler.kind) && handler.kind !== 'notify') throw new Error(`step kind '${handler.kind}' is registered twice`);
    this.handlers.set(handler.kind, handler);
  }

  get(kind: string): StepHandler | undefined {
    return this.handlers.get(kind);
  }

  paramsOf(kind: string): ZodType | undefined {
    return isControlKind(kind) ? controlKinds[kind] : this.handlers.get(kind)?.params;
  }

  /** All kinds, sorted, for "known: ..." in error messages. */
  kinds(): string[] {
    return [...this.handlers.keys(), ...Object.keys(controlKinds)].sort();
  }

  /** Kinds beyond the built-in control ones (readiness: were the step handlers registered?). */
  handlerCount(): number {
    return [...this.handlers.keys()].filter((kind) => kind !== 'notify').length;
  }
}
