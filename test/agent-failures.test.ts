/**
 * Failure of evidence sources on the local target: the MCP server down, the Kubernetes API answering
 * 500s or not at all, X-Ray throttling. Each becomes an investigation gap with its reason; the
 * investigation still concludes (right kind and target, from the sources that answered) with lower
 * confidence, and the summary says what was not reached.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { KubernetesApiEvidence } from '../agent/evidence/kubernetes.js';
import { McpMetrics } from '../agent/evidence/metrics-mcp.js';
import { XRayEvidence, xrayClient } from '../agent/evidence/xray.js';
import type { EvidenceSources } from '../agent/ports.js';
import type { AnalyseOutput } from '../agent/steps/analyse.js';
import { matchesExpected } from './support/agent/cases.js';
import { faults } from './support/agent/faults.js';
import { memoryContext } from './support/agent/memory-context.js';
import { recordRetryDelays } from './support/agent/sdk-retry.js';
import { playbookFor, runPlaybook } from './support/agent/run-playbook.js';
import { buildWorld, type World } from './support/agent/simulated-world.js';
import { freePort } from './support/free-port.js';

const noSleep = async () => undefined;
const isKube = (req: IncomingMessage) => /^\/(api|apis)\//.test(req.url ?? '');

async function investigate(world: World, evidence: EvidenceSources) {
  const context = memoryContext({ alerts: world.alerts, evidence, now: () => world.sim.now });
  const started = Date.now();
  const outputs = await runPlaybook(playbookFor(world.alerts), context, { until: 'analyse' });
  return { context, analysis: outputs.analyse as AnalyseOutput, ms: Date.now() - started };
}

test('MCP server down: a prometheus gap; the memory leak is still found from the Kubernetes API, events and logs', async () => {
  const world = await buildWorld(faults.memoryLeak('petlistadoptions'), { seed: 31 });
  try {
    const full = await investigate(world, world.evidence);
    const down = new McpMetrics({ url: `http://127.0.0.1:${await freePort()}/mcp`, sleep: noSleep, retry: { maxAttempts: 2 } });
    const { analysis, context } = await investigate(world, { ...world.evidence, metrics: down });
    const gap = context.incident.gaps.find((g) => g.source === 'prometheus');
    assert.ok(gap, JSON.stringify(context.incident.gaps));
    assert.match(gap.reason, /MCP server unreachable/);
    assert.match(gap.impact, /no metrics/);
    assert.ok(matchesExpected(analysis.rootCause, world.expected), analysis.rootCause.summary);
    assert.ok(analysis.sources.length >= 3, analysis.sources.join(', '));
    assert.not.ok(analysis.sources.includes('prometheus'));
    assert.ok(analysis.rootCause.confidence <= full.analysis.rootCause.confidence);
    assert.match(analysis.rootCause.summary, /Not reached: prometheus/);
    assert.ok(context.incident.timeline.some((e) => e.type === 'gap' && e.source === 'prometheus'));
  } finally {
    await world.close();
  }
});

test('Kubernetes API answering 500: kubernetes, events and logs gaps; CPU throttling still found from metrics and traces', async () => {
  const world = await buildWorld(faults.cpuThrottling('payforadoption'), { seed: 32 });
  try {
    world.apis.setFaults((req) => (isKube(req) ? 'error' : undefined));
    const kubernetes = new KubernetesApiEvidence({ kubeconfig: world.apis.kubeconfig, sleep: noSleep, retry: { maxAttempts: 2 } });
    const { analysis, context } = await investigate(world, { ...world.evidence, kubernetes });
    const sources = new Set(context.incident.gaps.map((g) => g.source));
    assert.ok(sources.has('kubernetes'), JSON.stringify(context.incident.gaps));
    assert.ok(context.incident.gaps.some((g) => /HTTP 500 from the Kubernetes API: etcdserver: request timed out/.test(g.reason)));
    assert.ok(matchesExpected(analysis.rootCause, world.expected), analysis.rootCause.summary);
    assert.ok(analysis.sources.includes('prometheus') && analysis.sources.includes('traces'), analysis.sources.join(', '));
  } finally {
    world.apis.setFaults(undefined);
    await world.close();
  }
});

test('Kubernetes API not answering (timeouts): gaps within the step budget; the crash loop is still found from metrics', async () => {
  const world = await buildWorld(faults.crashLoop('petsite'), { seed: 33 });
  try {
    const full = await investigate(world, world.evidence);
    world.apis.setFaults((req) => (isKube(req) ? 'hang' : undefined));
    const kubernetes = new KubernetesApiEvidence({ kubeconfig: world.apis.kubeconfig, sleep: noSleep, retry: { maxAttempts: 2, attemptTimeoutMs: 300 } });
    const { analysis, context, ms } = await investigate(world, { ...world.evidence, kubernetes });
    assert.ok(ms < 10_000, `investigation took ${ms} ms`);
    assert.ok(context.incident.gaps.some((g) => g.source === 'kubernetes' && /no answer within 300 ms/.test(g.reason)), JSON.stringify(context.incident.gaps));
    assert.ok(matchesExpected(analysis.rootCause, world.expected), analysis.rootCause.summary);
    assert.ok(analysis.rootCause.confidence < full.analysis.rootCause.confidence || full.analysis.rootCause.confidence === 0.99);
  } finally {
    world.apis.setFaults(undefined);
    await world.close();
  }
});

test('X-Ray throttling: a traces gap after back-off; the slow callee is still found from metrics and logs, with less confidence', async () => {
  const world = await buildWorld(faults.latencyFromCpu('petsearch'), { seed: 34 });
  try {
    const full = await investigate(world, world.evidence);
    world.apis.setFaults((req) => (!isKube(req) && req.method === 'POST' ? 'throttle' : undefined));
    const waits: number[] = [];
    // The SDK retries (standard mode); its back-off is recorded, not waited.
    const client = xrayClient({ endpoint: world.apis.url, maxAttempts: 3 });
    recordRetryDelays(client, waits);
    const traces = new XRayEvidence({ client });
    const { analysis, context } = await investigate(world, { ...world.evidence, traces });
    const gap = context.incident.gaps.find((g) => g.source === 'traces');
    assert.ok(gap, JSON.stringify(context.incident.gaps));
    assert.match(gap.reason, /throttled by X-Ray \(ThrottledException: Rate exceeded\).*3 attempts/);
    assert.ok(waits.length >= 2, 'backed off before giving up');
    assert.ok(matchesExpected(analysis.rootCause, world.expected), analysis.rootCause.summary);
    assert.ok(analysis.rootCause.confidence < full.analysis.rootCause.confidence, `${analysis.rootCause.confidence} < ${full.analysis.rootCause.confidence}`);
  } finally {
    world.apis.setFaults(undefined);
    await world.close();
  }
});

test.run();
