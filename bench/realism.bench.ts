/**
 * `npm run bench -- realism`: how much of what real SREs query the local target answers. Starts
 * `local-cluster up --fast` in a temporary state directory on free ports, waits a few scrapes, runs the
 * public queries of bench/realism/corpus/ (kube-prometheus rules and dashboards, awesome-prometheus-
 * alerts, the AWS observability accelerator's EKS dashboards; the ones about workloads and nodes) and
 * reports the share that returns data per kind and per source, with the missing series that would
 * unlock the most queries. Then the steady-state check: after `--steady-minutes` with no fault, which
 * standard (kube-prometheus) alerts are pending or firing beyond the ones that fire by design.
 *
 * Flags: --prometheus-url URL (judge a running Prometheus instead of starting a stack; no steady-state
 * wait), --corpus FILE (another corpus.json, e.g. a blind evaluation set of the same shape),
 * --steady-minutes N (default 5), --profile fast|realistic (default fast), --all (every query, not
 * only workloads and nodes), --out FILE (the whole report as JSON, every query's outcome included).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag, type Benchmark, type Measurement } from './harness.js';
import { down, up } from '../infra/local/deploy/commands.js';
import { loopbackUrl, resolveStackConfig } from '../infra/local/deploy/config.js';
import { lineProgress } from '../infra/local/deploy/progress.js';
import { firingByDesign, standardRuleGroupNames } from '../infra/local/deploy/standard-rules.js';
import { PrometheusBackend, type AlertingRule, type MetricsBackend } from '../lib/prometheus/client/index.js';
import { freeStackPorts } from '../test/support/deploy/ports.js';
import { RealismEvaluator, type RealismReport } from './realism/evaluate.js';
import type { Corpus } from './realism/queries.js';

/** The acceptance: at least 85% of dashboard panel targets return data on a fresh `up`. */
const panelTarget = 0.85;
const defaultCorpus = fileURLToPath(new URL('./realism/corpus/corpus.json', import.meta.url));

export interface SteadyState {
  afterSeconds: number;
  /** Standard alerts pending or firing that should not be (name -> state). */
  unexpected: Record<string, string>;
  byDesign: Record<string, string>;
  /** The kit's own alerts pending or firing. */
  kit: Record<string, string>;
}

export async function steadyState(backend: MetricsBackend, afterSeconds: number): Promise<SteadyState> {
  const standardGroups = new Set(standardRuleGroupNames());
  const result: SteadyState = { afterSeconds, unexpected: {}, byDesign: {}, kit: {} };
  for (const group of (await backend.rules({ type: 'alert' })).data.groups) {
    for (const rule of group.rules as AlertingRule[]) {
      if (rule.state === 'inactive') continue;
      const bucket = !standardGroups.has(group.name) ? result.kit : rule.name in firingByDesign ? result.byDesign : result.unexpected;
      // A firing instance outranks a pending one of the same alert.
      if (bucket[rule.name] !== 'firing') bucket[rule.name] = rule.state;
    }
  }
  return result;
}

