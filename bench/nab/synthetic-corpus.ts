/**
 * A seeded, NAB-shaped synthetic corpus for the NAB categories we do not have locally
 * (artificialNoAnomaly, artificialWithAnomaly, realAWSCloudwatch, realAdExchange, realTraffic,
 * realTweets). The local corpus (realKnownCause, 7 files) is too small to choose anything on without
 * overfitting, and the benchmark is also scored on those other categories, so every change to the
 * detectors is judged here as well.
 *
 * How the files are made (all from one `Random` seed, so a seed is a corpus):
 * - Shapes follow the NAB categories' descriptions and typical files: row counts (4,032 rows at
 *   5 min for the artificial and CloudWatch files, ~1,600 hourly rows for the ad exchange,
 *   ~2,400 irregular rows for traffic, ~15,800 rows at 5 min for tweets), daily/weekly cycles,
 *   AR(1) noise, quantised values (CloudWatch percentages, integer speeds, tweet counts), heavy
 *   tails, and irregular timestamps with gaps (traffic).
 * - Each file has *unlabelled* nuisance events that an operator would not call anomalies (small
 *   spikes, scheduled batch jobs and backups, small tweet bursts), and *labelled* anomalies of the
 *   kinds NAB's labellers marked: jumps up/down, a flat day, a missing daily peak, spike-density
 *   increase, sustained spikes, level shifts, ramps, outages, stuck sensors, big bursts. Magnitudes
 *   are drawn from wide ranges (some anomalies are easy, some subtle). These ranges were fixed
 *   before any detector change was measured on them and are not tuned to the detectors.
 * - Labels mark the first anomalous row; windows are made the NAB way (labeler.py): width =
 *   10% of the file's rows / number of labels, centred on the label, overlapping windows merged.
 *   Labels are placed after the probationary period so every window is scored.
 *
 * Use one seed to develop on and a different one to confirm (the bench reports both).
 */
import { Random } from '../../core/random.js';
import type { NabDataFile } from './corpus.js';

export const SYNTHETIC_CATEGORIES = [
  'artificialNoAnomaly',
  'artificialWithAnomaly',
  'realAWSCloudwatch',
  'realAdExchange',
  'realTraffic',
  'realTweets',
] as const;
export type SyntheticCategory = (typeof SYNTHETIC_CATEGORIES)[number];

export interface SyntheticNabFile extends NabDataFile {
  category: SyntheticCategory;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

/** What a template produces: rows and the indices of the first row of each labelled anomaly. */
interface Generated {
  timestamps: number[];
  values: number[];
  labels: number[];
}

type Template = (rng: Random) => Generated;

// ---------------------------------------------------------------------------------------------
// Building blocks

function regularTimes(rng: Random, n: number, stepMs: number): number[] {
  const start = Date.UTC(2014, rng.int(0, 11), rng.int(1, 28));
  return Array.from({ length: n }, (_, i) => start + i * stepMs);
}

/** Roughly 5-minute steps with missed readings and occasional outages of the feed (traffic sensors). */
function irregularTimes(rng: Random, n: number): number[] {
  let t = Date.UTC(2015, rng.int(0, 11), rng.int(1, 28));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(t);
    let step = 5 * MIN;
    const u = rng.next();
    if (u < 0.08) step += 5 * MIN * rng.int(1, 3);
    else if (u < 0.09) step += rng.int(1, 12) * 30 * MIN;
    t += step;
  }
  return out;
}

function hourOf(t: number, offsetHours: number): number {
  return ((((t / HOUR + offsetHours) % 24) + 24) % 24);
}

function dayOfWeek(t: number, offsetHours: number): number {
  // 1970-01-01 was a Thursday; 0 = Monday.
  return (Math.floor((t / HOUR + offsetHours) / 24) + 3) % 7;
}

function smoothstep(x: number): number {
  const c = Math.min(1, Math.max(0, x));
  return c * c * (3 - 2 * c);
}

/** 0 at night, 1 in working hours, smooth ramps (the NAB art_daily shape). */
function office(hour: number, open: number, close: number): number {
  return smoothstep((hour - open) / 2) * (1 - smoothstep((hour - close) / 2));
}

