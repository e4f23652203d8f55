/**
 * report.md and report.html of one run, and the files of its run directory. The HTML is one
 * self-contained page (inline CSS and SVG, no script or font from the network) built with Handlebars
 * from report.html.hbs beside this file.
 */
import { packageRoot } from '../../lib/platform/package-root.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { DEFAULT_PERSONA, personas, type PersonaName } from '../manual-model.js';
import { buildTimeline, type ReportBundle } from './build.js';
import { barChart, formatSeconds, lineChart, type Bar, type ChartMarker } from './svg.js';

const phaseNames = ['detect', 'investigate', 'approve', 'remediate', 'verify'] as const;

function markers(bundle: ReportBundle): ChartMarker[] {
  const r = bundle.report;
  const list: [string | null | undefined, string][] = [
    [r.injectedAt, 'fault injected'],
    [bundle.record.alert?.firedAt, 'alert'],
    [r.detectedAt, 'incident'],
    [r.rootCauseAt, 'root cause'],
    [r.remediationApprovedAt, 'approved'],
    [bundle.record.remediatedAt, 'fix applied'],
    [r.resolvedAt, 'resolved'],
  ];
  return list.filter((m): m is [string, string] => Boolean(m[0])).map(([at, label]) => ({ at: Date.parse(at) / 1000, label }));
}

export function comparisonBars(bundle: ReportBundle): Bar[] {
  const bars: Bar[] = [];
  const phases = bundle.report.phases;
  if (bundle.record.mode === 'agent' && bundle.report.mttr.agentSeconds !== null) {
    bars.push({ label: 'agent (measured)', segments: phaseNames.map((name) => ({ name, value: phases[name] ?? 0 })) });
  }
  if (bundle.record.mode === 'manual' && bundle.report.mttr.manualBaselineSeconds !== null) {
    bars.push({ label: 'presenter (live, measured)', segments: phaseNames.map((name) => ({ name, value: phases[name] ?? 0 })) });
  }
  for (const name of Object.keys(personas) as PersonaName[]) {
    const estimate = bundle.manual[name];
    if (estimate) bars.push({ label: `manual, ${name}${name === DEFAULT_PERSONA ? ' (baseline)' : ''}`, segments: phaseNames.map((p) => ({ name: p, value: estimate.phases[p] })) });
  }
  return bars;
}

export function renderMarkdown(bundle: ReportBundle): string {
  const r = bundle.report;
  const rec = bundle.record;
  const lines: string[] = [];
  lines.push(`# ${rec.title}`, '');
  lines.push(`Scenario \`${r.scenario}\` on the **${r.target}** target (${rec.targetDescription}), ${rec.mode === 'manual' ? 'manual (live) run' : 'agent run'}, ${rec.fast ? '`--fast`' : 'realistic timings'}.`);
  lines.push(`Parameters: ${Object.entries(r.params).map(([k, v]) => `\`${k}=${v}\``).join(', ') || 'none'}. Run \`${rec.runId}\`, started ${r.startedAt}.`, '');
  lines.push(`**Outcome: ${r.outcome.toUpperCase()}**${rec.failure ? ` (${rec.failure.phase}: ${rec.failure.message})` : ''}`, '');
  lines.push('## MTTR', '');
  lines.push('| | seconds | |', '| --- | ---: | --- |');
  lines.push(`| agent (measured) | ${r.mttr.agentSeconds ?? 'n/a'} | ${formatSeconds(r.mttr.agentSeconds)} |`);
  lines.push(`| manual baseline | ${r.mttr.manualBaselineSeconds ?? 'n/a'} | ${formatSeconds(r.mttr.manualBaselineSeconds)} (${r.mttr.manualModel}) |`);
  lines.push(`| reduction | ${r.mttr.reductionPct ?? 'n/a'} % | |`, '');
  lines.push('| phase | agent | ' + (Object.keys(bundle.manual) as PersonaName[]).map((p) => `manual (${p})`).join(' | ') + ' |');
  lines.push('| --- | ---: |' + Object.keys(bundle.manual).map(() => ' ---: |').join(''));
  for (const phase of phaseNames) {
    lines.push(`| ${phase} | ${formatSeconds(r.phases[phase])} | ${(Object.keys(bundle.manual) as PersonaName[]).map((p) => formatSeconds(bundle.manual[p]!.phases[phase])).join(' | ')} |`);
  }
  lines.push('');
  lines.push('## Root cause', '');
  if (r.rootCause) {
    lines.push(`**${r.rootCause.kind}** in ${r.rootCause.target.kind} \`${r.rootCause.target.namespace ? `${r.rootCause.target.namespace}/` : ''}${r.rootCause.target.name}\`, confidence ${r.rootCause.confidence.toFixed(2)}${bundle.rootCauseMatches === false ? ' — **does not match the expected root cause**' : bundle.rootCauseMatches ? ' (as expected)' : ''}.`, '');
    lines.push(r.rootCause.summary, '');
    lines.push('Evidence:', '');
    for (const e of r.rootCause.evidence) lines.push(`- (${e.source}) ${e.summary.replace(/\s+/g, ' ')}${e.query ? ` — \`${e.query.replace(/`/g, "'").replace(/\s+/g, ' ')}\`` : ''}`);
  } else lines.push('No root cause was named.');
  lines.push('');
  lines.push('## Remediation', '');
  if (r.remediation) {
    lines.push(`\`${r.remediation.action}\` on ${r.remediation.target?.kind} \`${r.remediation.target?.name}\`; remediation approved by ${r.remediation.approvedBy ?? 'n/a'}: ${r.remediation.result ?? ''}`);
    lines.push(`Rollback: ${r.remediation.rollback ?? 'n/a'}`);
    if (r.remediation.dryRun?.diff.length) lines.push('', '```diff', ...r.remediation.dryRun.diff.slice(0, 30), '```');
  } else lines.push('No remediation was executed.');
  for (const a of rec.incident?.actions ?? []) lines.push(`- ${a.kind} ${a.target.kind}/${a.target.name}: ${a.status}${a.approval ? ` (approved by ${a.approval.by})` : ''}${a.result ? ` — ${a.result.message}` : ''}`);
  lines.push('');
  lines.push('## Baseline and after the fix', '', '| metric | before | after |', '| --- | ---: | ---: |');
  for (const b of rec.baseline) lines.push(`| ${b.name} | ${fmt(b.value)} | ${fmt(rec.afterFix.find((a) => a.name === b.name)?.value ?? null)} |`);
  lines.push('');
  if (rec.manualSteps.length) {
    lines.push('## Manual runbook, executed', '', `Each step ran against the target; outputs are in \`manual/\`. Human time per the ${DEFAULT_PERSONA} persona (docs/mttr-model.md).`, '');
    lines.push('| # | phase | step | machine | human | exit |', '| --- | --- | --- | ---: | ---: | ---: |');
    const estimate = bundle.manual[DEFAULT_PERSONA];
    rec.manualSteps.forEach((s, i) => {
      const human = estimate?.steps.find((e) => e.id === s.id)?.human;
      lines.push(`| ${i + 1} | ${s.phase} | ${s.title}${s.dryRun ? ' (dry run)' : ''} | ${s.machineSeconds.toFixed(2)} s | ${formatSeconds(human)} | ${s.exitCode ?? 'killed'} |`);
    });
    lines.push('');
  }
  lines.push('## Timeline', '', '| time | phase | source | event |', '| --- | --- | --- | --- |');
  for (const e of rec.timeline) lines.push(`| ${e.at.slice(11, 23)} | ${e.phase} | ${e.source} | ${e.summary.replace(/\|/g, '\\|')} |`);
  lines.push('');
  lines.push('## Cleanup', '');
  for (const a of rec.cleanup.actions) lines.push(`- ${a}`);
  for (const e of rec.cleanup.errors) lines.push(`- **${e}**`);
  lines.push(`- target settled: ${rec.cleanup.settled ? 'yes' : 'no'}`, '');
  return lines.join('\n');
}

