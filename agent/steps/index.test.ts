/**
 * The step registry: what each kind declares (the source its failure leaves a gap in, the incident's
 * status while it runs) is what the playbooks rely on, now that the engine knows no kind by name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isGroup } from '../workflow/playbook.js';
import { controlKinds, StepRegistry } from '../workflow/registry.js';
import { playbooks } from '../../test/support/agent/run-playbook.js';
import { stepHandlers } from './index.js';

const registry = new StepRegistry(stepHandlers);
const shipped = playbooks().playbooks;
const leaves = shipped.flatMap((p) => p.steps.flatMap((s) => (isGroup(s) ? s.parallel.map((c) => ({ playbook: p.name, step: c, grouped: true })) : [{ playbook: p.name, step: s, grouped: false }])));

// What the engine used to know by kind name, now declared by each handler (a new kind adds its own).
const gapSources = { metrics: 'prometheus', kubernetes: 'kubernetes', logs: 'logs', traces: 'traces', cloudwatch: 'cloudwatch', 'logs-insights': 'cloudwatch-logs', analyse: undefined, recommend: undefined, remediate: undefined, verify: undefined, notify: undefined };
const incidentStatuses = { remediate: 'remediating', verify: 'verifying', metrics: undefined, kubernetes: undefined, logs: undefined, traces: undefined, cloudwatch: undefined, 'logs-insights': undefined, analyse: undefined, recommend: undefined, notify: undefined };

test('evidence kinds name the source a failure leaves a gap in; the others none', () => {
  for (const [kind, source] of Object.entries(gapSources)) assert.is(registry.get(kind)?.gapSource, source, kind);
});

test('remediate and verify set the incident remediating and verifying; the other kinds leave it investigating', () => {
  for (const [kind, status] of Object.entries(incidentStatuses)) assert.is(registry.get(kind)?.incidentStatus, status, kind);
  for (const kind of Object.keys(incidentStatuses)) assert.ok(registry.get(kind), `${kind} is registered`);
});

test('every kind is registered once, and no handler takes a control kind', () => {
  const kinds = stepHandlers.map((h) => h.kind);
  assert.is(new Set(kinds).size, kinds.length);
  for (const kind of kinds) assert.not.ok(kind in controlKinds, kind);
});

test('the shipped playbooks name only registered kinds, gather evidence in parallel and go on when a source fails', () => {
  assert.ok(shipped.length > 0);
  for (const { playbook, step } of leaves) assert.ok(registry.paramsOf(step.kind), `${playbook}: ${step.id} (${step.kind})`);
  // A parallel group gathers evidence: each child is a kind whose failure is a gap, not the end of the investigation.
  for (const { playbook, step } of leaves.filter((l) => l.grouped)) {
    assert.ok(registry.get(step.kind)?.gapSource, `${playbook}: ${step.id} (${step.kind}) in a parallel group declares a gap source`);
    assert.is.not(step.onError, 'fail', `${playbook}: ${step.id}`);
  }
  // Remediation and verification steps exist where actions are executed, and they are the kinds that say so.
  for (const { playbook, step } of leaves.filter((l) => l.step.kind === 'remediate' || l.step.kind === 'verify')) {
    assert.ok(registry.get(step.kind)?.incidentStatus, `${playbook}: ${step.id}`);
  }
});

test.run();