/** Smooth daily wave in [-1, 1], peak at `peakHour`. */
function wave(hour: number, peakHour: number): number {
  return Math.cos(((hour - peakHour) / 24) * 2 * Math.PI);
}

function ar1(rng: Random, n: number, phi: number, sd: number): number[] {
  const out = new Array<number>(n);
  let x = 0;
  const innovation = sd * Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    x = phi * x + rng.normal(0, innovation);
    out[i] = x;
  }
  return out;
}

function quantise(v: number, q: number): number {
  return q > 0 ? Math.round(v / q) * q : v;
}

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

/** `count` anomaly onsets spread over the scored part of the file, at least `gap` rows apart. */
function onsets(rng: Random, n: number, count: number, minStart = 0.2, tail = 0.05): number[] {
  for (let attempt = 0; attempt < 200; attempt++) {
    const from = Math.floor(n * minStart);
    const to = Math.floor(n * (1 - tail));
    const picks = Array.from({ length: count }, () => rng.int(from, to)).sort((a, b) => a - b);
    const gap = Math.floor((0.1 * n) / count);
    if (picks.every((p, i) => i === 0 || p - picks[i - 1]! >= gap)) return picks;
  }
  const step = Math.floor((n * (1 - minStart - tail)) / count);
  return Array.from({ length: count }, (_, i) => Math.floor(n * minStart) + i * step);
}

/** First row at or after `from` whose local hour is `hour` (within one step). */
function rowAtHour(timestamps: number[], from: number, hour: number, offsetHours: number): number {
  for (let i = Math.max(1, from); i < timestamps.length; i++) {
    const h = hourOf(timestamps[i]!, offsetHours);
    const prev = hourOf(timestamps[i - 1]!, offsetHours);
    if ((prev < hour && h >= hour) || (prev > h && h >= hour)) return i;
  }
  return from;
}

function lognormal(rng: Random, sigma: number): number {
  return Math.exp(rng.normal(0, sigma) - (sigma * sigma) / 2);
}

// ---------------------------------------------------------------------------------------------
// artificialNoAnomaly / artificialWithAnomaly: 4,032 rows at 5 min, NAB's art_daily shapes.

const ART_ROWS = 4032;

interface ArtDaily {
  timestamps: number[];
  lo: number;
  hi: number;
  noise: number;
  open: number;
  close: number;
}

function artDaily(rng: Random, noisy: boolean): ArtDaily {
  const lo = rng.between(10, 30);
  return {
    timestamps: regularTimes(rng, ART_ROWS, 5 * MIN),
    lo,
    hi: lo + rng.between(40, 70),
    noise: noisy ? rng.between(0.02, 0.06) : 0,
    open: rng.between(6, 10),
    close: rng.between(16, 20),
  };
}

function artValue(rng: Random, a: ArtDaily, t: number, scale = 1): number {
  const p = office(hourOf(t, 0), a.open, a.close);
  return a.lo + (a.hi - a.lo) * p * scale + (a.noise ? rng.normal(0, a.noise * (a.hi - a.lo)) : 0);
}

/** The day (row range) of a daily-pattern anomaly: a whole day, starting at the morning ramp. */
function anomalousDay(rng: Random, a: ArtDaily): { start: number; end: number } {
  const from = rng.int(Math.floor(ART_ROWS * 0.3), Math.floor(ART_ROWS * 0.85));
  const start = rowAtHour(a.timestamps, from, a.open - 0.5, 0);
  return { start, end: Math.min(ART_ROWS, start + 288) };
}

