import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld } from '../../test/support/runner/phase-kit.js';
import { PhaseFailed, RunInterrupted } from './context.js';
import { fixApplied, investigationStarted, manualPhases, manualVerify, rootCauseFound } from './manual.js';

test('without a presenter the run stops before the first milestone, in the phase it was in', async () => {
  const w = phaseWorld({ overrides: { manual: true } });
  w.run.enter('detect', 'waiting');
  const failed = (await w.enter(investigationStarted).catch((e: unknown) => e)) as PhaseFailed;
  assert.instance(failed, PhaseFailed);
  assert.equal([failed.phase, failed.message, w.run.phase], ['manual', '--manual needs a terminal (or lines on standard input) to mark the phases', 'detect']);
});

test('each Enter marks its milestone; the root cause is named (Enter takes the expected one)', async () => {
  const asked: string[] = [];
  const answers: Record<string, string> = { 'Root cause kind?': 'memory-leak', 'Root cause target?': '' };
  const w = phaseWorld({ overrides: { manual: true }, presenter: { ask: async (q) => (asked.push(q), Object.entries(answers).find(([k]) => q.startsWith(k))?.[1] ?? '') } });
  w.run.record.alert = { name: 'ContainerOOMKilled', firedAt: '2026-11-25T09:00:20.000Z', labels: {} };
  for (const phase of manualPhases.slice(0, 4)) {
    await w.enter(phase);
    await w.clock.sleep(10_000);
  }
  assert.equal(asked, [
    'Press Enter when you START investigating. ',
    'Press Enter when you have FOUND the root cause. ',
    'Root cause kind? [Enter: memory-leak] ',
    'Root cause target? [Enter: petlistadoptions] ',
    'Press Enter when the fix is DECIDED (approved). ',
    'Press Enter when you have APPLIED the fix. ',
  ]);
  const r = w.run.record;
  const times = [r.investigationStartedAt, r.rootCauseAt, r.remediationApprovedAt, r.remediatedAt].map((t) => Date.parse(t!));
  assert.equal(times.map((t) => t - times[0]!), [0, 10_000, 20_000, 30_000]);
  assert.equal(r.manualRootCause?.target, { kind: 'Deployment', namespace: 'petadoptions', name: 'petlistadoptions' });
  assert.is(r.manualRootCause?.evidence[0]?.summary, 'alert ContainerOOMKilled fired at 2026-11-25T09:00:20.000Z');
  assert.equal(w.progress.calls.filter((c) => c[0] === 'phase').map((c) => c[1]), ['investigate', 'investigate', 'approve', 'remediate']);
  assert.equal(w.run.timeline.events.map((e) => `${e.phase} ${e.source}: ${e.summary}`), ['investigate presenter: presenter starts investigating', 'investigate presenter: presenter found the root cause', 'approve presenter: presenter decided the fix', 'remediate presenter: presenter applied the fix']);
  assert.match(w.progress.notes()[0]!, /^Manual mode: investigate with the runbook \(scenarios\/memory-leak\/runbook\.md\)/);
  assert.ok(rootCauseFound.name === 'investigate' && fixApplied.name === 'remediate');
});

test('Ctrl-C while the presenter investigates ends the run', async () => {
  const controller = new AbortController();
  // The presenter never presses Enter; Ctrl-C comes while the question is on the screen.
  const ask = () => {
    setImmediate(() => controller.abort());
    return new Promise<string>(() => undefined);
  };
  const w = phaseWorld({ overrides: { manual: true }, presenter: { ask }, signal: controller.signal });
  assert.instance(await w.enter(investigationStarted).catch((e: unknown) => e), RunInterrupted);
});

test('the runner verifies the presenter\'s fix: the symptom gone for the hold time', async () => {
  const w = phaseWorld({ overrides: { manual: true } });
  const start = w.clock.now();
  await w.enter(manualVerify);
  assert.is(w.run.record.outcome, 'resolved');
  assert.is(w.run.record.symptomGoneAt, new Date(start).toISOString());
  assert.is(w.run.record.resolvedAt, new Date(start + w.run.timings.holdSeconds * 1000).toISOString());
  assert.equal(w.run.timeline.events.map((e) => e.summary), [`symptom gone for ${w.run.timings.holdSeconds} s`]);
});

test.run();
