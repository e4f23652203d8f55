/**
 * A tool is a zod input schema (a description on every field), an output schema, and a plain handler
 * that knows nothing of MCP: it gets parsed arguments and a ToolContext, and returns the structured
 * result with its readable text, or throws a ToolError. mcp/server registers each with one line.
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

export interface Tool<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  input: I;
  output: O;
  run(args: z.infer<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolResult<Structured<O>>>;
}

/** Identity, for type inference of `run`'s arguments from the schemas. */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}
