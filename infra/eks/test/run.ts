/**
 * `npm test` in infra/eks: every *.test.ts of the package in ONE process, so the blueprint is
 * synthesised once (test/kit.ts) and shared by all files. Prints uvu's totals ("Total:", "Passed:"),
 * which the kit's root test runner and CI read.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const prefixes = process.argv.slice(2);

function find(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'cdk.out' || entry === 'fixtures') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) find(path, out);
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = find(root)
  .map((file) => relative(root, file))
  .filter((file) => prefixes.length === 0 || prefixes.some((prefix) => file.startsWith(prefix)))
  .sort();
if (files.length === 0) {
  process.stderr.write(`infra/eks tests: no test files start with ${prefixes.join(' or ')}\n`);
  process.exit(2);
}
const { run } = (await import('uvu/run')) as { run: (suites: { name: string; file: string }[], options?: { bail?: boolean }) => Promise<void> };
await run(files.map((file) => ({ name: file, file: join(root, file) })));
