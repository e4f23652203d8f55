import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { terminalProgress } from './progress.js';

test('plain output: one line per phase with both timers, notes on their own lines, a still-waiting line every 30 s', async () => {
  let now = 0;
  const out: string[] = [];
  const progress = terminalProgress({ write: (t) => out.push(t), isTTY: false }, () => now, { plainEveryMs: 30_000 });
  progress.phase('detect', 'waiting for the alert');
  now = 65_000;
  progress.note('alert fired');
  progress.phase('verify', 'checking');
  now = 100_000;
  await new Promise((r) => setTimeout(r, 1_100));
  progress.stop();
  assert.equal(out.slice(0, 3), ['[00:00] detect      00:00  waiting for the alert\n', 'alert fired\n', '[01:05] verify      00:00  checking\n']);
  assert.match(out[3]!, /^\[01:40\] verify {6}00:35 {2}checking \(still waiting\)\n$/);
  assert.ok(out.every((line) => !line.includes('\r')), 'no cursor movement in logs');
});

test('on a terminal the line is redrawn in place, and the finished phase stays in the scroll-back', () => {
  let now = 0;
  const out: string[] = [];
  const progress = terminalProgress({ write: (t) => out.push(t), isTTY: true }, () => now, { redrawMs: 60_000 });
  progress.phase('detect', 'waiting');
  now = 12_000;
  progress.status('alert pending');
  progress.phase('investigate', 'the agent investigates');
  progress.stop();
  assert.ok(out[0]!.startsWith('\r\x1b[2K[00:00] detect'));
  assert.ok(out.some((line) => line === '\r\x1b[2K[00:12] detect      00:12  alert pending\n'), out.join('|'));
  assert.match(out[out.length - 1]!, /investigate .* the agent investigates\n$/);
});

test.run();
