// The tests of templates.test.ts that need the real Prometheus tools (npm test runs them; npm run test:unit does not).
/**
 * Every template parses (lezer-promql, plus our type checks), passes the guardrails, and returns data
 * from the fixture Prometheus (3 h of the simulated pet-adoption cluster, incidents in progress) with
 * its default or example parameters. Pods and nodes have no portable default: the test uses the
 * fixture's pods of the example service and its nodes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { prometheusHistory } from '../../test/support/prometheus-history.js';
import { checkGuardrails, parsePromQL } from '../validation/index.js';
import { exampleParams, measureById, renderTemplate, templates } from './index.js';

async function instant(url: string, query: string, at: number): Promise<unknown[]> {
  const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query, time: String(at / 1000) }) });
  const body = (await res.json()) as { status: string; error?: string; data: { result: unknown[] } };
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  return body.data.result;
}

async function labelValues(url: string, label: string, match: string, at: number): Promise<string[]> {
  const params = new URLSearchParams({ 'match[]': match, start: String(at / 1000 - 600), end: String(at / 1000) });
  const res = await fetch(`${url}/api/v1/label/${label}/values?${params}`);
  return ((await res.json()) as { data: string[] }).data;
}

test('every template parses, passes the guardrails and returns data from the fixture', async () => {
  const { url, at } = await prometheusHistory();
  const nodes = await labelValues(url, 'node', 'kube_node_info', at);
  const empty: string[] = [];
  await Promise.all(
    templates.map(async (t) => {
      const base = exampleParams(t);
      const parsed = parsePromQL(renderTemplate(t, { pod: 'x', node: 'x', ...base }));
      assert.ok(parsed.ok, `${t.id}: ${parsed.error?.message} ${parsed.error?.hint ?? ''}`);
      const service = base.service ?? measureById.get(t.measure)?.examples?.service ?? 'petsite';
      const pods = await labelValues(url, 'pod', `kube_pod_info{pod=~"${service}-.*"}`, at);
      const candidates: Record<string, string>[] = [];
      for (const pod of t.params.some((p) => p.name === 'pod') ? pods : ['']) {
        for (const node of t.params.some((p) => p.name === 'node') ? nodes : ['']) candidates.push({ ...base, ...(pod ? { pod } : {}), ...(node ? { node } : {}) });
      }
      for (const params of candidates) {
        const query = renderTemplate(t, params);
        const guard = checkGuardrails(query, { queryType: 'instant' });
        assert.ok(guard.allowed, `${t.id}: ${JSON.stringify(guard.violations)}`);
        if ((await instant(url, query, at)).length > 0) return;
      }
      empty.push(`${t.id}: ${renderTemplate(t, candidates[0]!)}`);
    }),
  );
  assert.equal(empty, [], `templates without data:\n${empty.join('\n')}`);
});

test.run();
