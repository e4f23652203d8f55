import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { restartReason } from './last-run.js';

const now = Date.parse('2026-11-25T10:00:00Z');
const ago = (minutes: number) => new Date(now - minutes * 60_000).toISOString();

test('the target restarts when a different scenario ran within the agent\'s look-back, or the last run failed', () => {
  assert.is(restartReason(undefined, { scenario: 'memory-leak', params: {} }, now), undefined, 'nothing ran');
  assert.is(restartReason({ scenario: 'memory-leak', params: {}, outcome: 'resolved', endedAt: ago(5) }, { scenario: 'memory-leak', params: {} }, now), undefined, 'the same run again: consecutive runs reuse the stack');
  assert.match(restartReason({ scenario: 'crash-loop', params: {}, outcome: 'resolved', endedAt: ago(5) }, { scenario: 'memory-leak', params: {} }, now)!, /crash-loop ran 5 min ago/);
  assert.match(restartReason({ scenario: 'memory-leak', params: {}, outcome: 'resolved', endedAt: ago(5) }, { scenario: 'memory-leak', params: { service: 'petsearch' } }, now)!, /memory-leak ran/);
  assert.match(restartReason({ scenario: 'memory-leak', params: {}, outcome: 'unresolved', endedAt: ago(5) }, { scenario: 'memory-leak', params: {} }, now)!, /ended unresolved/);
  assert.is(restartReason({ scenario: 'crash-loop', params: {}, outcome: 'resolved', endedAt: ago(45) }, { scenario: 'memory-leak', params: {} }, now), undefined, 'outside the window');
});

test.run();
