/**
 * Synth-level checks of every scenario: the definition validates, every template renders with the
 * defaults and with other targets, the Chaos Mesh manifests are what the local API admits, the FIS
 * templates have the shape `aws fis create-experiment-template` takes, the CloudWatch alarms the shape
 * `aws cloudwatch put-metric-alarm` takes (and names the agent's playbooks match), and the alerts exist
 * in the local Prometheus rules.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { alertRuleGroups } from '../infra/local/deploy/rules.js';
import { admitChaos } from '../lib/chaos-mesh/admission.js';
import { chaosKindOf } from '../lib/chaos-mesh/registry.js';
import { exportVariables } from '../runner/cli.js';
import { defaultRunbook, runbookPath } from '../runner/runbooks.js';
import { loadAllScenarios, loadScenario } from './catalog.js';
import { parseParamArgs, render, resolveParams } from './render.js';

const scenarios = loadAllScenarios();
const alertNames = new Set(alertRuleGroups(undefined).flatMap((g) => g.rules.map((r) => ('alert' in r ? r.alert : ''))));
const playbookAlarmNames = readFileSync(new URL('../agent/playbooks/memory-leak.yaml', import.meta.url), 'utf8');

test('the five scenarios of the issue are there', () => {
  assert.equal(scenarios.map((s) => s.spec.name), ['cpu-latency', 'crash-loop', 'memory-leak', 'network-latency', 'node-pressure']);
});

const targets: Record<string, Record<string, string>[]> = {
  'memory-leak': [{}, { service: 'petsearch' }, { service: 'pethistory', size: '512MB' }],
  'cpu-latency': [{}, { service: 'petsearch' }, { service: 'pethistory' }],
  'network-latency': [{}, { service: 'payforadoption' }, { service: 'pethistory', latency: '2s' }],
  'node-pressure': [{ node: 'ip-10-0-1-1.us-west-2.compute.internal' }],
  'crash-loop': [{ setting: 'PETS_TABLE_NAME', value: '' }, { service: 'petsite', setting: 'SEARCH_API_URL', value: 'petsearch:80' }],
};

for (const definition of scenarios) {
  const name = definition.spec.name;
  test(`${name}: renders for local and eks, with the defaults and retargeted`, () => {
    for (const given of targets[name]!) {
      for (const target of ['local', 'eks'] as const) {
        const params = resolveParams(definition.spec, given, { fast: true, target });
        const vars = exportVariables(definition, params, target, true);
        const injection = definition.spec.injection[target];
        const manifest = parse(render(definition.file(injection.file), vars, injection.file)) as { kind?: string; spec?: Record<string, unknown>; metadata?: { labels?: Record<string, string> } };
        if (injection.method === 'chaos-mesh') {
          const kind = chaosKindOf(manifest.kind!);
          assert.ok(kind, `${name}: ${manifest.kind} is a registered Chaos Mesh kind`);
          assert.equal(admitChaos(kind, manifest.spec), [], `${name} ${JSON.stringify(given)} admitted`);
          assert.is(manifest.metadata?.labels?.['app.kubernetes.io/managed-by'], 'run-scenario');
          assert.ok(manifest.spec?.duration, 'carries the safety duration');
          const selector = JSON.stringify(manifest.spec?.selector);
          if (params.service) assert.ok(selector.includes(`"app":"${params.service}"`), selector);
          if (params.node) assert.ok(selector.includes(params.node), selector);
        } else {
          assert.ok(JSON.stringify(manifest).includes(params.setting!), 'the patch sets the bad setting');
        }
        if (target === 'eks') {
          const fis = JSON.parse(render(definition.file(injection.fis!), vars, injection.fis!)) as Record<string, Record<string, Record<string, unknown>>> & { roleArn: string; stopConditions: unknown[]; description: string };
          assert.ok(fis.description.length <= 512, 'FIS descriptions are at most 512 characters');
          assert.match(fis.roleArn, /^arn:aws:iam::\d{12}:role\//);
          assert.ok(fis.stopConditions.length >= 1);
          for (const action of Object.values(fis.actions)) {
            assert.match(String(action.actionId), /^aws:eks:(pod-(cpu-stress|memory-stress|network-latency|delete|io-stress|network-blackhole-port|network-packet-loss)|inject-kubernetes-custom-resource)$/);
            for (const targetName of Object.values(action.targets as Record<string, string>)) assert.ok(fis.targets[targetName], `action target ${targetName} is defined`);
            const parameters = action.parameters as Record<string, string>;
            assert.match(parameters.duration ?? parameters.maxDuration!, /^PT\d+[MS]$/);
            if (action.actionId === 'aws:eks:inject-kubernetes-custom-resource') assert.ok(JSON.parse(parameters.kubernetesSpec!), 'kubernetesSpec is a JSON document');
            else assert.ok(parameters.kubernetesServiceAccount);
          }
          for (const t of Object.values(fis.targets)) assert.match(String(t.resourceType), /^aws:eks:(pod|cluster)$/);
          for (const t of Object.values(fis.targets)) if (t.resourceType === 'aws:eks:pod') assert.ok((t.parameters as Record<string, string>).selectorValue!.includes(params.service!));
        }
        if (target === 'eks') {
          const alarm = JSON.parse(render(definition.file(definition.spec.detection.cloudwatchAlarm), vars, 'alarm')) as Record<string, unknown>;
          for (const field of ['AlarmName', 'MetricName', 'Namespace', 'Threshold', 'ComparisonOperator', 'EvaluationPeriods', 'Period', 'Dimensions']) assert.ok(alarm[field] !== undefined, `alarm has ${field}`);
        }
      }
    }
  });

  test(`${name}: detection alerts exist in the local rules, and the eks alarm's name is one a playbook matches`, () => {
    for (const alert of [...definition.spec.detection.alerts, ...definition.spec.success.recovery.alertsGone]) assert.ok(alertNames.has(alert), `${alert} is in infra/local/deploy/rules.ts`);
    const alarm = JSON.parse(definition.file(definition.spec.detection.cloudwatchAlarm)) as { AlarmName: string };
    const playbooks = ['memory-leak', 'cpu-throttling', 'high-latency', 'node-pressure', 'crash-loop', 'network-latency'].map((p) => readFileSync(new URL(`../agent/playbooks/${p}.yaml`, import.meta.url), 'utf8')).join('\n');
    assert.ok(playbooks.includes(alarm.AlarmName) || playbookAlarmNames.includes(alarm.AlarmName), `${alarm.AlarmName} selects a playbook`);
  });

  test(`${name}: the runbook has every phase, dry runs for changes, and runbook.md is current`, () => {
    const phases = new Set(definition.runbook.steps.map((s) => s.phase));
    for (const phase of ['detect', 'investigate', 'remediate', 'verify']) assert.ok(phases.has(phase as never), `${name} runbook has a ${phase} step`);
    for (const step of definition.runbook.steps) if (step.mutates && step.targets.includes('local')) assert.ok(step.dryRun?.includes('--dry-run=server'), `${step.id} dry-runs on the server`);
    assert.is(readFileSync(runbookPath(definition), 'utf8'), defaultRunbook(definition), `scenarios/${name}/runbook.md is stale: npm run runbooks`);
  });
}

test('parameters: unknown names, values outside oneOf and malformed pairs are refused with the fix', () => {
  const spec = loadScenario('network-latency').spec;
  assert.throws(() => resolveParams(spec, { servce: 'x' }, { fast: false, target: 'local' }), /has no parameter "servce"; its parameters are service, latency, jitter/);
  assert.throws(() => resolveParams(spec, { service: 'trafficgenerator' }, { fast: false, target: 'local' }), /use one of petsearch/);
  assert.throws(() => parseParamArgs(['service']), /key=value/);
  assert.equal(resolveParams(loadScenario('memory-leak').spec, {}, { fast: true, target: 'local' }).ramp, '60s', 'fast default');
  assert.throws(() => loadScenario('no-such'), /unknown scenario "no-such"; the scenarios are: cpu-latency/);
});

test.run();
