/**
 * Fits the confidence calibration (confidence.ts) on the replay suite and writes calibration.json.
 * Every case is replayed with every subset of its evidence sources removed (metrics, Kubernetes state,
 * events, logs, traces: 32 variants), because an investigation in production often misses some; the
 * candidates' scores of each variant are kept, and the temperature T and null score s0 are chosen by
 * maximum likelihood of the right answer: the expected cause when its evidence survived, "none of
 * these" (unknown) when it did not or when nothing was wrong. The reliability table then compares the
 * stated confidence with how often the conclusion was right.
 *
 *   npx tsx test/support/agent/calibrate.ts [--write] [--fit-source-misleads]
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Random } from '../../../core/random.js';
import type { Alert, Finding } from '../../../core/types.js';
import { investigateCase, loadCases, type ReplayCase } from './cases.js';
import { ABLATIONS, type Ablation } from './recorded-evidence.js';
import { alertFindings } from '../../../agent/analysis/alert-findings.js';
import { confirmingSources, defaultCalibration, rank, type Calibration, type CalibrationBin } from '../../../agent/analysis/confidence.js';
import { scoreCandidates, type Candidate } from '../../../agent/analysis/hypotheses.js';
import { targetKey } from '../../../agent/analysis/targets.js';
import { topologyOf } from '../../../agent/analysis/topology.js';

export interface Example {
  case: string;
  without: Ablation[];
  /** Share of findings dropped at random (0: the replay as recorded). */
  dropout: number;
  candidates: Pick<Candidate, 'kind' | 'target' | 'score' | 'supporting'>[];
  /** Index of the right candidate, or -1 when the right answer is "unknown". */
  answer: number;
  /** Evidence sources the replay could not reach. */
  gaps: number;
}

export function subsets<T>(items: readonly T[]): T[][] {
  return Array.from({ length: 2 ** items.length }, (_, mask) => items.filter((_, i) => mask & (1 << i)));
}

/** One replay of a case with some sources removed: the facts it gathered. */
export interface Variant {
  case: ReplayCase;
  without: Ablation[];
  alerts: readonly Alert[];
  facts: Finding[];
  gaps: number;
}

export async function variantsOf(cases: ReplayCase[], ablations: readonly Ablation[][] = subsets(ABLATIONS)): Promise<Variant[]> {
  const out: Variant[] = [];
  for (const c of cases) {
    for (const without of ablations) {
      const { context } = await investigateCase(c, { without });
      out.push({ case: c, without: [...without], alerts: context.alerts, facts: context.incident.findings.filter((f) => f.source !== 'alert'), gaps: new Set(context.incident.gaps.map((g) => g.source)).size });
    }
  }
  return out;
}

function exampleOf(v: Variant, facts: Finding[], dropout: number, other?: ReplayCase): Example {
  const alerts = other ? other.alerts : v.alerts;
  const all = [...facts, ...alertFindings(alerts)];
  const candidates = scoreCandidates(all, alerts, topologyOf(all)).map((x) => ({ kind: x.kind, target: x.target, score: x.score, supporting: x.supporting }));
  // The expected cause is the right answer when some source beyond the alert confirms it; with only
  // the alert's word left (its evidence removed, or another case's alert over these facts), the right
  // answer is "unknown": an alert is a claim, not evidence (docs/confidence.md).
  const expected = other ? other.expected : v.case.expected;
  const found = expected.kind === 'unknown' ? -1 : candidates.findIndex((x) => x.kind === expected.kind && targetKey(x.target) === targetKey(expected.target));
  const answer = found >= 0 && confirmingSources(candidates[found]!).length > 0 ? found : -1;
  return { case: other ? `${v.case.name}+alert-of-${other.name}` : v.case.name, without: v.without, dropout, candidates, answer, gaps: v.gaps };
}

/**
 * Examples for calibration: each variant as recorded, plus `draws` copies with a share of its findings
 * dropped at random (a query that timed out, fewer log lines, a trace not sampled). Whole-source
 * ablations alone leave the suite almost separable, which would let the fit claim any sharpness;
 * partial evidence is where confidence has to mean something.
 */
