/**
 * The alert rules, judged by Prometheus itself: `promtool check rules` for syntax and `promtool test
 * rules` for behaviour, with real-shaped input series (cAdvisor, kube-state-metrics and application
 * labels as a scrape stores them) for every alert, in both timing profiles. Each case also checks that the
 * alert is still pending before its `for:` has elapsed, and that healthy neighbours stay quiet.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { parseDuration } from '../../../core/duration.js';
import { profiles, type TimingProfile } from '../profiles.js';
import { findOnPath } from './binaries.js';
import { alertRuleGroups, renderAlertRules, ruleGroupNames } from './rules.js';

const promtool = process.env.PROMTOOL_BIN ?? findOnPath(['promtool']);
const MiB = 2 ** 20;
const ns = 'petadoptions';
const nodeA = 'ip-10-0-1-23.us-west-2.compute.internal';
const nodeB = 'ip-10-0-2-41.us-west-2.compute.internal';
const leaky = { namespace: ns, pod: 'petlistadoptions-6c9f8b7d5-x2k4q', container: 'petlistadoptions', node: nodeB };
const fresh = { namespace: ns, pod: 'petlistadoptions-6c9f8b7d5-n8r3t', container: 'petlistadoptions', node: nodeA };
const calm = { namespace: ns, pod: 'petsite-7d4b9c6f8-q7w2e', container: 'petsite', node: nodeA };
const daemon = { namespace: 'kube-system', pod: 'aws-node-7xk2p', container: 'aws-node', node: nodeA };
const cadvisor = { job: 'kubernetes-cadvisor', instance: nodeB, id: '/kubepods/burstable/pod1', image: 'petlistadoptions:1.4.2' };
const ksm = { job: 'kube-state-metrics', instance: '10.0.1.10:8080' };

type Labels = Record<string, string>;
interface Series {
  series: string;
  values: string;
}
interface ExpectedAlert {
  exp_labels: Labels;
  exp_annotations: Labels;
}
interface AlertCase {
  alertname: string;
  input: Series[];
  /** Eval time (seconds) at which the alerts below fire. */
  at: number;
  alerts: ExpectedAlert[];
  /** Eval time (seconds) at which nothing fires yet (pending, or before the fault). */
  quietAt: number;
}

function series(name: string, labels: Labels, values: string): Series {
  const body = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return { series: `${name}{${body}}`, values };
}

/** `value` held for `steps` samples after the first. */
const flat = (value: number, steps: number) => `${value}+0x${steps}`;

function podInfo(target: Labels, kind = 'ReplicaSet', owner = target.pod!.replace(/-[a-z0-9]+$/, '')): Series {
  return series('kube_pod_info', { ...ksm, namespace: target.namespace!, pod: target.pod!, node: target.node!, created_by_kind: kind, created_by_name: owner, host_ip: '10.0.1.23', pod_ip: '10.0.1.77', uid: 'a1b2' }, ''); // values: see withInfo
}

const deploymentOf = (pod: string) => pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, '');
const owner = (target: Labels) => ({ ...target, deployment: deploymentOf(target.pod!) });
const runbookOf = (alert: string) => `docs/runbooks/alerts.md#${alert.toLowerCase()}`;

