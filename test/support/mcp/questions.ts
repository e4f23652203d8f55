/**
 * The acceptance question set (questions/*.yaml) and the execution-match judge: two queries match when
 * Prometheus returns the same series (label sets) with the same values, within a relative tolerance.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';
import { promDurationMs } from '../../../mcp/validation/index.js';

const caseSchema = z.object({
  q: z.string().min(1),
  promql: z.string().min(1),
  tags: z.array(z.string()).default([]),
  context: z.array(z.string()).optional(),
  range: z.object({ window: z.string(), offset: z.string().optional() }).optional(),
});

export type QuestionCase = z.infer<typeof caseSchema> & { file: string };

export const questionsDir = fileURLToPath(new URL('../../../mcp/translate/questions/', import.meta.url));

export function loadQuestions(dir = questionsDir): QuestionCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const cases = z.array(caseSchema).parse(parse(readFileSync(join(dir, file), 'utf8')));
      return cases.map((c) => ({ ...c, file }));
    });
}

export function durationMs(text: string): number {
  const ms = promDurationMs(text);
  if (ms === undefined) throw new Error(`invalid duration ${text}`);
  return ms;
}

interface Series {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

function key(metric: Record<string, string>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => a.localeCompare(b)));
}

function close(a: string, b: string, tolerance: number): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  return Math.abs(x - y) <= tolerance * Math.max(Math.abs(x), Math.abs(y)) + 1e-12;
}

/** undefined when both results are the same; otherwise what differs. */
export function compareResults(actual: Series[], expected: Series[], tolerance = 1e-6): string | undefined {
  const want = new Map(expected.map((s) => [key(s.metric), s]));
  const got = new Map(actual.map((s) => [key(s.metric), s]));
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  if (missing.length || extra.length) return `series differ: missing ${missing.slice(0, 2).join(' ')}${missing.length > 2 ? '...' : ''} extra ${extra.slice(0, 2).join(' ')}${extra.length > 2 ? '...' : ''}`;
  for (const [k, w] of want) {
    const g = got.get(k)!;
    const wv = w.values ?? (w.value ? [w.value] : []);
    const gv = g.values ?? (g.value ? [g.value] : []);
    if (wv.length !== gv.length) return `${k}: ${gv.length} points, expected ${wv.length}`;
    for (let i = 0; i < wv.length; i++) {
      if (wv[i]![0] !== gv[i]![0] || !close(gv[i]![1], wv[i]![1], tolerance)) return `${k}: value ${gv[i]![1]} at ${gv[i]![0]}, expected ${wv[i]![1]} at ${wv[i]![0]}`;
    }
  }
  return undefined;
}