const artificialNoAnomaly: Record<string, Template> = {
  art_daily_no_noise: (rng) => {
    const a = artDaily(rng, false);
    return { timestamps: a.timestamps, values: a.timestamps.map((t) => round(artValue(rng, a, t), 6)), labels: [] };
  },
  art_daily_perfect_square_wave: (rng) => {
    const a = artDaily(rng, false);
    return { timestamps: a.timestamps, values: a.timestamps.map((t) => (hourOf(t, 0) < 12 ? a.lo : a.hi)), labels: [] };
  },
  art_daily_small_noise: (rng) => {
    const a = artDaily(rng, true);
    return { timestamps: a.timestamps, values: a.timestamps.map((t) => round(artValue(rng, a, t), 6)), labels: [] };
  },
  art_flatline: (rng) => {
    const timestamps = regularTimes(rng, ART_ROWS, 5 * MIN);
    const v = round(rng.between(10, 100), 3);
    return { timestamps, values: timestamps.map(() => v), labels: [] };
  },
  art_noisy: (rng) => {
    const timestamps = regularTimes(rng, ART_ROWS, 5 * MIN);
    const mean = rng.between(20, 80);
    const sd = rng.between(5, 20);
    return { timestamps, values: timestamps.map(() => round(rng.normal(mean, sd), 6)), labels: [] };
  },
};

const artificialWithAnomaly: Record<string, Template> = {
  art_daily_jumpsup: (rng) => {
    const a = artDaily(rng, true);
    const day = anomalousDay(rng, a);
    const lift = rng.between(0.3, 1.0);
    const values = a.timestamps.map((t, i) => artValue(rng, a, t, i >= day.start && i < day.end ? 1 + lift : 1));
    return { timestamps: a.timestamps, values, labels: [day.start] };
  },
  art_daily_jumpsdown: (rng) => {
    const a = artDaily(rng, true);
    const day = anomalousDay(rng, a);
    const scale = rng.between(0.3, 0.7);
    const values = a.timestamps.map((t, i) => artValue(rng, a, t, i >= day.start && i < day.end ? scale : 1));
    return { timestamps: a.timestamps, values, labels: [day.start] };
  },
  art_daily_nojump: (rng) => {
    const a = artDaily(rng, true);
    const day = anomalousDay(rng, a);
    const values = a.timestamps.map((t, i) => artValue(rng, a, t, i >= day.start && i < day.end ? 0 : 1));
    return { timestamps: a.timestamps, values, labels: [day.start] };
  },
  art_daily_flatmiddle: (rng) => {
    const a = artDaily(rng, true);
    const from = rng.int(Math.floor(ART_ROWS * 0.3), Math.floor(ART_ROWS * 0.85));
    const length = rng.int(150, 450);
    const level = rng.between(a.lo - 0.5 * (a.hi - a.lo), a.lo + 0.5 * (a.hi - a.lo));
    const values = a.timestamps.map((t, i) => (i >= from && i < from + length ? level : artValue(rng, a, t)));
    return { timestamps: a.timestamps, values, labels: [from] };
  },
  art_increase_spike_density: (rng) => {
    const timestamps = regularTimes(rng, ART_ROWS, 5 * MIN);
    const base = rng.between(0, 5);
    const height = rng.between(10, 30);
    const sparse = 1 / rng.between(100, 300);
    const dense = 1 / rng.between(4, 15);
    const from = rng.int(Math.floor(ART_ROWS * 0.4), Math.floor(ART_ROWS * 0.85));
    const length = rng.int(100, 400);
    const values = timestamps.map((_, i) => {
      const rate = i >= from && i < from + length ? dense : sparse;
      return round(base + rng.normal(0, 0.5) + (rng.next() < rate ? height * rng.between(0.7, 1.3) : 0), 4);
    });
    return { timestamps, values, labels: [from] };
  },
  art_load_balancer_spikes: (rng) => {
    const timestamps = regularTimes(rng, ART_ROWS, 5 * MIN);
    const base = rng.between(0.5, 3);
    const from = rng.int(Math.floor(ART_ROWS * 0.4), Math.floor(ART_ROWS * 0.85));
    const length = rng.int(10, 60);
    const values = timestamps.map((_, i) => {
      let v = base * lognormal(rng, 0.3);
      if (rng.next() < 0.01) v += base * rng.between(3, 8);
      if (i >= from && i < from + length) v += base * rng.between(5, 15);
      return round(v, 4);
    });
    return { timestamps, values, labels: [from] };
  },
};

// ---------------------------------------------------------------------------------------------
// realAWSCloudwatch: 4,032 rows at 5 min; CPU percentages, disk/network bytes, request counts.

const AWS_ROWS = 4032;

