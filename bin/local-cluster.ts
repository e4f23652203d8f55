/**
 * `local-cluster up|down|status [--json]`: the local target's lifecycle. Parsing, commands and output
 * live in infra/local/stack/cli.ts; this file only connects them to the process.
 */
import { processOutput } from './process-output.js';
import { runLocalCluster } from '../infra/local/deploy/cli.js';

process.exitCode = await runLocalCluster(process.argv.slice(2), { stdout: processOutput(process.stdout), stderr: processOutput(process.stderr) });
