import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prometheusHistory } from './support/prometheus-history.js';

async function query(url: string, promql: string, at: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: promql, time: String(at / 1000) })}`);
  const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.is(body.status, 'success', promql);
  return body.data.result;
}

test('the history fixture has every DESIGN.md metric family', async () => {
  const { url, at } = await prometheusHistory();
  const families = [
    'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes', 'container_memory_rss', 'container_cpu_cfs_periods_total',
    'container_cpu_cfs_throttled_periods_total', 'container_network_receive_bytes_total', 'container_network_transmit_bytes_total',
    'kube_pod_info', 'kube_pod_status_phase', 'kube_pod_container_status_restarts_total', 'kube_pod_container_status_last_terminated_reason',
    'kube_pod_container_resource_limits', 'kube_pod_container_resource_requests', 'kube_deployment_spec_replicas',
    'kube_deployment_status_replicas_available', 'kube_node_status_condition', 'kube_node_spec_unschedulable',
    'node_cpu_seconds_total', 'node_memory_MemTotal_bytes', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_load1',
    'http_requests_total', 'http_request_duration_seconds_bucket', 'http_request_duration_seconds_sum', 'http_request_duration_seconds_count',
  ];
  for (const family of families) {
    const result = await query(url, `count(${family})`, at);
    assert.ok(result.length === 1 && Number(result[0]!.value[1]) > 0, `${family} present`);
  }
});

test('the incidents in the fixture are visible at the evaluation instant', async () => {
  const { url, at } = await prometheusHistory();
  const oom = await query(url, 'kube_pod_container_status_last_terminated_reason{reason="OOMKilled", container="petlistadoptions"}', at);
  assert.ok(oom.length >= 1, 'petlistadoptions OOMKilled');
  const throttled = await query(url, 'sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{container="payforadoption"}[5m])) / sum by (pod) (rate(container_cpu_cfs_periods_total{container="payforadoption"}[5m]))', at);
  assert.ok(throttled.length === 2 && throttled.every((r) => Number(r.value[1]) > 0.25), 'payforadoption throttled');
  const latency = await query(url, 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="petsite",route="/Search"}[5m])))', at);
  assert.ok(Number(latency[0]!.value[1]) > 0.3, `petsite /Search p99 ${latency[0]!.value[1]}`);
  const hourAgo = await query(url, 'sum(rate(http_requests_total{service="petsite"}[5m] offset 1h))', at);
  assert.ok(Number(hourAgo[0]!.value[1]) > 5, 'an hour ago is in the history');
});

test.run();