/** EC2-style CPU: AR(1) around a level, unlabelled short blips, coarse quantisation on some files. */
function cpuBase(rng: Random): { timestamps: number[]; values: number[]; level: number; sd: number; q: number } {
  const timestamps = regularTimes(rng, AWS_ROWS, 5 * MIN);
  const level = rng.between(1, 30);
  const sd = level * rng.between(0.03, 0.2);
  const noise = ar1(rng, AWS_ROWS, rng.between(0.3, 0.9), sd);
  const q = rng.next() < 0.5 ? rng.pick([0.002, 0.01, 0.1]) : sd * rng.between(0.5, 2);
  const values = noise.map((e) => level + e + (rng.next() < 1 / 400 ? level * rng.between(0.3, 1.2) : 0));
  return { timestamps, values, level, sd, q };
}

function finishCpu(values: number[], q: number): number[] {
  return values.map((v) => round(quantise(Math.min(100, Math.max(0, v)), q), 3));
}

const realAWSCloudwatch: Record<string, Template> = {
  ec2_cpu_utilization_spike: (rng) => {
    const c = cpuBase(rng);
    const labels = onsets(rng, AWS_ROWS, rng.int(1, 2));
    for (const at of labels) {
      const length = rng.int(3, 36);
      const height = c.level * rng.between(2, 6);
      for (let i = at; i < Math.min(AWS_ROWS, at + length); i++) c.values[i]! += height * rng.between(0.8, 1.1);
    }
    return { timestamps: c.timestamps, values: finishCpu(c.values, c.q), labels };
  },
  ec2_cpu_utilization_level_shift: (rng) => {
    const c = cpuBase(rng);
    const [at] = onsets(rng, AWS_ROWS, 1);
    const factor = rng.next() < 0.6 ? rng.between(1.5, 4) : rng.between(0.25, 0.6);
    for (let i = at!; i < AWS_ROWS; i++) c.values[i] = c.level * factor + (c.values[i]! - c.level) * Math.sqrt(factor);
    return { timestamps: c.timestamps, values: finishCpu(c.values, c.q), labels: [at!] };
  },
  ec2_cpu_utilization_ramp: (rng) => {
    const c = cpuBase(rng);
    const [at] = onsets(rng, AWS_ROWS, 1, 0.25, 0.15);
    const length = rng.int(50, 300);
    const top = c.level * rng.between(2, 5);
    for (let i = at!; i < AWS_ROWS; i++) c.values[i]! += (top - c.level) * Math.min(1, (i - at!) / length);
    return { timestamps: c.timestamps, values: finishCpu(c.values, c.q), labels: [at!] };
  },
  ec2_cpu_utilization_outage_and_spike: (rng) => {
    const c = cpuBase(rng);
    const labels = onsets(rng, AWS_ROWS, 2);
    const stall = rng.int(12, 100);
    const floor = rng.next() < 0.5 ? 0 : c.level * 0.1;
    for (let i = labels[0]!; i < Math.min(AWS_ROWS, labels[0]! + stall); i++) c.values[i] = floor + rng.normal(0, c.sd * 0.05);
    const burst = rng.int(3, 24);
    for (let i = labels[1]!; i < Math.min(AWS_ROWS, labels[1]! + burst); i++) c.values[i]! += c.level * rng.between(2, 5);
    return { timestamps: c.timestamps, values: finishCpu(c.values, c.q), labels };
  },
  ec2_cpu_utilization_no_anomaly: (rng) => {
    const c = cpuBase(rng);
    return { timestamps: c.timestamps, values: finishCpu(c.values, c.q), labels: [] };
  },
  ec2_disk_write_bytes: (rng) => {
    const timestamps = regularTimes(rng, AWS_ROWS, 5 * MIN);
    const base = 1e6 * rng.between(1, 50);
    const backupEvery = rng.pick([6, 12, 24]) * 12;
    const backupPhase = rng.int(0, backupEvery - 1);
    const backupLength = rng.int(1, 4);
    const backupSize = rng.between(4, 10);
    const [at] = onsets(rng, AWS_ROWS, 1);
    const length = rng.int(12, 48);
    const factor = rng.between(2.5, 6);
    const values = timestamps.map((_, i) => {
      let v = base * lognormal(rng, rng.between(0.3, 0.7));
      if ((i - backupPhase + backupEvery) % backupEvery < backupLength) v *= backupSize;
      if (i >= at! && i < at! + length) v *= factor;
      return Math.round(v);
    });
    return { timestamps, values, labels: [at!] };
  },
  ec2_network_in: (rng) => {
    const timestamps = regularTimes(rng, AWS_ROWS, 5 * MIN);
    const base = 1e5 * rng.between(1, 100);
    const peak = rng.between(12, 20);
    const labels = onsets(rng, AWS_ROWS, 2);
    const burst = { length: rng.int(3, 12), factor: rng.between(4, 10) };
    const outage = { length: rng.int(6, 24) };
    const sigma = rng.between(0.2, 0.5);
    const values = timestamps.map((t, i) => {
      let v = base * Math.exp(0.5 * wave(hourOf(t, 0), peak)) * lognormal(rng, sigma);
      if (i >= labels[0]! && i < labels[0]! + burst.length) v *= burst.factor;
      if (i >= labels[1]! && i < labels[1]! + outage.length) v *= 0.01;
      return Math.round(v);
    });
    return { timestamps, values, labels };
  },
  elb_request_count: (rng) => {
    const timestamps = regularTimes(rng, AWS_ROWS, 5 * MIN);
    const mean = rng.between(5, 200);
    const peak = rng.between(12, 20);
    const [at] = onsets(rng, AWS_ROWS, 1);
    const factor = rng.between(3, 8);
    const decay = rng.int(6, 24);
    const values = timestamps.map((t, i) => {
      let m = mean * Math.exp(0.6 * wave(hourOf(t, 0), peak));
      if (i >= at!) m *= 1 + (factor - 1) * Math.exp(-(i - at!) / decay);
      return rng.poisson(m * lognormal(rng, 0.15));
    });
    return { timestamps, values, labels: [at!] };
  },
  rds_cpu_utilization: (rng) => {
    const c = cpuBase(rng);
    const batchHour = rng.int(0, 23);
    const batchLength = rng.int(6, 12);
    const batchFactor = rng.between(2, 4);
    const [at] = onsets(rng, AWS_ROWS, 1);
    // The anomalous night's batch runs far longer and higher than usual.
    const start = rowAtHour(c.timestamps, at!, batchHour, 0);
    for (let i = 0; i < AWS_ROWS; i++) {
      const h = hourOf(c.timestamps[i]!, 0);
      const inBatch = h >= batchHour && h < batchHour + batchLength / 12;
      if (inBatch) c.values[i]! += c.level * (batchFactor - 1);
      if (i >= start && i < start + batchLength * 4) c.values[i]! += c.level * batchFactor * 0.8;
    }
    return { timestamps: c.timestamps, values: finishCpu(c.values, c.q), labels: [start] };
  },
  grok_asg_anomaly: (rng) => {
    // An autoscaling group's per-instance load: a daily cycle that suddenly loses its floor.
    const timestamps = regularTimes(rng, AWS_ROWS, 5 * MIN);
    const level = rng.between(10, 40);
    const noise = ar1(rng, AWS_ROWS, 0.7, level * 0.08);
    const peak = rng.between(10, 20);
    const [at] = onsets(rng, AWS_ROWS, 1);
    const drop = rng.between(0.3, 0.6);
    const values = timestamps.map((t, i) => {
      const v = level * (1 + 0.3 * wave(hourOf(t, 0), peak)) + noise[i]!;
      return round(Math.max(0, i >= at! ? v * drop : v), 2);
    });
    return { timestamps, values, labels: [at!] };
  },
};

