/**
 * `devops-agent serve | investigate --event FILE [--json]`. Parsing, commands and output live in
 * agent/cli.ts; this file only connects them to the process: streams, environment and signals.
 */
import { processOutput } from './process-output.js';
import { runDevopsAgent } from '../agent/cli.js';

// SIGTERM (Kubernetes, local-cluster down) and SIGINT (Ctrl-C) stop serve gracefully.
const stopSignal = new Promise<string>((resolve) => {
  process.once('SIGTERM', () => resolve('SIGTERM'));
  process.once('SIGINT', () => resolve('SIGINT'));
});

process.exitCode = await runDevopsAgent(process.argv.slice(2), { stdout: processOutput(process.stdout), stderr: processOutput(process.stderr), env: process.env, stopSignal });
process.exit();
