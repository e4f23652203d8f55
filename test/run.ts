/**
 * Test entry (`npm test`): finds every `*.test.ts` beside the code and under `test/`, and runs them in
 * one uvu process. Arguments filter by path substring: `npm test -- infra/local mcp/anomaly`.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from 'uvu/run';
import { ensureBinaries } from '../infra/local/deploy/binaries.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const skipDirs = new Set(['node_modules', '.git', 'cdk.out', '.local-cluster', 'recordings', 'fixtures']);

function find(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir)) {
    if (skipDirs.has(entry)) continue;
    const path = join(dir, entry);
    if (relative(root, path) === join('infra', 'eks')) continue;
    if (statSync(path).isDirectory()) find(path, out);
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const bail = process.argv.includes('--bail');
const files = find(root, [])
  .map((file) => relative(root, file))
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort((a, b) => Number(a.startsWith('test/')) - Number(b.startsWith('test/')) || a.localeCompare(b));

if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

// Integration tests run the real Prometheus and Alertmanager: install them first where we can (Debian
// or Ubuntu as root), exactly as `local-cluster up` would, or stop with the command that does.
try {
  await ensureBinaries({ install: true, say: (line) => console.error(line) });
} catch (error) {
  console.error(`npm test needs Prometheus and Alertmanager: ${(error as Error).message}`);
  process.exit(1);
}

await run(files.map((file) => ({ name: file, file: join(root, file) })), { bail });
