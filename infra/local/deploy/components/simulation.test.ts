/**
 * The simulation component starts whatever its kube token looks like: base64url tokens begin with "-"
 * one time in 64, and a stack whose token did could never start (the token is kept in state.json).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { selfSignedCertificate } from '../../simulation/kube-api/index.js';
import { resolveProfile } from '../../profiles.js';
import { resolveStackConfig, stackPaths } from '../config.js';
import { lineProgress } from '../progress.js';
import { sleep, stopProcess } from '../processes.js';
import { freeStackPorts } from '../../../../test/support/deploy/ports.js';
import { simulation } from './simulation.js';

const fakeSimulation = fileURLToPath(new URL('../../../../test/support/deploy/fake-sim.ts', import.meta.url));

test('a kube token that starts with "-" reaches the simulation as the token, not as an option', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'sim-component-'));
  const [ports] = await freeStackPorts(1);
  const config = { ...resolveStackConfig({ fast: true, 'state-dir': stateDir }, {}), ports: ports!, install: false, simulationEntry: fakeSimulation };
  const profile = resolveProfile('fast');
  const state = { version: 1 as const, profile: profile.name, ports: ports!, kubeToken: '-Xk3-token_from-base64url', components: {} };
  const signal = new AbortController().signal;
  const paths = stackPaths(stateDir);
  const { cert, key } = selfSignedCertificate({ validDays: 1 });
  mkdirSync(dirname(paths.kubeTlsCert), { recursive: true });
  writeFileSync(paths.kubeTlsKey, key);
  writeFileSync(paths.kubeTlsCert, cert);
  const ctx = { config, paths, ports: ports!, profile, state, signal, binaries: {} as never, progress: lineProgress(() => {}) };
  const record = await simulation.start(ctx);
  try {
    let readiness = await simulation.isReady(ctx);
    for (let i = 0; i < 100 && !readiness.ready; i++) {
      await sleep(200);
      readiness = await simulation.isReady(ctx);
    }
    assert.ok(readiness.ready, readiness.detail);
  } finally {
    await stopProcess(record);
    rmSync(stateDir, { recursive: true, force: true });
  }
});

test.run();