function cases(profile: TimingProfile): AlertCase[] {
  const interval = profile.scrapeIntervalSeconds;
  const window = profile.rateWindow;
  const windowSeconds = parseDuration(window) / 1000;
  const forCritical = parseDuration(profile.alertFor.critical) / 1000;
  const forWarning = parseDuration(profile.alertFor.warning) / 1000;
  const steps = Math.ceil((windowSeconds + Math.max(forCritical, forWarning)) / interval) + 5;
  const end = steps * interval;
  const withInfo = (input: Series[], ...pods: Series[]) => [...input, ...pods.map((p) => ({ ...p, values: flat(1, steps) }))];
  const limit = (target: Labels, bytes: number) =>
    series('kube_pod_container_resource_limits', { ...ksm, namespace: target.namespace!, pod: target.pod!, container: target.container!, node: target.node!, resource: 'memory', unit: 'byte' }, flat(bytes, steps));
  const workingSet = (target: Labels, values: string) => series('container_memory_working_set_bytes', { ...cadvisor, ...target }, values);
  const restarts = (target: Labels, values: string) =>
    series('kube_pod_container_status_restarts_total', { ...ksm, namespace: target.namespace!, pod: target.pod!, container: target.container!, uid: 'a1b2' }, values);
  const pod = (t: Labels) => `${t.namespace}/${t.pod}`;

  // Growth: 1 MiB/s, with the limit H/2 + 0.5 s away at `end` (H = 3 rate windows; the half second keeps
  // humanizeDuration's truncation away from a boundary).
  const horizon = 3 * windowSeconds;
  const timeToLimit = horizon / 2 + 0.5;
  const bigLimit = 4096 * MiB;
  const growthStart = bigLimit - (timeToLimit + end) * MiB;
  const freshStart = steps - Math.floor(windowSeconds / interval / 2);
  const restartStep = steps - (forCritical + 2 * interval) / interval;

  return [
    {
      alertname: 'ContainerMemoryNearLimit',
      input: withInfo(
        [
          workingSet(leaky, flat(0.95 * 512 * MiB, steps)),
          limit(leaky, 512 * MiB),
          workingSet(daemon, flat(0.95 * 128 * MiB, steps)),
          limit(daemon, 128 * MiB),
          workingSet(calm, flat(256 * MiB, steps)),
          limit(calm, 512 * MiB),
        ],
        podInfo(leaky),
        podInfo(daemon, 'DaemonSet', 'aws-node'),
        podInfo(calm),
      ),
      at: end,
      quietAt: forWarning - interval,
      alerts: [
        {
          exp_labels: { severity: 'warning', ...owner(leaky) },
          exp_annotations: {
            summary: `Container ${pod(leaky)} ${leaky.container} is close to its memory limit`,
            description: `Container ${leaky.container} of pod ${pod(leaky)} on ${leaky.node} uses 95% of its memory limit; it will be OOMKilled when it reaches 100%.`,
            runbook_url: runbookOf('ContainerMemoryNearLimit'),
          },
        },
        {
          // A DaemonSet pod has no Deployment: the alert keeps its pod and node, without `deployment`.
          exp_labels: { severity: 'warning', ...daemon },
          exp_annotations: {
            summary: `Container ${pod(daemon)} ${daemon.container} is close to its memory limit`,
            description: `Container ${daemon.container} of pod ${pod(daemon)} on ${daemon.node} uses 95% of its memory limit; it will be OOMKilled when it reaches 100%.`,
            runbook_url: runbookOf('ContainerMemoryNearLimit'),
          },
        },
      ],
    },
    {
      alertname: 'ContainerMemoryGrowingToLimit',
      input: withInfo(
        [
          workingSet(leaky, `${growthStart}+${interval * MiB}x${steps}`),
          limit(leaky, bigLimit),
          // A pod that started half a window ago, climbing as steeply: warm-up, no alert.
          workingSet(fresh, `_x${freshStart} ${growthStart + freshStart * interval * MiB}+${interval * MiB}x${steps - freshStart}`),
          limit(fresh, bigLimit),
          workingSet(calm, flat(256 * MiB, steps)),
          limit(calm, 512 * MiB),
        ],
        podInfo(leaky),
        podInfo(fresh),
        podInfo(calm),
      ),
      at: end,
      quietAt: forWarning - interval,
      alerts: [
        {
          exp_labels: { severity: 'warning', ...owner(leaky) },
          exp_annotations: {
            summary: `Memory of ${pod(leaky)} ${leaky.container} is growing towards its limit`,
            description: `The working set of container ${leaky.container} in pod ${pod(leaky)} has grown steadily over the last ${window}; at this rate it reaches its memory limit in ${goDuration(timeToLimit)} and will be OOMKilled (a memory leak?).`,
            runbook_url: runbookOf('ContainerMemoryGrowingToLimit'),
          },
        },
      ],
    },
    {
      alertname: 'CPUThrottlingHigh',
      input: withInfo(
        [
          series('container_cpu_cfs_periods_total', { ...cadvisor, ...leaky }, `0+${10 * interval}x${steps}`),
          series('container_cpu_cfs_throttled_periods_total', { ...cadvisor, ...leaky }, `0+${5 * interval}x${steps}`),
          series('container_cpu_cfs_periods_total', { ...cadvisor, ...calm }, `0+${10 * interval}x${steps}`),
          series('container_cpu_cfs_throttled_periods_total', { ...cadvisor, ...calm }, `0+0x${steps}`),
        ],
        podInfo(leaky),
        podInfo(calm),
      ),
      at: end,
      quietAt: forWarning - interval,
      alerts: [
        {
          exp_labels: { severity: 'warning', ...owner(leaky) },
          exp_annotations: {
            summary: `Container ${pod(leaky)} ${leaky.container} is CPU-throttled`,
            description: `Container ${leaky.container} of pod ${pod(leaky)} was throttled in 50% of its CPU periods over the last ${window}: it needs more CPU than its limit allows, which slows its requests.`,
            runbook_url: runbookOf('CPUThrottlingHigh'),
          },
        },
      ],
    },
    {
      alertname: 'ContainerOOMKilled',
      input: withInfo(
        [
          restarts(leaky, `0+0x${restartStep - 1} 1+0x${steps - restartStep}`),
          series('kube_pod_container_status_last_terminated_reason', { ...ksm, namespace: ns, pod: leaky.pod, container: leaky.container, reason: 'OOMKilled' }, `0+0x${restartStep - 1} 1+0x${steps - restartStep}`),
          // Restarted long ago for another reason: no alert.
          restarts(calm, flat(1, steps)),
          series('kube_pod_container_status_last_terminated_reason', { ...ksm, namespace: ns, pod: calm.pod, container: calm.container, reason: 'Error' }, flat(1, steps)),
        ],
        podInfo(leaky),
        podInfo(calm),
      ),
      at: end,
      quietAt: (restartStep - 1) * interval,
      alerts: [
        {
          exp_labels: { severity: 'critical', ...owner(leaky) },
          exp_annotations: {
            summary: `Container ${pod(leaky)} ${leaky.container} was OOMKilled`,
            description: `Container ${leaky.container} of pod ${pod(leaky)} on ${leaky.node} was killed for exceeding its memory limit and restarted (restarts in the last ${window}: 1).`,
            runbook_url: runbookOf('ContainerOOMKilled'),
          },
        },
      ],
    },
    {
      alertname: 'PodCrashLooping',
      input: withInfo(
        [
          // In back-off: waiting reason CrashLoopBackOff, no restart within the window.
          restarts(leaky, flat(5, steps)),
          series('kube_pod_container_status_waiting_reason', { ...ksm, namespace: ns, pod: leaky.pod, container: leaky.container, reason: 'CrashLoopBackOff' }, flat(1, steps)),
          // Restarting every scrape, with no waiting reason exposed: the restart count alone tells.
          restarts(calm, `0+1x${steps}`),
          restarts(daemon, flat(0, steps)),
        ],
        podInfo(leaky),
        podInfo(calm),
        podInfo(daemon, 'DaemonSet', 'aws-node'),
      ),
      at: end,
      quietAt: forCritical - interval,
      alerts: [
        {
          exp_labels: { severity: 'critical', ...owner(leaky) },
          exp_annotations: {
            summary: `Pod ${pod(leaky)} is crash looping`,
            description: `Container ${leaky.container} of pod ${pod(leaky)} keeps failing and restarting (CrashLoopBackOff; restarts in the last ${window}: 0).`,
            runbook_url: runbookOf('PodCrashLooping'),
          },
        },
        {
          exp_labels: { severity: 'critical', ...owner(calm) },
          exp_annotations: {
            summary: `Pod ${pod(calm)} is crash looping`,
            description: `Container ${calm.container} of pod ${pod(calm)} keeps failing and restarting (CrashLoopBackOff; restarts in the last ${window}: ${windowSeconds / interval}).`,
            runbook_url: runbookOf('PodCrashLooping'),
          },
        },
      ],
    },
    {
      alertname: 'PodEvicted',
      input: withInfo(
        [
          series('kube_pod_status_reason', { ...ksm, namespace: ns, pod: leaky.pod, reason: 'Evicted' }, flat(1, steps)),
          series('kube_pod_status_reason', { ...ksm, namespace: ns, pod: calm.pod, reason: 'Evicted' }, flat(0, steps)),
        ],
        podInfo(leaky),
        podInfo(calm),
      ),
      at: end,
      quietAt: forWarning - interval,
      alerts: [
        {
          exp_labels: { severity: 'warning', namespace: ns, pod: leaky.pod, node: leaky.node, deployment: deploymentOf(leaky.pod) },
          exp_annotations: {
            summary: `Pod ${pod(leaky)} was evicted`,
            description: `The kubelet evicted pod ${pod(leaky)} from node ${leaky.node}, usually to reclaim memory under node pressure; its Deployment schedules a replacement elsewhere if capacity allows.`,
            runbook_url: runbookOf('PodEvicted'),
          },
        },
      ],
    },
    {
      alertname: 'DeploymentReplicasUnavailable',
      input: [
        series('kube_deployment_spec_replicas', { ...ksm, namespace: ns, deployment: 'payforadoption' }, flat(2, steps)),
        series('kube_deployment_status_replicas_available', { ...ksm, namespace: ns, deployment: 'payforadoption' }, flat(1, steps)),
        series('kube_deployment_spec_replicas', { ...ksm, namespace: ns, deployment: 'petsite' }, flat(2, steps)),
        series('kube_deployment_status_replicas_available', { ...ksm, namespace: ns, deployment: 'petsite' }, flat(2, steps)),
      ],
      at: end,
      quietAt: forWarning - interval,
      alerts: [
        {
          exp_labels: { severity: 'warning', namespace: ns, deployment: 'payforadoption' },
          exp_annotations: {
            summary: `Deployment ${ns}/payforadoption has unavailable replicas`,
            description: `1 desired replica(s) of Deployment ${ns}/payforadoption have been unavailable for ${profile.alertFor.warning}.`,
            runbook_url: runbookOf('DeploymentReplicasUnavailable'),
          },
        },
      ],
    },
    {
      alertname: 'HighRequestLatency',
      input: [
        // petsite: every request takes between 1 s and 2.5 s. petsearch: all under 100 ms.
        ...[
          ['0.1', 0],
          ['0.5', 0],
          ['1', 0],
          ['2.5', 10],
          ['+Inf', 10],
        ].map(([le, perStep]) =>
          series('http_request_duration_seconds_bucket', { job: 'kubernetes-pods', namespace: ns, pod: calm.pod, service: 'petsite', route: '/', le: String(le) }, `0+${perStep}x${steps}`),
        ),
        series('http_request_duration_seconds_count', { job: 'kubernetes-pods', namespace: ns, pod: calm.pod, service: 'petsite', route: '/' }, `0+10x${steps}`),
        ...['0.1', '+Inf'].map((le) =>
          series('http_request_duration_seconds_bucket', { job: 'kubernetes-pods', namespace: ns, pod: 'petsearch-5f7c8d9b4-k2j3h', service: 'petsearch', route: '/api/search', le }, `0+10x${steps}`),
        ),
        series('http_request_duration_seconds_count', { job: 'kubernetes-pods', namespace: ns, pod: 'petsearch-5f7c8d9b4-k2j3h', service: 'petsearch', route: '/api/search' }, `0+10x${steps}`),
      ],
      at: end,
      quietAt: forCritical - interval,
      alerts: [
        {
          exp_labels: { severity: 'critical', namespace: ns, service: 'petsite' },
          exp_annotations: {
            summary: `Service ${ns}/petsite is slow`,
            description: `p99 latency of petsite over the last ${window} is 2.485s (objective 1s).`,
            runbook_url: runbookOf('HighRequestLatency'),
          },
        },
      ],
    },
    {
      alertname: 'HighErrorRate',
      input: [
        series('http_requests_total', { job: 'kubernetes-pods', namespace: ns, pod: 'payforadoption-84c7b6d9f-m4n5p', service: 'payforadoption', route: '/api/pay', method: 'POST', code: '200' }, `0+9x${steps}`),
        series('http_requests_total', { job: 'kubernetes-pods', namespace: ns, pod: 'payforadoption-84c7b6d9f-m4n5p', service: 'payforadoption', route: '/api/pay', method: 'POST', code: '500' }, `0+1x${steps}`),
        series('http_requests_total', { job: 'kubernetes-pods', namespace: ns, pod: calm.pod, service: 'petsite', route: '/', method: 'GET', code: '200' }, `0+10x${steps}`),
      ],
      at: end,
      quietAt: forCritical - interval,
      alerts: [
        {
          exp_labels: { severity: 'critical', namespace: ns, service: 'payforadoption' },
          exp_annotations: {
            summary: `Service ${ns}/payforadoption is failing requests`,
            description: `10% of the requests to payforadoption failed with a 5xx over the last ${window} (objective below 5%).`,
            runbook_url: runbookOf('HighErrorRate'),
          },
        },
      ],
    },
    {
      alertname: 'NodeMemoryPressure',
      input: [
        ...nodeConditions(nodeB, { MemoryPressure: 'true', Ready: 'true' }, steps),
        ...nodeConditions(nodeA, { MemoryPressure: 'false', Ready: 'true' }, steps),
        series('node_memory_MemAvailable_bytes', { job: 'node-exporter', instance: '10.0.2.41:9100', node: nodeB }, flat(256 * MiB, steps)),
      ],
      at: end,
      quietAt: forCritical - interval,
      alerts: [
        {
          exp_labels: { severity: 'critical', node: nodeB },
          exp_annotations: {
            summary: `Node ${nodeB} is under memory pressure`,
            description: `Node ${nodeB} reports MemoryPressure (256MiB available); the kubelet is evicting pods to reclaim memory.`,
            runbook_url: runbookOf('NodeMemoryPressure'),
          },
        },
      ],
    },
    {
      alertname: 'KubeNodeNotReady',
      input: [...nodeConditions(nodeB, { MemoryPressure: 'false', Ready: 'false' }, steps), ...nodeConditions(nodeA, { MemoryPressure: 'false', Ready: 'true' }, steps)],
      at: end,
      quietAt: forCritical - interval,
      alerts: [
        {
          exp_labels: { severity: 'critical', node: nodeB },
          exp_annotations: {
            summary: `Node ${nodeB} is not ready`,
            description: `Node ${nodeB} has not been Ready for ${profile.alertFor.critical}; its pods are not being served.`,
            runbook_url: runbookOf('KubeNodeNotReady'),
          },
        },
      ],
    },
    {
      alertname: 'NodeUnschedulable',
      input: [series('kube_node_spec_unschedulable', { ...ksm, node: nodeB }, flat(1, steps)), series('kube_node_spec_unschedulable', { ...ksm, node: nodeA }, flat(0, steps))],
      at: end,
      quietAt: forWarning - interval,
      alerts: [
        {
          exp_labels: { severity: 'info', node: nodeB },
          exp_annotations: {
            summary: `Node ${nodeB} is cordoned`,
            description: `Node ${nodeB} is marked unschedulable: no new pods are placed on it until it is uncordoned.`,
            runbook_url: runbookOf('NodeUnschedulable'),
          },
        },
      ],
    },
  ];

  function nodeConditions(node: string, conditions: Record<string, 'true' | 'false'>, count: number): Series[] {
    return Object.entries(conditions).flatMap(([condition, truth]) =>
      ['true', 'false', 'unknown'].map((status) => series('kube_node_status_condition', { ...ksm, node, condition, status }, flat(status === truth ? 1 : 0, count))),
    );
  }
}

