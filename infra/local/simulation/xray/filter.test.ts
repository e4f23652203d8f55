import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { traceMatches } from './filter-evaluation.js';
import { FilterExpressionError, parseFilterExpression } from './filter-expression.js';
import { syntheticTrace } from '../../../../test/support/simulation/synthetic-traces.js';

const matches = (filter: string, trace = syntheticTrace()) => traceMatches(trace, parseFilterExpression(filter));

test('parses the filter forms responders use', () => {
  assert.equal(parseFilterExpression('service("petsearch") { fault }'), { kind: 'service', entity: { name: 'petsearch' }, scoped: { kind: 'keyword', keyword: 'fault' } });
  assert.equal(parseFilterExpression('responsetime > 5'), { kind: 'number', field: 'responsetime', op: '>', value: 5 });
  assert.equal(parseFilterExpression('http.url CONTAINS "Search"'), { kind: 'string', field: 'http.url', op: 'CONTAINS', value: 'Search' });
  assert.equal(parseFilterExpression('annotation.route = "/Search"'), { kind: 'annotation', key: 'route', op: '=', value: '/Search' });
  assert.equal(parseFilterExpression('fault = false'), { kind: 'keyword', keyword: 'fault', op: '=', value: false });
  assert.equal(parseFilterExpression('!error'), { kind: 'not', expression: { kind: 'keyword', keyword: 'error' } });
  assert.equal(parseFilterExpression('service(id(name: "petsite", type: "AWS::EKS::Container"))'), { kind: 'service', entity: { name: 'petsite', type: 'AWS::EKS::Container' }, scoped: undefined });
  assert.equal(parseFilterExpression(''), { kind: 'true' });
  // AND binds tighter than OR; keywords are case-insensitive.
  const parsed = parseFilterExpression('fault or error AND throttle');
  assert.is(parsed.kind, 'or');
  assert.is(parsed.kind === 'or' && parsed.right.kind, 'and');
});

test('rejects bad filters with the position and what was expected', () => {
  const cases: [string, RegExp][] = [
    ['responsetime >', /expected a number after "responsetime >" but found the end of the expression at position 14/],
    ['bogus = 1', /unknown field or keyword "bogus" at position 0/],
    ['service(petsite)', /double-quoted service name/],
    ['http.url = \'x\'', /double quotes/],
    ['(fault', /expected "\)"/],
    ['fault fault', /expected AND, OR or the end/],
    ['http.status CONTAINS 5', /comparison/],
    ['responsetime > "slow"', /a number/],
    ['"unterminated', /unterminated string/],
    ['annotation.x CONTAINS 3', /double-quoted string after CONTAINS/],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => parseFilterExpression(source), (e: Error) => e instanceof FilterExpressionError && message.test(e.message), source);
  }
});

test('evaluates trace-level fields, keywords and annotations', () => {
  const slowSearch = syntheticTrace({ rootEnd: 1.2, annotations: { pet_type: 'puppy', page: 2, cached: false } });
  assert.ok(matches('responsetime > 1', slowSearch));
  assert.not.ok(matches('responsetime > 1.5', slowSearch));
  assert.ok(matches('duration >= 1.2', slowSearch));
  assert.ok(matches('http.status = 200 AND ok', slowSearch));
  assert.ok(matches('http.url CONTAINS "/Search" AND http.method = "GET"', slowSearch));
  assert.ok(matches('http.url BEGINSWITH "http://petsite" AND http.url ENDSWITH "puppy"', slowSearch));
  assert.ok(matches('annotation.pet_type = "puppy"', slowSearch));
  assert.ok(matches('annotation.page >= 2 AND annotation.cached = false', slowSearch));
  assert.not.ok(matches('annotation.pet_type = "kitten"', slowSearch));
  assert.ok(matches('annotation.pod = "petsearch-abc-12345"', slowSearch), 'annotations of any segment');
  assert.ok(matches('user = "user001"', slowSearch));
  assert.not.ok(matches('fault OR error OR throttle', slowSearch));
  assert.ok(matches('!(fault OR error)', slowSearch));
});

test('scopes conditions to a service node or an edge', () => {
  const calleeFailed = syntheticTrace({ status: 500, call: { start: 0.1, end: 0.3, status: 500 }, callee: { start: 0.11, end: 0.29, status: 500, exception: 'java.lang.IllegalStateException' } });
  assert.ok(matches('service("petsearch") { fault }', calleeFailed));
  assert.ok(matches('service("petsearch") { http.status = 500 }', calleeFailed));
  assert.not.ok(matches('service("payforadoption")', calleeFailed));
  assert.ok(matches('edge("petsite", "petsearch") { fault AND responsetime < 0.3 }', calleeFailed));
  assert.ok(matches('service(id(name: "Services-ddbpetadoption", type: "AWS::DynamoDB::Table"))', calleeFailed), 'inferred DynamoDB node');
  assert.not.ok(matches('service(id(name: "petsearch", type: "AWS::DynamoDB::Table"))', calleeFailed));
  assert.ok(matches('service("petsearch") {}', calleeFailed));

  const networkDelay = syntheticTrace({ rootEnd: 1, call: { start: 0.05, end: 0.95 }, callee: { start: 0.06, end: 0.1 } });
  // The callee answered fast; the time went between it and its caller.
  assert.ok(matches('edge("petsite", "petsearch") { responsetime > 0.8 }', networkDelay));
  assert.not.ok(matches('service("petsearch") { responsetime > 0.8 }', networkDelay));
  assert.ok(matches('service("petsite") { responsetime > 0.8 } AND !service("petsearch") { responsetime > 0.2 }', networkDelay));

  const throttled = syntheticTrace({ dynamo: { start: 0.15, end: 0.2, throttle: true } });
  assert.ok(matches('throttle AND error', throttled));
  assert.ok(matches('service("Services-ddbpetadoption") { throttle }', throttled));
  assert.ok(matches('edge("petsearch", "Services-ddbpetadoption") { http.status = 400 }', throttled));
});

test.run();