function fmt(value: number | null): string {
  if (value === null) return 'n/a';
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(2);
}

let compiled: HandlebarsTemplateDelegate | undefined;

export function renderHtml(bundle: ReportBundle): string {
  compiled ??= Handlebars.compile(readFileSync(join(packageRoot, 'runner', 'report', 'report.html.hbs'), 'utf8'), { strict: false });
  const r = bundle.report;
  const rec = bundle.record;
  const series = (rec.keyMetric?.series ?? []).map((s) => ({ name: s.labels.pod ?? s.labels.service ?? s.labels.node ?? (Object.values(s.labels).join(',') || 'value'), samples: s.samples }));
  const estimate = bundle.manual[DEFAULT_PERSONA];
  return compiled({
    title: rec.title,
    report: r,
    record: rec,
    outcomeClass: r.outcome === 'resolved' ? 'ok' : 'bad',
    mttr: {
      agent: formatSeconds(r.mttr.agentSeconds),
      manual: formatSeconds(r.mttr.manualBaselineSeconds),
      reduction: r.mttr.reductionPct === null ? 'n/a' : `${r.mttr.reductionPct} %`,
    },
    params: Object.entries(r.params).map(([key, value]) => ({ key, value })),
    metricChart: rec.keyMetric ? lineChart(series, markers(bundle), { unit: rec.keyMetric.unit, title: rec.keyMetric.title }) : '',
    comparisonChart: barChart(comparisonBars(bundle), { title: 'Time to resolve: agent vs manual, by phase', unit: 's' }),
    phases: phaseNames.map((name) => ({ name, agent: formatSeconds(r.phases[name]), senior: formatSeconds(bundle.manual.senior?.phases[name]), junior: formatSeconds(bundle.manual.junior?.phases[name]) })),
    hasManual: Boolean(estimate),
    evidence: r.rootCause?.evidence ?? [],
    matches: bundle.rootCauseMatches,
    actions: rec.incident?.actions ?? [],
    baseline: rec.baseline.map((b) => ({ name: b.name, before: fmt(b.value), after: fmt(rec.afterFix.find((a) => a.name === b.name)?.value ?? null) })),
    steps: rec.manualSteps.map((s, i) => ({ n: i + 1, ...s, machine: `${s.machineSeconds.toFixed(2)} s`, human: formatSeconds(estimate?.steps.find((e) => e.id === s.id)?.human), file: s.outputFile.split('/').slice(-2).join('/') })),
    timeline: rec.timeline.map((e) => ({ ...e, time: e.at.slice(11, 23) })),
    cleanup: rec.cleanup,
    spec: rec.spec,
    generatedAt: new Date().toISOString(),
  });
}

/** Writes report.json, report.md, report.html and timeline.json into `dir`. */
export function writeRunReports(dir: string, bundle: ReportBundle): { json: string; md: string; html: string; timeline: string } {
  mkdirSync(dir, { recursive: true });
  const files = { json: join(dir, 'report.json'), md: join(dir, 'report.md'), html: join(dir, 'report.html'), timeline: join(dir, 'timeline.json') };
  writeFileSync(files.json, JSON.stringify(bundle.report, null, 2) + '\n');
  writeFileSync(files.md, renderMarkdown(bundle));
  writeFileSync(files.html, renderHtml(bundle));
  writeFileSync(files.timeline, JSON.stringify(buildTimeline(bundle), null, 2) + '\n');
  return files;
}
