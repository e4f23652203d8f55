/**
 * The playbooks: valid for the workflow engine's loader, each documented, each matched from the
 * alerts the local Prometheus raises (infra/local/deploy/rules.ts) or from the eks target's CloudWatch
 * alarms, and every firing alert of the rules leads to a playbook.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Alert } from '../../core/types.js';
import { alertRuleGroups, type AlertRule } from '../../infra/local/deploy/rules.js';
import { playbooks } from '../../test/support/agent/run-playbook.js';
import { choosePlaybook } from '../workflow/matcher.js';

const lib = playbooks();
const rules = alertRuleGroups(undefined).flatMap((g) => g.rules).filter((r): r is AlertRule => 'alert' in r);
const ruleNames = new Set(rules.map((r) => r.alert));

function alertOf(name: string, labels: Record<string, string> = {}): Alert {
  return { id: name, fingerprint: name, source: name.startsWith('eks-') ? 'cloudwatch' : 'alertmanager', name, status: 'firing', severity: 'critical', summary: name, labels: { alertname: name, ...labels }, annotations: {}, startsAt: '2026-11-24T10:00:00Z', receivedAt: '2026-11-24T10:00:00Z' };
}

test('eight playbooks load with the engine\'s validator; general is the fallback', () => {
  assert.equal(lib.playbooks.map((p) => p.name).sort(), ['bad-deployment', 'cpu-throttling', 'crash-loop', 'general', 'high-latency', 'memory-leak', 'network-latency', 'node-pressure']);
  assert.is(lib.fallback.name, 'general');
  assert.equal(lib.warnings, []);
});

test('every playbook has its page in docs/playbooks/', () => {
  for (const p of lib.playbooks) assert.ok(existsSync(fileURLToPath(new URL(`../../docs/playbooks/${p.name}.md`, import.meta.url))), `docs/playbooks/${p.name}.md`);
});

test('playbooks match only real alert names: local rules or eks CloudWatch alarms', () => {
  for (const p of lib.playbooks) {
    for (const name of p.match?.alertnames ?? []) assert.ok(ruleNames.has(name) || name.startsWith('eks-') || ['NetworkLatencyHigh', 'KubeDeploymentRolloutStuck', 'KubeDeploymentReplicasMismatch'].includes(name), `${p.name}: ${name}`);
  }
});

test('every alert rule of the local target leads to the playbook for its fault', () => {
  const expected: Record<string, string> = {
    ContainerMemoryNearLimit: 'memory-leak',
    ContainerMemoryGrowingToLimit: 'memory-leak',
    ContainerOOMKilled: 'memory-leak',
    CPUThrottlingHigh: 'cpu-throttling',
    PodCrashLooping: 'crash-loop',
    PodEvicted: 'node-pressure',
    DeploymentReplicasUnavailable: 'bad-deployment',
    HighRequestLatency: 'high-latency',
    HighErrorRate: 'network-latency',
    NodeMemoryPressure: 'node-pressure',
    KubeNodeNotReady: 'node-pressure',
    NodeUnschedulable: 'general',
  };
  for (const rule of rules) {
    const chosen = choosePlaybook(lib.playbooks, lib.fallback, [alertOf(rule.alert)]).playbook.name;
    assert.is(chosen, expected[rule.alert] ?? 'general', rule.alert);
  }
  for (const [alarm, playbook] of Object.entries({ 'eks-pod-memory-over-limit': 'memory-leak', 'eks-pod-cpu-over-limit': 'cpu-throttling', 'eks-pod-restarts': 'crash-loop', 'eks-node-memory-pressure': 'node-pressure', 'eks-service-latency': 'high-latency', 'eks-deployment-replicas-unavailable': 'bad-deployment', 'eks-network-latency': 'network-latency' })) {
    assert.is(choosePlaybook(lib.playbooks, lib.fallback, [alertOf(alarm)]).playbook.name, playbook, alarm);
  }
  assert.is(choosePlaybook(lib.playbooks, lib.fallback, [alertOf('SomethingElse')]).playbook.name, 'general');
});

test.run();
