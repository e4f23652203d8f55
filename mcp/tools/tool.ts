/**
 * A tool is a zod input schema (a description on every field), an output schema, its annotations, and
 * a plain handler that knows nothing of MCP: it gets parsed arguments and a ToolContext, and returns
 * the structured result with its readable text, or throws a ToolError. The server registers every tool
 * of `allTools` (index.ts) the same way; a tool says everything about itself here.
 */
import type { z } from 'zod';
import type { ToolContext } from './context.js';

export interface ToolResult<T> {
  structured: T;
  /** Markdown for the model and the person reading along. */
  text: string;
}

/**
 * The structured result: every top-level field of the output schema. Nested values are checked
 * against the schema at run time (the SDK validates structuredContent; tests parse it too), because
 * loose output objects carry index signatures the domain interfaces need not declare.
 */
export type Structured<O extends z.ZodRawShape> = { [K in keyof z.infer<z.ZodObject<O>>]: unknown };

/**
 * What a client may assume of a tool (the MCP tool annotations, as mcp-grafana's MustTool takes them):
 * whether it changes anything, whether repeating a call is harmless, whether it reaches a system
 * outside the server (the metrics backend) whose answers change on their own, and, for tools that
 * write, whether a write can destroy something.
 */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
  destructiveHint?: boolean;
}

/** Reads the metrics backend: changes nothing, safe to repeat, answers change with the cluster. */
export const readsMetrics = { readOnlyHint: true, idempotentHint: true, openWorldHint: true } as const satisfies ToolAnnotations;

/** Works on the server's own knowledge (translation, templates): reaches no outside system. */
export const localOnly = { readOnlyHint: true, idempotentHint: true, openWorldHint: false } as const satisfies ToolAnnotations;

export interface Tool<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  input: I;
  output: O;
  run(args: z.infer<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolResult<Structured<O>>>;
}

/** Any tool, whatever its schemas: what lists of tools (allTools) and the server hold. */
export type AnyTool = Tool<z.ZodRawShape, z.ZodRawShape>;

/** Identity, for type inference of `run`'s arguments from the schemas. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}
