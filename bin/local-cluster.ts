/**
 * `local-cluster up|down|status [--json]`: the local target's lifecycle. Parsing, commands and output
 * live in infra/local/deploy/cli.ts; this file only connects them to the process: streams, environment
 * and signals.
 */
import { processOutput } from './process-output.js';
import { runLocalCluster } from '../infra/local/deploy/cli.js';

const stderr = processOutput(process.stderr);

/** Ctrl-C (or SIGTERM) aborts `up`, which then stops what it started; a second one leaves at once. */
function watchInterrupts(): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) {
      stderr('\nInterrupted twice; leaving now. Run local-cluster down to stop what was started.\n');
      process.exit(130);
    }
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

process.exitCode = await runLocalCluster(process.argv.slice(2), { stdout: processOutput(process.stdout), stderr, env: process.env, watchInterrupts });
