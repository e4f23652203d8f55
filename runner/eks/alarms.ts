/** The AlarmStates port over CloudWatch DescribeAlarms: the scenario's alarm, by name. */
import type { AlarmStates, AlarmStateValue } from '../ports.js';
import { awsCalls, type AwsClients } from './aws.js';

export class CloudWatchAlarmStates implements AlarmStates {
  constructor(private readonly aws: AwsClients) {}

  async state(alarmName: string): Promise<{ name: string; value: AlarmStateValue; reason: string; updatedAt: string } | undefined> {
    const alarm = (await this.aws.describeAlarms(awsCalls.describeAlarm(alarmName))).MetricAlarms?.find((a) => a.AlarmName === alarmName);
    if (!alarm) return undefined;
    return { name: alarmName, value: (alarm.StateValue ?? 'INSUFFICIENT_DATA') as AlarmStateValue, reason: alarm.StateReason ?? '', updatedAt: (alarm.StateUpdatedTimestamp ?? new Date(0)).toISOString() };
  }
}
