/**
 * `local-cluster up|down|status [--json]`: the local target's lifecycle. Parsing, commands and output
 * live in infra/local/stack/cli.ts; this file only connects them to the process.
 */
import { runLocalCluster } from '../infra/local/stack/cli.js';

// A reader that goes away (`local-cluster up | head`) must not kill `up` halfway through starting the
// stack: drop the output instead.
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

process.exitCode = await runLocalCluster(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr) });
