// The tests of backfill.test.ts that need the real Prometheus tools (npm test runs them; npm run test:unit does not).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backfill, holdsHistory } from './backfill.js';
import { findOnPath } from './binaries.js';

const promtool = process.env.PROMTOOL_BIN ?? findOnPath(['promtool'])!;
const dir = mkdtempSync(join(tmpdir(), 'backfill-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function history(hours: number, stepSeconds: number, end = Math.floor(Date.now() / 1000)): string {
  const lines = ['# TYPE container_memory_working_set_bytes gauge'];
  for (const pod of ['petsite-1', 'petsearch-1']) {
    for (let t = end - hours * 3600; t <= end; t += stepSeconds) lines.push(`container_memory_working_set_bytes{namespace="petadoptions",pod="${pod}",container="app",node="n1"} ${1e8 + t % 1000} ${t}`);
  }
  return [...lines, '# EOF', ''].join('\n');
}

test('backfill wipes the data dir, writes blocks of the whole history and marks what it holds', async () => {
  const historyFile = join(dir, 'history.om');
  writeFileSync(historyFile, history(6, 30));
  const dataDir = join(dir, 'data');
  mkdirSync(join(dataDir, 'stale-block'), { recursive: true });
  const source = { historyFile, historyEnd: 1 };
  const result = await backfill(promtool, source, dataDir);
  assert.is(result.samples, 2 * (6 * 120 + 1));
  assert.is(result.series, 2);
  assert.ok(result.blocks >= 3, `6 h in 2 h blocks, got ${result.blocks}`);
  assert.not.ok(existsSync(join(dataDir, 'stale-block')), 'old blocks are wiped');
  assert.ok(readdirSync(dataDir).some((name) => /^[0-9A-Z]{26}$/.test(name)));
  assert.ok(holdsHistory(dataDir, source));
  assert.not.ok(holdsHistory(dataDir, { historyFile, historyEnd: 2 }), 'another run of the simulation');
});

test('a history promtool rejects is an error pointing at the simulation', async () => {
  const historyFile = join(dir, 'broken.om');
  writeFileSync(historyFile, 'up{job="x" 1 1795600000\n# EOF\n');
  try {
    await backfill(promtool, { historyFile, historyEnd: 1 }, join(dir, 'data2'));
    assert.unreachable('accepted a broken history');
  } catch (error) {
    assert.match((error as Error).message, /promtool could not turn .*broken\.om into TSDB blocks/);
  }
  writeFileSync(historyFile, 'up{job="x"} 1\n# EOF\n');
  try {
    await backfill(promtool, { historyFile, historyEnd: 1 }, join(dir, 'data2'));
    assert.unreachable('accepted samples without timestamps');
  } catch (error) {
    assert.match((error as Error).message, /has a sample without a timestamp \("up\{job="x"\} 1"\)/);
  }
  try {
    await backfill(promtool, { historyFile: join(dir, 'absent.om'), historyEnd: 1 }, join(dir, 'data3'));
    assert.unreachable('accepted a missing history');
  } catch (error) {
    assert.match((error as Error).message, /no such file/);
  }
});

test.run();
