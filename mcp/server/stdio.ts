/**
 * stdio transport: one client, one session, for the life of the process (Claude Desktop, Amazon Q,
 * VS Code and Cursor start the server this way). Logs go to stderr; stdout is the protocol. A line on
 * stdin that is not a JSON-RPC message gets a JSON-RPC error back (stdio-guard.ts), never silence.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { randomUUID } from 'node:crypto';
import { createMcpServer } from './create-server.js';
import { newSession } from './session.js';
import { guardStdin } from './stdio-guard.js';
import { serverDependencies, type McpServerOptions } from './setup.js';

export interface RunningStdioServer {
  /** Resolves when the client closes the connection (stdin ends). */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function startStdioServer(options: McpServerOptions): Promise<RunningStdioServer> {
  const deps = await serverDependencies(options, 'stdio');
  const session = newSession(randomUUID(), deps.services.translator);
  const server = createMcpServer(deps, session);
  const stdin = guardStdin(process.stdin, process.stdout, { onRefused: (reason) => deps.logger.warn('malformed message on stdin', { reason }) });
  const transport = new StdioServerTransport(stdin, process.stdout);
  let done!: () => void;
  const closed = new Promise<void>((resolve) => (done = resolve));
  transport.onclose = () => {
    session.end();
    done();
  };
  stdin.once('end', () => void server.close());
  await server.connect(transport);
  deps.logger.info('serving on stdio', { backend: deps.backend.describe().url, session: session.id });
  deps.anomalyWatch?.start();
  return {
    closed,
    async close() {
      await deps.anomalyWatch?.stop();
      await server.close();
    },
  };
}
