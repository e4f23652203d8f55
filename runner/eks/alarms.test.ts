import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alarmName, metricAlarm, mockKitAws, region } from '../../test/support/runner/aws.js';
import { CloudWatchAlarmStates } from './alarms.js';
import { AwsClients } from './aws.js';

test("the scenario's alarm now: its state, reason and when it changed; undefined when it does not exist", async () => {
  const aws = mockKitAws();
  try {
    const alarms = new CloudWatchAlarmStates(new AwsClients(region));
    aws.cloudwatch.on(DescribeAlarmsCommand).resolves({ $metadata: aws.metadata, MetricAlarms: [metricAlarm('ALARM')], CompositeAlarms: [] });
    const state = await alarms.state(alarmName);
    assert.is(state?.value, 'ALARM');
    assert.match(state!.reason, /^Threshold Crossed: 2 out of the last 2 datapoints/);
    assert.is(state?.updatedAt, '2026-12-06T15:20:41.118Z');
    aws.cloudwatch.on(DescribeAlarmsCommand).resolves({ $metadata: aws.metadata, MetricAlarms: [], CompositeAlarms: [] });
    assert.is(await alarms.state(alarmName), undefined);
    assert.equal(aws.cloudwatch.calls()[0]!.args[0].input, { AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm'] });
  } finally {
    aws.restore();
  }
});

test.run();
