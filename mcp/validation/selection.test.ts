/**
 * What a selector selects on the backend's own names: a name regex over most metrics, a label regex
 * over every value its label takes, or regexes alone reaching most metrics, select every series in
 * practice; an exact value, or a regex that leaves values out, narrows.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePromQL } from './parse.js';
import { judgeSelections } from './selection.js';

const metrics = ['up', 'container_memory_rss', 'container_memory_working_set_bytes', 'container_cpu_usage_seconds_total', 'kube_pod_info', 'kube_pod_status_phase', 'kube_node_info', 'node_load1', 'node_cpu_seconds_total', 'http_requests_total', 'http_request_duration_seconds_bucket', 'prometheus_build_info'];
const values: Record<string, string[]> = { __name__: metrics, job: ['kube-state-metrics', 'node-exporter', 'kubernetes-pods'], namespace: ['petadoptions', 'kube-system'], instance: ['10.0.0.1:9100', '10.0.0.2:9100', 'node-1'] };

async function rules(query: string, reached: (selector: string) => string[] = () => metrics): Promise<string[]> {
  const parse = parsePromQL(query);
  assert.ok(parse.ok, query);
  const violations = await judgeSelections(parse, async (label, match) => (match ? reached(match) : values[label] ?? []));
  return violations.map((v) => `${v.rule}: ${v.message}`);
}

test('a name regex over most of the metrics there are is refused; a prefix of a few is fine', async () => {
  const [refused] = await rules('{__name__=~"[a-z].*"}');
  assert.match(refused!, /^match-everything-regex: \{__name__=~"\[a-z\]\.\*"\} selects 12 of the 12 metrics/);
  assert.equal(await rules('{__name__=~"[^Q]+"}').then((r) => r.length), 1);
  assert.equal(await rules('{__name__=~"container_memory_.*"}', () => ['container_memory_rss', 'container_memory_working_set_bytes']), []);
});

test('a label regex over every value of its label narrows nothing', async () => {
  const [refused] = await rules('{job=~"[^Q]+"}');
  assert.match(refused!, /^selects-every-series: .* job=~"\[\^Q\]\+" matches all 3 values of job/);
  assert.equal(await rules('{job=~"kube.*"}', () => ['kube_pod_info']), []);
});

test('regexes alone that reach most metrics are refused; an exact value is taken at its word', async () => {
  const [refused] = await rules('{instance=~".+:.+"}');
  assert.match(refused!, /reaches 12 of the 12 metrics/);
  assert.equal(await rules('{instance=~".+:.+"}', () => ['node_load1', 'node_cpu_seconds_total']), []);
  assert.equal(await rules('{namespace="petadoptions"}'), []);
});

test('a backend that cannot list values leaves the decision to the other guards', async () => {
  const parse = parsePromQL('{job=~"[^Q]+"}');
  assert.equal(await judgeSelections(parse, () => Promise.reject(new Error('down'))), []);
});

test.run();
