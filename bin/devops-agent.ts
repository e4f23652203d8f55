/**
 * `devops-agent serve | investigate --event FILE [--json]`. Parsing, commands and output live in
 * agent/cli.ts; this file only connects them to the process: streams, environment and signals.
 */
import { runDevopsAgent } from '../agent/cli.js';

const write = (stream: NodeJS.WriteStream) => {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text: string) => {
    if (!closed) stream.write(text);
  };
};

// SIGTERM (Kubernetes, local-cluster down) and SIGINT (Ctrl-C) stop serve gracefully.
const stopSignal = new Promise<string>((resolve) => {
  process.once('SIGTERM', () => resolve('SIGTERM'));
  process.once('SIGINT', () => resolve('SIGINT'));
});

process.exitCode = await runDevopsAgent(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr), env: process.env, stopSignal });
process.exit();
