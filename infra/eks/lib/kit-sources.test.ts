import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { loadAllScenarios } from '../../../scenarios/catalog.js';
import { alertRuleGroups } from '../../local/deploy/rules.js';
import { profiles } from '../../local/profiles.js';
import { services } from '../../../lib/petadoption/catalog.js';
import { prometheusRulesYaml, ruleNames, scenarioResources, workloadRoles } from './kit-sources.js';

const target = { region: 'us-west-2', accountId: '123456789012', clusterName: 'eks-incident-kit' };
const resources = scenarioResources(target);

test('one FIS template and one alarm per scenario folder, rendered with no placeholder left', () => {
  assert.equal(resources.map((r) => r.name), loadAllScenarios().map((d) => d.spec.name));
  for (const r of resources) {
    const text = JSON.stringify(r);
    assert.not.match(text, /\{\{\s*[\w.]+\s*\}\}/, `${r.name} is fully rendered`);
    assert.ok(Object.keys(r.fisTemplate.actions).length > 0, `${r.name} has actions`);
    assert.is(r.alarm.Dimensions.find((d) => d.Name === 'ClusterName')?.Value ?? 'eks-incident-kit', 'eks-incident-kit');
  }
});

test("the templates are the scenario files' own (the file's alarm name and action ids)", () => {
  for (const definition of loadAllScenarios()) {
    const r = resources.find((x) => x.name === definition.spec.name)!;
    const alarmFile = JSON.parse(definition.file(definition.spec.detection.cloudwatchAlarm)) as { AlarmName: string };
    assert.is(r.alarm.AlarmName, alarmFile.AlarmName);
    const fisFile = JSON.parse(definition.file(definition.spec.injection.eks.fis!)) as { actions: Record<string, { actionId: string }> };
    assert.equal(Object.values(r.fisTemplate.actions).map((a) => a.actionId), Object.values(fisFile.actions).map((a) => a.actionId));
  }
});

test('a Chaos Mesh selector on a cluster-resolved param (node=auto) is dropped, not sent as "auto"', () => {
  const nodePressure = resources.find((r) => r.name === 'node-pressure')!;
  const spec = JSON.parse(Object.values(nodePressure.fisTemplate.actions)[0]!.parameters!.kubernetesSpec!) as { selector: Record<string, unknown>; mode: string };
  assert.not.ok('nodes' in spec.selector, JSON.stringify(spec.selector));
  assert.equal(spec.selector.labelSelectors, { 'k8s-app': 'kube-proxy' });
  assert.is(spec.mode, 'one');
});

test('FIS durations carry the realistic safety timeout (run-scenario\'s), in ISO 8601', () => {
  for (const r of resources) {
    for (const action of Object.values(r.fisTemplate.actions)) assert.match(action.parameters!.duration ?? action.parameters!.maxDuration!, /^PT\d+M$/);
  }
});

test('the AMP rules are the local target\'s rules (realistic profile), from infra/local/deploy/rules.ts', () => {
  const groups = (parse(prometheusRulesYaml()) as { groups: { name: string; rules: { alert?: string; for?: string }[] }[] }).groups;
  assert.equal(groups.map((g) => g.name), alertRuleGroups(profiles.realistic).map((g) => g.name));
  assert.equal(groups, JSON.parse(JSON.stringify(alertRuleGroups(profiles.realistic))));
  const { alerts, records } = ruleNames();
  assert.ok(alerts.includes('ContainerMemoryGrowingToLimit') && records.length >= 1);
});

test("the workload's roles are the simulation's services with their ports, replicas, requests and limits", () => {
  const roles = workloadRoles();
  assert.equal(roles.map((r) => r.name).sort(), ['payforadoption', 'pethistory', 'petlistadoptions', 'petsearch', 'petsite', 'trafficgenerator']);
  for (const role of roles) {
    const service = services.find((s) => s.name === role.name)!;
    assert.equal([role.port, role.replicas, role.requests, role.limits], [service.port, service.replicas, service.requests, service.limits]);
  }
});

test.run();
