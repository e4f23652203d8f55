import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { petAdoptionWatchList } from './default-watch-list.js';
import { loadWatchList, parseWatchList, WatchListError } from './watch-list.js';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'watch-list-')), name);
  writeFileSync(path, text);
  return path;
}

function refused(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, WatchListError);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a WatchListError matching ${pattern}`);
}

test('a YAML watch list: durations, defaults, limit query or number', () => {
  const list = loadWatchList(
    file(
      'watch.yaml',
      `interval: 2m
recent: 10m
watches:
  - name: memory
    description: Memory vs limit
    query: max by (pod) (container_memory_working_set_bytes{namespace="petadoptions"})
    limit: max by (pod) (kube_pod_container_resource_limits{resource="memory"})
    baseline: 3h
    step: 1m
    sensitivity: 0.3
    minSeverity: warning
  - name: errors
    query: sum by (service) (rate(http_requests_total{code=~"5.."}[5m]))
    limit: 1
`,
    ),
  );
  assert.is(list.intervalMs, 120_000);
  assert.is(list.recentMs, 600_000);
  const [memory, errors] = list.watches;
  assert.equal(memory, {
    name: 'memory',
    description: 'Memory vs limit',
    query: 'max by (pod) (container_memory_working_set_bytes{namespace="petadoptions"})',
    baselineMs: 3 * 3_600_000,
    stepMs: 60_000,
    sensitivity: 0.3,
    limit: 'max by (pod) (kube_pod_container_resource_limits{resource="memory"})',
    minSeverity: 'warning',
  });
  // Defaults: 2h baseline at 30 s, medium, everything pushed, the name as description.
  assert.equal(errors, { name: 'errors', description: 'errors', query: 'sum by (service) (rate(http_requests_total{code=~"5.."}[5m]))', baselineMs: 7_200_000, stepMs: 30_000, sensitivity: 'medium', limit: 1, minSeverity: 'info' });
});

test('a bare list of watches is a watch list too (JSON is YAML)', () => {
  const list = loadWatchList(file('watch.json', JSON.stringify([{ name: 'up', query: 'up', step: 60, baseline: '4h' }])));
  assert.is(list.watches.length, 1);
  assert.is(list.watches[0]!.stepMs, 60_000);
  assert.is(list.intervalMs, undefined);
});

test('mistakes are refused with what to fix', () => {
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'up', sensitivty: 'low' }] }), /watches\.0: Unrecognized key.*sensitivty/);
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'sum(rate(x[5m])' }] }), /watch "x": query has a syntax error at line 1, column \d+/);
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'up[5m]' }] }), /instant vector .*range\] selector/);
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'up', limit: 'max(' }] }), /limit query has a syntax error/);
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'up', baseline: '1h', step: '1m' }] }), /61 points, fewer than the 130 the detectors need/);
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'up', baseline: '7d', step: '15s' }] }), /more than Prometheus' 11000/);
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'up', step: 'soon' }] }), /step: "soon" is not a duration/);
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'up', sensitivity: 'paranoid' }] }), /sensitivity/);
  refused(() => parseWatchList({ watches: [{ name: 'x', query: 'up' }, { name: 'x', query: 'down' }] }), /two watches are named "x"/);
  refused(() => parseWatchList({ watches: [] }), /at least one watch/);
  refused(() => parseWatchList({ watches: [{ name: 'has space', query: 'up' }] }), /name/);
  refused(() => loadWatchList('/nonexistent/watch.yaml'), /watch list \/nonexistent\/watch.yaml not found/);
  refused(() => loadWatchList(file('bad.yaml', 'watches: [unclosed')), /is not valid YAML/);
});

test('the built-in pet-adoption list: the five golden signals, and docs/mcp.md shows exactly it', () => {
  assert.equal(
    petAdoptionWatchList.watches.map((w) => w.name),
    ['memory-working-set', 'cpu-throttling', 'latency-p99', 'error-ratio', 'node-memory-available'],
  );
  const memory = petAdoptionWatchList.watches[0]!;
  assert.match(memory.query, /container_memory_working_set_bytes/);
  assert.match(String(memory.limit), /kube_pod_container_resource_limits\{namespace="petadoptions", resource="memory"\}/);
  assert.is(petAdoptionWatchList.intervalMs, 60_000);

  const docs = readFileSync(new URL('../../docs/mcp.md', import.meta.url), 'utf8');
  const section = docs.slice(docs.indexOf('## Anomaly alerts to the agent'));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section);
  assert.ok(yaml, 'docs/mcp.md has the default watch list as YAML in "Anomaly alerts to the agent"');
  assert.equal(parseWatchList(parseYaml(yaml[1]!), 'docs/mcp.md'), petAdoptionWatchList);
});

test.run();