// ---------------------------------------------------------------------------------------------
// realAdExchange: ~1,600 hourly rows of cost per click / per thousand impressions.

const realAdExchange: Record<string, Template> = {};
for (const [metric, lo, hi] of [
  ['cpc', 0.05, 0.5],
  ['cpm', 0.5, 3],
] as const) {
  for (const exchange of [2, 3, 4]) {
    realAdExchange[`exchange-${exchange}_${metric}_results`] = (rng) => {
      const n = rng.int(1500, 1650);
      const timestamps = regularTimes(rng, n, HOUR);
      const base = rng.between(lo, hi);
      const daily = rng.between(0.05, 0.35);
      const peak = rng.between(0, 23);
      const noise = ar1(rng, n, rng.between(0.3, 0.8), rng.between(0.08, 0.25));
      const labels = onsets(rng, n, rng.int(1, 3));
      const factors = new Array<number>(n).fill(1);
      for (const at of labels) {
        const kind = rng.int(0, 2);
        const [length, factor] =
          kind === 0 ? [rng.int(1, 4), rng.between(2, 4)] : kind === 1 ? [rng.int(6, 48), rng.between(0.2, 0.5)] : [rng.int(48, 120), rng.between(1.6, 2.5)];
        for (let i = at; i < Math.min(n, at + length); i++) factors[i] = factor;
      }
      const values = timestamps.map((t, i) => {
        const weekend = dayOfWeek(t, 0) >= 5 ? -0.1 : 0;
        return round(base * Math.exp(daily * wave(hourOf(t, 0), peak) + weekend + noise[i]!) * factors[i]!, 6);
      });
      return { timestamps, values, labels };
    };
  }
}

