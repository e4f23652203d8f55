import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTimestamp } from './timestamps.js';

test('NAB, ISO 8601 and Unix timestamps all parse, zone-less ones as UTC', () => {
  const t = Date.UTC(2014, 1, 14, 14, 30, 0);
  assert.is(parseTimestamp('2014-02-14 14:30:00'), t);
  assert.is(parseTimestamp('2014-02-14T14:30:00Z'), t);
  assert.is(parseTimestamp('2014-02-14T16:30:00+02:00'), t);
  assert.is(parseTimestamp('2014-02-14T09:30:00-0500'), t);
  assert.is(parseTimestamp('2013-12-15 07:00:00.000000'), Date.UTC(2013, 11, 15, 7));
  assert.is(parseTimestamp('2014-02-14 14:30:00.25'), t + 250);
  assert.is(parseTimestamp('2014-02-14'), Date.UTC(2014, 1, 14));
  assert.is(parseTimestamp(String(t / 1000)), t);
  assert.is(parseTimestamp('1392388200.5'), t + 500);
  assert.is(parseTimestamp(String(t)), t); // milliseconds are recognised by size
});

test('anything else is NaN', () => {
  for (const bad of ['timestamp', '', '2014-13-01 00:00:00', '14/02/2014', '2014-02-14 25:00']) assert.ok(Number.isNaN(parseTimestamp(bad)), bad);
});

test.run();
