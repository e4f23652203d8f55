/**
 * Templates escape every value for where it stands in the template: inside PromQL strings it cannot end
 * the string, outside strings only a plain word passes, helpers say what a value is. What cannot be
 * made safe is refused when the playbook loads or when the step renders (StepFailed), never pasted.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StepFailed } from './run.js';
import { checkTemplate, renderParams, renderString, TemplateValueRefused } from './template.js';

const INJECTION = 'petadoptions"} or vector(42) or up{job="x';

function shape(query: string): string {
  const names: string[] = [];
  parser.parse(query).iterate({ enter: (n) => (names.push(n.type.isError ? 'ERROR' : n.type.name), n.type.name !== 'StringLiteral') });
  return names.join(' ');
}

const vars = (value: string) => ({ labels: { namespace: value, pod: value }, alert: { summary: value, name: value }, incident: { id: 'inc-20261125-090000-abcdef', title: value }, window: { seconds: 1800 }, target: { name: 'petsite', namespace: 'petadoptions' } });

test('inside "..." and \'...\' a value is escaped as PromQL unquotes it: the query keeps its structure', () => {
  const shapes = [INJECTION, 'a\\"}', 'a\nb"}', "a'}", 'a`b', '\u0000\u001b[2J', 'реtadoptions', 'x\\'];
  for (const template of ['up{namespace="{{labels.namespace}}"}', "up{namespace='{{labels.namespace}}'}", 'rate(x{namespace="{{labels.namespace}}", pod=~"{{regexEscape labels.pod}}-.*"}[5m])', 'up{namespace="{{default labels.namespace "petadoptions"}}"}']) {
    const plain = renderString(template, vars('petadoptions')) as string;
    for (const value of shapes) {
      const rendered = renderString(template, vars(value)) as string;
      assert.is(shape(rendered), shape(plain), `${template} with ${JSON.stringify(value)}: ${rendered}`);
    }
  }
  assert.is(renderString('up{namespace="{{labels.namespace}}"}', vars(INJECTION)), 'up{namespace="petadoptions\\"} or vector(42) or up{job=\\"x"}');
  assert.is(renderString('up{pod=~"{{regexEscape labels.pod}}"}', vars('a.b')), 'up{pod=~"a\\\\.b"}', 'regexEscape then string escaping: what PromQL needs');
});

test('outside strings only a plain word passes; anything else is refused as a step failure', () => {
  assert.is(renderString("{{default labels.namespace 'petadoptions'}}", vars('petadoptions')), 'petadoptions');
  assert.is(renderString('text for {{incident.id}} after {{window.seconds}} s', vars('x')), 'text for inc-20261125-090000-abcdef after 1800 s');
  for (const value of [INJECTION, '0 or up', 'a b', 'x}', '1) or vector(1']) {
    assert.throws(
      () => renderString('up > {{labels.namespace}}', vars(value)),
      (error: unknown) => error instanceof TemplateValueRefused && error instanceof StepFailed && /outside a quoted string/.test((error as Error).message),
      JSON.stringify(value),
    );
  }
});

test('raw `...` strings cannot escape: a value with a backtick is refused', () => {
  assert.is(renderString('up{namespace=`{{labels.namespace}}`}', vars('petadoptions')), 'up{namespace=`petadoptions`}');
  assert.throws(() => renderString('up{namespace=`{{labels.namespace}}`}', vars('a`} or vector(1) #')), /holds a backtick/);
});

test('helpers say what a value is: text for prose, json for JSON', () => {
  assert.is(renderString('No root cause of {{text incident.title}} is supported', vars('Container "x" (y)\u001b[2J is near its limit')), 'No root cause of Container "x" (y)[2J is near its limit is supported');
  assert.is(renderString('query="{{text incident.title}}"', vars('a"b')), 'query="a\\"b"', 'prose in a string is still escaped');
  assert.is(renderParams('{{json target}}', vars('x')), '{"name":"petsite","namespace":"petadoptions"}');
});

test('a whole-expression param passes the value itself, for the step\'s schema to judge', () => {
  assert.is(renderString('{{labels.namespace}}', vars(INJECTION)), INJECTION);
  assert.is(renderString('{{window.seconds}}', vars('x')), 1800);
});

test('templates that cannot be escaped are refused when the playbook loads', () => {
  assert.throws(() => checkTemplate('up{namespace="{{{labels.namespace}}}"}'), /unescaped output/);
  assert.throws(() => checkTemplate('up{namespace="\\\\{{labels.namespace}}"}'), /must not follow a backslash/);
  assert.throws(() => checkTemplate('{{#if labels.namespace}}"{{/if}}'), /must not open or close a quoted string/);
  assert.throws(() => checkTemplate('{{> partial}}'), /not allowed in playbook templates/);
  assert.throws(() => checkTemplate('No root cause of {{incident.title}}'), /free text .* write \{\{text incident\.title\}\}/);
  assert.throws(() => checkTemplate('{{alert.annotations.summary}} fired'), /free text/);
  checkTemplate('summary="{{alert.summary}}"');
  checkTemplate('{{#if labels.namespace}}up{namespace="{{labels.namespace}}"}{{else}}up{{/if}}');
  assert.throws(() => renderString('up{namespace="{{{labels.namespace}}}"}', vars('x')), (e: unknown) => e instanceof TemplateValueRefused);
});

test('a value is data: template syntax inside it is not rendered again', () => {
  assert.is(renderString('up{namespace="{{labels.namespace}}"}', vars('{{incident.id}}')), 'up{namespace="{{incident.id}}"}');
});

test.run();
