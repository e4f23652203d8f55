/**
 * Detection on EKS: each scenario's CloudWatch alarm (scenarios/<name>/cloudwatch-alarm.json, rendered,
 * not copied), an EventBridge rule on their state changes, and the SQS queue the agent consumes
 * (`--alarm-queue-url`). Also the FIS guardrail alarm the scenarios' FIS templates name as their stop
 * condition: more than one worker node lost is beyond any scenario's blast radius.
 *
 * The alarm files' AlarmActions/OKActions (an SNS topic, for people who create the alarms by hand with
 * the CLI) are not deployed: on this stack EventBridge routes every state change to the queue.
 */
import type { ClusterAddOn, ClusterInfo } from '@aws-quickstart/eks-blueprints';
import { ArnFormat, CfnResource, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlarmDocument, ScenarioResources } from '../lib/kit-sources.js';
import { output, pascal } from '../lib/outputs.js';
import { resourceNames } from '../lib/resources.js';

export const guardrailAlarmName = 'eks-incident-kit-fis-guardrail';

/** Fields of an alarm file that the stack does not deploy (see the header). */
const notDeployed = new Set(['AlarmActions', 'OKActions', 'InsufficientDataActions']);

export function alarmArn(scope: Construct, alarmName: string): string {
  return Stack.of(scope).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: alarmName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

export class ScenarioAlarmsAddOn implements ClusterAddOn {
  constructor(private readonly scenarios: ScenarioResources[]) {
    const names = scenarios.map((s) => s.alarm.AlarmName);
    const repeated = names.filter((name, i) => names.indexOf(name) !== i);
    if (repeated.length) throw new Error(`two scenarios define the same CloudWatch alarm ${repeated.join(', ')}; each scenario's cloudwatch-alarm.json needs its own AlarmName`);
  }

  deploy(clusterInfo: ClusterInfo): Promise<Construct> {
    const stack = clusterInfo.cluster.stack;
    const scope = new Construct(stack, 'ScenarioAlarms');
    for (const scenario of this.scenarios) {
      new CfnResource(scope, `Alarm-${scenario.name}`, { type: 'AWS::CloudWatch::Alarm', properties: deployedAlarm(scenario.alarm) });
      output(scope, `Alarm${pascal(scenario.name)}`, scenario.alarm.AlarmName, `CloudWatch alarm of scenario ${scenario.name}`);
    }
    output(scope, 'FisGuardrailAlarmName', guardrailAlarmName, 'Stop condition of every FIS experiment');
    new CfnResource(scope, 'FisGuardrail', {
      type: 'AWS::CloudWatch::Alarm',
      properties: {
        AlarmName: guardrailAlarmName,
        AlarmDescription: 'Stop condition of every FIS experiment of the kit: more than one worker node failed, beyond any scenario\'s blast radius.',
        Namespace: 'ContainerInsights',
        MetricName: 'cluster_failed_node_count',
        Dimensions: [{ Name: 'ClusterName', Value: clusterInfo.cluster.clusterName }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      },
    });
    const queue = clusterInfo.getRequiredResource<sqs.Queue>(resourceNames.alarmQueue);
    const rule = new events.Rule(scope, 'AlarmStateChanges', {
      description: "State changes of the scenarios' CloudWatch alarms, to the DevOps agent's alarm queue",
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: this.scenarios.map((s) => alarmArn(scope, s.alarm.AlarmName)),
      },
    });
    // Deliveries EventBridge cannot make (queue deleted, throttled past its retries) land in the queue's own DLQ.
    rule.addTarget(new targets.SqsQueue(queue, { deadLetterQueue: queue.deadLetterQueue?.queue, retryAttempts: 8 }));
    return Promise.resolve(scope);
  }
}

function deployedAlarm(alarm: AlarmDocument): Record<string, unknown> {
  return Object.fromEntries(Object.entries(alarm).filter(([field]) => !notDeployed.has(field)));
}

