import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld, type PhaseWorld } from '../../test/support/runner/phase-kit.js';
import { newIncident } from '../../test/support/runner/stubs.js';
import type { PhaseFailed } from './context.js';
import { SymptomHold, verify } from './verify.js';

const crashLooping = { name: 'PodCrashLooping', state: 'firing' as const, labels: { alertname: 'PodCrashLooping', namespace: 'petadoptions', deployment: 'petlistadoptions' }, activeAt: 'x' };

function verifying(w: PhaseWorld, resolveAfterMs: number) {
  const start = w.clock.now();
  const incident = newIncident('inc-1', new Date(start).toISOString(), { status: 'verifying' });
  w.agent.incidents.set('inc-1', incident);
  w.agent.incidents.set('inc-2', newIncident('inc-2', new Date(start).toISOString()));
  w.run.incident = incident;
  w.run.injectedMs = start;
  w.clock.listeners.push((now) => {
    if (now - start >= resolveAfterMs && incident.status !== 'resolved') {
      incident.status = 'resolved';
      incident.milestones.resolvedAt = new Date(now).toISOString();
      incident.verification = { check: 'restarts == 0', holdSeconds: 60, startedAt: incident.createdAt, outcome: 'passed', detail: 'symptom gone for 60 s' };
    }
  });
  return start;
}

test('the symptom must stay gone for the hold time; it starts over when it comes back', async () => {
  const w = phaseWorld();
  const hold = new SymptomHold(w.run);
  await hold.check();
  const gone = hold.goneSince;
  assert.is(gone, w.clock.now());
  await w.clock.sleep(5_000);
  w.metrics.firing = [crashLooping];
  await hold.check();
  assert.equal([hold.goneSince, hold.left], [undefined, ['alert PodCrashLooping fires']]);
  w.metrics.firing = [];
  await hold.check();
  await w.clock.sleep(w.run.timings.holdSeconds * 1000);
  assert.ok(hold.held());
});

test('resolved when both hold: the agent\'s resolution and the runner\'s check (the later counts)', async () => {
  const w = phaseWorld();
  const start = verifying(w, 2_000);
  await w.enter(verify);
  const hold = w.run.timings.holdSeconds * 1000;
  assert.is(w.run.record.outcome, 'resolved');
  assert.is(w.run.record.symptomGoneAt, new Date(start).toISOString());
  assert.is(w.run.record.resolvedAt, new Date(start + hold).toISOString(), 'the runner confirmed after the agent resolved');
  assert.equal(w.run.record.otherIncidents, ['inc-2']);
  assert.is(w.run.record.afterFix.length, 4);
  assert.equal(w.run.timeline.events.map((e) => e.summary), ['incident resolved: symptom gone for 60 s', `symptom gone for ${w.run.timings.holdSeconds} s (runner's own check)`]);
});

test('the agent resolved but the symptom keeps coming back: the message says what is left', async () => {
  const w = phaseWorld({ overrides: { timings: { verifySeconds: 20 } } });
  verifying(w, 0);
  w.metrics.firing = [crashLooping];
  const failed = (await w.enter(verify).catch((e: unknown) => e)) as PhaseFailed;
  assert.is(failed.message, `the agent resolved incident inc-1 but the symptom did not stay gone for ${w.run.timings.holdSeconds} s within 20 s: alert PodCrashLooping fires`);
});

test.run();
