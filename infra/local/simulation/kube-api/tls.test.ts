import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../../../core/log.js';
import { renderKubeconfig } from '../../../../lib/kubernetes/kubeconfig.js';
import { listenOnLoopback, NAMESPACE_NAME, sampleCluster } from '../../../../test/support/simulation/sample-cluster.js';
import { createKubeApi } from './server.js';
import { selfSignedCertificate } from '../../../../lib/platform/tls.js';

const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';
const run = promisify(execFile);

test('the self-signed certificate is a CA for loopback names', () => {
  const { cert } = selfSignedCertificate({ now: Date.UTC(2026, 10, 25) });
  const x509 = new X509Certificate(cert);
  assert.ok(x509.ca);
  assert.is(x509.subjectAltName, 'IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:localhost');
  assert.ok(x509.checkIP('127.0.0.1'));
  assert.ok(x509.verify(x509.publicKey));
  assert.is(x509.validTo, 'Nov 22 00:00:00 2036 GMT');
});

test('over https, kubectl and client-node authenticate with the kubeconfig token; others get 401', async () => {
  const tls = selfSignedCertificate();
  const cluster = sampleCluster();
  const served = await listenOnLoopback(createKubeApi(cluster.backend, { token: 'tls-token', logger: createLogger('kube-api', { sink: () => undefined }) }), tls);
  const dir = mkdtempSync(join(tmpdir(), 'kube-api-tls-'));
  try {
    const write = (name: string, token: string) => {
      const file = join(dir, name);
      writeFileSync(file, renderKubeconfig({ server: served.url, token, clusterName: 'petadoptions-local', namespace: NAMESPACE_NAME, certificateAuthority: tls.cert }));
      return file;
    };
    const env = (file: string) => ({ PATH: process.env.PATH, HOME: dir, KUBECONFIG: file, KUBECACHEDIR: join(dir, 'cache') });
    const good = write('good', 'tls-token');
    const { stdout, stderr } = await run(KUBECTL, ['get', 'pods'], { env: env(good) });
    assert.is(stderr, '');
    assert.is(stdout.trim().split('\n').length, 6);
    const refused = await run(KUBECTL, ['get', 'pods'], { env: env(write('bad', 'nope')) }).catch((error: { stderr: string }) => error);
    assert.match((refused as { stderr: string }).stderr, /You must be logged in to the server/);

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(good);
    const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
    assert.is(nodes.items.length, 3);
  } finally {
    await served.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
