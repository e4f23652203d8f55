/**
 * The standard rules as the local Prometheus loads them: the vendored kube-prometheus files, minus the
 * documented drops (standard-rules.real.test.ts runs them in promtool).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { parseDuration } from '../../../core/duration.js';
import { profiles } from '../profiles.js';
import { ruleGroupNames } from './rules.js';
import { droppedStandardGroups, firingByDesign, renderStandardRules, standardRuleGroupNames, standardRuleGroups, standardRulesDir, standardRulesSource, vendoredRuleGroups, type StandardRule } from './standard-rules.js';

const alertsOf = (groups: { rules: { alert?: string }[] }[]) => groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));

test('every dropped group exists in the vendored files (a refresh that renames one fails here)', () => {
  const vendored = vendoredRuleGroups().map((g) => g.name);
  for (const group of Object.keys(droppedStandardGroups)) assert.ok(vendored.includes(group), `${group} is not in ${standardRulesDir}`);
});

test('the loaded groups are the vendored ones minus the drops, with unique names beside the kit\'s', () => {
  const loaded = standardRuleGroupNames();
  assert.is(loaded.length, vendoredRuleGroups().length - Object.keys(droppedStandardGroups).length);
  for (const dropped of Object.keys(droppedStandardGroups)) assert.not.ok(loaded.includes(dropped), dropped);
  assert.is(new Set(loaded).size, loaded.length, 'group names repeat across the vendored files');
  for (const kit of ruleGroupNames()) assert.not.ok(loaded.includes(kit), `${kit} is a kit group and a standard one`);
  const alerts = alertsOf(standardRuleGroups());
  for (const gone of ['KubeSchedulerDown', 'KubeControllerManagerDown']) assert.not.ok(alerts.includes(gone), gone);
  for (const kept of ['KubePodCrashLooping', 'KubeDeploymentRolloutStuck', 'CPUThrottlingHigh', 'KubeNodeNotReady', 'KubeNodePressure', 'KubeletDown', 'KubeAPIDown', 'NodeFilesystemSpaceFillingUp', 'TargetDown']) {
    assert.ok(alerts.includes(kept), kept);
  }
});

test('the alerts that fire by design are loaded, with severity none', () => {
  const rules = standardRuleGroups().flatMap((g) => g.rules);
  for (const name of Object.keys(firingByDesign)) assert.is(rules.find((r) => r.alert === name)?.labels?.severity, 'none', name);
});

test('the rendered file holds the loaded groups unchanged, and says where they come from', () => {
  const text = renderStandardRules();
  assert.ok(text.startsWith(`# The rules of ${standardRulesSource}`));
  const rendered = parse(text) as { groups: { name: string; rules: unknown[] }[] };
  assert.equal(rendered.groups, standardRuleGroups().map(({ name, rules }) => ({ name, rules })));
});

test('the fast profile compresses only for: (5m -> 10s, never under two evaluations); expressions stay upstream\'s', () => {
  const realistic = (parse(renderStandardRules(profiles.realistic)) as { groups: { rules: StandardRule[] }[] }).groups.flatMap((g) => g.rules);
  const fast = (parse(renderStandardRules(profiles.fast)) as { groups: { rules: StandardRule[] }[] }).groups.flatMap((g) => g.rules);
  assert.is(fast.length, realistic.length);
  assert.equal(fast.map((r) => r.expr), realistic.map((r) => r.expr));
  const crashLooping = (rules: StandardRule[]) => rules.find((r) => r.alert === 'KubePodCrashLooping')!.for;
  assert.is(crashLooping(realistic), '15m');
  assert.is(crashLooping(fast), '30s');
  const floor = 2 * profiles.fast.evaluationIntervalSeconds;
  for (const rule of fast) if (rule.for) assert.ok(parseDuration(rule.for) >= floor * 1000, `${rule.alert} for: ${rule.for}`);
  assert.match(renderStandardRules(profiles.fast), /# Profile fast: every for: scaled/);
});

test('the vendored folder keeps the licence and names the source commit', () => {
  assert.match(readFileSync(join(standardRulesDir, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  const readme = readFileSync(join(standardRulesDir, 'README.md'), 'utf8');
  const [release, commit] = standardRulesSource.replace(/[()]/g, '').split(' ').slice(1);
  assert.ok(readme.includes(release!) && readme.includes(commit!), 'README.md names another release');
  for (const group of Object.keys(droppedStandardGroups)) assert.ok(readme.includes(`\`${group}\``), `README.md does not explain the drop of ${group}`);
  for (const alert of Object.keys(firingByDesign)) assert.ok(readme.includes(`\`${alert}\``), `README.md does not explain ${alert}`);
});

test.run();
