/**
 * `prometheus-mcp`: the Prometheus MCP server and its subcommands. Parsing, wiring and output live in
 * mcp/server/cli.ts; this file only connects them to the process.
 */
import { runPrometheusMcp } from '../mcp/server/cli.js';

// A reader that goes away (`prometheus-mcp ask ... | head`) must not crash the process: drop the output.
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

process.exitCode = await runPrometheusMcp(process.argv.slice(2), { stdout: write(process.stdout), stderr: write(process.stderr) });
