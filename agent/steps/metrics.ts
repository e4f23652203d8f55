/**
 * Step `metrics`: named PromQL checks (metric-checks.ts) evaluated over the investigation window, each
 * breaching series a finding with its onset (the start of its latest continuous breach) and whether it
 * is still breaching; optionally anomaly scans through the MCP server's detectors. Through the MCP
 * server when the agent has it, Prometheus directly otherwise.
 */
import { z } from 'zod';
import type { Finding } from '../../core/types.js';
import type { Series } from '../ports.js';
import { defineStep } from '../workflow/step.js';
import { gather, missingSource } from './gaps.js';
import { anomalyScan, anomalyScans, describeSubject, metricCheck, metricChecks, subjectOfSeries, type CheckScope } from './metric-checks.js';
import { durationText, iso, promqlDurationText, scopeOf, scopeParams } from './scope.js';
import { parseDuration } from '../../core/duration.js';

const params = z.object({
  ...scopeParams,
  checks: z.union([z.literal('all'), z.array(z.string())]).default('all').describe('Names of checks (agent/steps/metric-checks.ts), or "all"'),
  anomalies: z.union([z.boolean(), z.array(z.string())]).default(false).describe('Anomaly scans to run (memory, cpu-throttling, latency, errors, node-memory), true for all'),
  anomalyWindow: durationText.default('2h').describe('History the detectors learn the baseline from'),
  rate: promqlDurationText.optional().describe("Window of rate()/increase() (default: the agent's --rate-window, as the alert rules use)"),
  stepSeconds: z.number().int().positive().optional().describe('Resolution of the range queries (default: the investigation window\'s step)'),
});


export interface MetricsOutput {
  checks: { name: string; query: string; breaching: number }[];
  anomalies: { name: string; query: string; found: number }[];
  findings: string[];
}

/** The latest continuous run of samples (gaps up to two steps tolerated). */
function latestRun(series: Series, stepSeconds: number): { from: number; to: number; last: number; peak: number } | undefined {
  const samples = series.samples.filter((s) => Number.isFinite(s.v));
  if (!samples.length) return undefined;
  let i = samples.length - 1;
  while (i > 0 && samples[i]!.t - samples[i - 1]!.t <= stepSeconds * 2 + 1) i--;
  const run = samples.slice(i);
  return { from: run[0]!.t, to: run[run.length - 1]!.t, last: run[run.length - 1]!.v, peak: Math.max(...run.map((s) => s.v)) };
}

export const metricsStep = defineStep({
  kind: 'metrics',
  description: 'Named PromQL checks with thresholds (and optional anomaly scans) over the investigation window; each breach is a finding',
  params,
  gapSource: 'prometheus',
  async run(ctx, p): Promise<MetricsOutput> {
    const out: MetricsOutput = { checks: [], anomalies: [], findings: [] };
    const metrics = ctx.evidence.metrics;
    if (!metrics) {
      missingSource(ctx, 'prometheus', 'no metrics source configured');
      return out;
    }
    const scope = scopeOf(ctx, p);
    const window = ctx.vars.window as { stepSeconds?: number } | undefined;
    const rate = p.rate ?? (typeof ctx.vars.rateWindow === 'string' ? ctx.vars.rateWindow : '5m');
    // Two scrapes per point at least: a breach then spans several points even on a short window.
    const minStep = typeof ctx.vars.minStepSeconds === 'number' ? ctx.vars.minStepSeconds : 15;
    const stepSeconds = p.stepSeconds ?? Math.max(2 * minStep, window?.stepSeconds ?? 0);
    const checkScope: CheckScope = { namespace: scope.namespace ?? 'default', rate };
    const start = scope.end - scope.windowSeconds;
    const gaps = new Set<string>();
    const checks = p.checks === 'all' ? metricChecks : p.checks.map((name) => metricCheck.get(name)).filter((c) => c !== undefined);
    for (const unknown of p.checks === 'all' ? [] : p.checks.filter((n) => !metricCheck.has(n))) ctx.log.warn('unknown metric check', { check: unknown });

    await Promise.all(
      checks.map(async (check) => {
        const query = check.query(checkScope);
        const series = await gather(ctx, 'prometheus', () => metrics.range(query, { start, end: scope.end, stepSeconds: stepSeconds, signal: ctx.signal }), gaps);
        if (!series) return;
        let breaching = 0;
        for (const s of series) {
          const run = latestRun(s, stepSeconds);
          if (!run) continue;
          const ongoing = run.to >= scope.end - stepSeconds * 2;
          if (!ongoing && check.currentOnly) continue;
          if (ongoing) breaching++;
          const { subject, data } = subjectOfSeries(s.labels);
          const when = ongoing ? `since ${iso(run.from)}` : `from ${iso(run.from)} to ${iso(run.to)}`;
          const finding: Omit<Finding, 'id'> = {
            source: 'prometheus',
            kind: check.finding,
            summary: `${describeSubject(subject)}: ${check.format(run.last)} ${when} (${check.description})`,
            severity: ongoing ? check.severity : 'info',
            observedAt: iso(run.from),
            query,
            data: { ...data, check: check.name, value: run.last, peak: run.peak, ongoing, until: iso(run.to), labels: s.labels },
          };
          if (subject) finding.subject = subject;
          out.findings.push(ctx.finding(finding).id);
        }
        out.checks.push({ name: check.name, query, breaching });
      }),
    );

    const scans = p.anomalies === true ? anomalyScans : p.anomalies === false ? [] : p.anomalies.map((n) => anomalyScan.get(n)).filter((s) => s !== undefined);
    const anomalyStart = scope.end - parseDuration(p.anomalyWindow) / 1000;
    await Promise.all(
      scans.map(async (scan) => {
        const query = scan.query(checkScope);
        const found = await gather(
          ctx,
          'prometheus',
          async () => {
            if (metrics.anomalies) return metrics.anomalies(query, { start: anomalyStart, end: scope.end, stepSeconds: stepSeconds, signal: ctx.signal });
            return [];
          },
          gaps,
        );
        if (!found) return;
        // Only what began inside the investigation window and is more than a curiosity.
        const recent = found.filter((a) => a.at >= start && a.severity !== 'info');
        const bySeries = new Map<string, (typeof recent)[number]>();
        for (const a of recent) {
          const key = JSON.stringify(a.labels);
          const prev = bySeries.get(key);
          if (!prev || a.score > prev.score) bySeries.set(key, a);
        }
        for (const a of bySeries.values()) {
          const { subject, data } = subjectOfSeries(a.labels);
          const finding: Omit<Finding, 'id'> = {
            source: 'prometheus',
            kind: scan.finding,
            summary: `${describeSubject(subject)}: ${scan.description} is anomalous (${a.kind}, ${a.severity}): ${a.explanation}`,
            severity: a.severity === 'critical' ? 'critical' : 'warning',
            observedAt: iso(a.at),
            query,
            data: { ...data, anomaly: a.kind, score: a.score, labels: a.labels },
          };
          if (subject) finding.subject = subject;
          out.findings.push(ctx.finding(finding).id);
        }
        out.anomalies.push({ name: scan.name, query, found: bySeries.size });
      }),
    );
    return out;
  },
});
