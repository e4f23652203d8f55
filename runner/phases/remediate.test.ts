import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { phaseWorld } from '../../test/support/runner/phase-kit.js';
import { newIncident, proposedAction } from '../../test/support/runner/stubs.js';
import type { PhaseFailed } from './context.js';
import { remediate } from './remediate.js';

test('each executed action in the timeline at its own time, and a summary line', async () => {
  const w = phaseWorld();
  const at = (s: number) => new Date(w.clock.now() + s * 1000).toISOString();
  const incident = newIncident('inc-1', at(0), { status: 'verifying' });
  incident.actions = [
    { ...proposedAction('a1', 'rollout-restart', 'petlistadoptions', at(0), false), status: 'succeeded', executedAt: at(1), result: { ok: true, message: 'restarted' } },
    { ...proposedAction('a2', 'raise-limits', 'petlistadoptions', at(0)), status: 'failed', executedAt: at(2) },
    proposedAction('a3', 'scale-deployment', 'petlistadoptions', at(0)),
  ];
  incident.milestones.remediatedAt = at(2);
  w.agent.incidents.set('inc-1', incident);
  w.run.incident = incident;
  await w.enter(remediate);
  assert.equal(w.run.timeline.events.map((e) => [e.at, e.summary]), [[at(1), 'rollout-restart Deployment/petlistadoptions: restarted'], [at(2), 'raise-limits Deployment/petlistadoptions: failed']]);
  assert.equal(w.progress.notes(), ['remediation: rollout-restart petlistadoptions (succeeded), raise-limits petlistadoptions (failed)']);
});

test('nothing executed in time: the message points at the incident\'s actions', async () => {
  const w = phaseWorld({ overrides: { timings: { remediateSeconds: 3 } } });
  const incident = newIncident('inc-1', new Date(w.clock.now()).toISOString(), { status: 'remediating' });
  w.agent.incidents.set('inc-1', incident);
  w.run.incident = incident;
  const failed = (await w.enter(remediate).catch((e: unknown) => e)) as PhaseFailed;
  assert.is(failed.message, 'the agent executed no action for incident inc-1 within 3 s (status remediating); see its actions at http://agent.test/incidents/inc-1');
});

test.run();
