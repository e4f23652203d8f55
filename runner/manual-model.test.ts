import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAllScenarios } from '../scenarios/catalog.js';
import { estimateManual, humanStepTime, personas, toolOf, type StepMeasurement } from './manual-model.js';

/** Typical output sizes and command durations on the local target (measured from real runs). */
const measuredFor = (runbook: ReturnType<typeof loadAllScenarios>[number]['runbook']): StepMeasurement[] =>
  runbook.steps.filter((s) => s.targets.includes('local')).map((step) => ({ id: step.id, phase: step.phase, step, outputLines: step.run.includes('describe') ? 40 : 6, machineSeconds: 0.3 }));

test('every scenario lands in the documented range: senior about 10-15 min, junior slower, agent-independent', () => {
  for (const definition of loadAllScenarios()) {
    const measured = { detectSeconds: 25, recoverySeconds: 30, steps: measuredFor(definition.runbook) };
    const senior = estimateManual(personas.senior, measured);
    const junior = estimateManual(personas.junior, measured);
    assert.ok(senior.totalSeconds >= 8 * 60 && senior.totalSeconds <= 15 * 60, `${definition.spec.name}: senior ${Math.round(senior.totalSeconds)} s`);
    assert.ok(junior.totalSeconds > senior.totalSeconds * 1.3, `${definition.spec.name}: junior ${Math.round(junior.totalSeconds)} s vs senior ${Math.round(senior.totalSeconds)} s`);
    assert.ok(junior.totalSeconds <= 25 * 60, `${definition.spec.name}: junior ${Math.round(junior.totalSeconds)} s`);
    const sum = Object.values(senior.phases).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - senior.totalSeconds) < 1e-6, 'phases add up');
    assert.is(senior.phases.detect, 25, 'detection is measured, not modelled');
    assert.is(senior.phases.approve, personas.senior.changeDecisionSeconds, 'one decision to change production per incident');
  }
});

test('a step costs lookup + typing + reading + thinking, plus the expected retries', () => {
  const step = { run: 'kubectl get pods -n petadoptions -l app=petsite -o wide', think: 'medium' as const, mutates: false };
  const t = humanStepTime(step, 5, personas.senior);
  assert.is(t.lookup, 3);
  assert.ok(Math.abs(t.typing - (step.run.length * 0.4) / 4) < 1e-9);
  assert.is(t.reading, 2.5);
  assert.is(t.thinking, 12);
  assert.ok(Math.abs(t.human - (t.lookup + t.typing + t.reading + t.thinking) * 1.05) < 1e-9);
  assert.is(humanStepTime(step, 500, personas.senior).reading, 40 * 0.5, 'long output is skimmed');
  assert.is(humanStepTime({ ...step, typed: 'k get po' }, 5, personas.senior).typing, (8 * 0.4) / 4, 'typed form counts when given');
});

test('tools are recognised for lookup time', () => {
  assert.is(toolOf('kubectl get pods'), 'kubectl');
  assert.is(toolOf(`promtool query instant "$PROM" 'up'`), 'promql');
  assert.is(toolOf('aws cloudwatch describe-alarms'), 'aws');
  assert.is(toolOf('curl -s "$XRAY/TraceSummaries"'), 'other');
});

test.run();
