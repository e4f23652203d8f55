import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld } from '../../test/support/runner/phase-kit.js';
import { newIncident } from '../../test/support/runner/stubs.js';
import { PhaseFailed, RunInterrupted } from './context.js';

test('waitFor polls every pollMs until done, and fails the named phase with its message at the deadline', async () => {
  const w = phaseWorld();
  const start = w.clock.now();
  let polls = 0;
  await w.run.waitFor(10, 'detect', async () => ++polls === 3, () => 'never');
  assert.is(polls, 3);
  assert.is(w.clock.now() - start, 2 * w.run.timings.pollMs);

  const failed = await w.run.waitFor(5, 'approve', async () => false, () => 'nobody approved').catch((e: unknown) => e);
  assert.instance(failed, PhaseFailed);
  assert.equal([(failed as PhaseFailed).phase, (failed as PhaseFailed).message], ['approve', 'nobody approved']);
});

test('Ctrl-C ends a wait as an interruption of the current phase', async () => {
  const controller = new AbortController();
  const w = phaseWorld({ signal: controller.signal });
  w.run.enter('detect', 'waiting');
  w.clock.listeners.push(() => controller.abort());
  const interrupted = await w.run.waitFor(60, 'detect', async () => false, () => 'never').catch((e: unknown) => e);
  assert.instance(interrupted, RunInterrupted);
  assert.is((interrupted as Error).message, 'interrupted during detect');
});

test('a failure is recorded against the phase that gave up, in the timeline and on the terminal', () => {
  const w = phaseWorld();
  w.run.enter('verify', 'checking');
  w.run.fail(new PhaseFailed('manual', '--manual needs a terminal'));
  assert.equal(w.run.record.failure, { phase: 'manual', message: '--manual needs a terminal' });
  assert.equal(w.run.timeline.events.map((e) => [e.phase, e.summary]), [['verify', 'run failed: --manual needs a terminal']]);
  assert.equal(w.progress.notes(), ['verify failed: --manual needs a terminal']);

  const unexpected = phaseWorld();
  unexpected.run.enter('baseline', 'measuring');
  unexpected.run.fail(new TypeError('boom'));
  assert.equal(unexpected.run.record.failure, { phase: 'baseline', message: 'boom' });
  assert.match(unexpected.progress.notes()[1]!, /^TypeError: boom\n\s+at /, 'an unexpected error shows its stack');
});

test('an interruption is reported as such whatever error it caused', () => {
  const controller = new AbortController();
  const w = phaseWorld({ signal: controller.signal });
  w.run.enter('remediate', 'executing');
  controller.abort();
  w.run.fail(new Error('fetch failed'));
  assert.equal(w.run.record.failure, { phase: 'remediate', message: 'interrupted during remediate (Ctrl-C or SIGTERM)' });
  assert.ok(w.run.manualRunbook.signal.aborted, 'Ctrl-C also stops the manual runbook');
});

test('the agent ending the incident unresolved fails the current phase with its root cause and last note', () => {
  const w = phaseWorld();
  w.run.enter('investigate', 'the agent investigates');
  w.run.incident = newIncident('inc-1', 'x', { status: 'unresolved', rootCause: { kind: 'memory-leak', target: { kind: 'Deployment', namespace: 'petadoptions', name: 'petsite' }, confidence: 0.4, summary: 's', evidence: [] }, timeline: [{ at: 'x', type: 'observation', source: 'agent', summary: 'gave up' }] });
  const error = (() => {
    try {
      w.run.failIfFinal('before naming a root cause');
    } catch (e) {
      return e as PhaseFailed;
    }
    return undefined;
  })();
  assert.is(error?.phase, 'investigate');
  assert.is(error?.message, 'the agent ended incident inc-1 as unresolved before naming a root cause (its root cause: memory-leak in Deployment petsite, confidence 0.40); its last note: gave up; see http://agent.test/incidents/inc-1');
});

test.run();
