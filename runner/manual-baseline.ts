/**
 * The manual runbook, executed for real: each step's command runs in bash against the target (KUBECONFIG,
 * PROM, XRAY set), its output is kept in the run directory (manual/NN-<id>.txt) and its duration is
 * measured. Steps that change the cluster run as their server-side dry run, because the agent makes the
 * real change in the same run. These measurements plus the persona model give the manual MTTR.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunbookSpec, RunbookStep } from '../scenarios/catalog.js';
import type { StepMeasurement } from './manual-model.js';

export interface StepExecution extends StepMeasurement {
  title: string;
  command: string;
  dryRun: boolean;
  exitCode: number | null;
  outputFile: string;
  startedAt: string;
  error?: string;
}

export interface RunbookEnvironment {
  kubeconfig: string;
  prometheusUrl: string;
  xrayUrl?: string;
  target: 'local' | 'eks';
  /** Where the outputs go (the run directory's manual/). */
  outDir: string;
  stepTimeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs the steps of the given phases, in runbook order; never throws for a failing step (it is recorded). */
export async function executeRunbook(runbook: RunbookSpec, phases: RunbookStep['phase'][], env: RunbookEnvironment): Promise<StepExecution[]> {
  mkdirSync(env.outDir, { recursive: true });
  const results: StepExecution[] = [];
  for (const [index, step] of runbook.steps.entries()) {
    if (!phases.includes(step.phase) || !step.targets.includes(env.target)) continue;
    if (env.signal?.aborted) break;
    const command = step.mutates && step.dryRun ? step.dryRun : step.run;
    const startedAt = new Date();
    const began = performance.now();
    const outcome = await runShell(command, env);
    const machineSeconds = (performance.now() - began) / 1000;
    const outputFile = join(env.outDir, `${String(index + 1).padStart(2, '0')}-${step.id}.txt`);
    const output = outcome.stdout + (outcome.stderr ? `\n[stderr]\n${outcome.stderr}` : '');
    writeFileSync(outputFile, `$ ${command}\n# ${step.title} (${step.phase}; exit ${outcome.code ?? 'killed'}; ${machineSeconds.toFixed(2)} s${step.mutates ? '; server-side dry run' : ''})\n\n${output}`);
    results.push({
      id: step.id,
      phase: step.phase,
      step,
      title: step.title,
      command,
      dryRun: Boolean(step.mutates),
      outputLines: output.split('\n').filter((line) => line.trim()).length,
      machineSeconds,
      exitCode: outcome.code,
      outputFile,
      startedAt: startedAt.toISOString(),
      ...(outcome.error ? { error: outcome.error } : {}),
    });
  }
  return results;
}

function runShell(command: string, env: RunbookEnvironment): Promise<{ stdout: string; stderr: string; code: number | null; error?: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      env: { ...process.env, KUBECONFIG: env.kubeconfig, PROM: env.prometheusUrl, ...(env.xrayUrl ? { XRAY: env.xrayUrl } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const limit = 256 * 1024;
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < limit) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < limit) stderr += chunk.toString();
    });
    const kill = () => child.kill('SIGTERM');
    const timer = setTimeout(kill, env.stepTimeoutMs ?? 60_000);
    env.signal?.addEventListener('abort', kill, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code: null, error: `could not start bash: ${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      env.signal?.removeEventListener('abort', kill);
      resolve({ stdout, stderr, code, ...(code === null ? { error: 'timed out or interrupted' } : code !== 0 ? { error: `exit code ${code}` } : {}) });
    });
  });
}
