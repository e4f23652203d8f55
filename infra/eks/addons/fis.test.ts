import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAllScenarios } from '../../../scenarios/catalog.js';
import { defaultKit, objectsOfKind, resourcesOf } from '../test/kit.js';
import { fisKubernetesIdentity } from './fis.js';
import { guardrailAlarmName } from './scenario-alarms.js';

type Template = { Description: string; RoleArn: unknown; StopConditions: { Source: string; Value: unknown }[]; Actions: Record<string, { ActionId: string; Parameters: Record<string, string> }>; Targets: Record<string, { ResourceType: string; Parameters?: Record<string, string>; ResourceArns?: unknown[] }>; LogConfiguration: { CloudWatchLogsConfiguration: { LogGroupArn: unknown } }; Tags: Record<string, string> };

async function templates(): Promise<Template[]> {
  const { template } = await defaultKit();
  return Object.values(resourcesOf(template, 'AWS::FIS::ExperimentTemplate')).map((t) => t.Properties as unknown as Template);
}

test('one experiment template per scenario folder, tagged with its scenario', async () => {
  const all = await templates();
  assert.equal(all.map((t) => t.Tags['eks-incident-kit/scenario']).sort(), loadAllScenarios().map((d) => d.spec.name).sort());
});

test("each runs as the stack's FIS role, stops on the guardrail alarm the file names, logs to the stack's log group", async () => {
  const { template } = await defaultKit();
  const roleId = Object.keys(resourcesOf(template, 'AWS::IAM::Role')).find((id) => id.startsWith('FisExperimentRole'))!;
  for (const t of await templates()) {
    assert.equal(t.RoleArn, { 'Fn::GetAtt': [roleId, 'Arn'] });
    assert.is(t.StopConditions.length, 1);
    assert.is(t.StopConditions[0]!.Source, 'aws:cloudwatch:alarm');
    assert.match(JSON.stringify(t.StopConditions[0]!.Value), new RegExp(`:alarm:${guardrailAlarmName}`));
    assert.match(JSON.stringify(t.LogConfiguration.CloudWatchLogsConfiguration.LogGroupArn), /FisExperimentLogs/);
  }
});

test('pod actions use the fis-experiment service account and target the cluster of the stack', async () => {
  for (const t of await templates()) {
    for (const action of Object.values(t.Actions)) {
      if (action.ActionId.startsWith('aws:eks:pod-')) assert.is(action.Parameters.kubernetesServiceAccount, fisKubernetesIdentity);
      else assert.is(action.ActionId, 'aws:eks:inject-kubernetes-custom-resource');
    }
    for (const target of Object.values(t.Targets)) {
      const arn = JSON.stringify(target.Parameters?.clusterIdentifier ?? target.ResourceArns);
      assert.match(arn, /:cluster\/eks-incident-kit/);
    }
  }
});

test('the experiment role maps to the Kubernetes user fis-experiment (EKS access entry) with the RBAC FIS documents', async () => {
  const { template } = await defaultKit();
  const entries = Object.values(resourcesOf(template, 'AWS::EKS::AccessEntry')).filter((e) => e.Properties!.Username === fisKubernetesIdentity);
  assert.is(entries.length, 1);
  assert.match(JSON.stringify(entries[0]!.Properties!.PrincipalArn), /FisExperimentRole/);
  assert.is(objectsOfKind(template, 'ServiceAccount', fisKubernetesIdentity).length, 1);
  const [role] = objectsOfKind<{ rules: { resources: string[]; verbs: string[] }[] }>(template, 'Role', 'fis-pod-actions');
  assert.ok(role!.rules.some((r) => r.resources.includes('pods/ephemeralcontainers') && r.verbs.includes('update')));
  assert.ok(role!.rules.some((r) => r.resources.includes('pods/exec') && r.verbs.includes('create')));
  const [binding] = objectsOfKind<{ subjects: { kind: string; name: string }[] }>(template, 'RoleBinding', 'fis-pod-actions');
  assert.equal(binding!.subjects.map((s) => `${s.kind}/${s.name}`), ['User/fis-experiment', 'ServiceAccount/fis-experiment']);
  const chaosRoles = objectsOfKind<{ metadata: { namespace: string } }>(template, 'Role', 'fis-chaos-mesh-objects');
  assert.equal(chaosRoles.map((r) => r.metadata.namespace).sort(), ['chaos-mesh', 'petadoptions']);
});

test('the role: trusted by FIS in this account only; DescribeCluster on the cluster', async () => {
  const { template } = await defaultKit();
  const [role] = Object.entries(resourcesOf(template, 'AWS::IAM::Role')).filter(([id]) => id.startsWith('FisExperimentRole'));
  const trust = JSON.stringify(role![1].Properties!.AssumeRolePolicyDocument);
  assert.match(trust, /fis\.amazonaws\.com/);
  assert.match(trust, /aws:SourceAccount/);
  const [policy] = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties!.Roles).includes('FisExperimentRole'));
  const statements = (policy!.Properties!.PolicyDocument as { Statement: { Sid: string; Resource: unknown }[] }).Statement;
  assert.equal(statements.find((s) => s.Sid === 'DescribeTheCluster')!.Resource, { 'Fn::GetAtt': [Object.keys(resourcesOf(template, 'Custom::AWSCDK-EKS-Cluster'))[0], 'Arn'] });
});

test.run();
