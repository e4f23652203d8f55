import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert } from '../../core/types.js';
import { evaluate } from './conditions.js';
import { PlaybookLibrary, PlaybookValidationError, parsePlaybook } from './loader.js';
import { choosePlaybook } from './matcher.js';
import { StepRegistry } from './registry.js';
import { renderParams } from './template.js';
import { memoryAlert, memoryLeakPlaybook, playbookDir, StubWorld, stubHandlers } from '../../test/support/agent/workflow-testkit.js';

const registry = new StepRegistry(stubHandlers(new StubWorld()));
const problemsOf = (text: string) => parsePlaybook(text, 'agent/playbooks/memory-leak.yaml', registry).problems.map((p) => `${p.file}:${p.line}: ${p.message}`);

test('the test playbook is valid', () => {
  const { playbook, problems } = parsePlaybook(memoryLeakPlaybook, 'memory-leak.yaml', registry);
  assert.equal(problems, []);
  assert.is(playbook!.name, 'memory-leak');
  assert.is(playbook!.steps.length, 9);
});

test('an unknown kind is reported with its file, line, a suggestion and the known kinds', () => {
  const text = memoryLeakPlaybook.replace('      - id: logs\n        kind: logs', '      - id: logs\n        kind: log');
  const [problem] = problemsOf(text);
  const line = text.split('\n').findIndex((l) => l.includes('kind: log') && !l.includes('logs')) + 1;
  assert.is(problem, `agent/playbooks/memory-leak.yaml:${line}: step 'logs' has unknown kind 'log' (did you mean 'logs'?) (known: analyse, await-approval, cloudwatch, decide, kubernetes, logs, logs-insights, metrics, notify, recommend, remediate, traces, verify)`);
});

test("params are checked against the handler's schema; templates are checked at run time", () => {
  const text = memoryLeakPlaybook.replace("        retries: 2\n", '        retries: 2\n').replace('          window: "{{window.seconds}}"', '          window: "{{window.seconds}}"\n          querry: up');
  const problems = problemsOf(text);
  assert.is(problems.length, 1);
  assert.match(problems[0]!, /:\d+: step 'memory' \(metrics\) has unknown param 'querry' \(known: query, window\)/);
  const wrongType = problemsOf(memoryLeakPlaybook.replace('          window: "{{window.seconds}}"', '          window: "an hour"'));
  assert.match(wrongType[0]!, /step 'memory' \(metrics\) param 'window': Invalid input: expected number, received string/);
  const badDecide = problemsOf(memoryLeakPlaybook.replace('goto: recommend\n          label: leak found', 'goto: recommend\n          lable: leak found'));
  assert.match(badDecide[0]!, /step 'route' \(decide\) param 'branches.0'/);
});

test('duplicate ids, missing goto targets, bad templates and control steps in parallel groups are reported', () => {
  const duplicate = problemsOf(memoryLeakPlaybook.replace('  - id: verify\n', '  - id: remediate\n'));
  assert.ok(duplicate.some((p) => /duplicate step id 'remediate' \(first used on line \d+\)/.test(p)), duplicate.join('\n'));
  const goto = problemsOf(memoryLeakPlaybook.replace('otherwise: no-cause', 'otherwise: no-such-step'));
  assert.match(goto[0]!, /step 'route' jumps to 'no-such-step', which is not a step of this playbook/);
  const template = problemsOf(memoryLeakPlaybook.replace('"no root cause for {{incident.id}}"', '"no root cause for {{incident.id}"'));
  assert.match(template[0]!, /step 'no-cause' param 'text': template does not parse/);
  const control = problemsOf(memoryLeakPlaybook.replace('      - id: logs\n        kind: logs', '      - id: logs\n        kind: await-approval'));
  assert.match(control[0]!, /'await-approval' changes the course of the workflow and cannot run inside a parallel group/);
});

test('YAML and structure errors carry their line', () => {
  const yaml = problemsOf('name: x\ndescription: y\nsteps:\n  - id: a\n    kind: [unclosed\n');
  assert.match(yaml[0]!, /^agent\/playbooks\/memory-leak.yaml:\d+: YAML: /);
  const structure = problemsOf('name: x\ndescription: y\nmatch:\n  alertnames: [A]\nsteps:\n  - id: a\n    kind: metrics\n    timeout: soon\n    colour: red\n');
  assert.ok(structure.includes("agent/playbooks/memory-leak.yaml:9: steps.0: unknown field 'colour'") || structure.some((p) => /:9: .*colour/.test(p)), structure.join('\n'));
  assert.ok(structure.some((p) => /:8: steps\.0\.timeout: expected a duration/.test(p)), structure.join('\n'));
  const orphan = problemsOf('name: x\ndescription: y\nsteps:\n  - id: a\n    kind: metrics\n');
  assert.match(orphan[0]!, /has no match and is not the fallback/);
});

