/**
 * Prometheus alert rules for every fault the scenarios inject, generated per timing profile: only the
 * rate window and the `for:` durations change between `realistic` and `fast`, never the logic, so the
 * rules that fire in CI are the rules of the demo.
 *
 * Only the metric names of DESIGN.md are used, with the labels real cAdvisor and kube-state-metrics put
 * on them, so the same rules hold on EKS. Every alert carries `severity`, `namespace` where the object is
 * namespaced, and the workload (`deployment` or `service`, `pod`, `container`, `node`), which is what the
 * agent needs to pick a playbook and a remediation target.
 */
import { stringify } from 'yaml';
import { formatDuration, parseDuration } from '../../../core/duration.js';
import type { TimingProfile } from '../profiles.js';

export type Severity = 'critical' | 'warning' | 'info';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface RecordingRule {
  record: string;
  expr: string;
}

export interface RuleGroup {
  name: string;
  rules: (AlertRule | RecordingRule)[];
}

/** Where each alert fires; one place to tune them against the simulation's baselines. */
export interface AlertThresholds {
  /** Working set / memory limit. */
  memoryNearLimitRatio: number;
  /** Throttled CFS periods / all periods over the rate window. */
  cpuThrottlingRatio: number;
  /** p99 request latency, seconds. */
  latencyP99Seconds: number;
  /** Fraction of requests answered 5xx. */
  errorRatio: number;
  /** Requests per second below which a service's latency is not judged (one slow request is no incident). */
  minRequestRate: number;
  /** Restarts within the rate window that count as a crash loop even without CrashLoopBackOff. */
  crashLoopRestarts: number;
}

export const defaultThresholds: AlertThresholds = {
  memoryNearLimitRatio: 0.9,
  cpuThrottlingRatio: 0.25,
  latencyP99Seconds: 1,
  errorRatio: 0.05,
  minRequestRate: 0.1,
  crashLoopRestarts: 2,
};

/** Recording rule joining a pod to its node and owning Deployment (see `withOwner`). */
export const podOwnerRecord = 'namespace_pod:kube_pod_info:relabel';

/** Names of the groups Prometheus must have loaded before `up` calls it ready. */
export function ruleGroupNames(): string[] {
  return alertRuleGroups(undefined).map((group) => group.name);
}

export function renderAlertRules(profile: TimingProfile, thresholds: AlertThresholds = defaultThresholds): string {
  return stringify({ groups: alertRuleGroups(profile, thresholds) }, { lineWidth: 0 });
}

const runbook = (alert: string) => `docs/runbooks/alerts.md#${alert.toLowerCase()}`;
const containerSelector = '{container!="", container!="POD"}';
const memoryLimit = `max by (namespace, pod, container) (kube_pod_container_resource_limits{resource="memory", unit="byte"} > 0)`;
const pod = '{{ $labels.namespace }}/{{ $labels.pod }}';

/**
 * Adds the pod's `node` and `deployment` to a per-pod expression. Deployments own pods through
 * ReplicaSets, whose names are the Deployment's plus the pod-template hash; pods without a ReplicaSet
 * (DaemonSets in kube-system) keep their alert, just without `deployment`.
 */
