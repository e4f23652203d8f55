import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leak } from '../../../../test/support/anomaly/synthetic.js';
import { growth } from './growth.js';
import { runDetector } from '../../../../test/support/anomaly/run-detector.js';

const MiB = 2 ** 20;
const context = { metric: 'container_memory_working_set_bytes', limit: 256 * MiB };
// 150 MiB for an hour, then +1 MiB every 15 s (4 MiB/min): reaches 256 MiB 26.5 minutes in.
const series = leak({ length: 340, at: 240, perStep: MiB, level: 150 * MiB, noise: 0.3 * MiB, stepMs: 15_000 });

test('a leak is described as a rate, a duration and a time to the limit', () => {
  const { verdicts } = runDetector(growth, series.samples, context);
  const at = 240 + 48; // 12 minutes into the leak
  const finding = verdicts[at]!.finding!;
  assert.is(finding.kind, 'growth');
  assert.match(finding.explanation, /^Working set grew [34](\.\d+)? MiB\/min for 1\d min; reaches the 256 MiB limit in ~1\d min\.$/);
  assert.ok(Math.abs(finding.evidence.slopePerSecond! - MiB / 15) < 0.1 * (MiB / 15));
  assert.ok(finding.followUpQueries.includes('predict_linear(container_memory_working_set_bytes[30m], 3600)'));
  assert.ok(verdicts.slice(0, 240).every((v) => !v.finding), 'flat memory is not growth');
});

test('evidence and severity rise as the limit gets near', () => {
  const { verdicts } = runDetector(growth, series.samples, context);
  const early = verdicts[240 + 20]!;
  const late = verdicts[240 + 95]!; // under 3 minutes to go
  assert.ok(late.surprise > early.surprise);
  assert.is(late.finding?.severity, 'critical');
  assert.match(late.finding!.explanation, /reaches the 256 MiB limit in ~[1-6] min|is at or past the 256 MiB limit/);
});

test('without a limit it only notes the trend', () => {
  const { detector, verdicts } = runDetector(growth, series.samples, { metric: 'container_memory_working_set_bytes' });
  assert.is(detector.advisory, true);
  assert.ok(verdicts.every((v) => v.surprise === 0 && !v.finding));
  assert.match(verdicts[300]!.note!.text, /^It has been growing steadily by [34](\.\d+)? MiB\/min for \d+ min\.$/);
});

test.run();