test('the library reports every problem of every file at once', () => {
  const dir = playbookDir({ 'a.yaml': memoryLeakPlaybook.replace('kind: logs', 'kind: lgos'), 'b.yaml': memoryLeakPlaybook, 'b2.yaml': memoryLeakPlaybook, 'c.yml': 'name: [' });
  try {
    PlaybookLibrary.load({ dirs: [dir], registry, cwd: dir });
    assert.unreachable('loaded');
  } catch (error) {
    assert.instance(error, PlaybookValidationError);
    const message = (error as Error).message;
    assert.match(message, /^3 problems in playbooks:/);
    assert.match(message, /a\.yaml:\d+: step 'logs' has unknown kind 'lgos'/);
    assert.match(message, /b2\.yaml:1: playbook name 'memory-leak' is already used by b\.yaml/);
    assert.match(message, /c\.yml:\d+: YAML/);
  }
});

test('the built-in general investigation is the fallback when no playbook declares one', () => {
  const library = PlaybookLibrary.load({ dirs: [playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook })], registry });
  assert.is(library.fallback.name, 'general-investigation');
  assert.equal(library.warnings, []);
  const bare = PlaybookLibrary.from([], new StepRegistry());
  assert.is(bare.fallback.name, 'notify-only', 'without handlers it cannot gather evidence');
  assert.match(bare.warnings[0]!, /cannot run with the registered step kinds/);
});

test('playbook choice: the highest-priority match, else the fallback', () => {
  const library = PlaybookLibrary.load({
    dirs: [
      playbookDir({
        'memory-leak.yaml': memoryLeakPlaybook,
        'petsite.yaml': memoryLeakPlaybook.replace('name: memory-leak', 'name: petsite-memory').replace('priority: 10', 'priority: 20').replace('    namespace: petadoptions', '    namespace: petadoptions\n    deployment: { regex: "pet.*" }'),
      }),
    ],
    registry,
  });
  assert.is(choosePlaybook(library.playbooks, library.fallback, [memoryAlert()]).playbook.name, 'petsite-memory');
  assert.is(choosePlaybook(library.playbooks, library.fallback, [memoryAlert({ deployment: 'cart' })]).playbook.name, 'memory-leak');
  const other: Alert = { ...memoryAlert(), name: 'KubeNodeNotReady', labels: { alertname: 'KubeNodeNotReady', node: 'ip-1' } };
  const choice = choosePlaybook(library.playbooks, library.fallback, [other]);
  assert.is(choice.playbook.name, 'general-investigation');
  assert.match(choice.reason, /no playbook matches the alerts \(KubeNodeNotReady\)/);
});

test('templates keep whole values, render strings, and conditions read findings and vars', () => {
  const vars = { target: { name: 'petsite', namespace: 'petadoptions' }, window: { seconds: 1800 }, steps: { memory: { series: [{ value: 0.93 }] } } };
  assert.equal(renderParams({ q: 'up{pod=~"{{target.name}}-.*"}', w: '{{window.seconds}}', list: ['{{target.namespace}}'], n: 3 }, vars), { q: 'up{pod=~"petsite-.*"}', w: 1800, list: ['petadoptions'], n: 3 });
  assert.is(renderParams('{{json target}}', vars), '{"name":"petsite","namespace":"petadoptions"}');
  assert.is(renderParams('{{default missing "none"}}', vars), 'none');
  const incident = { findings: [{ id: 'f', source: 'prometheus', kind: 'memory-near-limit', severity: 'warning' }], hypotheses: [], gaps: [{ source: 'traces' }], actions: [], rootCause: { kind: 'memory-leak', confidence: 0.8 } } as never;
  const scope = { incident, alerts: [memoryAlert()], vars };
  assert.ok(evaluate({ all: [{ finding: { kind: 'memory-near-limit', source: 'prometheus' } }, { rootCause: { kind: ['memory-leak', 'crash-loop'], minConfidence: 0.7 } }] }, scope));
  assert.not.ok(evaluate({ rootCause: { minConfidence: 0.9 } }, scope));
  assert.ok(evaluate({ any: [{ gap: { source: 'kubernetes' } }, { gap: { source: 'traces' } }] }, scope));
  assert.ok(evaluate({ alert: { name: 'ContainerMemoryNearLimit', labels: { pod: { regex: 'petsite-.*' } } } }, scope));
  assert.ok(evaluate({ var: 'steps.memory.series.0.value', gte: 0.9 }, scope));
  assert.ok(evaluate({ not: { finding: { kind: 'oom-killed' } } }, scope));
  assert.not.ok(evaluate({ rootCause: { exists: false } }, scope));
});

test.run();
