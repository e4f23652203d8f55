/**
 * The persona model of the manual baseline: how long a person takes for each step of a scenario's
 * runbook, on top of the time the commands themselves take (measured, because run-scenario runs them).
 * Every figure has its reasoning in docs/mttr-model.md; change a number there and here together.
 *
 * A step's human time = finding the command + typing it + reading its output + thinking about it,
 * plus the expected cost of a retry (mistyped flag, wrong label). The incident adds acknowledging the
 * page and getting oriented. Phases a person waits out like the agent (the alert's own delay, pods
 * rolling out, the symptom staying gone) are not modelled: they are taken from the run's measurements.
 */
import type { RunbookStep } from '../scenarios/catalog.js';

export const MANUAL_MODEL_VERSION = 'persona-model/1';

export type PersonaName = 'senior' | 'junior';

export interface Persona {
  name: PersonaName;
  describe: string;
  /** Page to hands on keyboard with the right cluster context. */
  acknowledgeSeconds: number;
  /** Reading the alert, opening the runbook/dashboards, deciding where to start. */
  orientSeconds: number;
  /** Sustained typing speed for shell commands (characters per second). */
  typingCharsPerSecond: number;
  /** Share of a command's characters actually typed (history, tab completion, copy-paste). */
  typedShare: number;
  /** Time to recall or look up the right command or PromQL. */
  lookupSeconds: { kubectl: number; promql: number; aws: number; other: number };
  /** Reading/scanning one line of output. */
  readSecondsPerLine: number;
  /** Lines beyond this are skimmed, not read. */
  readLinesCap: number;
  /** Thinking per step, by the reasoning it needs. */
  thinkSeconds: { low: number; medium: number; high: number };
  /** Expected share of steps redone (typo, wrong label, wrong namespace). */
  retryRate: number;
  /** Deciding to change production, once per incident (for a junior: asking someone first). */
  changeDecisionSeconds: number;
  /** Watching the service after the fix before calling it resolved. */
  watchSeconds: number;
}

export const personas: Record<PersonaName, Persona> = {
  senior: {
    name: 'senior',
    describe: 'senior SRE who knows the service, kubectl and PromQL by heart',
    acknowledgeSeconds: 75,
    orientSeconds: 45,
    typingCharsPerSecond: 4.0,
    typedShare: 0.4,
    lookupSeconds: { kubectl: 3, promql: 10, aws: 10, other: 8 },
    readSecondsPerLine: 0.5,
    readLinesCap: 40,
    thinkSeconds: { low: 5, medium: 12, high: 35 },
    retryRate: 0.05,
    changeDecisionSeconds: 30,
    watchSeconds: 60,
  },
  junior: {
    name: 'junior',
    describe: 'engineer in their first year of on-call, following the runbook',
    acknowledgeSeconds: 120,
    orientSeconds: 90,
    typingCharsPerSecond: 3.0,
    typedShare: 0.4,
    lookupSeconds: { kubectl: 8, promql: 20, aws: 20, other: 15 },
    readSecondsPerLine: 0.9,
    readLinesCap: 60,
    thinkSeconds: { low: 8, medium: 18, high: 40 },
    retryRate: 0.1,
    changeDecisionSeconds: 90,
    watchSeconds: 120,
  },
};

/** The persona whose time is report.json's manualBaselineSeconds: the conservative comparison. */
export const DEFAULT_PERSONA: PersonaName = 'senior';

export interface StepTiming {
  lookup: number;
  typing: number;
  reading: number;
  thinking: number;
  retry: number;
  human: number;
}

export function toolOf(command: string): keyof Persona['lookupSeconds'] {
  if (/^\s*kubectl\b/.test(command)) return 'kubectl';
  if (/promtool|\/api\/v1\/query/.test(command)) return 'promql';
  if (/^\s*aws\b/.test(command)) return 'aws';
  return 'other';
}

/** Human seconds of one step, given the lines of output it produced. */
export function humanStepTime(step: Pick<RunbookStep, 'run' | 'typed' | 'think'>, outputLines: number, persona: Persona): StepTiming {
  const command = step.typed ?? step.run;
  const lookup = persona.lookupSeconds[toolOf(step.run)];
  const typing = (command.length * persona.typedShare) / persona.typingCharsPerSecond;
  const reading = Math.min(Math.max(outputLines, 1), persona.readLinesCap) * persona.readSecondsPerLine;
  const thinking = persona.thinkSeconds[step.think];
  const base = lookup + typing + reading + thinking;
  const retry = base * persona.retryRate;
  return { lookup, typing, reading, thinking, retry, human: base + retry };
}

export interface ManualEstimate {
  persona: PersonaName;
  /** Seconds from the fault to the page, measured in the run (the same alert pages a person). */
  detectSeconds: number;
  acknowledgeSeconds: number;
  orientSeconds: number;
  steps: { id: string; phase: RunbookStep['phase']; human: number; machine: number; timing: StepTiming }[];
  /** Seconds the system needs after the fix until the symptom is gone (rollout, alert clearing), measured. */
  recoverySeconds: number;
  watchSeconds: number;
  /** Phase totals on the same scale as the agent's phases. */
  phases: { detect: number; investigate: number; approve: number; remediate: number; verify: number };
  totalSeconds: number;
}

export interface StepMeasurement {
  id: string;
  phase: RunbookStep['phase'];
  step: Pick<RunbookStep, 'run' | 'typed' | 'think' | 'mutates'>;
  outputLines: number;
  machineSeconds: number;
}

/**
 * The manual MTTR of one run for one persona: detect (measured) + acknowledge + orient + every
 * detect/investigate step + the change decision and remediation steps + recovery (measured: until the
 * symptom is gone) + watching it stay gone + the verification steps.
 */
export function estimateManual(persona: Persona, measured: { detectSeconds: number; recoverySeconds: number; steps: StepMeasurement[] }): ManualEstimate {
  const steps = measured.steps.map((m) => {
    const timing = humanStepTime(m.step, m.outputLines, persona);
    return { id: m.id, phase: m.phase, human: timing.human, machine: m.machineSeconds, timing };
  });
  const sum = (phases: RunbookStep['phase'][], part: (s: (typeof steps)[number]) => number) => steps.filter((s) => phases.includes(s.phase)).reduce((total, s) => total + part(s), 0);
  const investigate = persona.acknowledgeSeconds + persona.orientSeconds + sum(['detect', 'investigate'], (s) => s.human + s.machine);
  const approve = measured.steps.some((m) => m.phase === 'remediate' && m.step.mutates) ? persona.changeDecisionSeconds : 0;
  const remediate = sum(['remediate'], (s) => s.human + s.machine);
  const verify = measured.recoverySeconds + persona.watchSeconds + sum(['verify'], (s) => s.human);
  const phases = { detect: measured.detectSeconds, investigate, approve, remediate, verify };
  const totalSeconds = Object.values(phases).reduce((a, b) => a + b, 0);
  return { persona: persona.name, detectSeconds: measured.detectSeconds, acknowledgeSeconds: persona.acknowledgeSeconds, orientSeconds: persona.orientSeconds, steps, recoverySeconds: measured.recoverySeconds, watchSeconds: persona.watchSeconds, phases, totalSeconds };
}

export function describeModel(persona: PersonaName = DEFAULT_PERSONA): string {
  return `${MANUAL_MODEL_VERSION}:${persona} (runbook steps executed for real; human time per docs/mttr-model.md)`;
}
