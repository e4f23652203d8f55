/**
 * Playbook regexes (label matchers, `var.matches`) are RE2: Prometheus matcher syntax and semantics,
 * and linear-time matching, since the values they meet come from alerts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compileRegex, matchesLabel } from './conditions.js';

test('label matchers are anchored like Prometheus matchers', () => {
  assert.ok(matchesLabel({ regex: 'petsite-.*' }, 'petsite-7d4b9c6f5b-x2k8q'));
  assert.not.ok(matchesLabel({ regex: 'petsite' }, 'petsite-7d4b9c6f5b-x2k8q'));
  assert.not.ok(matchesLabel({ regex: 'pet.*' }, undefined));
  assert.ok(matchesLabel({ notRegex: 'kube-.*' }, 'petadoptions'));
  assert.not.ok(matchesLabel({ notRegex: 'kube-.*' }, 'kube-system'));
  assert.ok(matchesLabel({ regex: 'a|b' }, 'b'), 'alternation is anchored as a whole');
  assert.not.ok(matchesLabel({ regex: 'a|b' }, 'ab'));
});

test('a pattern that makes a backtracking engine explode meets a 1024-character label value in linear time', () => {
  // With JavaScript's own engine this does not finish: (a+)+ tries every way to split the a's.
  assert.not.ok(matchesLabel({ regex: '(a+)+' }, `${'a'.repeat(1023)}b`));
  assert.not.ok(matchesLabel({ regex: '(x|x)*y' }, 'x'.repeat(1024)));
});

test('what RE2 does not have (lookaround, backreferences) is refused when the playbook loads', () => {
  assert.throws(() => compileRegex('(?=petsite)'), /invalid or unsupported Perl syntax/);
  assert.throws(() => compileRegex('(a)\\1'), /invalid/);
  assert.ok(compileRegex('pet(site|search)-.*').matches('petsearch-1'));
});

test.run();