// ---------------------------------------------------------------------------------------------
// realTraffic: ~2,400 rows of roughly 5-minute readings with gaps; speed, occupancy, travel time.

function rush(t: number, offset: number): number {
  if (dayOfWeek(t, offset) >= 5) return 0;
  const h = hourOf(t, offset);
  return Math.max(Math.exp(-(((h - 8) / 1) ** 2)), Math.exp(-(((h - 17.5) / 1.2) ** 2)));
}

function trafficBase(rng: Random): { timestamps: number[]; n: number; offset: number } {
  const n = rng.int(2200, 2600);
  return { timestamps: irregularTimes(rng, n), n, offset: rng.between(-8, -5) };
}

const realTraffic: Record<string, Template> = {
  speed: (rng) => {
    const { timestamps, n, offset } = trafficBase(rng);
    const free = rng.between(55, 70);
    const slow = rng.between(0.15, 0.4);
    const labels = onsets(rng, n, rng.int(1, 2));
    const incidents = labels.map((at) => ({ at, length: rng.int(6, 24), speed: rng.between(8, 30), stuck: rng.next() < 0.3 }));
    const values = timestamps.map((t, i) => {
      let v = free * (1 - slow * rush(t, offset)) + rng.normal(0, 2.5);
      for (const inc of incidents) {
        if (i >= inc.at && i < inc.at + (inc.stuck ? inc.length * 6 : inc.length)) v = inc.stuck ? free * 0.8 : inc.speed + rng.normal(0, 2);
      }
      return Math.max(0, Math.round(v));
    });
    return { timestamps, values, labels };
  },
  occupancy: (rng) => {
    const { timestamps, n, offset } = trafficBase(rng);
    const night = rng.between(1, 5);
    const peakOcc = rng.between(10, 30);
    const labels = onsets(rng, n, rng.int(1, 2));
    const events = labels.map((at) => ({ at, length: rng.int(6, 24), level: rng.between(40, 80) }));
    const values = timestamps.map((t, i) => {
      const h = hourOf(t, offset);
      const day = h > 6 && h < 21 ? 1 : 0.3;
      let v = night * day + (peakOcc - night) * rush(t, offset) + Math.abs(rng.normal(0, 1.2));
      for (const e of events) if (i >= e.at && i < e.at + e.length) v = e.level + rng.normal(0, 5);
      return round(Math.max(0, v), 2);
    });
    return { timestamps, values, labels };
  },
  TravelTime: (rng) => {
    const { timestamps, n, offset } = trafficBase(rng);
    const base = rng.between(150, 500);
    const labels = onsets(rng, n, rng.int(1, 2));
    const events = labels.map((at) => ({ at, length: rng.int(12, 36), factor: rng.between(2, 4) }));
    const values = timestamps.map((t, i) => {
      let v = base * (1 + 0.5 * rush(t, offset)) * lognormal(rng, 0.15);
      if (rng.next() < 0.01) v *= rng.between(1.5, 3);
      for (const e of events) if (i >= e.at && i < e.at + e.length) v *= e.factor;
      return Math.round(v);
    });
    return { timestamps, values, labels };
  },
};

