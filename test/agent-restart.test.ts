/**
 * The agent killed (SIGKILL, no chance to save anything) in the middle of a remediation and started
 * again: the incident is still there, the investigation resumes, and the action is not executed twice.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryLeakPlaybook, playbookDir, tempDir } from './support/agent/workflow-testkit.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = readFileSync(join(root, 'agent/intake/fixtures/alertmanager-memory-near-limit.json'), 'utf8');

function startChild(dataDir: string, playbooks: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/support/agent-child.ts'), dataDir, playbooks], { cwd: root, env: { ...process.env, ...env } });
  const lines: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => w.match.test(line))) w.resolve(line);
    }
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const waitFor = (match: RegExp, ms = 20_000) =>
    new Promise<string>((resolve, reject) => {
      const found = lines.find((l) => match.test(l));
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error(`no line matching ${match} within ${ms} ms; stderr: ${stderr.slice(-2000)}`)), ms);
      waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  return { child, waitFor };
}

const exited = (child: ChildProcessWithoutNullStreams) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

test('killed mid-remediation and restarted: nothing lost, no action executed twice', async () => {
  const dataDir = tempDir('agent-restart-');
  const playbooks = playbookDir({ 'memory-leak.yaml': memoryLeakPlaybook });
  const first = startChild(dataDir, playbooks, { HANG_AFTER_WRITE: '1' });
  const url = (await first.waitFor(/^listening /)).split(' ')[1]!;
  const posted = await fetch(`${url}/webhooks/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture });
  const incidentId = ((await posted.json()) as { results: { incidentId: string }[] }).results[0]!.incidentId;
  await first.waitFor(/^wrote petadoptions\/petsite$/);
  first.child.kill('SIGKILL');
  await exited(first.child);

  const second = startChild(dataDir, playbooks);
  const url2 = (await second.waitFor(/^listening /)).split(' ')[1]!;
  let incident: { status: string; actions: { status: string; result?: { message: string } }[]; findings: unknown[]; workflow: { runs: number; status: string } } | undefined;
  for (let i = 0; i < 200; i++) {
    incident = (await (await fetch(`${url2}/incidents/${incidentId}`)).json()) as typeof incident;
    if (incident!.workflow.status === 'completed') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  second.child.kill('SIGTERM');
  await exited(second.child);
  assert.is(incident!.workflow.status, 'completed');
  assert.is(incident!.workflow.runs, 2, 'resumed by the second process');
  assert.is(incident!.findings.length, 3, 'the evidence of the first run is kept, not gathered twice');
  assert.is(incident!.actions[0]!.status, 'failed');
  assert.match(incident!.actions[0]!.result!.message, /not executed again/);
  const writes = existsSync(join(dataDir, 'cluster-writes.log')) ? readFileSync(join(dataDir, 'cluster-writes.log'), 'utf8').trim().split('\n') : [];
  assert.equal(writes, ['petadoptions/petsite'], 'one write across both processes');
});

test.run();
