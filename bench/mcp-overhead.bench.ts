/**
 * `npm run bench -- mcp-overhead`: what the MCP server adds to a Prometheus query. The same instant
 * query, at the same instant, against the real Prometheus fixture: once as a direct HTTP call to
 * Prometheus, once as an `execute_query` tool call from the SDK's Client over streamable HTTP (cache
 * disabled, so every call reaches Prometheus). Calls alternate, so both see the same load.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { percentile, type Benchmark, type Measurement } from './harness.js';
import { memoryLogger } from '../core/log.js';
import { prometheusHistory } from '../test/support/prometheus-history.js';
import { createBackend } from '../lib/prometheus/client/index.js';
import { startHttpServer } from '../mcp/server/http.js';

const ITERATIONS = 300;
const WARMUP = 30;
const TARGET_MS = 10;

async function measure(url: string, at: number, query: string, client: Client): Promise<{ direct: number[]; tool: number[] }> {
  const direct: number[] = [];
  const tool: number[] = [];
  const body = new URLSearchParams({ query, time: String(at / 1000) });
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    let started = performance.now();
    const res = await fetch(`${url}/api/v1/query`, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const json = (await res.json()) as { status: string };
    if (json.status !== 'success') throw new Error(`direct query failed: ${JSON.stringify(json)}`);
    const d = performance.now() - started;
    started = performance.now();
    const result = await client.callTool({ name: 'execute_query', arguments: { query, time: at / 1000 } });
    if (result.isError) throw new Error(`tool call failed: ${JSON.stringify(result.content)}`);
    const t = performance.now() - started;
    if (i >= WARMUP) {
      direct.push(d);
      tool.push(t);
    }
  }
  return { direct, tool };
}

const bench: Benchmark = {
  name: 'mcp-overhead',
  description: 'execute_query over streamable HTTP vs the same query sent straight to Prometheus (cache off)',
  async run({ log }) {
    const { url, at } = await prometheusHistory();
    const server = await startHttpServer({ backend: await createBackend({ prometheusUrl: url }), cache: false, logger: memoryLogger() });
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    const measurements: Measurement[] = [];
    try {
      const cases = [
        { name: 'request rate by service', query: 'sum by (service) (rate(http_requests_total{namespace="petadoptions"}[5m]))', headline: true },
        // A raw selector: the series-count guardrail and the memory-limit lookup add two backend calls.
        { name: 'working set per container (guardrail + limit lookup)', query: 'container_memory_working_set_bytes{namespace="petadoptions",container!=""}', headline: false },
      ];
      for (const c of cases) {
        const { direct, tool } = await measure(url, at, c.query, client);
        const overhead = percentile(tool, 50) - percentile(direct, 50);
        log(`${c.name}: direct p50 ${percentile(direct, 50).toFixed(2)} ms, tool p50 ${percentile(tool, 50).toFixed(2)} ms, tool p99 ${percentile(tool, 99).toFixed(2)} ms`);
        measurements.push({
          name: `MCP overhead p50: ${c.name}`,
          value: overhead,
          unit: 'ms',
          ...(c.headline ? { target: `< ${TARGET_MS} ms`, pass: overhead < TARGET_MS } : {}),
          details: {
            query: c.query,
            iterations: ITERATIONS,
            directP50: percentile(direct, 50),
            directP99: percentile(direct, 99),
            toolP50: percentile(tool, 50),
            toolP99: percentile(tool, 99),
          },
        });
      }
    } finally {
      await client.close();
      await server.close();
    }
    return measurements;
  },
};

export default bench;
