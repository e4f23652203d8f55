import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnomalyReport } from '../../lib/prometheus/anomaly/detect-anomalies.js';
import { EpisodeTracker, type EpisodeEvent, type SeriesDetections } from './episodes.js';
import { parseWatchList } from './watch-list.js';

const watch = parseWatchList({ watches: [{ name: 'mem', query: 'max by (pod) (container_memory_working_set_bytes)', step: '30s', baseline: '2h' }] }).watches[0]!;
const T = Date.UTC(2026, 10, 24, 10, 0, 0);
const min = 60_000;
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function report(start: number, end: number, over: Partial<AnomalyReport> = {}): AnomalyReport {
  return {
    start: iso(start),
    end: iso(end),
    peakAt: iso(start),
    peakValue: 123,
    score: 0.8,
    severity: 'warning',
    kind: 'outlier',
    detector: 'robust-zscore',
    explanation: 'Value is far above its median.',
    evidence: {},
    ongoing: false,
    followUpQueries: [],
    ...over,
  };
}

function series(anomalies: AnomalyReport[], over: Partial<SeriesDetections> = {}): SeriesDetections {
  return { key: 'a', labels: { pod: 'a' }, fresh: true, hasLimit: false, anomalies, ...over };
}

/** Runs the tracker once a minute from T with the given detections per run; returns the events per run. */
function runs(tracker: EpisodeTracker, perRun: SeriesDetections[][], options: { first?: number; recent?: number } = {}): EpisodeEvent[][] {
  return perRun.map((s, i) => {
    const now = T + (options.first ?? 0) + i * min;
    const cutoff = i === 0 ? now - (options.recent ?? 30 * min) : now - min - 2 * min;
    return tracker.update({ run: i + 1, now, cutoff, windowStart: now - 2 * 3_600_000, origin: { server: 'prometheus-mcp' }, series: s });
  });
}

const brief = (events: EpisodeEvent[]) => events.map((e) => `${e.type} ${e.payload.anomaly.kind} ${e.payload.anomaly.start.slice(11, 19)}`);

test('one push per episode, though it comes back on every run with its start drifting and its kind refined', () => {
  const tracker = new EpisodeTracker(watch);
  const events = runs(tracker, [
    [series([report(T - 30_000, T, { ongoing: true, kind: 'spike' })])],
    [series([report(T - 30_000, T + min, { ongoing: true, kind: 'level-shift' })])],
    [series([report(T, T + 2 * min, { ongoing: true, kind: 'level-shift', severity: 'critical' })])],
    [series([report(T - 30_000, T + 3 * min, { ongoing: true })])],
  ]);
  assert.equal(events.map(brief), [['opened spike 09:59:30'], [], [], []]);
  assert.is(tracker.open(), 1);
});

test('the end is pushed once, with the identity of the start (kind, start) and the last anomalous sample as end', () => {
  const tracker = new EpisodeTracker(watch);
  const events = runs(tracker, [
    [series([report(T, T, { ongoing: true, kind: 'spike' })])],
    [series([report(T, T + min, { ongoing: true, kind: 'level-shift' })])],
    [series([report(T, T + 90_000, { ongoing: false, kind: 'level-shift' })])],
    [series([report(T, T + 90_000)])],
    [series([report(T, T + 90_000)])],
  ]);
  assert.equal(events.map(brief), [['opened spike 10:00:00'], [], ['resolved spike 10:00:00'], [], []]);
  const resolved = events[2]![0]!.payload;
  assert.is(resolved.status, 'resolved');
  assert.is(resolved.anomaly.end, '2026-11-24T10:01:30Z');
  assert.is(resolved.anomaly.ongoing, false);
  assert.is(tracker.open(), 0);
});

test('a later episode of another kind is a new episode (an outlier, then growth towards the limit)', () => {
  const tracker = new EpisodeTracker(watch);
  const events = runs(tracker, [
    [series([report(T, T, { ongoing: true })])],
    [series([report(T, T + min, { ongoing: true })])],
    [series([report(T, T + 30_000), report(T + 2 * min, T + 2 * min, { ongoing: true, kind: 'growth', severity: 'critical' })])],
  ]);
  assert.equal(events.map(brief), [['opened outlier 10:00:00'], [], ['resolved outlier 10:00:00', 'opened growth 10:02:00']]);
  assert.is(tracker.open(), 1);
});

