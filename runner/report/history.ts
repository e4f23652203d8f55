/**
 * The run history (reports/history.jsonl: one line per run, appended) and the MTTR comparison built from
 * it: per scenario, target and mode, the median, spread and reduction across runs. `run-scenario
 * report` renders it as one self-contained HTML dashboard, and as Prometheus text for the eks Grafana
 * dashboard (runner/grafana/mttr-dashboard.json).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ScenarioReport } from '../../core/types.js';
import type { ReportBundle } from './build.js';
import { barChart, escapeXml, formatSeconds } from './svg.js';

export interface HistoryEntry {
  runId: string;
  scenario: string;
  target: ScenarioReport['target'];
  mode: 'agent' | 'manual';
  fast: boolean;
  params: Record<string, string>;
  startedAt: string;
  outcome: ScenarioReport['outcome'];
  phases: ScenarioReport['phases'];
  mttr: ScenarioReport['mttr'];
  rootCause: { kind: string; target: string } | null;
  rootCauseMatches: boolean | null;
  dir: string;
}

export function historyEntry(bundle: ReportBundle, dir: string): HistoryEntry {
  const r = bundle.report;
  return {
    runId: bundle.record.runId,
    scenario: r.scenario,
    target: r.target,
    mode: bundle.record.mode,
    fast: bundle.record.fast,
    params: r.params,
    startedAt: r.startedAt,
    outcome: r.outcome,
    phases: r.phases,
    mttr: r.mttr,
    rootCause: r.rootCause ? { kind: r.rootCause.kind, target: `${r.rootCause.target.kind}/${r.rootCause.target.name}` } : null,
    rootCauseMatches: bundle.rootCauseMatches,
    dir,
  };
}

export function appendHistory(file: string, entry: HistoryEntry): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(entry) + '\n');
}

export function readHistory(file: string): HistoryEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as HistoryEntry];
      } catch {
        return [];
      }
    });
}

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface ScenarioSummary {
  scenario: string;
  target: string;
  profile: 'fast' | 'realistic';
  runs: number;
  resolved: number;
  resolvedPct: number;
  agent: { median: number | null; min: number | null; max: number | null; spreadPct: number | null };
  manual: { median: number | null; live: number | null };
  reductionPct: number | null;
  rootCauseHits: number;
  phases: Record<keyof ScenarioReport['phases'], number | null>;
}

/** Groups by scenario, target and profile; spread is the largest distance from the median, in percent. */
export function summarise(entries: HistoryEntry[]): ScenarioSummary[] {
  const groups = new Map<string, HistoryEntry[]>();
  for (const e of entries) {
    const key = `${e.scenario}|${e.target}|${e.fast ? 'fast' : 'realistic'}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.entries()]
    .map(([key, runs]) => {
      const [scenario, target, profile] = key.split('|') as [string, string, 'fast' | 'realistic'];
      const agentRuns = runs.filter((r) => r.mode === 'agent');
      const resolved = agentRuns.filter((r) => r.outcome === 'resolved');
      const agentTimes = resolved.map((r) => r.mttr.agentSeconds).filter((v): v is number => v !== null);
      const manualTimes = agentRuns.map((r) => r.mttr.manualBaselineSeconds).filter((v): v is number => v !== null);
      const liveTimes = runs.filter((r) => r.mode === 'manual' && r.outcome === 'resolved').map((r) => r.mttr.manualBaselineSeconds).filter((v): v is number => v !== null);
      const agentMedian = median(agentTimes);
      const manualMedian = median(manualTimes);
      const phase = (name: keyof ScenarioReport['phases']) => median(resolved.map((r) => r.phases[name]).filter((v): v is number => v !== null));
      return {
        scenario,
        target,
        profile,
        runs: agentRuns.length,
        resolved: resolved.length,
        resolvedPct: agentRuns.length ? Math.round((resolved.length / agentRuns.length) * 1000) / 10 : 0,
        agent: {
          median: agentMedian,
          min: agentTimes.length ? Math.min(...agentTimes) : null,
          max: agentTimes.length ? Math.max(...agentTimes) : null,
          spreadPct: agentMedian ? Math.round((Math.max(...agentTimes.map((t) => Math.abs(t - agentMedian))) / agentMedian) * 1000) / 10 : null,
        },
        manual: { median: manualMedian, live: median(liveTimes) },
        reductionPct: agentMedian !== null && manualMedian ? Math.round(((manualMedian - agentMedian) / manualMedian) * 1000) / 10 : null,
        rootCauseHits: agentRuns.filter((r) => r.rootCauseMatches).length,
        phases: { detect: phase('detect'), investigate: phase('investigate'), approve: phase('approve'), remediate: phase('remediate'), verify: phase('verify') },
      };
    })
    .sort((a, b) => a.scenario.localeCompare(b.scenario) || a.target.localeCompare(b.target) || a.profile.localeCompare(b.profile));
}

export function renderDashboard(entries: HistoryEntry[], source: string): string {
  const summaries = summarise(entries);
  const rows = summaries
    .map(
      (s) =>
        `<tr><td>${escapeXml(s.scenario)}</td><td>${s.target}</td><td>${s.profile}</td><td class="num">${s.runs}</td><td class="num">${s.resolvedPct} %</td>` +
        `<td class="num">${formatSeconds(s.agent.median)}</td><td class="num">${formatSeconds(s.agent.min)} – ${formatSeconds(s.agent.max)}</td><td class="num">±${s.agent.spreadPct ?? 'n/a'} %</td>` +
        `<td class="num">${formatSeconds(s.manual.median)}</td><td class="num">${s.manual.live === null ? '–' : formatSeconds(s.manual.live)}</td><td class="num"><b>${s.reductionPct === null ? 'n/a' : `${s.reductionPct} %`}</b></td><td class="num">${s.rootCauseHits}/${s.runs}</td></tr>`,
    )
    .join('\n');
  const bars = summaries.flatMap((s) => [
    { label: `${s.scenario} (${s.profile}) agent`, segments: (['detect', 'investigate', 'approve', 'remediate', 'verify'] as const).map((name) => ({ name, value: s.phases[name] ?? 0 })) },
    { label: `${s.scenario} (${s.profile}) manual`, segments: [{ name: 'manual', value: s.manual.median ?? 0 }] },
  ]);
  const recent = [...entries]
    .reverse()
    .slice(0, 50)
    .map((e) => `<tr><td><code>${escapeXml(e.startedAt)}</code></td><td>${escapeXml(e.scenario)}</td><td>${e.mode}</td><td>${escapeXml(Object.entries(e.params).map(([k, v]) => `${k}=${v}`).join(' '))}</td><td>${e.outcome}</td><td class="num">${formatSeconds(e.mttr.agentSeconds)}</td><td class="num">${formatSeconds(e.mttr.manualBaselineSeconds)}</td><td>${escapeXml(e.rootCause ? `${e.rootCause.kind} ${e.rootCause.target}` : '–')}</td><td><a href="${escapeXml(e.dir)}/report.html">report</a></td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>MTTR comparison — run-scenario</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; background: #f9fafb; color: #111827; } main { max-width: 1150px; margin: 0 auto; padding: 24px; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 8px 0 24px; } th, td { border: 1px solid #e5e7eb; padding: 4px 8px; text-align: left; } th { background: #f3f4f6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } .chart { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; } .meta { color: #4b5563; }
</style></head><body><main>
<h1>MTTR: agent vs manual</h1>
<p class="meta">${entries.length} runs from <code>${escapeXml(source)}</code>. Agent MTTR is measured from real timestamps (fault injected to resolution verified); the manual baseline is the senior persona of docs/mttr-model.md over the runbook each run executed; live manual runs are presenters timed by key presses. Spread: largest distance of a run from the median.</p>
<table id="summary"><tr><th>scenario</th><th>target</th><th>profile</th><th>runs</th><th>resolved</th><th>agent median</th><th>agent range</th><th>spread</th><th>manual median</th><th>live manual</th><th>reduction</th><th>right root cause</th></tr>
${rows}
</table>
${barChart(bars, { title: 'Median time to resolve by scenario', unit: 's' })}
<h2>Recent runs</h2>
<table id="runs"><tr><th>started</th><th>scenario</th><th>mode</th><th>params</th><th>outcome</th><th>agent</th><th>manual</th><th>root cause</th><th></th></tr>
${recent}
</table>
<p class="meta">Generated ${new Date().toISOString()} by run-scenario report. Self-contained: no network needed.</p>
</main></body></html>
`;
}

/** The summaries as Prometheus text (push to a Pushgateway, or a textfile collector) for Grafana on eks. */
export function renderPrometheusText(entries: HistoryEntry[]): string {
  const lines = ['# HELP run_scenario_mttr_seconds Median time to resolve of scenario runs.', '# TYPE run_scenario_mttr_seconds gauge'];
  const summaries = summarise(entries);
  for (const s of summaries) {
    const labels = `scenario="${s.scenario}",target="${s.target}",profile="${s.profile}"`;
    if (s.agent.median !== null) lines.push(`run_scenario_mttr_seconds{${labels},mode="agent"} ${s.agent.median}`);
    if (s.manual.median !== null) lines.push(`run_scenario_mttr_seconds{${labels},mode="manual"} ${s.manual.median}`);
  }
  lines.push('# HELP run_scenario_phase_seconds Median seconds per incident phase of agent runs.', '# TYPE run_scenario_phase_seconds gauge');
  for (const s of summaries) for (const [phase, value] of Object.entries(s.phases)) if (value !== null) lines.push(`run_scenario_phase_seconds{scenario="${s.scenario}",target="${s.target}",profile="${s.profile}",phase="${phase}"} ${value}`);
  lines.push('# HELP run_scenario_resolved_ratio Share of agent runs that resolved.', '# TYPE run_scenario_resolved_ratio gauge');
  for (const s of summaries) lines.push(`run_scenario_resolved_ratio{scenario="${s.scenario}",target="${s.target}",profile="${s.profile}"} ${s.runs ? s.resolved / s.runs : 0}`);
  lines.push('# HELP run_scenario_reduction_ratio MTTR reduction of the agent against the manual baseline.', '# TYPE run_scenario_reduction_ratio gauge');
  for (const s of summaries) if (s.reductionPct !== null) lines.push(`run_scenario_reduction_ratio{scenario="${s.scenario}",target="${s.target}",profile="${s.profile}"} ${s.reductionPct / 100}`);
  return lines.join('\n') + '\n';
}
