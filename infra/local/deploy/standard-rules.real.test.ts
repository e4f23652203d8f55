/**
 * The standard (kube-prometheus) rules as the local Prometheus loads them, judged by the installed
 * Prometheus 2.42: `promtool check rules` (and `check config` with the kit's rules beside them), then
 * `promtool test rules` for the standard alerts the scenarios' faults should raise, fed with series
 * shaped as kube-prometheus scrapes them on EKS (job="kubelet" with metrics_path="/metrics/cadvisor",
 * instance the node's address:10250, cAdvisor's id/image/name labels and pod-level cgroups;
 * job="kube-state-metrics" with kube-state-metrics 2.x labels). Each case also checks that the alert is
 * quiet before its upstream `for:` has elapsed, and that healthy neighbours stay quiet.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { findOnPath } from './binaries.js';
import { renderStandardRules } from './standard-rules.js';

const promtool = process.env.PROMTOOL_BIN ?? findOnPath(['promtool']);

type Labels = Record<string, string>;
const series = (name: string, labels: Labels, values: string) => ({
  series: `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`,
  values,
});
/** The scrape interval of kube-prometheus (30 s), and a 25-minute test: past every 15-minute `for:`. */
const interval = 30;
const steps = 50;
const flat = (value: number) => `${value}+0x${steps}`;
const runbook = (area: string, alert: string) => `https://runbooks.prometheus-operator.dev/runbooks/${area}/${alert.toLowerCase()}`;

const ns = 'petadoptions';
const nodeA = { name: 'ip-10-0-1-23.us-west-2.compute.internal', ip: '10.0.1.23' };
const nodeB = { name: 'ip-10-0-2-41.us-west-2.compute.internal', ip: '10.0.2.41' };
/** kube-state-metrics behind kube-prometheus's ServiceMonitor (its pod's own labels dropped, honorLabels). */
const ksm = { job: 'kube-state-metrics', instance: '10.0.3.17:8443' };
const looping = { namespace: ns, pod: 'petsite-7d4b9c6f8-q7w2e', container: 'petsite', uid: '3f1c2a9e-5b7d-4e21-9c4f-8a6b0d2e1f37' };
const healthy = { namespace: ns, pod: 'petsearch-5f7c8d9b4-k2j3h', container: 'petsearch', uid: 'b8e4d1c2-7a3f-4c95-8e6d-2f1a0b9c3d48' };

