/** How the realism bench reads public queries (bench/realism/queries.ts), on expressions from its corpus. */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { concernsWorkloadsOrNodes, metricsOf, substitute, variableInstantQuery, variableQuery, variablesOf, withoutThreshold, type Corpus } from './queries.js';

test('thresholds go, the judged expression stays (kube-prometheus CPUThrottlingHigh, awesome-prometheus-alerts Host out of memory)', () => {
  assert.is(withoutThreshold('sum(increase(a[5m])) by (pod)\n/ on (pod) group_left\nsum(increase(b[5m])) by (pod)\n> ( 25 / 100 )\n'), 'sum(increase(a[5m])) by (pod)\n/ on (pod) group_left\nsum(increase(b[5m])) by (pod)');
  assert.is(withoutThreshold('(node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < .10)'), '(node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes)');
  assert.is(withoutThreshold('0.9 < rate(x[5m])'), 'rate(x[5m])');
  // A comparison of two series is the alert's logic, not a threshold.
  assert.is(withoutThreshold('kube_deployment_spec_replicas != kube_deployment_status_replicas_available'), 'kube_deployment_spec_replicas != kube_deployment_status_replicas_available');
});

test('through and/unless both sides lose their thresholds; unless becomes and, absent(x) becomes x (KubeNodeNotReady, KubeletDown, KubeAPIDown)', () => {
  assert.is(
    withoutThreshold('kube_node_status_condition{condition="Ready",status="true"} == 0\nand on (cluster, node)\nkube_node_spec_unschedulable == 0\n'),
    'kube_node_status_condition{condition="Ready",status="true"}\nand on (cluster, node)\nkube_node_spec_unschedulable',
  );
  assert.is(withoutThreshold('count by (cluster) (kube_node_info)\nunless on (cluster)\ncount by (cluster) (up{job="kubelet"} == 1)'), 'count by (cluster) (kube_node_info)\nand on (cluster)\ncount by (cluster) (up{job="kubelet"} == 1)');
  assert.is(withoutThreshold('absent(up{job="apiserver"})'), '(up{job="apiserver"})');
  assert.is(withoutThreshold('absent_over_time(up{job="x"}[5m])'), 'present_over_time(up{job="x"}[5m])');
});

test("Grafana's variables: every syntax, longest name first, builtins", () => {
  const values = { namespace: 'petadoptions', name: 'WRONG', pod: 'petsite-7d4b9c6f8-q7w2e', cluster: '' };
  assert.is(
    substitute('rate(container_cpu_usage_seconds_total{cluster="$cluster", namespace="${namespace}", pod=~"${pod:regex}", x="[[namespace]]"}[$__rate_interval])', values),
    'rate(container_cpu_usage_seconds_total{cluster="", namespace="petadoptions", pod=~"petsite-7d4b9c6f8-q7w2e", x="petadoptions"}[1m])',
  );
  assert.equal(variablesOf('sum(x{namespace="$namespace", pod="${pod}"}[$__rate_interval])'), ['namespace', 'pod']);
});

test('variable queries: label_values with and without a selector, query_result', () => {
  assert.equal(variableQuery('label_values(kube_pod_info{cluster="$cluster"}, namespace)'), { expr: 'kube_pod_info{cluster="$cluster"}', label: 'namespace' });
  assert.equal(variableQuery('label_values(cluster)'), { expr: '{cluster!=""}', label: 'cluster' });
  assert.equal(variableQuery('query_result(count(up))'), { expr: 'count(up)' });
  assert.is(variableQuery('metrics(node_.*)'), undefined);
  assert.is(variableInstantQuery({ expr: 'kube_pod_info', label: 'namespace' }), 'group by (namespace) (kube_pod_info)');
});

test('workloads and nodes: cAdvisor, kube-state-metrics about objects, node-exporter, kubelet and what the mixins record from them', () => {
  for (const expr of ['container_memory_working_set_bytes', 'kube_replicaset_owner', 'node_load1', 'kubelet_running_pods', 'namespace_workload_pod:kube_pod_owner:relabel', 'instance:node_cpu_utilisation:rate5m', 'kube_resourcequota']) {
    assert.ok(concernsWorkloadsOrNodes(metricsOf(expr)), expr);
  }
  for (const expr of ['apiserver_request_total', 'up', 'prometheus_tsdb_reloads_failures_total', 'code_verb:apiserver_request_total:increase1h', 'cluster_quantile:scheduler_scheduling_attempt_duration_seconds:histogram_quantile', 'coredns_dns_requests_total', 'vector(1)']) {
    assert.not.ok(concernsWorkloadsOrNodes(metricsOf(expr)), expr);
  }
});

test('the corpus: pinned sources with their licences, unique ids, tags that hold', () => {
  const corpus = JSON.parse(readFileSync(new URL('./corpus/corpus.json', import.meta.url), 'utf8')) as Corpus;
  assert.equal(Object.keys(corpus.sources).sort(), ['awesome-prometheus-alerts', 'aws-observability-accelerator', 'kube-prometheus']);
  for (const [source, s] of Object.entries(corpus.sources)) {
    assert.match(s.commit, /^[0-9a-f]{40}$/);
    assert.ok(readFileSync(new URL(`./corpus/licences/${source}.${s.licence}.txt`, import.meta.url), 'utf8').length > 500 || s.licence === 'CC-BY-4.0', source);
  }
  assert.is(new Set(corpus.queries.map((q) => q.id)).size, corpus.queries.length);
  const dashboards = new Set(corpus.dashboards.map((d) => d.id));
  for (const q of corpus.queries) {
    if (q.kind === 'panel' || q.kind === 'variable') assert.ok(q.dashboard && dashboards.has(q.dashboard), q.id);
    if (q.kind !== 'variable') assert.is(q.workloadOrNode, concernsWorkloadsOrNodes(q.metrics), q.id);
  }
  // The acceptance counts panel targets: the corpus has hundreds.
  assert.ok(corpus.queries.filter((q) => q.kind === 'panel' && q.workloadOrNode).length > 400);
});

test.run();
