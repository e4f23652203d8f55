import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../../../core/random.js';
import { anomaliesOf } from './anomalies.js';
import { Ensemble, scoreSeries, type EnsembleOptions } from './ensemble.js';
import { alertSurprise } from './sensitivity.js';
import { daily, leak, levelShift, spike, steady } from '../../../test/support/anomaly/synthetic.js';
import type { Sample, Sensitivity } from './types.js';

const MiB = 2 ** 20;

function anomalies(samples: Sample[], options: EnsembleOptions = {}) {
  const ensemble = new Ensemble(options);
  const scored = samples.map((s) => ensemble.observe(s));
  return { scored, anomalies: anomaliesOf(scored, ensemble.alertLevel) };
}

/** A series with every kind of trouble: spike, level shift, gap, jittered timestamps. */
function eventful(): Sample[] {
  const random = new Random(9);
  let ms = Date.UTC(2026, 10, 25);
  return Array.from({ length: 700 }, (_, i) => {
    ms += i === 450 ? 3 * 3_600_000 : 60_000 + random.int(-5_000, 5_000);
    const value = 50 + random.normal(0, 1) + (i === 300 ? 15 : 0) + (i >= 500 ? 6 : 0);
    return { t: ms / 1000, v: value };
  });
}

test('no look-ahead: scores of the first k samples do not change when more samples follow', () => {
  const samples = eventful();
  const full = scoreSeries(samples);
  for (const k of [1, 120, 301, 451, 520]) {
    const prefix = scoreSeries(samples.slice(0, k));
    assert.equal(prefix, full.slice(0, k), `prefix of ${k}`);
  }
});

test('irregular timestamps, gaps, missing and backward samples give finite scores', () => {
  const samples = eventful();
  samples[200] = { t: samples[200]!.t, v: NaN };
  samples[210] = { t: samples[209]!.t - 30, v: 50 }; // out of order
  const scored = scoreSeries(samples);
  assert.ok(scored.every((s) => Number.isFinite(s.score) && s.score >= 0 && s.score < 1));
  assert.is(scored[200]!.score, 0);
  assert.is(scored[200]!.isAnomaly, false);
});

test('steady noise raises (almost) nothing', () => {
  const { anomalies: found } = anomalies(steady({ length: 1500 }).samples);
  assert.ok(found.length <= 1, `${found.length} anomalies in noise`);
  assert.is(anomalies(steady({ length: 1500 }).samples, { sensitivity: 'low' }).anomalies.length, 0);
});

test('a spike is raised on the sample itself, once', () => {
  const { scored, anomalies: found } = anomalies(spike({ length: 600, at: 400, height: 12 }).samples);
  assert.is(scored[400]!.isAnomaly, true);
  assert.ok(scored[400]!.score > 0.8);
  const atSpike = found.filter((a) => a.start <= scored[400]!.t && a.end >= scored[400]!.t);
  assert.is(atSpike.length, 1);
  assert.is(atSpike[0]!.severity, 'critical');
});

test('a sustained level shift is raised within a few samples, and once', () => {
  const series = levelShift({ length: 700, at: 400, shift: 5 });
  const { scored, anomalies: found } = anomalies(series.samples);
  const first = scored.findIndex((s, i) => i >= 400 && s.isAnomaly);
  assert.ok(first >= 400 && first <= 406, `first raised at ${first}`);
  assert.is(scored.filter((s, i) => i >= 400 && s.isAnomaly).length, 1);
  assert.ok(found.some((a) => ['level-shift', 'outlier', 'out-of-range'].includes(a.kind)));
});

test('a memory leak with a limit ends critical with the time left', () => {
  const series = leak({ length: 340, at: 240, perStep: MiB, level: 150 * MiB, noise: 0.3 * MiB, stepMs: 15_000 });
  const { anomalies: found } = anomalies(series.samples, { context: { metric: 'container_memory_working_set_bytes', limit: 256 * MiB } });
  const growthFound = found.filter((a) => a.kind === 'growth');
  assert.ok(growthFound.length >= 1);
  const last = growthFound[growthFound.length - 1]!;
  assert.is(last.severity, 'critical');
  assert.match(last.explanation, /Working set grew [34](\.\d+)? MiB\/min for \d+ min; reaches the 256 MiB limit in ~\d+ min/);
  assert.ok(found[0]!.start >= series.samples[240]!.t, 'nothing before the leak');
});

test('a flattened day of a daily cycle is a seasonal deviation; ordinary days are not', () => {
  const DAY = 288;
  const series = daily({ length: 11 * DAY, stepMs: 300_000, level: 1000, amplitude: 400, noise: 20, at: 10 * DAY + 100, duration: 60, factor: 0.4 });
  const { scored } = anomalies(series.samples);
  const inside = scored.slice(series.anomalyAt, series.anomalyAt + 60).filter((s) => s.isAnomaly);
  assert.ok(inside.length >= 1);
  assert.is(inside[0]!.finding?.kind, 'seasonal-deviation');
  const lastOrdinaryDays = scored.slice(7 * DAY, 10 * DAY).filter((s) => s.isAnomaly);
  assert.ok(lastOrdinaryDays.length <= 1, `${lastOrdinaryDays.length} anomalies on ordinary days`);
});

test('higher sensitivity never raises fewer anomalies; a threshold overrides it', () => {
  const samples = eventful();
  const count = (options: EnsembleOptions) => scoreSeries(samples, options).filter((s) => s.isAnomaly).length;
  const low = count({ sensitivity: 'low' });
  const medium = count({ sensitivity: 'medium' });
  const high = count({ sensitivity: 'high' });
  assert.ok(low <= medium && medium <= high, `${low} ${medium} ${high}`);
  assert.ok(low >= 1);
  const scored = scoreSeries(samples, { threshold: 0.7 });
  assert.ok(scored.filter((s) => s.isAnomaly).every((s) => s.score >= 0.7));
  assert.throws(() => new Ensemble({ threshold: 1.5 }), /between 0 and 1/);
  assert.throws(() => new Ensemble({ sensitivity: 'paranoid' as Sensitivity }), /low, medium, high/);
});

test('repeats of a raised anomaly are damped below the alert level and marked', () => {
  const samples = levelShift({ length: 600, at: 400, shift: 8 }).samples;
  const ensemble = new Ensemble();
  const scored = samples.map((s) => ensemble.observe(s));
  const repeats = scored.filter((s) => s.repeat);
  assert.ok(repeats.length > 0);
  assert.ok(repeats.every((s) => !s.isAnomaly && s.score < 0.5 && s.finding));
  assert.ok(alertSurprise(0.5) === ensemble.alertLevel);
});

test.run();
