/**
 * `run-scenario`: see runner/cli.ts. This file connects the CLI to the process: output streams, the
 * signals that stop a run (its cleanup still runs), and standard input for approvals and --manual.
 */
import { createInterface } from 'node:readline';
import { runCli } from '../runner/cli.js';
import type { Presenter } from '../runner/run.js';
import { processOutput } from './process-output.js';

// Ctrl-C or SIGTERM stops the run: the fault is removed and the target restored before exiting. A second
// one says so; a third leaves at once (the next run's preflight, and Chaos Mesh's or the FIS template's
// duration, clean up).
const controller = new AbortController();
let signals = 0;
const onSignal = (name: string) => {
  signals++;
  if (signals === 1) {
    process.stderr.write(`\n${name}: stopping; removing the fault and restoring the target first...\n`);
    controller.abort();
  } else if (signals === 2) process.stderr.write(`\n${name} again: cleanup is running; once more to leave without it (the next run cleans up)\n`);
  else process.exit(130);
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

const argv = process.argv.slice(2);
// Input is read when a person can answer: a terminal, or lines piped in for --manual.
const interactive = process.stdin.isTTY || argv.includes('--manual');
let presenter: Presenter | undefined;
let closeInput = () => undefined as void;
if (interactive) {
  const lines: string[] = [];
  const waiting: { resolve(line: string): void; reject(error: Error): void }[] = [];
  let ended = false;
  const rl = createInterface({ input: process.stdin, terminal: false });
  rl.on('line', (line) => {
    const next = waiting.shift();
    if (next) next.resolve(line);
    else lines.push(line);
  });
  rl.on('close', () => {
    ended = true;
    for (const w of waiting.splice(0)) w.reject(new Error('standard input closed'));
  });
  closeInput = () => rl.close();
  presenter = {
    ask(question) {
      process.stderr.write(`\n${question}`);
      if (lines.length) return Promise.resolve(lines.shift()!);
      if (ended) return Promise.reject(new Error('standard input closed'));
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
  };
}

const stderrWrite = processOutput(process.stderr);
process.exitCode = await runCli(argv, {
  stdout: processOutput(process.stdout),
  stderr: { write: stderrWrite, isTTY: process.stderr.isTTY === true },
  env: process.env,
  signal: controller.signal,
  ...(presenter ? { presenter } : {}),
});
closeInput();
process.exit();
