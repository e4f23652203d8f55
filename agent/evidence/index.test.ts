import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderKubeconfig } from '../../infra/local/simulation/kube-api/index.js';
import { createClusterWriter, createEvidenceSources, FallbackMetrics, KubernetesApiEvidence, KubernetesClusterWriter, McpMetrics, PrometheusMetrics, XRayEvidence } from './index.js';

test('the factory builds what the configuration names: MCP first with Prometheus as fallback, Kubernetes, X-Ray', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-evidence-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, renderKubeconfig({ server: 'http://127.0.0.1:1', token: 't', clusterName: 'petadoptions-local' }));
  const all = await createEvidenceSources({ mcpUrl: 'http://127.0.0.1:1/mcp', prometheusUrl: 'http://127.0.0.1:2', kubeconfig, xrayEndpoint: 'http://127.0.0.1:3' });
  assert.instance(all.metrics, FallbackMetrics);
  assert.instance(all.kubernetes, KubernetesApiEvidence);
  assert.instance(all.traces, XRayEvidence);
  assert.is(all.cloudwatch, undefined, 'no CloudWatch without a region and a cluster name');
  assert.instance((await createEvidenceSources({ mcpUrl: 'http://127.0.0.1:1/mcp' })).metrics, McpMetrics);
  assert.instance((await createEvidenceSources({ prometheusUrl: 'http://127.0.0.1:2' })).metrics, PrometheusMetrics);
  assert.instance(await createClusterWriter({ kubeconfig }), KubernetesClusterWriter);
  const saved = process.env.KUBERNETES_SERVICE_HOST;
  delete process.env.KUBERNETES_SERVICE_HOST;
  assert.equal(await createEvidenceSources({}), {}, 'nothing configured: no sources (the steps record gaps)');
  assert.is(await createClusterWriter({}), undefined);
  if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
});

test.run();
