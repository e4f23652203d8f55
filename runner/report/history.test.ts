import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendHistory, median, readHistory, renderDashboard, renderPrometheusText, summarise, type HistoryEntry } from './history.js';

const entry = (scenario: string, agent: number | null, manual: number, fields: Partial<HistoryEntry> = {}): HistoryEntry => ({
  runId: `${scenario}-${agent}`,
  scenario,
  target: 'local',
  mode: 'agent',
  fast: true,
  params: { service: 'petsite' },
  startedAt: '2026-11-25T09:00:00Z',
  outcome: agent === null ? 'unresolved' : 'resolved',
  phases: { detect: 20, investigate: 2, approve: 1, remediate: 1, verify: agent === null ? null : agent - 24 },
  mttr: { agentSeconds: agent, manualBaselineSeconds: manual, reductionPct: agent === null ? null : ((manual - agent) / manual) * 100, manualModel: 'persona-model/1:senior' },
  rootCause: { kind: 'memory-leak', target: 'Deployment/petsite' },
  rootCauseMatches: agent !== null,
  dir: `/reports/${scenario}`,
  ...fields,
});

test('median of odd and even counts', () => {
  assert.is(median([3, 1, 2]), 2);
  assert.is(median([4, 1, 2, 3]), 2.5);
  assert.is(median([]), null);
});

test('summaries per scenario: resolved share, median, spread from the median, reduction; live manual runs apart', () => {
  const entries = [entry('memory-leak', 100, 700), entry('memory-leak', 110, 710), entry('memory-leak', 120, 690), entry('memory-leak', null, 700), entry('crash-loop', 80, 500), entry('memory-leak', null, 600, { mode: 'manual', outcome: 'resolved', mttr: { agentSeconds: null, manualBaselineSeconds: 600, reductionPct: null, manualModel: 'live' } })];
  const [crash, leak] = summarise(entries);
  assert.is(crash!.scenario, 'crash-loop');
  assert.is(leak!.runs, 4);
  assert.is(leak!.resolvedPct, 75);
  assert.is(leak!.agent.median, 110);
  assert.is(leak!.agent.spreadPct, 9.1);
  assert.is(leak!.manual.median, 700);
  assert.is(leak!.manual.live, 600);
  assert.is(leak!.reductionPct, 84.3);
});

test('history appends and reads back; the dashboard and the Prometheus text carry the summaries', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'history-')), 'reports', 'history.jsonl');
  appendHistory(file, entry('memory-leak', 100, 700));
  appendHistory(file, entry('cpu-latency', 90, 650));
  const entries = readHistory(file);
  assert.is(entries.length, 2);
  const html = renderDashboard(entries, file);
  assert.match(html, /<table id="summary">/);
  assert.match(html, /<svg[^>]+class="chart bar-chart"/);
  assert.not.match(html, /<script[^>]+src=|<link[^>]+href="http/, 'nothing loaded from the network');
  const text = renderPrometheusText(entries);
  assert.match(text, /run_scenario_mttr_seconds\{scenario="memory-leak",target="local",profile="fast",mode="agent"\} 100/);
  assert.match(text, /run_scenario_reduction_ratio\{scenario="cpu-latency",target="local",profile="fast"\} 0\.86/);
});

test('the Grafana dashboard is Grafana JSON whose queries use the metrics the report writes', () => {
  const dashboard = JSON.parse(readFileSync(new URL('../grafana/mttr-dashboard.json', import.meta.url), 'utf8')) as { uid: string; schemaVersion: number; panels: { id: number; type: string; gridPos: object; targets?: { expr: string }[] }[]; templating: { list: { name: string }[] } };
  assert.is(dashboard.uid, 'eks-incident-kit-mttr');
  assert.ok(dashboard.schemaVersion >= 36);
  const ids = dashboard.panels.map((p) => p.id);
  assert.is(new Set(ids).size, ids.length, 'panel ids are unique');
  for (const panel of dashboard.panels) assert.ok(panel.gridPos, `panel ${panel.id} has a gridPos`);
  const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
  const text = renderPrometheusText([entry('memory-leak', 100, 700)]);
  for (const metric of ['run_scenario_mttr_seconds', 'run_scenario_phase_seconds', 'run_scenario_resolved_ratio', 'run_scenario_reduction_ratio']) {
    assert.ok(exprs.some((e) => e.includes(metric)), `a panel queries ${metric}`);
    assert.ok(text.includes(metric), `the report writes ${metric}`);
  }
  assert.equal(dashboard.templating.list.map((v) => v.name), ['datasource', 'profile', 'scenario']);
});

test.run();
