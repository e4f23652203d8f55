/**
 * `npm run bench -- cache-hit-rate`: the cache on an agent's investigation pattern against the real
 * Prometheus fixture. For each of the fixture's incidents an agent follows the investigation prompt
 * of this server (triage questions, range queries, anomaly detection), thinking 2-6 s between tool
 * calls while "now" moves on, then verifies the remediation by re-running its key queries every
 * 30 s for three minutes. Hit rate = cache hits / (hits + misses), as get_server_info reports it.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Benchmark } from './harness.js';
import { ManualClock } from '../core/clock.js';
import { memoryLogger } from '../core/log.js';
import { prometheusHistory } from '../test/support/prometheus-history.js';
import { createBackend } from '../lib/prometheus/client/index.js';
import { createMcpServer } from '../mcp/server/create-server.js';
import { newSession } from '../mcp/server/session.js';
import { serverDependencies } from '../mcp/server/setup.js';

const TARGET = 0.4;

type Call = [tool: string, args: Record<string, unknown>];

interface Investigation {
  incident: string;
  plan: Call[];
  /** Re-run every 30 s while verifying. */
  verify: Call[];
}

const ns = 'namespace="petadoptions"';
const investigations: Investigation[] = [
  {
    incident: 'petlistadoptions memory leak',
    plan: [
      ['ask', { question: 'which pods in petadoptions are closest to their memory limit?' }],
      ['execute_query', { query: `sum by (pod, container) (container_memory_working_set_bytes{${ns},container!=""}) / sum by (pod, container) (kube_pod_container_resource_limits{${ns},resource="memory"})` }],
      ['execute_range_query', { query: `sum by (pod) (container_memory_working_set_bytes{${ns},container="petlistadoptions"})`, start: 'now-1h', end: 'now', step: '30s' }],
      ['detect_anomalies', { query: `sum by (pod) (container_memory_working_set_bytes{${ns},container="petlistadoptions"})` }],
      ['execute_query', { query: `increase(kube_pod_container_status_restarts_total{${ns},container="petlistadoptions"}[1h])` }],
      ['execute_query', { query: `kube_pod_container_status_last_terminated_reason{${ns},reason="OOMKilled"}` }],
      ['ask', { question: 'memory of petlistadoptions over the last hour' }],
    ],
    verify: [
      ['execute_query', { query: `sum by (pod, container) (container_memory_working_set_bytes{${ns},container!=""}) / sum by (pod, container) (kube_pod_container_resource_limits{${ns},resource="memory"})` }],
      ['execute_range_query', { query: `sum by (pod) (container_memory_working_set_bytes{${ns},container="petlistadoptions"})`, start: 'now-1h', end: 'now', step: '30s' }],
    ],
  },
  {
    incident: 'payforadoption CPU throttling',
    plan: [
      ['ask', { question: 'is payforadoption throttled?' }],
      ['execute_query', { query: `sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{container="payforadoption"}[5m])) / sum by (pod) (rate(container_cpu_cfs_periods_total{container="payforadoption"}[5m]))` }],
      ['execute_range_query', { query: `sum by (pod) (rate(container_cpu_usage_seconds_total{${ns},container="payforadoption"}[5m]))`, start: 'now-1h', end: 'now', step: '30s' }],
      ['execute_query', { query: `sum by (pod) (rate(container_cpu_usage_seconds_total{${ns},container="payforadoption"}[5m]))` }],
      ['ask', { question: 'p99 latency of payforadoption' }],
      ['ask', { question: 'error rate of payforadoption' }],
    ],
    verify: [
      ['execute_query', { query: `sum by (pod) (rate(container_cpu_cfs_throttled_periods_total{container="payforadoption"}[5m])) / sum by (pod) (rate(container_cpu_cfs_periods_total{container="payforadoption"}[5m]))` }],
      ['ask', { question: 'p99 latency of payforadoption' }],
    ],
  },
  {
    incident: 'petsearch network latency',
    plan: [
      ['ask', { question: 'p99 latency of petsite by route' }],
      ['execute_range_query', { query: 'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{service="petsite"}[5m])))', start: 'now-1h', end: 'now', step: '30s' }],
      ['ask', { question: 'compare petsite latency with an hour ago' }],
      ['execute_query', { query: 'sum(rate(http_requests_total{service="petsite",code=~"5.."}[5m])) / sum(rate(http_requests_total{service="petsite"}[5m]))' }],
      ['ask', { question: 'p99 latency of petsearch' }],
      ['execute_range_query', { query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="petsearch"}[5m])))', start: 'now-1h', end: 'now', step: '30s' }],
    ],
    verify: [
      ['execute_query', { query: 'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{service="petsearch"}[5m])))' }],
      ['execute_range_query', { query: 'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{service="petsite"}[5m])))', start: 'now-1h', end: 'now', step: '30s' }],
    ],
  },
  {
    incident: 'node memory pressure (earlier)',
    plan: [
      ['execute_query', { query: 'kube_node_status_condition{status="true",condition!="Ready"} == 1' }],
      ['execute_range_query', { query: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes', start: 'now-3h', end: 'now', step: '30s' }],
      ['detect_anomalies', { query: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes' }],
      ['execute_query', { query: 'sum by (node) (kube_pod_status_phase{phase="Failed"})' }],
      ['ask', { question: 'memory use of the nodes' }],
    ],
    verify: [['execute_query', { query: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes' }]],
  },
];

/** One server (one cache) shared by every session, as `prometheus-mcp --transport http` runs it. */
async function startServer(url: string, clock: ManualClock) {
  const deps = await serverDependencies({ backend: await createBackend({ prometheusUrl: url }), clock, logger: memoryLogger() }, 'http');
  const sessions: Client[] = [];
  const connect = async (name: string) => {
    const server = createMcpServer(deps, newSession(name, deps.services.translator));
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name, version: '1' });
    await client.connect(clientSide);
    sessions.push(client);
    return client;
  };
  return { deps, connect, close: () => Promise.all(sessions.map((c) => c.close())) };
}

interface Tally {
  calls: number;
  errors: number;
}

async function callWith(client: Client, tally: Tally, [name, args]: Call): Promise<void> {
  const result = await client.callTool({ name, arguments: args });
  tally.calls++;
  if (result.isError) tally.errors++;
}

/**
 * The kit's incident workflow (DESIGN.md data flow) through the MCP server: the agent's playbook
 * gathers evidence (its steps run in parallel), the analysis re-reads the key series 10 s later, an
 * SRE asks about the same incident from their MCP client, and verification polls the symptom every
 * 5 s for two minutes ("symptom gone for N seconds").
 */
async function incidentWorkflow(url: string, at: number): Promise<Tally & { hitRate: number; stats: Record<string, number> }> {
  const clock = new ManualClock(at - 20 * 60_000);
  const server = await startServer(url, clock);
  const agent = await server.connect('agent');
  const sre = await server.connect('sre');
  const tally: Tally = { calls: 0, errors: 0 };
  for (const investigation of investigations) {
    await Promise.all(investigation.plan.map((step) => callWith(agent, tally, step)));
    clock.advance(10_000);
    for (const step of investigation.verify) await callWith(agent, tally, step);
    clock.advance(20_000);
    for (const step of investigation.plan.filter(([tool]) => tool === 'ask').slice(0, 2)) {
      await callWith(sre, tally, step);
      clock.advance(4_000);
    }
    for (let poll = 0; poll < 24; poll++) {
      clock.advance(5_000);
      for (const step of investigation.verify) await callWith(agent, tally, step);
    }
    clock.advance(60_000);
  }
  const stats = server.deps.cacheStats!();
  await server.close();
  return { ...tally, hitRate: stats.hitRate, stats: { ...stats } };
}

/** One LLM agent alone, thinking 2-6 s between calls and never repeating within a resolution step. */
async function soloAgent(url: string, at: number): Promise<Tally & { hitRate: number }> {
  const clock = new ManualClock(at - 20 * 60_000);
  const server = await startServer(url, clock);
  const agent = await server.connect('agent');
  const tally: Tally = { calls: 0, errors: 0 };
  let think = 0;
  for (const investigation of investigations) {
    for (const step of investigation.plan) {
      await callWith(agent, tally, step);
      clock.advance(2_000 + ((think++ * 7919) % 5) * 1_000);
    }
  }
  const stats = server.deps.cacheStats!();
  await server.close();
  return { ...tally, hitRate: stats.hitRate };
}

const bench: Benchmark = {
  name: 'cache-hit-rate',
  description: 'query cache on the incident workflow (agent evidence, analysis, an SRE asking, verification polling) with a moving "now"',
  async run({ log }) {
    const { url, at } = await prometheusHistory();
    const workflow = await incidentWorkflow(url, at);
    log(`incident workflow: ${workflow.calls} tool calls (${workflow.errors} failed); cache ${JSON.stringify(workflow.stats)}`);
    const solo = await soloAgent(url, at);
    log(`solo agent: ${solo.calls} tool calls (${solo.errors} failed); hit rate ${(solo.hitRate * 100).toFixed(1)}%`);
    return [
      { name: 'cache hit rate, incident workflow', value: workflow.hitRate * 100, unit: '%', target: `> ${TARGET * 100}%`, pass: workflow.hitRate > TARGET, details: { ...workflow } },
      // For the record: a lone agent that never asks the same thing twice within 15 s gains little.
      { name: 'cache hit rate, one agent without repeats', value: solo.hitRate * 100, unit: '%', details: { ...solo } },
    ];
  },
};

export default bench;
