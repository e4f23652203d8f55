import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAllScenarios } from '../../../scenarios/catalog.js';
import { defaultKit, resourcesOf } from '../test/kit.js';
import { ScenarioAlarmsAddOn, guardrailAlarmName } from './scenario-alarms.js';

test("one CloudWatch alarm per scenario, as the scenario's cloudwatch-alarm.json defines it, plus the FIS guardrail", async () => {
  const { template } = await defaultKit();
  const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties!);
  for (const definition of loadAllScenarios()) {
    const file = JSON.parse(definition.file(definition.spec.detection.cloudwatchAlarm)) as { AlarmName: string; MetricName: string; Namespace: string; Threshold: number; EvaluationPeriods: number };
    const alarm = alarms.find((a) => a.AlarmName === file.AlarmName);
    assert.ok(alarm, `${definition.spec.name}: alarm ${file.AlarmName}`);
    assert.equal([alarm!.MetricName, alarm!.Namespace, alarm!.Threshold, alarm!.EvaluationPeriods], [file.MetricName, file.Namespace, file.Threshold, file.EvaluationPeriods]);
    assert.not.ok('AlarmActions' in alarm!, 'EventBridge routes the state changes; no SNS action is deployed');
  }
  assert.ok(alarms.some((a) => a.AlarmName === guardrailAlarmName));
  assert.is(alarms.length, loadAllScenarios().length + 1);
});

test('EventBridge -> SQS: the rule matches state changes of exactly the scenarios\' alarms and targets the alarm queue, with a DLQ', async () => {
  const { template } = await defaultKit();
  const rules = Object.values(resourcesOf(template, 'AWS::Events::Rule'));
  assert.is(rules.length, 1);
  const rule = rules[0]!.Properties as { EventPattern: { source: string[]; 'detail-type': string[]; resources: unknown[] }; Targets: { Arn: { 'Fn::GetAtt': string[] }; DeadLetterConfig: { Arn: { 'Fn::GetAtt': string[] } }; RetryPolicy: unknown }[] };
  assert.equal(rule.EventPattern.source, ['aws.cloudwatch']);
  assert.equal(rule.EventPattern['detail-type'], ['CloudWatch Alarm State Change']);
  assert.is(rule.EventPattern.resources.length, loadAllScenarios().length);
  const resources = JSON.stringify(rule.EventPattern.resources);
  for (const definition of loadAllScenarios()) assert.ok(resources.includes(`:alarm:${(JSON.parse(definition.file('cloudwatch-alarm.json')) as { AlarmName: string }).AlarmName}`));
  assert.is(rule.Targets.length, 1);
  const target = rule.Targets[0]!;
  assert.match(target.Arn['Fn::GetAtt'][0]!, /^AlarmQueue/);
  assert.match(target.DeadLetterConfig.Arn['Fn::GetAtt'][0]!, /^AlarmQueueDeadLetters/);
  // EventBridge may send to the queue: its queue policy grants events.amazonaws.com SendMessage on the rule.
  const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy')).map((p) => JSON.stringify(p.Properties));
  assert.ok(policies.some((p) => p.includes('events.amazonaws.com') && p.includes('sqs:SendMessage') && p.includes('AlarmQueue')));
});

test('the queues are encrypted, TLS-only, and each has a dead-letter queue', async () => {
  const { template } = await defaultKit();
  const queues = resourcesOf(template, 'AWS::SQS::Queue');
  for (const [id, queue] of Object.entries(queues)) {
    assert.is(queue.Properties!.SqsManagedSseEnabled, true, `${id} encrypted`);
    if (!id.includes('DeadLetters')) assert.ok((queue.Properties!.RedrivePolicy as { deadLetterTargetArn: unknown }).deadLetterTargetArn, `${id} has a DLQ`);
  }
  const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy')).map((p) => JSON.stringify(p.Properties));
  assert.is(policies.filter((p) => p.includes('"aws:SecureTransport":"false"')).length, Object.keys(queues).length);
});

test('two scenarios with one alarm name are refused', () => {
  const alarm = { AlarmName: 'same', Namespace: 'n', MetricName: 'm', Dimensions: [], Threshold: 1, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, Period: 60 };
  const fisTemplate = { description: '', targets: {}, actions: {}, stopConditions: [], roleArn: '' };
  assert.throws(() => new ScenarioAlarmsAddOn([{ name: 'a', title: 'a', alarm, fisTemplate }, { name: 'b', title: 'b', alarm, fisTemplate }]), /same CloudWatch alarm same/);
});

test.run();
