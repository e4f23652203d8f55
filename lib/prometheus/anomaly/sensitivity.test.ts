import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MEDIUM_ALERT_SURPRISE, alertSurprise, rarity, resolveSensitivity, scoreOf, severityOf, surpriseOf } from './sensitivity.js';

test('sensitivity accepts names and numbers in [0, 1] only', () => {
  assert.is(resolveSensitivity(undefined), 0.5);
  assert.is(resolveSensitivity('high'), 0.75);
  assert.is(resolveSensitivity('0.9'), 0.9);
  assert.is(resolveSensitivity(0), 0);
  for (const bad of ['extreme', '1.5', '', -0.1]) assert.throws(() => resolveSensitivity(bad), /low, medium, high or a number between 0 and 1/);
});

test('the alert level halves and doubles around medium; scores put medium at 0.5', () => {
  assert.is(alertSurprise(0.5), MEDIUM_ALERT_SURPRISE);
  assert.is(alertSurprise(0), 2 * MEDIUM_ALERT_SURPRISE);
  assert.is(alertSurprise(1), MEDIUM_ALERT_SURPRISE / 2);
  assert.is(scoreOf(MEDIUM_ALERT_SURPRISE), 0.5);
  assert.is(scoreOf(0), 0);
  assert.ok(Math.abs(surpriseOf(scoreOf(7.3)) - 7.3) < 1e-12);
  assert.is(severityOf(1.9, 1.8), 'info');
  assert.is(severityOf(3.6, 1.8), 'warning');
  assert.is(severityOf(7.2, 1.8), 'critical');
  assert.is(rarity(3), 'about 1 in 1,000 samples');
  assert.is(rarity(7), 'rarer than 1 in a million samples');
});

test.run();
