/**
 * `npm run bench -- nab [--nab-dir DIR]`: the ensemble on the Numenta Anomaly Benchmark, scored
 * exactly the NAB way (nab/scoring.ts): each file streamed through a fresh ensemble (no look-ahead,
 * no per-file tuning), one corpus-wide threshold, the standard profile, normalised so the null
 * detector scores 0 and the perfect detector 100. Also measures detector throughput.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag, type Benchmark, type Measurement } from '../../bench/harness.js';
import { Ensemble } from './ensemble.js';
import { loadNabCorpus } from './nab/corpus.js';
import { profiles, scoreCorpus, windowIndices, type CorpusResult } from './nab/scoring.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PUBLISHED_HTM = 70;
const THROUGHPUT_TARGET = 20_000;

const nab: Benchmark = {
  name: 'nab',
  description: 'anomaly ensemble on the Numenta Anomaly Benchmark (standard profile, normalised score)',
  async run({ args, log }) {
    const dir = resolve(flag(args, '--nab-dir') ?? resolve(repoRoot, '../shared/data/nab'));
    const corpus = await loadNabCorpus(dir);
    if (corpus.missing.length) log(`${corpus.missing.length} labelled files not in ${dir} (scoring the ${corpus.files.length} present)`);
    if (!corpus.files.length) throw new Error(`no NAB data files found under ${dir}`);

    let points = 0;
    let elapsedMs = 0;
    const scored = corpus.files.map((file) => {
      const started = performance.now();
      const ensemble = new Ensemble();
      const scores = file.values.map((value, i) => ensemble.observe({ t: file.timestamps[i]!, value }).score);
      elapsedMs += performance.now() - started;
      points += scores.length;
      return { file, scores };
    });

    const standard = scoreCorpus(scored, profiles.standard);
    const lowFp = scoreCorpus(scored, profiles.reward_low_FP_rate);
    const lowFn = scoreCorpus(scored, profiles.reward_low_FN_rate);
    logFiles(standard, scored, log);
    log(
      `standard profile: raw ${standard.rawScore.toFixed(3)} (null ${standard.nullScore}, perfect ${standard.perfectScore}), ` +
        `threshold ${standard.threshold.toFixed(4)}, normalised ${standard.normalizedScore.toFixed(2)}`,
    );

    const pointsPerSecond = points / (elapsedMs / 1000);
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
      {
        name: 'anomaly detector throughput',
        value: pointsPerSecond,
        unit: 'points/s',
        target: `> ${THROUGHPUT_TARGET.toLocaleString('en-US')} points/s`,
        pass: pointsPerSecond > THROUGHPUT_TARGET,
        details: { points, elapsedMs: Math.round(elapsedMs) },
      },
    ];
    return measurements;
  },
};

/** Per-file raw score, and where in each window the first detection fell ("--" = missed). */
function logFiles(result: CorpusResult, scored: { file: { name: string; timestamps: readonly number[]; windows: readonly (readonly [number, number])[] }; scores: number[] }[], log: (m: string) => void): void {
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