/** Prometheus's humanizeDuration for the values these tests produce (0 < v < 1 day). */
function goDuration(seconds: number): string {
  const whole = Math.trunc(seconds);
  if (whole < 60) return `${Number(seconds.toPrecision(4))}s`;
  const h = Math.floor(whole / 3600);
  const m = Math.floor(whole / 60) % 60;
  const s = whole % 60;
  return h ? `${h}h ${m}m ${s}s` : `${m}m ${s}s`;
}

function runPromtool(args: string[], cwd: string): { status: number; output: string } {
  const result = spawnSync(promtool!, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

test('promtool is available', () => {
  assert.ok(promtool, 'promtool not found on PATH; on Debian run `apt-get install prometheus` (or set PROMTOOL_BIN)');
});

for (const profile of Object.values(profiles)) {
  test(`${profile.name}: every alert fires on its fault, after its for:, and only there (promtool test rules)`, () => {
    const dir = mkdtempSync(join(tmpdir(), `rules-${profile.name}-`));
    try {
      writeFileSync(join(dir, 'alerts.yml'), renderAlertRules(profile));
      const check = runPromtool(['check', 'rules', 'alerts.yml'], dir);
      assert.is(check.status, 0, check.output);

      const all = cases(profile);
      const tests = all.map((c) => ({
        interval: `${profile.scrapeIntervalSeconds}s`,
        input_series: c.input,
        alert_rule_test: [
          { eval_time: `${c.quietAt}s`, alertname: c.alertname, exp_alerts: [] },
          { eval_time: `${c.at}s`, alertname: c.alertname, exp_alerts: c.alerts },
        ],
      }));
      writeFileSync(join(dir, 'alerts.test.yml'), stringify({ rule_files: ['alerts.yml'], evaluation_interval: `${profile.evaluationIntervalSeconds}s`, tests }, { lineWidth: 0 }));
      const run = runPromtool(['test', 'rules', 'alerts.test.yml'], dir);
      assert.is(run.status, 0, run.output);

      // Every alert the rules define has a case above.
      const defined = alertRuleGroups(profile).flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.alert] : [])));
      assert.equal([...new Set(all.map((c) => c.alertname))].sort(), defined.sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('rules use the profile timings and carry severity and runbook on every alert', () => {
  for (const profile of Object.values(profiles)) {
    for (const group of alertRuleGroups(profile)) {
      for (const rule of group.rules) {
        if (!('alert' in rule)) continue;
        assert.ok(['critical', 'warning', 'info'].includes(rule.labels.severity), rule.alert);
        assert.ok(rule.annotations.runbook_url.startsWith('docs/runbooks/'), rule.alert);
        assert.ok([profile.alertFor.critical, profile.alertFor.warning].includes(rule.for), `${rule.alert} for: ${rule.for}`);
        assert.not.match(rule.expr, new RegExp(`\\[(?!${profile.rateWindow}\\])\\d+[smh]\\]`), `${rule.alert} uses a window other than ${profile.rateWindow}`);
      }
    }
  }
  assert.equal(ruleGroupNames(), alertRuleGroups(profiles.fast).map((g) => g.name));
});

test.run();
