/**
 * The one place that knows how a plain tool becomes an MCP tool: input and output schemas, the
 * annotations, the request's cancellation signal and progress token handed to the handler as plain
 * callbacks, the result as structuredContent plus text, and every failure as an `isError` result
 * whose text says what happened and what to do next.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Logger } from '../../core/log.js';
import { asToolError, type ProgressReporter, type Tool, type ToolContext } from '../tools/index.js';

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Builds the handler's context for one call (the session's state, the call's signal and progress). */
export type ContextFactory = (extra: Extra, progress?: ProgressReporter) => ToolContext;

export function progressReporter(extra: Extra): ProgressReporter | undefined {
  const token = extra._meta?.progressToken;
  if (token === undefined) return undefined;
  let last = -Infinity;
  return async (progress, total, message) => {
    // The spec wants progress to increase with every notification.
    if (progress <= last) return;
    last = progress;
    await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress, ...(total === undefined ? {} : { total }), message } });
  };
}

export function registerTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(
  server: McpServer,
  tool: Tool<I, O>,
  contextFor: ContextFactory,
  logger: Logger,
): void {
  const handler = async (args: z.infer<z.ZodObject<I>>, extra: Extra): Promise<CallToolResult> => {
    const started = performance.now();
    try {
      const result = await tool.run(args, contextFor(extra, progressReporter(extra)));
      logger.debug('tool call', { tool: tool.name, ms: Math.round(performance.now() - started) });
      return { content: [{ type: 'text', text: result.text }], structuredContent: result.structured as Record<string, unknown> };
    } catch (error) {
      const failure = asToolError(error);
      logger.info('tool call failed', { tool: tool.name, kind: failure.kind, error: failure.message, ms: Math.round(performance.now() - started) });
      return {
        isError: true,
        content: [{ type: 'text', text: `${tool.name} failed: ${failure.message}.\nWhat to do: ${failure.hint}` }],
        _meta: { 'eks-incident-kit/error': failure.toJSON() },
      };
    }
  };
  // The SDK infers the callback's argument type from a concrete schema; for a generic shape it cannot,
  // so the handler (typed from the same shape above) is passed as is.
  server.registerTool(
    tool.name,
    { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output, annotations: { title: tool.title, ...tool.annotations } },
    handler as never,
  );
}
