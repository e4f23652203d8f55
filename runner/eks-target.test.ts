import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eksTarget } from './eks-target.js';

const say = () => undefined;
const signal = new AbortController().signal;

test('the eks target says everything it is missing, with how to get it', async () => {
  const target = eksTarget({ env: { KUBECONFIG: '/nonexistent/kubeconfig' } });
  try {
    await target.prepare({ fast: false, say, signal });
    assert.unreachable();
  } catch (error) {
    const message = (error as Error).message;
    assert.match(message, /aws eks update-kubeconfig/);
    assert.match(message, /--prometheus-url .*aws-sigv4-proxy/);
    assert.match(message, /--agent-url .*port-forward/);
  }
});

test('the eks target uses what it is given and never changes the profile', async () => {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'eks-')), 'config');
  writeFileSync(kubeconfig, 'apiVersion: v1\n');
  const notes: string[] = [];
  const endpoints = await eksTarget({ kubeconfig, prometheusUrl: 'http://localhost:8005/workspaces/ws-1', agentUrl: 'http://localhost:18080', env: {} }).prepare({ fast: true, say: (l) => notes.push(l), signal });
  assert.is(endpoints.profile, 'realistic');
  assert.is(endpoints.prometheusUrl, 'http://localhost:8005/workspaces/ws-1');
  assert.match(notes.join(''), /--fast has no effect/);
});

test.run();
