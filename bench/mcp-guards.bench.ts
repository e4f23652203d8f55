/**
 * `npm run bench -- mcp-guards`: what an attacker can make the MCP server's guards cost. Judging the
 * most expensive queries the limits let through (catastrophic regexes, regexes at the work budget,
 * the longest and deepest PromQL), and how long `/healthz` waits while a client sends such queries
 * one after another: the acceptance of issue 11 is `/healthz` < 100 ms while any query is judged.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { clockAt } from '../core/clock.js';
import { memoryLogger } from '../core/log.js';
import { createBackend } from '../lib/prometheus/client/index.js';
import { startHttpServer } from '../mcp/server/http.js';
import { checkGuardrails, defaultPromQLLimits } from '../mcp/validation/index.js';
import { prometheusHistory } from '../test/support/prometheus-history.js';
import { percentile, type Benchmark, type Measurement } from './harness.js';

const JUDGE_TARGET_MS = 50;
const HEALTHZ_TARGET_MS = 100;

/** Hostile queries; `salt` makes each pattern new, so no cached judgement helps. */
const hostile = (salt: number): string[] => [
  `up{pod=~".{0,299}|(x+x+)+y|s${salt}"}`,
  `up{pod=~"(a|aa)+$|s${salt}"}`,
  `up{pod=~"(.*a){25}s${salt}"}`,
  `up{pod=~".*a.{20}|.*|s${salt}"}`,
  `up{pod=~"\\\\PL*|\\\\pL*|.*|s${salt}"}`,
  `up{pod=~"((a+)+)+b${salt}", job=~"(b|bb)+c${salt}", instance=~"(c*)*d${salt}"}`,
  `up{pod=~"${Array.from({ length: 60 }, (_, i) => `petsite-${salt}-${i}-[a-z0-9]{5}`).join('|')}"}`,
  `{__name__=~"(?s:.)+|s${salt}"}`,
  `${'('.repeat(defaultPromQLLimits.maxDepth)}up${')'.repeat(defaultPromQLLimits.maxDepth)} + ${salt}`,
  `${Array.from({ length: 120 }, (_, i) => `up{job=~"j${salt}-${i}.*"}`).join(' or ')}`,
  `sum(up{job="${'x'.repeat(defaultPromQLLimits.maxQueryLength - 40)}"}) + ${salt}`,
];

const bench: Benchmark = {
  name: 'mcp-guards',
  description: 'cost of judging hostile PromQL, and /healthz latency while such queries arrive',
  async run({ log }) {
    const measurements: Measurement[] = [];

    // 1. The guards alone, in process: the slowest judgement of each hostile query, warm.
    for (let salt = 0; salt < 3; salt++) for (const q of hostile(1000 + salt)) checkGuardrails(q, { queryType: 'instant' });
    const worst: number[] = [];
    for (let salt = 0; salt < 20; salt++) {
      hostile(salt).forEach((q, i) => {
        const started = performance.now();
        checkGuardrails(q, { queryType: 'instant' });
        worst[i] = Math.max(worst[i] ?? 0, performance.now() - started);
      });
    }
    const slowestJudgement = Math.max(...worst);
    log(`slowest judgement per query (ms): ${worst.map((w) => w.toFixed(1)).join(', ')}`);
    measurements.push({ name: 'slowest judgement of a hostile query', value: slowestJudgement, unit: 'ms', target: `< ${JUDGE_TARGET_MS} ms`, pass: slowestJudgement < JUDGE_TARGET_MS, details: { perQuery: worst } });

    // 2. The server under those queries: /healthz probed continuously.
    const { url, at } = await prometheusHistory();
    const server = await startHttpServer({ backend: await createBackend({ prometheusUrl: url }), logger: memoryLogger(), clock: clockAt(at) });
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    const latencies: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const started = performance.now();
        await (await fetch(server.url.replace(/\/mcp$/, '/healthz'))).text();
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    try {
      for (let salt = 100; salt < 110; salt++) for (const query of hostile(salt)) await client.callTool({ name: 'execute_query', arguments: { query } });
    } finally {
      probing = false;
      await probe;
      await client.close();
      await server.close();
    }
    const max = Math.max(...latencies);
    log(`/healthz: ${latencies.length} probes, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${max.toFixed(1)} ms`);
    measurements.push({ name: '/healthz p99 while hostile queries are judged', value: percentile(latencies, 99), unit: 'ms', target: `< ${HEALTHZ_TARGET_MS} ms`, pass: percentile(latencies, 99) < HEALTHZ_TARGET_MS });
    measurements.push({ name: '/healthz max while hostile queries are judged', value: max, unit: 'ms', target: `< ${HEALTHZ_TARGET_MS} ms`, pass: max < HEALTHZ_TARGET_MS, details: { probes: latencies.length } });
    return measurements;
  },
};

export default bench;