test('history is not pushed: the first run pushes what goes on or ended within `recent`, later runs what ended after the data already judged', () => {
  const tracker = new EpisodeTracker(watch);
  const events = runs(tracker, [
    [series([report(T - 90 * min, T - 85 * min), report(T - 20 * min, T - 18 * min), report(T - min, T, { ongoing: true, kind: 'spike' })])],
    // A detection that appears only now (the baseline moved) but ended long ago: remembered, not pushed.
    [series([report(T - 90 * min, T - 85 * min), report(T - 60 * min, T - 59 * min, { kind: 'drop' }), report(T - 20 * min, T - 18 * min), report(T - min, T + min, { ongoing: true, kind: 'spike' })])],
  ]);
  assert.equal(events.map(brief), [['opened outlier 09:40:00', 'opened spike 09:59:00'], ['resolved outlier 09:40:00']]);
  const first = events[0]![0]!.payload;
  assert.is(first.anomaly.ongoing, false, 'pushed as an episode that already ended');
});

test('below minSeverity an episode is tracked silently, and pushed if it escalates while going on', () => {
  const strict = { ...watch, minSeverity: 'critical' as const };
  const tracker = new EpisodeTracker(strict);
  const events = runs(tracker, [
    [series([report(T, T, { ongoing: true })])],
    [series([report(T, T + min, { ongoing: true })])],
    [series([report(T, T + 2 * min, { ongoing: true, severity: 'critical', kind: 'level-shift' })])],
    [series([report(T + 10 * min, T + 10 * min, { ongoing: false, kind: 'spike', severity: 'warning' })])],
  ]);
  assert.equal(events.map(brief), [[], [], ['opened level-shift 10:00:00'], []]);
  assert.is(events[2]![0]!.payload.anomaly.severity, 'critical');
});

test('an episode no longer detected, or on a series that stopped reporting or left the window, is resolved', () => {
  const tracker = new EpisodeTracker(watch);
  const b = { key: 'b', labels: { pod: 'b' } };
  const c = { key: 'c', labels: { pod: 'c' } };
  const events = runs(tracker, [
    [series([report(T, T, { ongoing: true })]), series([report(T, T, { ongoing: true })], b), series([report(T, T, { ongoing: true })], c)],
    [series([]), series([report(T, T + min, { ongoing: true })], { ...b, fresh: false })],
    [series([])],
  ]);
  assert.equal(events.map((e) => e.map((x) => `${x.type} ${x.episode.labels.pod}: ${x.reason}`)), [
    ['opened a: undefined', 'opened b: undefined', 'opened c: undefined'],
    ['resolved b: the series stopped reporting', 'resolved c: the series has no samples in the baseline window any more'],
    ['resolved a: not detected for 2 runs'],
  ]);
});

test('payload: the contract fields, the series labels, a summary in words', () => {
  const tracker = new EpisodeTracker({ ...watch, description: 'Memory working set' });
  const [[opened]] = runs(tracker, [[series([report(T, T, { ongoing: true, kind: 'growth', peakValue: 2e8, followUpQueries: ['q'] })], { labels: { pod: 'petsite-1', container: 'petsite', namespace: 'petadoptions' }, hasLimit: true })]]);
  assert.equal(opened!.payload, {
    version: '1',
    kind: 'anomaly',
    status: 'firing',
    query: watch.query,
    series: { pod: 'petsite-1', container: 'petsite', namespace: 'petadoptions' },
    anomaly: {
      kind: 'growth',
      severity: 'warning',
      score: 0.8,
      detector: 'robust-zscore',
      start: '2026-11-24T10:00:00Z',
      end: '2026-11-24T10:00:00Z',
      peakAt: '2026-11-24T10:00:00Z',
      peakValue: 2e8,
      ongoing: true,
      explanation: 'Value is far above its median.',
      followUpQueries: ['q'],
    },
    summary: 'Memory working set: petsite-1 is growing towards its limit',
    detectedAt: '2026-11-24T10:00:00Z',
    origin: { server: 'prometheus-mcp' },
  });
  assert.is(opened!.episode.key, `${watch.query}\u0000a\u00002026-11-24T10:00:00Z`, 'dedup key: query + series + start');
});

test.run();
