/**
 * Values entering PromQL stay data: escaped inside strings as PromQL unquotes them, matched literally by
 * regexes, durations checked. Checked with the PromQL grammar (lezer-promql): a value never changes a
 * query's syntax tree.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isPromqlDuration, promqlDuration, promqlQuoted, promqlRegexContent, promqlString, re2Literal, UnsafeQueryValue } from './promql.js';

function shape(query: string): string {
  const names: string[] = [];
  parser.parse(query).iterate({ enter: (n) => (names.push(n.type.isError ? 'ERROR' : n.type.name), n.type.name !== 'StringLiteral') });
  return names.join(' ');
}

const hostile = ['petadoptions"} or vector(42) or up{job="x', 'a\\"}', 'a\nb', "a'b", 'a`b', '\u0000\u001b\u007f\u0085', 'a\ud800b', 'реtadoptions', 'x\\', '\\'];

test('inside a double-quoted string nothing can end it, and JSON reads it back as the value', () => {
  for (const value of hostile) {
    const query = `up{namespace=${promqlString(value)}}`;
    assert.is(shape(query), shape('up{namespace="petadoptions"}'), query);
    const literal = /^up\{namespace=(".*")\}$/s.exec(query)![1]!;
    assert.is(JSON.parse(literal), value.replace(/\ud800/, '\ufffd'), 'the same value, Go and JSON agree on these escapes');
  }
  assert.is(promqlString('petadoptions'), '"petadoptions"', 'a name is unchanged');
});

test('inside a single-quoted string the single quote is escaped and the double quote is not', () => {
  assert.is(promqlQuoted(`a'b"c`, "'"), `a\\'b"c`);
  for (const value of hostile) assert.is(shape(`up{namespace='${promqlQuoted(value, "'")}'}`), shape("up{namespace='x'}"), value);
});

test('regex matchers match the value literally (RE2 metacharacters escaped)', () => {
  assert.is(re2Literal('a.b*c|d(e)[f]{2}^$\\'), 'a\\.b\\*c\\|d\\(e\\)\\[f\\]\\{2\\}\\^\\$\\\\');
  const query = `up{pod=~"${promqlRegexContent('.*')}-[a-z]+"}`;
  assert.is(query, 'up{pod=~"\\\\.\\\\*-[a-z]+"}');
  const regex = JSON.parse(/"(.*)"/.exec(query)![0]) as string;
  assert.not.ok(new RegExp(`^(?:${regex})$`).test('victim-abc'));
  assert.ok(new RegExp(`^(?:${regex})$`).test('.*-abc'));
});

test('durations are checked, never pasted', () => {
  for (const ok of ['30s', '5m', '1h30m', '2d', '500ms', '1y2w']) assert.ok(isPromqlDuration(ok), ok);
  for (const bad of ['', '5', '5m]) or vector(1', '1.5h', '5 m', '-5m', 'm']) assert.not.ok(isPromqlDuration(bad), bad);
  assert.throws(() => promqlDuration('5m] or vector(42) #'), (e: unknown) => e instanceof UnsafeQueryValue && /not a PromQL duration/.test((e as Error).message));
});

test.run();
