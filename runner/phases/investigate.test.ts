import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld } from '../../test/support/runner/phase-kit.js';
import { newIncident } from '../../test/support/runner/stubs.js';
import type { PhaseFailed } from './context.js';
import { investigate } from './investigate.js';

const rootCause = { kind: 'memory-leak' as const, target: { kind: 'Deployment' as const, namespace: 'petadoptions', name: 'petlistadoptions' }, confidence: 0.97, summary: 'leak', evidence: [] };

test('the root cause the agent names, in the timeline at the agent\'s time', async () => {
  const w = phaseWorld();
  const incident = newIncident('inc-1', new Date(w.clock.now()).toISOString(), { playbook: 'memory-leak' });
  w.agent.incidents.set('inc-1', incident);
  w.run.incident = structuredClone(incident);
  w.clock.listeners.push((now) => {
    if (now - Date.parse(incident.createdAt) >= 4_000 && !incident.rootCause) {
      incident.rootCause = rootCause;
      incident.milestones.rootCauseAt = new Date(now).toISOString();
    }
  });
  await w.enter(investigate);
  assert.equal(w.progress.calls[0], ['phase', 'investigate', 'the agent investigates (playbook memory-leak)']);
  assert.equal(w.run.timeline.events.map((e) => [e.at, e.summary]), [[incident.milestones.rootCauseAt, 'root cause: memory-leak Deployment/petlistadoptions (confidence 0.97)']]);
  assert.equal(w.progress.notes(), ['root cause: memory-leak in Deployment petadoptions/petlistadoptions (confidence 0.97)']);
});

test('an incident the agent closes without a root cause fails the phase at once', async () => {
  const w = phaseWorld();
  const incident = newIncident('inc-1', new Date(w.clock.now()).toISOString(), { status: 'closed' });
  w.agent.incidents.set('inc-1', incident);
  w.run.incident = incident;
  const started = w.clock.now();
  const failed = (await w.enter(investigate).catch((e: unknown) => e)) as PhaseFailed;
  assert.equal([failed.phase, failed.message], ['investigate', 'the agent ended incident inc-1 as closed before naming a root cause; see http://agent.test/incidents/inc-1']);
  assert.is(w.clock.now(), started, 'no waiting for the timeout');
});

test.run();
