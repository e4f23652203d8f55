/**
 * CloudWatch "Alarm State Change" events as EventBridge delivers them (to SQS, or to an API destination
 * over HTTP), normalised to `Alert`s. Event shape as AWS documents it:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 *
 * ALARM is firing, OK is resolved, INSUFFICIENT_DATA is no news about the workload (ignored). Container
 * Insights dimensions (ClusterName, Namespace, PodName, FullPodName, Service, NodeName, ContainerName)
 * become the label names Prometheus alerts use, so playbooks and target resolution treat both alike.
 */
import { z } from 'zod';
import type { Alert } from '../../core/types.js';
import { severityOf } from './severity.js';
import { deploymentOfPod, resolveTarget } from './target.js';

/** CloudWatch writes "2019-10-02T17:04:40.989+0000" (no colon in the offset), which Date.parse accepts. */
const awsTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'expected a timestamp');

const alarmState = z.object({
  value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  reason: z.string().default(''),
  reasonData: z.string().optional(),
  timestamp: awsTime,
  actionsSuppressedBy: z.string().optional(),
});

const metricStat = z.object({
  metric: z.object({
    namespace: z.string().optional(),
    name: z.string(),
    dimensions: z.record(z.string(), z.string()).default({}),
  }),
  period: z.number().optional(),
  stat: z.string().optional(),
  unit: z.string().optional(),
});

const alarmMetric = z.object({
  id: z.string(),
  metricStat: metricStat.optional(),
  expression: z.string().optional(),
  label: z.string().optional(),
  returnData: z.boolean().optional(),
});

export const alarmStateChangeSchema = z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.literal('CloudWatch Alarm State Change', { error: 'detail-type must be "CloudWatch Alarm State Change"' }),
  source: z.literal('aws.cloudwatch', { error: 'source must be "aws.cloudwatch"' }),
  account: z.string(),
  time: awsTime,
  region: z.string(),
  resources: z.array(z.string()).default([]),
  detail: z.object({
    alarmName: z.string().min(1),
    operation: z.string().optional(),
    state: alarmState,
    previousState: alarmState.optional(),
    configuration: z
      .object({
        description: z.string().optional(),
        metrics: z.array(alarmMetric).default([]),
        alarmRule: z.string().optional(),
      })
      .default({ metrics: [] }),
  }),
});

export type AlarmStateChange = z.infer<typeof alarmStateChangeSchema>;

export function looksLikeEventBridge(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && 'detail-type' in payload && 'detail' in payload;
}

/** Container Insights dimension -> the label a Prometheus alert would carry. */
const dimensionLabels: Record<string, string> = {
  ClusterName: 'cluster',
  Namespace: 'namespace',
  Service: 'service',
  NodeName: 'node',
  InstanceId: 'instance_id',
  ContainerName: 'container',
  FullPodName: 'pod',
};

/** The alarm as zero or one `Alert` (INSUFFICIENT_DATA says nothing about the workload). */
export function alertsFromAlarmEvent(event: AlarmStateChange, receivedAt: string): Alert[] {
  const { detail } = event;
  if (detail.state.value === 'INSUFFICIENT_DATA') return [];
  const arn = event.resources[0] ?? `arn:aws:cloudwatch:${event.region}:${event.account}:alarm:${detail.alarmName}`;
  const labels = labelsOf(event);
  const firing = detail.state.value === 'ALARM';
  // An OK event ends the ALARM period that began at the previous state's timestamp; that is the start
  // the firing notification carried, which is what makes the pair one alert.
  const startsAt = firing ? detail.state.timestamp : detail.previousState?.value === 'ALARM' ? detail.previousState.timestamp : detail.state.timestamp;
  const description = detail.configuration.description;
  const target = resolveTarget(labels);
  return [
    {
      id: `cloudwatch:${arn}`,
      fingerprint: arn,
      source: 'cloudwatch',
      name: detail.alarmName,
      status: firing ? 'firing' : 'resolved',
      severity: severityFromAlarm(detail.alarmName, description),
      summary: description ? `${detail.alarmName}: ${firstLine(description)}` : `${detail.alarmName} is ${detail.state.value}`,
      description: detail.state.reason,
      labels,
      annotations: {
        ...(description ? { description } : {}),
        ...(detail.state.reason ? { reason: detail.state.reason } : {}),
        ...(detail.state.reasonData ? { reason_data: detail.state.reasonData } : {}),
      },
      startsAt: new Date(startsAt).toISOString(),
      ...(firing ? {} : { endsAt: new Date(detail.state.timestamp).toISOString() }),
      receivedAt,
      ...(target ? { target } : {}),
      generatorUrl: `https://${event.region}.console.aws.amazon.com/cloudwatch/home?region=${event.region}#alarmsV2:alarm/${encodeURIComponent(detail.alarmName)}`,
      raw: event,
    },
  ];
}

function labelsOf(event: AlarmStateChange): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: event.detail.alarmName,
    alarm_arn: event.resources[0] ?? '',
    region: event.region,
    account: event.account,
  };
  const stat = event.detail.configuration.metrics.find((m) => m.metricStat)?.metricStat;
  if (stat) {
    labels.metric_name = stat.metric.name;
    if (stat.metric.namespace) labels.metric_namespace = stat.metric.namespace;
    for (const [dimension, value] of Object.entries(stat.metric.dimensions)) {
      const label = dimensionLabels[dimension];
      if (label) labels[label] = value;
      else labels[`dimension_${dimension}`] = value;
    }
    // Container Insights' PodName is the workload's name ("petsite"), FullPodName the pod's; accept a
    // full pod name in PodName too, as some custom metrics put one there.
    const podName = stat.metric.dimensions.PodName;
    if (podName) {
      if (deploymentOfPod(podName)) labels.pod ??= podName;
      else labels.deployment = podName;
    }
  }
  const severity = /\bseverity[=:]\s*(\w+)/i.exec(event.detail.configuration.description ?? '')?.[1];
  if (severity) labels.severity = severityOf(severity);
  return labels;
}

/**
 * Alarms have no severity field. The kit's alarms say it in the description ("severity=critical");
 * otherwise a name like "petsite-critical-latency" is honoured, and anything else is a warning.
 */
function severityFromAlarm(name: string, description: string | undefined) {
  const declared = /\bseverity[=:]\s*(\w+)/i.exec(description ?? '')?.[1];
  if (declared) return severityOf(declared);
  const lowered = name.toLowerCase();
  if (lowered.includes('critical')) return 'critical' as const;
  if (lowered.includes('info')) return 'info' as const;
  return 'warning' as const;
}

/** The first sentence, without the "(severity=...)" marker meant for the agent. */
function firstLine(text: string): string {
  const plain = text.replace(/\s*\(?\bseverity[=:]\s*\w+\)?/i, '').split('\n')[0]!;
  return (plain.split(/(?<=\.)\s/)[0] ?? plain).replace(/\.$/, '').slice(0, 200);
}