function withOwner(expr: string): string {
  return `(\n${indent(expr)}\n)\n* on (namespace, pod) group_left (node, deployment)\n  ${podOwnerRecord}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

export function alertRuleGroups(profile: TimingProfile | undefined, t: AlertThresholds = defaultThresholds): RuleGroup[] {
  const window = profile?.rateWindow ?? '5m';
  const forCritical = profile?.alertFor.critical ?? '0s';
  const forWarning = profile?.alertFor.warning ?? '0s';
  const forOf = (severity: Severity) => (severity === 'critical' ? forCritical : forWarning);
  // A leak is worth waking someone when the limit is at most three windows away: far enough ahead to
  // act before the OOM kill, close enough that ordinary noise in the working set does not qualify.
  const horizonSeconds = (3 * parseDuration(window)) / 1000;

  const alert = (
    name: string,
    severity: Severity,
    expr: string,
    summary: string,
    description: string,
  ): AlertRule => ({
    alert: name,
    expr,
    for: forOf(severity),
    labels: { severity },
    annotations: { summary, description, runbook_url: runbook(name) },
  });

  return [
    {
      name: 'petadoptions-workload-owners',
      rules: [
        {
          record: podOwnerRecord,
          expr:
            'max by (namespace, pod, node, deployment) (\n' +
            '  label_replace(kube_pod_info{created_by_kind="ReplicaSet"}, "deployment", "$1", "created_by_name", "^(.+)-[a-z0-9]+$")\n' +
            '  or kube_pod_info{created_by_kind!="ReplicaSet"}\n' +
            ')',
        },
      ],
    },
    {
      name: 'container-memory',
      rules: [
        alert(
          'ContainerMemoryNearLimit',
          'warning',
          withOwner(
            `max by (namespace, pod, container, node) (container_memory_working_set_bytes${containerSelector})\n` +
              `/ on (namespace, pod, container) group_left ()\n${memoryLimit}`,
          ) + `\n> ${t.memoryNearLimitRatio}`,
          `Container ${pod} {{ $labels.container }} is close to its memory limit`,
          `Container {{ $labels.container }} of pod ${pod} on {{ $labels.node }} uses {{ $value | humanizePercentage }} of its memory limit; ` +
            'it will be OOMKilled when it reaches 100%.',
        ),
        alert(
          'ContainerMemoryGrowingToLimit',
          'warning',
          withOwner(
            `(\n  ${memoryLimit}\n  - on (namespace, pod, container)\n  max by (namespace, pod, container) (container_memory_working_set_bytes${containerSelector})\n)\n` +
              `/ on (namespace, pod, container)\n` +
              `(max by (namespace, pod, container) (deriv(container_memory_working_set_bytes${containerSelector}[${window}])) > 0)\n` +
              // Only containers with a whole window of history: a container that just started (a new
              // pod of a rollout or a scale-up) fills its heap and caches for a while, a steep but
              // short climb that is warm-up, not a leak. A restarted container keeps its series.
              `and on (namespace, pod, container)\n` +
              `max by (namespace, pod, container) (container_memory_working_set_bytes${containerSelector} offset ${window})`,
          ) + `\n< ${horizonSeconds}`,
          `Memory of ${pod} {{ $labels.container }} is growing towards its limit`,
          `The working set of container {{ $labels.container }} in pod ${pod} has grown steadily over the last ${window}; ` +
            'at this rate it reaches its memory limit in {{ $value | humanizeDuration }} and will be OOMKilled (a memory leak?).',
        ),
      ],
    },
    {
      name: 'container-cpu',
      rules: [
        alert(
          'CPUThrottlingHigh',
          'warning',
          withOwner(
            `sum by (namespace, pod, container, node) (increase(container_cpu_cfs_throttled_periods_total${containerSelector}[${window}]))\n` +
              `/ on (namespace, pod, container, node)\n` +
              `sum by (namespace, pod, container, node) (increase(container_cpu_cfs_periods_total${containerSelector}[${window}]))`,
          ) + `\n> ${t.cpuThrottlingRatio}`,
          `Container ${pod} {{ $labels.container }} is CPU-throttled`,
          `Container {{ $labels.container }} of pod ${pod} was throttled in {{ $value | humanizePercentage }} of its CPU periods over the last ${window}: ` +
            'it needs more CPU than its limit allows, which slows its requests.',
        ),
      ],
    },
    {
      name: 'pod-lifecycle',
      rules: [
        alert(
          'ContainerOOMKilled',
          'critical',
          withOwner(
            // increase() extrapolates to the window's edges (1.07 for one restart): round to whole restarts.
            `round(max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total[${window}]))) > 0\n` +
              `and on (namespace, pod, container)\n` +
              `max by (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}) == 1`,
          ),
          `Container ${pod} {{ $labels.container }} was OOMKilled`,
          `Container {{ $labels.container }} of pod ${pod} on {{ $labels.node }} was killed for exceeding its memory limit ` +
            `and restarted (restarts in the last ${window}: {{ $value | humanize }}).`,
        ),
        alert(
          'PodCrashLooping',
          'critical',
          withOwner(
            `round(max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total[${window}])))\n` +
              `and on (namespace, pod, container)\n(\n` +
              `  max by (namespace, pod, container) (max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[${window}])) == 1\n` +
              `  or max by (namespace, pod, container) (increase(kube_pod_container_status_restarts_total[${window}])) > ${t.crashLoopRestarts}\n)`,
          ),
          `Pod ${pod} is crash looping`,
          `Container {{ $labels.container }} of pod ${pod} keeps failing and restarting ` +
            `(CrashLoopBackOff; restarts in the last ${window}: {{ $value | humanize }}).`,
        ),
        alert(
          'PodEvicted',
          'warning',
          withOwner(`max by (namespace, pod) (kube_pod_status_reason{reason="Evicted"}) == 1`),
          `Pod ${pod} was evicted`,
          `The kubelet evicted pod ${pod} from node {{ $labels.node }}, usually to reclaim memory under node pressure; ` +
            'its Deployment schedules a replacement elsewhere if capacity allows.',
        ),
      ],
    },
    {
      name: 'deployments',
      rules: [
        alert(
          'DeploymentReplicasUnavailable',
          'warning',
          `(\n  max by (namespace, deployment) (kube_deployment_spec_replicas)\n` +
            `  - max by (namespace, deployment) (kube_deployment_status_replicas_available)\n) > 0`,
          `Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has unavailable replicas`,
          `{{ $value | humanize }} desired replica(s) of Deployment {{ $labels.namespace }}/{{ $labels.deployment }} have been unavailable for ${forWarning}.`,
        ),
      ],
    },
    {
      name: 'service-latency-errors',
      rules: [
        alert(
          'HighRequestLatency',
          'critical',
          `histogram_quantile(0.99, sum by (namespace, service, le) (rate(http_request_duration_seconds_bucket[${window}])))\n` +
            `> ${t.latencyP99Seconds}\n` +
            `and on (namespace, service)\n` +
            `sum by (namespace, service) (rate(http_request_duration_seconds_count[${window}])) > ${t.minRequestRate}`,
          `Service {{ $labels.namespace }}/{{ $labels.service }} is slow`,
          `p99 latency of {{ $labels.service }} over the last ${window} is {{ $value | humanizeDuration }} ` +
            `(objective ${formatDuration(t.latencyP99Seconds * 1000)}).`,
        ),
        alert(
          'HighErrorRate',
          'critical',
          `sum by (namespace, service) (rate(http_requests_total{code=~"5.."}[${window}]))\n` +
            `/ sum by (namespace, service) (rate(http_requests_total[${window}]))\n` +
            `> ${t.errorRatio}`,
          `Service {{ $labels.namespace }}/{{ $labels.service }} is failing requests`,
          `{{ $value | humanizePercentage }} of the requests to {{ $labels.service }} failed with a 5xx over the last ${window} ` +
            `(objective below ${t.errorRatio * 100}%).`,
        ),
      ],
    },
    {
      name: 'nodes',
      rules: [
        alert(
          'NodeMemoryPressure',
          'critical',
          `max by (node) (kube_node_status_condition{condition="MemoryPressure", status="true"}) == 1`,
          'Node {{ $labels.node }} is under memory pressure',
          'Node {{ $labels.node }} reports MemoryPressure ' +
            `({{ with printf "max(node_memory_MemAvailable_bytes{node='%s'})" $labels.node | query }}{{ . | first | value | humanize1024 }}B{{ else }}unknown{{ end }} available); ` +
            'the kubelet is evicting pods to reclaim memory.',
        ),
        alert(
          'KubeNodeNotReady',
          'critical',
          `max by (node) (kube_node_status_condition{condition="Ready", status="true"}) == 0`,
          'Node {{ $labels.node }} is not ready',
          `Node {{ $labels.node }} has not been Ready for ${forCritical}; its pods are not being served.`,
        ),
        // Info: a cordon is usually deliberate (maintenance, or the agent's own drain), not an incident.
        alert(
          'NodeUnschedulable',
          'info',
          `max by (node) (kube_node_spec_unschedulable) == 1`,
          'Node {{ $labels.node }} is cordoned',
          'Node {{ $labels.node }} is marked unschedulable: no new pods are placed on it until it is uncordoned.',
        ),
      ],
    },
  ];
}
