/**
 * Every template parses (lezer-promql, plus our type checks), passes the guardrails, and returns data
 * from the fixture Prometheus (3 h of the simulated pet-adoption cluster, incidents in progress) with
 * its default or example parameters. Pods and nodes have no portable default: the test uses the
 * fixture's pods of the example service and its nodes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderTemplate, templates, templateFor, type Template } from './index.js';

test('the library has at least 50 templates, with unique ids and complete fields', () => {
  assert.ok(templates.length >= 50, `${templates.length} templates`);
  assert.is(new Set(templates.map((t) => t.id)).size, templates.length);
  const categories = new Set(templates.map((t) => t.category));
  for (const c of ['cpu', 'memory', 'network', 'requests', 'latency', 'errors', 'saturation', 'restarts', 'pods', 'deployments', 'nodes', 'disk']) {
    assert.ok(categories.has(c as Template['category']), `category ${c}`);
  }
  for (const t of templates) {
    assert.ok(t.title && t.description && t.exampleQuestion && t.unit, t.id);
    assert.not.match(t.exampleQuestion, /\$\{/, `${t.id} example question is filled in`);
    const placeholders = new Set([...t.promql.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    assert.equal([...placeholders].sort(), t.params.map((p) => p.name).sort(), `${t.id} declares exactly its placeholders`);
  }
});

test('rendering escapes values and turns several values into a regex alternation', () => {
  const t = templateFor('memory', 'service-by-service')!;
  assert.is(renderTemplate(t, { service: ['petsite', 'petsearch'] }), 'sum by (container) (container_memory_working_set_bytes{namespace="petadoptions", container=~"petsite|petsearch"})');
  const n = templateFor('node-load', 'node-by-node')!;
  assert.is(renderTemplate(n, { node: ['a.b', 'c'] }), 'node_load1{node=~"a\\\\.b|c"}');
  assert.is(renderTemplate(templateFor('memory', 'service')!, { service: 'we"ird' }), 'sum(container_memory_working_set_bytes{namespace="petadoptions", container="we\\"ird"})');
  assert.throws(() => renderTemplate(templateFor('cpu', 'service')!, { window: '5 minutes' }), /duration/);
  assert.throws(() => renderTemplate(templateFor('memory', 'pod')!, {}), /needs a value for "pod"/);
});

test.run();
