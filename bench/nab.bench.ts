/**
 * `npm run bench -- nab [--nab-dir DIR] [--synthetic-seeds N] [--synthetic-prefix P]`: the ensemble
 * on the Numenta Anomaly Benchmark, scored exactly the NAB way (nab/scoring.ts): each file streamed
 * through a fresh ensemble (no look-ahead, no per-file tuning), one corpus-wide threshold, the
 * standard profile, normalised so the null detector scores 0 and the perfect detector 100.
 *
 * Because a corpus-wide threshold chosen on the files it scores flatters a detector (more so on the
 * 7 local files), it also reports honest numbers (nab/evaluation.ts):
 * - leave-one-file-out on the NAB files (threshold chosen on the others);
 * - the score at the fixed medium alert level (score 0.5, what `prometheus-mcp detect` flags);
 * - the seeded synthetic corpus of the NAB categories we do not have (nab/synthetic-corpus.ts),
 *   per category, seeds `${prefix}1..${prefix}N` (default s1..s10; h1..h10 were kept for a final
 *   check only, see README);
 * - leave-one-category-out over the NAB files and the synthetic categories together.
 * Also measures detector throughput.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag, type Benchmark, type Measurement } from './harness.js';
import { Ensemble } from '../lib/prometheus/anomaly/ensemble.js';
import { loadNabCorpus, type NabDataFile } from './nab/corpus.js';
import { leaveOneGroupOut, leaveOneOut, scoreAt, scoreByGroup, type ScoredFile } from './nab/evaluation.js';
import { profiles, scoreCorpus, windowIndices, type CorpusResult } from './nab/scoring.js';
import { syntheticNabCorpus } from './nab/synthetic-corpus.js';
import { MEDIUM_ALERT_SURPRISE, scoreOf } from '../lib/prometheus/anomaly/sensitivity.js';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PUBLISHED_HTM = 70;
const THROUGHPUT_TARGET = 20_000;
const DEFAULT_SYNTHETIC_SEEDS = 10;

type Categorised = NabDataFile & { category: string };

const nab: Benchmark = {
  name: 'nab',
  description: 'anomaly ensemble on the Numenta Anomaly Benchmark (standard profile, normalised score)',
  async run({ args, log }) {
    const dir = resolve(flag(args, '--nab-dir') ?? resolve(repoRoot, '../shared/data/nab'));
    const seeds = Number(flag(args, '--synthetic-seeds') ?? DEFAULT_SYNTHETIC_SEEDS);
    const prefix = flag(args, '--synthetic-prefix') ?? 's';
    if (!(Number.isInteger(seeds) && seeds >= 0)) throw new Error(`--synthetic-seeds must be a whole number (got ${seeds})`);
    const corpus = await loadNabCorpus(dir);
    if (corpus.missing.length) log(`${corpus.missing.length} labelled files not in ${dir} (scoring the ${corpus.files.length} present)`);
    if (!corpus.files.length) throw new Error(`no NAB data files found under ${dir}`);

    let points = 0;
    let elapsedMs = 0;
    const score = <F extends NabDataFile>(file: F): ScoredFile<F> => {
      const started = performance.now();
      const ensemble = new Ensemble();
      const scores = file.values.map((value, i) => ensemble.observe({ t: file.timestamps[i]! / 1000, v: value }).score);
      elapsedMs += performance.now() - started;
      points += scores.length;
      return { file, scores };
    };
    const real = corpus.files.map((file) => score<Categorised>({ ...file, category: file.name.split('/')[0]! }));

    const standard = scoreCorpus(real, profiles.standard);
    const lowFp = scoreCorpus(real, profiles.reward_low_FP_rate);
    const lowFn = scoreCorpus(real, profiles.reward_low_FN_rate);
    logFiles(standard, real, log);
    log(
      `standard profile: raw ${standard.rawScore.toFixed(3)} (null ${standard.nullScore}, perfect ${standard.perfectScore}), ` +
        `threshold ${standard.threshold.toFixed(4)}, normalised ${standard.normalizedScore.toFixed(2)}`,
    );
    const loo = leaveOneOut(real);
    log(`leave-one-file-out: ${loo.files.map((f) => `${shortName(f.name)} ${f.score.toFixed(2)} @${f.threshold.toFixed(3)}`).join(', ')}; normalised ${loo.normalizedScore.toFixed(2)}`);
    const alertScore = scoreOf(MEDIUM_ALERT_SURPRISE);
    const fixed = scoreAt(real, alertScore);
    log(`at the fixed medium alert level (score >= ${alertScore}): normalised ${fixed.normalizedScore.toFixed(2)}`);

    const measurements: Measurement[] = [
      {
        name: 'NAB score, standard profile (normalised)',
        value: standard.normalizedScore,
        unit: 'score',
        target: `> ${PUBLISHED_HTM} (Numenta HTM published)`,
        pass: standard.normalizedScore > PUBLISHED_HTM,
        details: {
          dir,
          files: standard.files,
          threshold: standard.threshold,
          rawScore: standard.rawScore,
          nullScore: standard.nullScore,
          perfectScore: standard.perfectScore,
          missingFiles: corpus.missing.length,
        },
      },
      { name: 'NAB corpus threshold (anomaly_score)', value: standard.threshold, unit: 'score' },
      { name: 'NAB score, reward_low_FP_rate (normalised)', value: lowFp.normalizedScore, unit: 'score', details: { threshold: lowFp.threshold } },
      { name: 'NAB score, reward_low_FN_rate (normalised)', value: lowFn.normalizedScore, unit: 'score', details: { threshold: lowFn.threshold } },
      { name: 'NAB leave-one-file-out (normalised)', value: loo.normalizedScore, unit: 'score', details: { files: loo.files } },
      { name: 'NAB at the medium alert level 0.5 (normalised)', value: fixed.normalizedScore, unit: 'score' },
    ];

    if (seeds > 0) {
      const synthetic = Array.from({ length: seeds }, (_, i) => syntheticNabCorpus(`${prefix}${i + 1}`)).flat().map((file) => score<Categorised>(file));
      const byCategory = scoreByGroup(synthetic, (f) => f.category);
      const fixedSynthetic = scoreAt(synthetic, alertScore);
      log(
        `synthetic (${synthetic.length} files, seeds ${prefix}1..${prefix}${seeds}): normalised ${byCategory.corpus.normalizedScore.toFixed(2)} at threshold ` +
          `${byCategory.corpus.threshold.toFixed(4)}; ${byCategory.groups.map(groupText).join(', ')}`,
      );
      const pooled = [...real, ...synthetic];
      const all = scoreByGroup(pooled, (f) => f.category);
      const loco = leaveOneGroupOut(pooled, (f) => f.category);
      log(`NAB + synthetic, one threshold (${all.corpus.threshold.toFixed(4)}): normalised ${all.corpus.normalizedScore.toFixed(2)}; ${all.groups.map(groupText).join(', ')}`);
      log(`leave-one-category-out: normalised ${loco.normalizedScore.toFixed(2)}; ${loco.groups.map(groupText).join(', ')}`);
      measurements.push(
        { name: 'synthetic NAB categories (normalised)', value: byCategory.corpus.normalizedScore, unit: 'score', details: { seeds, prefix, threshold: byCategory.corpus.threshold, categories: byCategory.groups } },
        { name: 'synthetic at the medium alert level 0.5 (normalised)', value: fixedSynthetic.normalizedScore, unit: 'score' },
        { name: 'NAB + synthetic, one threshold (normalised)', value: all.corpus.normalizedScore, unit: 'score', details: { threshold: all.corpus.threshold, categories: all.groups } },
        { name: 'leave-one-category-out (normalised)', value: loco.normalizedScore, unit: 'score', details: { categories: loco.groups } },
      );
    }

    const pointsPerSecond = points / (elapsedMs / 1000);
    measurements.push({
      name: 'anomaly detector throughput',
      value: pointsPerSecond,
      unit: 'points/s',
      target: `> ${THROUGHPUT_TARGET.toLocaleString('en-US')} points/s`,
      pass: pointsPerSecond > THROUGHPUT_TARGET,
      details: { points, elapsedMs: Math.round(elapsedMs) },
    });
    return measurements;
  },
};

function shortName(name: string): string {
  return name.replace(/^.*\//, '').replace(/\.csv$/, '');
}

function groupText(g: { group: string; normalizedScore: number; rawScore: number }): string {
  return `${g.group} ${Number.isNaN(g.normalizedScore) ? `raw ${g.rawScore.toFixed(2)}` : g.normalizedScore.toFixed(1)}`;
}

/** Per-file raw score, and where in each window the first detection fell ("--" = missed). */
function logFiles(result: CorpusResult, scored: readonly ScoredFile<NabDataFile>[], log: (m: string) => void): void {
  for (const f of result.files) {
    const { file, scores } = scored.find((s) => s.file.name === f.name)!;
    const firsts = windowIndices(file).map((w) => {
      for (let i = w.start; i <= w.end; i++) if (scores[i]! >= result.threshold) return ((i - w.start) / (w.end - w.start + 1)).toFixed(2);
      return '--';
    });
    log(`${f.name.padEnd(56)} raw ${f.score.toFixed(3).padStart(7)}  fp ${String(f.fp).padStart(3)}  first detection in windows: ${firsts.join(' ')}`);
  }
}

export default nab;