function measurements(report: RealismReport, steady: SteadyState | undefined): Measurement[] {
  const pct = (share: number) => Math.round(share * 1000) / 10;
  const out: Measurement[] = [];
  const kinds: [string, string][] = [
    ['panel', 'dashboard panel targets with data'],
    ['variable', 'dashboard variables with data'],
    ['alert', 'alerts (threshold removed) with data'],
    ['recording-rule', 'recording rules with data'],
  ];
  for (const [kind, name] of kinds) {
    const s = report.byKind[kind];
    if (!s) continue;
    out.push({
      name: `${name} (${s.withData}/${s.total})`,
      value: pct(s.share),
      unit: '%',
      ...(kind === 'panel' ? { target: `>= ${panelTarget * 100}%`, pass: s.share >= panelTarget } : {}),
      details: { byKindAndSource: Object.fromEntries(Object.entries(report.bySourceAndKind).filter(([k]) => k.endsWith(` ${kind}`))) },
    });
  }
  for (const [source, s] of Object.entries(report.bySource)) out.push({ name: `  ${source} (${s.withData}/${s.total})`, value: pct(s.share), unit: '%' });
  out.push({ name: 'most common missing series', value: report.missing.length, unit: 'blockers', details: { top: report.missing.slice(0, 30) } });
  out.push({ name: 'queries judged with a fallback variable value', value: report.fallbacks, unit: 'queries', details: { variables: report.variables } });
  if (steady) {
    const unexpected = Object.keys(steady.unexpected);
    out.push({
      name: `standard alerts pending/firing after ${Math.round(steady.afterSeconds / 60)} min, no fault`,
      value: unexpected.length,
      unit: 'alerts',
      target: '0 (beyond Watchdog, InfoInhibitor)',
      pass: unexpected.length === 0,
      details: steady as unknown as Record<string, unknown>,
    });
  }
  return out;
}

const benchmark: Benchmark = {
  name: 'realism',
  description: `public workload/node queries that return data on a fresh local target (panel targets >= ${panelTarget * 100}%), and the standard alerts in steady state`,
  async run({ args, log }) {
    const corpus = JSON.parse(readFileSync(flag(args, '--corpus') ?? defaultCorpus, 'utf8')) as Corpus;
    const all = args.includes('--all');
    const out = flag(args, '--out');
    const given = flag(args, '--prometheus-url');
    const steadySeconds = Number(flag(args, '--steady-minutes') ?? 5) * 60;

    const judge = async (prometheusUrl: string, readyAt: number, wait: boolean): Promise<Measurement[]> => {
      const backend = new PrometheusBackend({ url: prometheusUrl, requestTimeoutMs: 30_000 });
      const started = performance.now();
      const report = await new RealismEvaluator(backend).evaluate(corpus, prometheusUrl, { all, log });
      log(`${report.corpus.inScope} queries judged in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      for (const m of report.missing.slice(0, 15)) log(`missing: ${m.blocker} blocks ${m.queries} queries (${m.alone} alone)`);
      let steady: SteadyState | undefined;
      if (wait) {
        const left = readyAt + steadySeconds * 1000 - Date.now();
        if (left > 0) {
          log(`steady state: waiting ${Math.round(left / 1000)} s more with no fault`);
          await new Promise((resolve) => setTimeout(resolve, left));
        }
        steady = await steadyState(backend, (Date.now() - readyAt) / 1000);
      } else {
        steady = await steadyState(backend, NaN);
      }
      log(`steady state: unexpected ${JSON.stringify(steady.unexpected)}; by design ${JSON.stringify(steady.byDesign)}; kit ${JSON.stringify(steady.kit)}`);
      if (out) writeFileSync(out, JSON.stringify({ ...report, steadyState: steady }, null, 1) + '\n');
      return measurements(report, steady);
    };

    if (given) return judge(given, Date.now(), false);

    const stateDir = mkdtempSync(join(tmpdir(), 'realism-bench-'));
    const config = { ...resolveStackConfig({ profile: flag(args, '--profile') ?? 'fast', 'state-dir': stateDir }, {}), ports: (await freeStackPorts())[0]!, install: false };
    try {
      let pending = '';
      const progress = lineProgress((text) => {
        pending += text;
        for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
          log(pending.slice(0, end).trim());
          pending = pending.slice(end + 1);
        }
      });
      await up(config, { progress });
      const readyAt = Date.now();
      // A few live scrapes and rule evaluations (the recorded series) on top of the backfilled history.
      await new Promise((resolve) => setTimeout(resolve, 4 * Math.max(config.profile.scrapeIntervalSeconds, config.profile.evaluationIntervalSeconds) * 1000));
      return await judge(loopbackUrl(config.ports.prometheus), readyAt, true);
    } finally {
      await down(config).catch(() => {});
      rmSync(stateDir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
