/**
 * `prometheus-mcp`: the Prometheus MCP server and its subcommands. Parsing, wiring and output live in
 * mcp/server/cli.ts; this file only connects them to the process.
 */
import { processOutput } from './process-output.js';
import { runPrometheusMcp } from '../mcp/server/cli.js';

process.exitCode = await runPrometheusMcp(process.argv.slice(2), { stdout: processOutput(process.stdout), stderr: processOutput(process.stderr), env: process.env });
