import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../../../../core/random.js';
import { profiles } from '../../profiles.js';
import { Simulation } from '../simulation.js';
import { isSegmentId, isTraceId, traceIdEpochSeconds } from './ids.js';
import { TraceRecorder, type TraceRecorderOptions } from './recorder.js';
import { anomalyOf, DEFAULT_SAMPLING, Sampler } from './sampling.js';
import { allSpans, duration, serviceSegments, type Span } from './spans.js';

// 17:00 UTC is near the daily peak: about 28 petsite requests per second.
const START = Date.UTC(2026, 10, 25, 17, 0, 0);

function record(seconds: number, options: TraceRecorderOptions = {}): { simulation: Simulation; recorder: TraceRecorder } {
  const simulation = new Simulation({ start: START, profile: profiles.fast });
  const recorder = new TraceRecorder(simulation, options);
  simulation.run(seconds);
  return { simulation, recorder };
}

const baseline = record(180);

test('ids have the X-Ray formats and the trace id carries the request start', () => {
  const ids = new Set<string>();
  for (const trace of baseline.recorder.traces()) {
    assert.ok(isTraceId(trace.id), trace.id);
    assert.is(traceIdEpochSeconds(trace.id), Math.floor(trace.root.start));
    for (const span of allSpans(trace.root)) {
      assert.ok(isSegmentId(span.id), span.id);
      assert.not.ok(ids.has(span.id), `duplicate segment id ${span.id}`);
      ids.add(span.id);
      if (span.exception) assert.ok(isSegmentId(span.exception.id));
      if (span.inferredId) assert.ok(isSegmentId(span.inferredId));
    }
  }
  assert.ok(ids.size > 1000);
});

test('segments nest: subsegments inside their segment, callees inside the call unless it timed out', () => {
  let calls = 0;
  const within = (inner: Span, outer: Span, what: string) => {
    assert.ok(inner.start >= outer.start - 1e-9 && inner.end <= outer.end + 1e-9, `${what}: [${inner.start}, ${inner.end}] outside [${outer.start}, ${outer.end}]`);
  };
  for (const trace of baseline.recorder.traces()) {
    assert.is(trace.start, trace.root.start);
    assert.ok(trace.end >= trace.root.end);
    assert.ok(trace.root.end * 1000 <= baseline.simulation.now, 'no trace ends in the future');
    for (const segment of serviceSegments(trace.root)) {
      assert.ok(duration(segment) > 0);
      let previousEnd = segment.start;
      for (const sub of segment.subsegments) {
        within(sub, segment, `${sub.name} in ${segment.name}`);
        assert.ok(sub.start >= previousEnd - 1e-9, 'subsegments run one after another');
        previousEnd = sub.end;
        if (!sub.callee) continue;
        calls++;
        assert.ok(sub.callee.start > sub.start, 'the callee starts after the request leaves');
        if (sub.status !== undefined) within(sub.callee, sub, `${sub.callee.name} in its call`);
        else assert.ok(sub.fault && duration(sub) > 2.9, 'only a timed-out call ends before its callee');
      }
    }
  }
  assert.ok(calls > 100);
});

test('head sampling keeps about 1 request per second plus 5% of the rest', () => {
  const { served, keptByHeadSampling } = baseline.recorder.stats();
  const seconds = 180;
  const expected = seconds + 0.05 * (served - seconds);
  assert.ok(Math.abs(keptByHeadSampling - expected) < expected * 0.15, `kept ${keptByHeadSampling} by head sampling of ${served}, expected about ${expected.toFixed(0)}`);
});

test('the sampler keeps each second\'s first requests, then its rate', () => {
  const sampler = new Sampler({ ...DEFAULT_SAMPLING, head: { perSecond: 2, rate: 0 } }, new Random(1));
  const decisions = [100.1, 100.2, 100.3, 100.9, 101.0, 101.5].map((t) => sampler.sampleHead('petsite', t));
  assert.equal(decisions, [true, true, false, false, true, true]);
  assert.is(anomalyOf(504, undefined, 0.5), 'fault');
  assert.is(anomalyOf(404, undefined, 0.5), 'error');
  assert.is(anomalyOf(200, 0.7, 0.5), 'slow');
  assert.is(anomalyOf(200, 0.1, 0.5), undefined);
});

test('faults, errors and slow requests are kept beyond the head sample', () => {
  const traces = baseline.recorder.traces();
  const anomalies = traces.filter((t) => !t.headSampled);
  assert.ok(anomalies.length > 0, 'the baseline has some 404s and 5xx');
  for (const trace of anomalies) assert.ok(trace.root.status! >= 400 || duration(trace.root) > DEFAULT_SAMPLING.slowSeconds, `kept without reason: ${trace.root.status}`);
});

test('the same seed records the same traces', () => {
  const again = record(30);
  const other = record(30);
  assert.equal(again.recorder.traces().map((t) => t.id), other.recorder.traces().map((t) => t.id));
  assert.ok(again.recorder.traces().length > 30);
});

test('retention keeps the last minutes and at most maxTraces, evicting the oldest', () => {
  const { simulation, recorder } = record(150, { retentionMinutes: 1 });
  const traces = recorder.traces();
  assert.ok(traces[0]!.start * 1000 >= simulation.now - 60_000, 'nothing older than a minute');
  assert.ok(recorder.stats().evicted > 0);
  const capped = record(60, { maxTraces: 50 });
  assert.is(capped.recorder.traces().length, 50);
  const evicted = capped.recorder.stats().kept - 50;
  assert.ok(evicted > 0);
  assert.is(capped.recorder.get(capped.recorder.traces()[0]!.id)?.id, capped.recorder.traces()[0]!.id);
  const newest = capped.recorder.traces().at(-1)!;
  assert.ok(newest.start * 1000 > capped.simulation.now - 5_000, 'the newest traces stay');
});

test('recordFrom skips what was served before it', () => {
  const simulation = new Simulation({ start: START, profile: profiles.fast });
  const recorder = new TraceRecorder(simulation);
  recorder.recordFrom(START + 90_000);
  simulation.run(100);
  assert.ok(recorder.traces().length > 0);
  for (const trace of recorder.traces()) assert.ok(trace.root.end * 1000 >= START + 89_000);
  // The graph aggregates by minute: the first minute saw nothing recorded.
  assert.equal(recorder.serviceGraph(START, START + 60_000), []);
  assert.ok(recorder.serviceGraph(START + 60_000, START + 120_000).length > 5);
});

test.run();