/** cAdvisor through the kubelet, as kube-prometheus's kubelet ServiceMonitor stores it. */
function cadvisor(node: typeof nodeA, target: { namespace: string; pod: string; container: string; uid: string }, containerId: string | undefined): Labels {
  const podCgroup = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${target.uid.replace(/-/g, '_')}.slice`;
  const base = { job: 'kubelet', metrics_path: '/metrics/cadvisor', endpoint: 'https-metrics', service: 'kubelet', instance: `${node.ip}:10250`, node: node.name, namespace: target.namespace, pod: target.pod };
  // The pod-level cgroup has no container, image or name (cAdvisor's container="" series).
  if (!containerId) return { ...base, container: '', id: podCgroup };
  return {
    ...base,
    container: target.container,
    id: `${podCgroup}/cri-containerd-${containerId}.scope`,
    image: `123456789012.dkr.ecr.us-west-2.amazonaws.com/${target.container}:1.4.2`,
    name: containerId,
  };
}

interface AlertCase {
  name: string;
  input: ReturnType<typeof series>[];
  alertname: string;
  /** Seconds: still quiet (pending) here; firing with `alerts` at `at`. */
  quietAt: number;
  at: number;
  alerts: { exp_labels: Labels; exp_annotations: Labels }[];
}

const throttledId = '5c0e8a7d41b94f0c2e6a3d9b7f1e4c8a2d6b0f3e9a7c5d1b8f4e2a6c0d9b3e7f';
const calmId = '9e1b3d5f7a0c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d0f2a4c6e8b0d1f3a5c7e9b';

const cases: AlertCase[] = [
  {
    name: 'KubePodCrashLooping: a container waiting in CrashLoopBackOff for 15 minutes',
    alertname: 'KubePodCrashLooping',
    input: [
      series('kube_pod_container_status_waiting_reason', { ...ksm, ...looping, reason: 'CrashLoopBackOff' }, flat(1)),
      series('kube_pod_container_status_restarts_total', { ...ksm, ...looping }, `0+1x${steps}`),
      series('kube_pod_container_status_restarts_total', { ...ksm, ...healthy }, flat(0)),
    ],
    quietAt: 14 * 60,
    at: 20 * 60,
    alerts: [
      {
        exp_labels: { severity: 'warning', ...ksm, ...looping, reason: 'CrashLoopBackOff' },
        exp_annotations: {
          description: `Pod ${ns}/${looping.pod} (${looping.container}) is in waiting state (reason: "CrashLoopBackOff") on cluster .`,
          runbook_url: runbook('kubernetes', 'KubePodCrashLooping'),
          summary: 'Pod is crash looping.',
        },
      },
    ],
  },
  {
    name: 'KubeDeploymentRolloutStuck: Progressing=False (ProgressDeadlineExceeded) for 15 minutes',
    alertname: 'KubeDeploymentRolloutStuck',
    input: [
      ...['true', 'false', 'unknown'].map((status) =>
        series('kube_deployment_status_condition', { ...ksm, namespace: ns, deployment: 'payforadoption', condition: 'Progressing', reason: 'ProgressDeadlineExceeded', status }, flat(status === 'false' ? 1 : 0)),
      ),
      ...['true', 'false', 'unknown'].map((status) =>
        series('kube_deployment_status_condition', { ...ksm, namespace: ns, deployment: 'petsite', condition: 'Progressing', reason: 'NewReplicaSetAvailable', status }, flat(status === 'true' ? 1 : 0)),
      ),
    ],
    quietAt: 14 * 60,
    at: 20 * 60,
    alerts: [
      {
        exp_labels: { severity: 'warning', ...ksm, namespace: ns, deployment: 'payforadoption', condition: 'Progressing', reason: 'ProgressDeadlineExceeded', status: 'false' },
        exp_annotations: {
          description: `Rollout of deployment ${ns}/payforadoption is not progressing for longer than 15 minutes on cluster .`,
          runbook_url: runbook('kubernetes', 'KubeDeploymentRolloutStuck'),
          summary: 'Deployment rollout is not progressing.',
        },
      },
    ],
  },
  {
    name: 'CPUThrottlingHigh: 40% of CFS periods throttled; the pod-level cgroup and a calm container are not judged',
    alertname: 'CPUThrottlingHigh',
    input: [
      // 100 ms CFS periods: 300 per 30 s scrape for a busy container.
      series('container_cpu_cfs_periods_total', cadvisor(nodeA, looping, throttledId), `0+300x${steps}`),
      series('container_cpu_cfs_throttled_periods_total', cadvisor(nodeA, looping, throttledId), `0+120x${steps}`),
      series('container_cpu_cfs_periods_total', cadvisor(nodeA, looping, undefined), `0+300x${steps}`),
      series('container_cpu_cfs_throttled_periods_total', cadvisor(nodeA, looping, undefined), `0+290x${steps}`),
      series('container_cpu_cfs_periods_total', cadvisor(nodeB, healthy, calmId), `0+300x${steps}`),
      series('container_cpu_cfs_throttled_periods_total', cadvisor(nodeB, healthy, calmId), `0+3x${steps}`),
    ],
    quietAt: 14 * 60,
    at: 20 * 60,
    alerts: [
      {
        exp_labels: { severity: 'info', namespace: ns, pod: looping.pod, container: looping.container, instance: `${nodeA.ip}:10250`, service: 'kubelet' },
        exp_annotations: {
          description: `40% throttling of CPU in namespace ${ns} for container ${looping.container} in pod ${looping.pod} on cluster .`,
          runbook_url: runbook('kubernetes', 'CPUThrottlingHigh'),
          summary: 'Processes experience elevated CPU throttling.',
        },
      },
    ],
  },
  {
    name: 'KubeNodeNotReady: Ready=false for 15 minutes on a schedulable node (a cordoned one is not judged)',
    alertname: 'KubeNodeNotReady',
    input: [
      ...nodeConditions(nodeB.name, { Ready: 'false', MemoryPressure: 'false' }),
      ...nodeConditions(nodeA.name, { Ready: 'true', MemoryPressure: 'false' }),
      ...nodeConditions('ip-10-0-3-58.us-west-2.compute.internal', { Ready: 'false', MemoryPressure: 'false' }),
      series('kube_node_spec_unschedulable', { ...ksm, node: nodeB.name }, flat(0)),
      series('kube_node_spec_unschedulable', { ...ksm, node: nodeA.name }, flat(0)),
      series('kube_node_spec_unschedulable', { ...ksm, node: 'ip-10-0-3-58.us-west-2.compute.internal' }, flat(1)),
    ],
    quietAt: 14 * 60,
    at: 20 * 60,
    alerts: [
      {
        exp_labels: { severity: 'warning', ...ksm, node: nodeB.name, condition: 'Ready', status: 'true' },
        exp_annotations: {
          description: `${nodeB.name} has been unready for more than 15 minutes on cluster .`,
          runbook_url: runbook('kubernetes', 'KubeNodeNotReady'),
          summary: 'Node is not ready.',
        },
      },
    ],
  },
  {
    name: 'KubeNodePressure: MemoryPressure=true for 10 minutes',
    alertname: 'KubeNodePressure',
    input: [...nodeConditions(nodeB.name, { Ready: 'true', MemoryPressure: 'true' }), ...nodeConditions(nodeA.name, { Ready: 'true', MemoryPressure: 'false' }), series('kube_node_spec_unschedulable', { ...ksm, node: nodeB.name }, flat(0)), series('kube_node_spec_unschedulable', { ...ksm, node: nodeA.name }, flat(0))],
    quietAt: 9 * 60,
    at: 15 * 60,
    alerts: [
      {
        exp_labels: { severity: 'info', ...ksm, node: nodeB.name, condition: 'MemoryPressure', status: 'true' },
        exp_annotations: {
          description: `${nodeB.name} on cluster  has active Condition MemoryPressure. This is caused by resource usage exceeding eviction thresholds.`,
          runbook_url: runbook('kubernetes', 'KubeNodePressure'),
          summary: 'Node has as active Condition.',
        },
      },
    ],
  },
  {
    name: "KubeletDown: nodes known to kube-state-metrics but no kubelet /metrics target up (today's local target until it scrapes the kubelet)",
    alertname: 'KubeletDown',
    input: [
      series('kube_node_info', { ...ksm, node: nodeA.name, kubelet_version: 'v1.31.4-eks-aeac579', os_image: 'Amazon Linux 2023.6.20250107', container_runtime_version: 'containerd://1.7.25' }, flat(1)),
      // cAdvisor is scraped from the kubelet, but the kubelet's own /metrics is not: that is what counts.
      series('up', { job: 'kubelet', metrics_path: '/metrics/cadvisor', instance: `${nodeA.ip}:10250`, node: nodeA.name }, flat(1)),
    ],
    quietAt: 14 * 60,
    at: 20 * 60,
    alerts: [
      {
        exp_labels: { severity: 'critical' },
        exp_annotations: {
          description: 'Kubelet has disappeared from Prometheus target discovery on cluster .',
          runbook_url: runbook('kubernetes', 'KubeletDown'),
          summary: 'Target disappeared from Prometheus target discovery.',
        },
      },
    ],
  },
];

function nodeConditions(node: string, conditions: Record<string, 'true' | 'false'>) {
  return Object.entries(conditions).flatMap(([condition, truth]) =>
    ['true', 'false', 'unknown'].map((status) => series('kube_node_status_condition', { ...ksm, node, condition, status }, flat(status === truth ? 1 : 0))),
  );
}

function runPromtool(args: string[], cwd: string): { status: number; output: string } {
  const result = spawnSync(promtool!, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

const dir = mkdtempSync(join(tmpdir(), 'standard-rules-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('promtool is available', () => {
  assert.ok(promtool, 'promtool not found on PATH; on Debian run `apt-get install prometheus` (or set PROMTOOL_BIN)');
});

test('promtool check rules accepts the standard rules (Prometheus 2.42)', () => {
  writeFileSync(join(dir, 'kube-prometheus.yml'), renderStandardRules());
  // No duplicate-rule lint: kubernetes-mixin records code_verb:apiserver_request_total:increase1h once
  // per status class (2xx..5xx, told apart by their selectors), which that heuristic flags.
  const check = runPromtool(['check', 'rules', '--lint=none', 'kube-prometheus.yml'], dir);
  assert.is(check.status, 0, check.output);
  assert.match(check.output, /SUCCESS: \d+ rules found/);
});

test('the standard alerts fire on real-shaped series after their upstream for:, and only there (promtool test rules)', () => {
  writeFileSync(join(dir, 'kube-prometheus.yml'), renderStandardRules());
  const tests = cases.map((c) => ({
    name: c.name,
    interval: `${interval}s`,
    input_series: c.input,
    alert_rule_test: [
      { eval_time: `${c.quietAt}s`, alertname: c.alertname, exp_alerts: [] },
      { eval_time: `${c.at}s`, alertname: c.alertname, exp_alerts: c.alerts },
    ],
  }));
  writeFileSync(join(dir, 'standard.test.yml'), stringify({ rule_files: ['kube-prometheus.yml'], evaluation_interval: `${interval}s`, tests }, { lineWidth: 0 }));
  const run = runPromtool(['test', 'rules', 'standard.test.yml'], dir);
  assert.is(run.status, 0, run.output);
});

test('Watchdog fires from the first evaluation, with nothing scraped at all', () => {
  writeFileSync(join(dir, 'kube-prometheus.yml'), renderStandardRules());
  const watchdog = {
    interval: `${interval}s`,
    input_series: [],
    alert_rule_test: [
      {
        eval_time: '0s',
        alertname: 'Watchdog',
        exp_alerts: [
          {
            exp_labels: { severity: 'none' },
            exp_annotations: {
              description:
                'This is an alert meant to ensure that the entire alerting pipeline is functional.\nThis alert is always firing, therefore it should always be firing in Alertmanager\nand always fire against a receiver. There are integrations with various notification\nmechanisms that send a notification when this alert is not firing. For example the\n"DeadMansSnitch" integration in PagerDuty.\n',
              runbook_url: runbook('general', 'Watchdog'),
              summary: 'An alert that should always be firing to certify that Alertmanager is working properly.',
            },
          },
        ],
      },
    ],
  };
  writeFileSync(join(dir, 'watchdog.test.yml'), stringify({ rule_files: ['kube-prometheus.yml'], evaluation_interval: `${interval}s`, tests: [watchdog] }, { lineWidth: 0 }));
  const run = runPromtool(['test', 'rules', 'watchdog.test.yml'], dir);
  assert.is(run.status, 0, run.output);
});

test.run();
