/**
 * Values into PromQL: whatever a value holds, it stays one string (or one literal in a regex), and
 * names that are not identifiers are quoted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isMetricName, labelMatcher, oneOf, promqlString, regexAlternation, regexLiteral, selector, dns1123Label, dns1123Subdomain } from './promql.js';

test('promqlString escapes quotes, backslashes and control characters the way the PromQL lexer reads them', () => {
  assert.is(promqlString('petadoptions"} or vector(42) or up{job="x'), '"petadoptions\\"} or vector(42) or up{job=\\"x"');
  assert.is(promqlString('a\\b'), '"a\\\\b"');
  assert.is(promqlString('line\nbreak\ttab\r'), '"line\\nbreak\\ttab\\r"');
  assert.is(promqlString('\u0000\u001f\u007f'), '"\\u0000\\u001f\\u007f"');
  assert.is(promqlString('caf\u00e9 \u{1F600}'), '"caf\u00e9 \u{1F600}"');
  assert.is(promqlString('\ud800'), '"\ufffd"', 'a lone surrogate is not UTF-8');
});

test('regex literals and alternations match exactly the values given', () => {
  assert.is(regexLiteral('a.b*c'), 'a\\.b\\*c');
  assert.is(regexLiteral('(x|y)[z]{2}^$+?\\'), '\\(x\\|y\\)\\[z\\]\\{2\\}\\^\\$\\+\\?\\\\');
  assert.is(regexAlternation(['petsite', 'a|b']), 'petsite|a\\|b');
  assert.ok(new RegExp(`^(?:${regexAlternation(['a.b', 'c|d'])})$`).test('c|d'));
  assert.not.ok(new RegExp(`^(?:${regexAlternation(['a.b'])})$`).test('axb'));
});

test('matchers and selectors: one value or several, names quoted when they are not identifiers', () => {
  assert.is(labelMatcher('pod', '=~', 'x"y'), 'pod=~"x\\"y"');
  assert.is(labelMatcher('weird name', '=', 'v'), '"weird name"="v"');
  assert.is(oneOf('node', ['n1']), 'node="n1"');
  assert.is(oneOf('node', ['n.1', 'n2']), 'node=~"n\\\\.1|n2"');
  assert.is(selector('up', ['job="x"']), 'up{job="x"}');
  assert.is(selector('up'), 'up');
  assert.is(selector('my metric', ['a="b"']), '{__name__="my metric", a="b"}');
  assert.ok(isMetricName('node:cpu:rate5m'));
  assert.not.ok(isMetricName('up{job="x"}'));
});

test('Kubernetes names', () => {
  assert.ok(dns1123Label.test('petadoptions'));
  assert.not.ok(dns1123Label.test('petadoptions"} or vector(1)'));
  assert.not.ok(dns1123Label.test('a'.repeat(64)));
  assert.ok(dns1123Subdomain.test('ip-192-168-1-10.us-west-2.compute.internal'));
  assert.not.ok(dns1123Subdomain.test('node-1.'));
  assert.not.ok(dns1123Subdomain.test(`${'a'.repeat(250)}.bcde`));
});

test.run();
