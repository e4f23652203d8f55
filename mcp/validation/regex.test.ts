/**
 * Label regexes judged in RE2 semantics (anchored, `.` matching newlines): what they accept is decided
 * on the compiled automaton, not by probing sample values, so patterns that match every probe but not
 * everything (`.{0,299}`), or everything in forms no probe list foresees, are judged right; limits
 * refuse what would cost too much to judge.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { estimateProgramSize, judgeRegex, matchesAnyNonEmpty, matchesEmpty, matchesEverything, narrowsMetricNames, RegexBudget, RegexProblem } from './regex.js';

const facts = (pattern: string) => {
  const budget = new RegexBudget();
  const j = judgeRegex(pattern, budget);
  return { empty: j.matchesEmpty, every: j.matchesEveryNonEmpty(budget), names: j.matchesEveryMetricName(budget), some: j.matchesSomeNonEmpty(budget) };
};

test('patterns that accept every value, however they are written', () => {
  for (const p of ['.*', '(.*)', '.*.*', '.*|foo', '(?s).*', '(?s:.)*', '[\\s\\S]*', '\\PL*|\\pL*|.*', '(?:\\b|\\B).*', '(?:.|\\n)*', '(?:.*){1,3}']) {
    assert.equal(facts(p), { empty: true, every: true, names: true, some: true }, p);
  }
  for (const p of ['.+', '(?s:.)+', '..*', '(?:x|[^x])+']) assert.equal(facts(p), { empty: false, every: true, names: true, some: true }, p);
});

test('patterns that leave values out are not taken for match-everything, whatever probes they pass', () => {
  assert.equal(facts('.{0,299}|(x+x+)+y'), { empty: true, every: false, names: false, some: true });
  assert.equal(facts('[^Q]+'), { empty: false, every: false, names: false, some: true });
  assert.equal(facts('[^\\n]*'), { empty: true, every: false, names: true, some: true }, '`.` without (?s) misses a newline, which no metric name has');
  assert.equal(facts('(?-s:.*)'), { empty: true, every: false, names: true, some: true });
  assert.equal(facts('petsite|petsearch'), { empty: false, every: false, names: false, some: true });
  assert.equal(facts('\\b.*\\b'), { empty: false, every: false, names: false, some: true });
});

test('every metric name, and nothing at all', () => {
  assert.equal(facts('[a-zA-Z_:][a-zA-Z0-9_:]*'), { empty: false, every: false, names: true, some: true });
  assert.equal(facts('(?i)[a-z_:][a-z0-9_:]*'), { empty: false, every: false, names: true, some: true });
  assert.is(facts('\\w+').names, false, 'recording-rule names have colons');
  assert.equal(facts('^$'), { empty: true, every: false, names: false, some: false });
  assert.equal(facts('x^'), { empty: false, every: false, names: false, some: false });
});

test('matchers: the empty value, every value, metric names', () => {
  const m = (op: '=' | '!=' | '=~' | '!~', value: string, name = 'job') => ({ name, op, value });
  assert.is(matchesEmpty(m('=~', 'a|')), true);
  assert.is(matchesEmpty(m('!~', '.+')), true);
  assert.is(matchesEmpty(m('!=', 'x')), true);
  assert.is(matchesEverything(m('=~', '.*')), true);
  assert.is(matchesEverything(m('!~', '^$x')), true, 'excluding nothing');
  assert.is(matchesAnyNonEmpty(m('!=', '')), true);
  assert.is(matchesAnyNonEmpty(m('!~', '')), true);
  assert.is(matchesAnyNonEmpty(m('!~', 'x')), false);
  assert.is(narrowsMetricNames(m('=', 'up', '__name__')), true);
  assert.is(narrowsMetricNames(m('=~', 'container_.*', '__name__')), true);
  assert.is(narrowsMetricNames(m('=~', '.+', '__name__')), false);
  assert.is(narrowsMetricNames(m('!=', '', '__name__')), false);
  assert.is(narrowsMetricNames(m('!~', 'x', '__name__')), false);
});

test('values are matched in RE2 semantics: whole value, newline matched by dot', () => {
  const j = judgeRegex('pet.*');
  assert.ok(j.test('petsite'));
  assert.not.ok(j.test('my-petsite'));
  assert.ok(judgeRegex('a.b').test('a\nb'));
  // The catastrophic pattern on the input that froze the backtracking engine: linear in RE2.
  assert.not.ok(judgeRegex('(x+x+)+y').test('x'.repeat(5000)));
});

test('limits: too long, expanding too far, not RE2, too costly to judge', () => {
  const problem = (pattern: string, budget = new RegexBudget()) => {
    try {
      const j = judgeRegex(pattern, budget);
      j.matchesEveryNonEmpty(budget);
      return undefined;
    } catch (error) {
      assert.instance(error, RegexProblem);
      return error as RegexProblem;
    }
  };
  assert.match(problem('a'.repeat(1025))!.message, /1025 characters long; the limit is 1024/);
  assert.is(problem('.{0,1000}'.repeat(20))!.kind, 'too-long');
  assert.match(problem('.{0,1000}'.repeat(20))!.message, /expands to about 40002 RE2 instructions; the limit is 2000/);
  assert.is(problem('(?<=a)b')!.kind, 'invalid');
  assert.is(problem('(a')!.kind, 'invalid');
  assert.is(problem('.*a.{20}|.*')!.kind, 'too-complex', 'a DFA of millions of states, all accepting');
  assert.is(problem('.{0,298}|(x+x+)+y', new RegexBudget(1000))!.kind, 'too-complex', 'a judgement spends from the budget of its query');
  assert.is(problem('petsite|petsearch'), undefined);
});

test('the size estimate bounds counted repetition before compiling', () => {
  assert.ok(estimateProgramSize('.{0,1000}') >= 2000);
  assert.ok(estimateProgramSize('(?:.{0,30}){0,30}') >= 1800);
  assert.ok(estimateProgramSize('((a{0,10}){0,10}){0,10}') >= 2000);
  assert.ok(estimateProgramSize('petsite|petsearch') < 40);
  assert.ok(estimateProgramSize('[]a]{3}') >= 3);
});

test.run();