// ---------------------------------------------------------------------------------------------
// realTweets: ~15,800 rows of 5-minute mention counts; daily and weekly cycles, bursts.

function tweets(rng: Random): Generated {
  const n = rng.int(15_500, 15_900);
  const timestamps = regularTimes(rng, n, 5 * MIN);
  const base = rng.between(3, 60);
  const offset = rng.between(-8, -4);
  const drift = ar1(rng, n, 0.999, 0.15);
  const labels = onsets(rng, n, rng.int(2, 4), 0.1);
  const bursts: { at: number; factor: number; decay: number }[] = labels.map((at) => ({ at, factor: rng.between(4, 15), decay: rng.int(12, 72) }));
  // Unlabelled everyday bursts: about one every two days.
  for (let i = 0; i < n; i++) if (rng.next() < 1 / 576) bursts.push({ at: i, factor: rng.between(1.5, 3), decay: rng.int(3, 12) });
  const extra = new Float64Array(n);
  for (const b of bursts) for (let i = b.at; i < Math.min(n, b.at + b.decay * 6); i++) extra[i]! += (b.factor - 1) * Math.exp(-(i - b.at) / b.decay);
  const values = timestamps.map((t, i) => {
    const weekend = dayOfWeek(t, offset) >= 5 ? -0.4 : 0;
    const m = base * Math.exp(0.6 * wave(hourOf(t, offset), 14) + weekend + drift[i]!) * (1 + extra[i]!);
    return rng.poisson(m * lognormal(rng, 0.25));
  });
  return { timestamps, values, labels };
}

const realTweets: Record<string, Template> = Object.fromEntries(
  ['AAPL', 'AMZN', 'CRM', 'FB', 'GOOG', 'IBM', 'KO', 'UPS'].map((ticker) => [`Twitter_volume_${ticker}`, tweets]),
);

// ---------------------------------------------------------------------------------------------

const templates: Record<SyntheticCategory, Record<string, Template>> = {
  artificialNoAnomaly,
  artificialWithAnomaly,
  realAWSCloudwatch,
  realAdExchange,
  realTraffic: {
    speed_6005: realTraffic.speed!,
    speed_7578: realTraffic.speed!,
    speed_t4013: realTraffic.speed!,
    occupancy_6005: realTraffic.occupancy!,
    occupancy_t4013: realTraffic.occupancy!,
    TravelTime_387: realTraffic.TravelTime!,
    TravelTime_451: realTraffic.TravelTime!,
  },
  realTweets,
};

/**
 * NAB's windows (labeler.py): width = 10% of the rows / number of labels, centred on each label,
 * merged where they overlap; returned as [start, end] timestamps of data rows.
 */
export function nabWindows(timestamps: readonly number[], labels: readonly number[]): [number, number][] {
  if (!labels.length) return [];
  const n = timestamps.length;
  const width = Math.floor((0.1 * n) / labels.length);
  const rows: [number, number][] = [];
  for (const label of [...labels].sort((a, b) => a - b)) {
    const start = Math.max(0, label - Math.floor(width / 2));
    const end = Math.min(n - 1, label + Math.ceil(width / 2) - 1);
    const last = rows[rows.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else rows.push([start, end]);
  }
  return rows.map(([s, e]) => [timestamps[s]!, timestamps[e]!]);
}

/** The synthetic corpus for one seed: every template of every category, in a fixed order. */
export function syntheticNabCorpus(seed: number | string = 1, categories: readonly SyntheticCategory[] = SYNTHETIC_CATEGORIES): SyntheticNabFile[] {
  const files: SyntheticNabFile[] = [];
  for (const category of categories) {
    for (const [name, template] of Object.entries(templates[category])) {
      const rng = new Random(`${seed}/${category}/${name}`);
      const { timestamps, values, labels } = template(rng);
      files.push({ name: `${category}/${name}.csv`, category, timestamps, values, windows: nabWindows(timestamps, labels) });
    }
  }
  return files;
}