export function examplesOf(variants: Variant[], options: { draws?: number; rates?: number[]; seed?: number; crossAlerts?: number } = {}): Example[] {
  const random = new Random(options.seed ?? 7);
  const out: Example[] = [];
  const cases = [...new Map(variants.map((v) => [v.case.name, v.case])).values()];
  for (const v of variants) {
    out.push(exampleOf(v, v.facts, 0));
    // The same facts under the alert of an unrelated incident: an unrelated problem must not be its
    // cause. Only resource and node alerts: a latency alert may really be explained by any callee.
    const unrelated = cases.filter((c) => c.expected.target.name !== v.case.expected.target.name && c.expected.kind !== 'unknown' && !c.tags.includes('downstream'));
    for (let i = 0; i < (options.crossAlerts ?? 1) && unrelated.length; i++) out.push(exampleOf(v, v.facts, 0, unrelated[random.int(0, unrelated.length - 1)]));
    for (const rate of options.rates ?? [0.3, 0.6]) {
      for (let i = 0; i < (options.draws ?? 6); i++) out.push(exampleOf(v, v.facts.filter(() => random.next() >= rate), rate));
    }
  }
  return out;
}

type Params = Pick<Calibration, 'temperature' | 'nullScore' | 'sourceMisleads' | 'gapWeight'>;

/** Log-likelihood of the right answers under the stated (capped) confidences. */
function logLikelihood(examples: Example[], params: Params): number {
  let ll = 0;
  for (const e of examples) {
    const { ranked, none } = rank(e.candidates as Candidate[], params, e.gaps);
    const p = e.answer === -1 ? none : (ranked.find((r) => r.candidate === (e.candidates[e.answer] as Candidate))?.confidence ?? 0);
    ll += Math.log(Math.max(1e-9, p));
  }
  return ll;
}

/**
 * Maximum likelihood over a grid, by coordinate descent (T 0.5..6, s0 -2..12). The source ceiling e is
 * a prior, not fitted unless asked: the simulation's sources never mislead, so the suite would drive
 * it to zero and teach the agent that one source is proof (docs/confidence.md).
 */
export function fit(examples: Example[], options: { fitSourceMisleads?: boolean; sourceMisleads?: number } = {}): Params {
  const params: Params = { temperature: defaultCalibration.temperature, nullScore: defaultCalibration.nullScore, sourceMisleads: options.sourceMisleads ?? defaultCalibration.sourceMisleads, gapWeight: 0 };
  const grid = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 1000) / 1000);
  const best = <K extends keyof Params>(key: K, values: number[]) => {
    let top = { value: params[key], ll: logLikelihood(examples, params) };
    for (const value of values) {
      const ll = logLikelihood(examples, { ...params, [key]: value });
      if (ll > top.ll) top = { value, ll };
    }
    params[key] = top.value;
  };
  for (let round = 0; round < 3; round++) {
    best('temperature', grid(0.5, 6, 0.1));
    best('nullScore', grid(-2, 12, 0.2));
    best('gapWeight', grid(0, 4, 0.1));
    if (options.fitSourceMisleads) best('sourceMisleads', grid(0.01, 0.4, 0.01));
  }
  return params;
}

export interface Evaluation {
  examples: number;
  accuracy: number;
  brier: number;
  logLoss: number;
  ece: number;
  table: CalibrationBin[];
}

