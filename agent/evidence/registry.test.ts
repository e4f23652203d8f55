/**
 * The evidence source registry: one entry per EvidenceSources slot, each honest about the
 * configuration it reads (nothing without it, an adapter with it) and read by registered step kinds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderKubeconfig } from '../../infra/local/simulation/kube-api/index.js';
import type { EvidenceConfig } from '../config.js';
import { stepHandlers } from '../steps/index.js';
import { StepRegistry } from '../workflow/registry.js';
import { evidenceSourceRegistry } from './registry.js';
import type { EvidenceOptions } from './source.js';

const steps = new StepRegistry(stepHandlers);

function withoutServiceAccount<T>(run: () => T): T {
  const saved = process.env.KUBERNETES_SERVICE_HOST;
  delete process.env.KUBERNETES_SERVICE_HOST;
  try {
    return run();
  } finally {
    if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
  }
}

test('one entry per EvidenceSources slot', () => {
  const ids = evidenceSourceRegistry.map((e) => e.id);
  for (const id of ['metrics', 'kubernetes', 'traces', 'cloudwatch']) assert.ok(ids.includes(id as (typeof ids)[number]), id);
  assert.is(new Set(ids).size, ids.length);
});

test('an entry builds nothing without its configuration, and an adapter with all of it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-evidence-registry-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, renderKubeconfig({ server: 'http://127.0.0.1:1', token: 't', clusterName: 'petadoptions-local' }));
  const values: Required<Omit<EvidenceConfig, 'logGroups'>> = { kubeconfig, mcpUrl: 'http://127.0.0.1:1/mcp', mcpApiKey: 'an-api-key-of-the-mcp-server-0123456789', prometheusUrl: 'http://127.0.0.1:2', xrayEndpoint: 'http://127.0.0.1:3', region: 'us-west-2', clusterName: 'PetSite' };
  withoutServiceAccount(() => {
    for (const entry of evidenceSourceRegistry) {
      assert.ok(entry.configKeys.length > 0, entry.id);
      const others = Object.fromEntries(Object.entries(values).filter(([key]) => !entry.configKeys.includes(key as keyof EvidenceConfig))) as EvidenceOptions;
      assert.is(entry.create(others), undefined, `${entry.id} without ${entry.configKeys.join(', ')}`);
      const own = Object.fromEntries(entry.configKeys.map((key) => [key, values[key as keyof typeof values]])) as EvidenceOptions;
      assert.ok(entry.create(own), `${entry.id} with ${entry.configKeys.join(', ')}`);
    }
  });
});

test('sources are read by registered step kinds', () => {
  for (const entry of evidenceSourceRegistry) {
    assert.ok(entry.readBy.length > 0, entry.id);
    for (const kind of entry.readBy) assert.ok(steps.get(kind), `${entry.id} is read by ${kind}, a registered kind`);
  }
});

test.run();