/** The conclusion each example would state (top candidate, or unknown below minConfidence) and whether it is right. */
export function evaluate(examples: Example[], calibration: Calibration, edges = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 1.0001]): Evaluation {
  const rows = examples.map((e) => {
    const { ranked, none } = rank(e.candidates as Candidate[], calibration, e.gaps);
    const top = ranked[0];
    const saysUnknown = !top || top.confidence < calibration.minConfidence;
    const confidence = saysUnknown ? none : top.confidence;
    const correct = saysUnknown ? e.answer === -1 : e.answer >= 0 && top.candidate === (e.candidates[e.answer] as Candidate);
    const pRight = e.answer === -1 ? none : (ranked.find((r) => r.candidate === (e.candidates[e.answer] as Candidate))?.confidence ?? 0);
    return { confidence, correct, pRight };
  });
  const table: CalibrationBin[] = [];
  for (let i = 0; i < edges.length - 1; i++) {
    const inBin = rows.filter((r) => r.confidence >= edges[i]! && r.confidence < edges[i + 1]!);
    if (!inBin.length) continue;
    table.push({ from: edges[i]!, to: Math.min(1, edges[i + 1]!), count: inBin.length, meanConfidence: round(inBin.reduce((s, r) => s + r.confidence, 0) / inBin.length), accuracy: round(inBin.filter((r) => r.correct).length / inBin.length) });
  }
  const n = rows.length;
  return {
    examples: n,
    accuracy: round(rows.filter((r) => r.correct).length / n),
    brier: round(rows.reduce((s, r) => s + (r.confidence - (r.correct ? 1 : 0)) ** 2, 0) / n),
    logLoss: round(-rows.reduce((s, r) => s + Math.log(Math.max(1e-9, r.pRight)), 0) / n),
    ece: round(table.reduce((s, b) => s + (b.count / n) * Math.abs(b.meanConfidence - b.accuracy), 0)),
    table,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export function markdownTable(e: Evaluation): string {
  const lines = ['| stated confidence | examples | mean stated | observed accuracy |', '| --- | ---: | ---: | ---: |'];
  for (const b of e.table) lines.push(`| ${b.from.toFixed(2)}–${b.to.toFixed(2)} | ${b.count} | ${b.meanConfidence.toFixed(3)} | ${b.accuracy.toFixed(3)} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const cases = loadCases();
  const started = Date.now();
  const variants = await variantsOf(cases);
  const examples = examplesOf(variants);
  const params = fit(examples, { fitSourceMisleads: process.argv.includes('--fit-source-misleads') });
  const calibration: Calibration = { ...defaultCalibration, ...params };
  const result = evaluate(examples, calibration);
  const before = evaluate(examples, defaultCalibration);
  const out: Calibration = { ...calibration, fittedAt: new Date().toISOString(), cases: cases.length, examples: result.examples, accuracy: result.accuracy, brier: result.brier, logLoss: result.logLoss, ece: result.ece, table: result.table };
  process.stdout.write(`${cases.length} cases, ${variants.length} replays, ${examples.length} examples in ${Date.now() - started} ms\n`);
  process.stdout.write(`fitted: T=${params.temperature} s0=${params.nullScore} gap=${params.gapWeight} e=${params.sourceMisleads}; accuracy ${result.accuracy}, Brier ${result.brier}, log loss ${result.logLoss}, ECE ${result.ece} (defaults: Brier ${before.brier}, ECE ${before.ece})\n\n${markdownTable(result)}\n`);
  const free = fit(examples, { fitSourceMisleads: true });
  const freeResult = evaluate(examples, { ...defaultCalibration, ...free });
  process.stdout.write(`\nfor comparison, with e fitted too: T=${free.temperature} s0=${free.nullScore} gap=${free.gapWeight} e=${free.sourceMisleads}; Brier ${freeResult.brier}, ECE ${freeResult.ece}\n\n${markdownTable(freeResult)}\n`);
  const full = evaluate(examples.filter((e) => e.without.length === 0 && e.dropout === 0), calibration);
  const asRecorded = evaluate(examples.filter((e) => e.dropout === 0), calibration);
  process.stdout.write(`\nwith every source: ${full.examples} cases, accuracy ${full.accuracy}; source ablations only: ${asRecorded.examples} replays, accuracy ${asRecorded.accuracy}, ECE ${asRecorded.ece}\n`);
  if (process.argv.includes('--write')) {
    writeFileSync(fileURLToPath(new URL('../../../agent/analysis/calibration.json', import.meta.url)), JSON.stringify(out, null, 2) + '\n');
    process.stdout.write('wrote agent/analysis/calibration.json\n');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(`calibrate: ${(error as Error).stack}\n`);
    process.exit(1);
  });
}
