/**
 * Loads playbooks from YAML and validates them before the agent takes a single alert: structure,
 * step kinds, each step's params against its handler's schema, template syntax, unique ids and goto
 * targets. Every problem of every file is reported at once, with its file and line:
 *
 *   agent/playbooks/memory-leak.yaml:14: step 'logs' has unknown kind 'log' (known: analyse, decide, ...)
 */
import { packageRoot } from '../../lib/platform/package-root.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z, type ZodType } from 'zod';
import { compileRegex, regexesOf, type Condition } from './conditions.js';
import { jumpTargets } from './control-steps.js';
import { END, isGroup, playbookSchema, type LeafStep, type Playbook } from './playbook.js';
import { isControlKind, type StepRegistry } from './registry.js';
import { checkTemplate, isTemplate, templatesIn } from './template.js';

export interface PlaybookProblem {
  file: string;
  line: number;
  message: string;
}

export class PlaybookValidationError extends Error {
  constructor(readonly problems: PlaybookProblem[]) {
    super(`${problems.length} problem${problems.length === 1 ? '' : 's'} in playbooks:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'PlaybookValidationError';
  }
}

export function formatProblem(problem: PlaybookProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

type Path = readonly (string | number)[];

/** Line (1-based) of the node at `path`, or of its nearest existing ancestor. */
function lineAt(doc: Document, counter: LineCounter, path: Path, key = false): number {
  let node: unknown = doc.contents;
  let line = node && (node as { range?: number[] }).range ? counter.linePos((node as { range: number[] }).range[0]!).line : 1;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      if (!pair) break;
      const keyNode = pair.key as { range?: number[] } | null;
      if (keyNode?.range) line = counter.linePos(keyNode.range[0]!).line;
      if (key && part === path[path.length - 1]) return line;
      node = pair.value;
    } else if (isSeq(node)) {
      node = node.items[part as number];
      if (!node) break;
    } else break;
    const range = (node as { range?: number[] } | null)?.range;
    if (range) line = counter.linePos(range[0]!).line;
  }
  return line;
}

/** Validates one playbook's text. Returns the playbook, or the problems found. */
export function parsePlaybook(text: string, file: string, registry: StepRegistry): { playbook?: Playbook; problems: PlaybookProblem[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  const problems: PlaybookProblem[] = [];
  const problem = (path: Path, message: string, key = false) => problems.push({ file, line: lineAt(doc, counter, path, key), message });
  if (doc.errors.length) {
    for (const error of doc.errors) problems.push({ file, line: error.linePos?.[0]?.line ?? 1, message: `YAML: ${error.message.split('\n')[0]}` });
    return { problems };
  }
  const parsed = playbookSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problem([...issue.path, key] as Path, `${where}unknown field '${key}'`, true);
      } else problem(issue.path as Path, `${where}${issue.message}`);
    }
    return { problems };
  }
  const playbook: Playbook = { ...parsed.data, file };
  const topIds = new Set(playbook.steps.map((s) => s.id));
  const seen = new Map<string, number>();
  const known = registry.kinds();
  const checkGoto = (path: Path, stepId: string, target: string, field: string) => {
    if (target !== END && !topIds.has(target)) problem(path, `step '${stepId}' ${field} '${target}', which is not a step of this playbook (steps: ${[...topIds].join(', ')}; or 'end')`);
  };
  const checkCondition = (path: Path, stepId: string, condition: Condition | undefined) => {
    for (const regex of condition ? regexesOf(condition) : []) {
      try {
        compileRegex(regex);
      } catch (error) {
        problem(path, `step '${stepId}': invalid regex ${JSON.stringify(regex)}: ${(error as Error).message}`);
      }
    }
  };
  const checkLeaf = (step: LeafStep, path: Path, inGroup: boolean) => {
    if (seen.has(step.id)) problem([...path, 'id'], `duplicate step id '${step.id}' (first used on line ${seen.get(step.id)})`);
    else seen.set(step.id, lineAt(doc, counter, [...path, 'id']));
    checkCondition([...path, 'when'], step.id, step.when);
    if (step.goto !== undefined) {
      if (inGroup) problem([...path, 'goto'], `step '${step.id}' is inside a parallel group and cannot goto (put goto on the group)`);
      else checkGoto([...path, 'goto'], step.id, step.goto, 'goes to');
    }
    const schema = registry.paramsOf(step.kind);
    if (!schema) {
      const hint = closest(step.kind, known);
      problem([...path, 'kind'], `step '${step.id}' has unknown kind '${step.kind}'${hint ? ` (did you mean '${hint}'?)` : ''} (known: ${known.join(', ')})`);
      return;
    }
    if (inGroup && isControlKind(step.kind)) problem([...path, 'kind'], `step '${step.id}': '${step.kind}' changes the course of the workflow and cannot run inside a parallel group`);
    for (const message of paramProblems(step, schema)) problem([...path, 'params', ...message.path], message.text, message.key);
    for (const template of templatesIn(step.params)) {
      try {
        checkTemplate(template.value);
      } catch (error) {
        problem([...path, 'params', ...template.path], `step '${step.id}' param '${template.path.join('.')}': template does not parse: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    for (const target of jumpTargets(step.kind, step.params)) checkGoto([...path, 'params'], step.id, target, 'jumps to');
    if (step.kind === 'decide') {
      for (const [i, branch] of ((step.params.branches as { when?: Condition }[] | undefined) ?? []).entries()) checkCondition([...path, 'params', 'branches', i], step.id, branch.when);
    }
  };
  playbook.steps.forEach((step, i) => {
    const path: Path = ['steps', i];
    if (isGroup(step)) {
      if (seen.has(step.id)) problem([...path, 'id'], `duplicate step id '${step.id}' (first used on line ${seen.get(step.id)})`);
      else seen.set(step.id, lineAt(doc, counter, [...path, 'id']));
      checkCondition([...path, 'when'], step.id, step.when);
      if (step.goto !== undefined) checkGoto([...path, 'goto'], step.id, step.goto, 'goes to');
      step.parallel.forEach((child, j) => checkLeaf(child, [...path, 'parallel', j], true));
    } else checkLeaf(step, path, false);
  });
  for (const [label, matcher] of Object.entries(playbook.match?.labels ?? {})) {
    for (const regex of typeof matcher === 'string' ? [] : [matcher.regex, matcher.notRegex]) {
      if (regex === undefined) continue;
      try {
        compileRegex(regex);
      } catch (error) {
        problem(['match', 'labels', label], `match label '${label}': invalid regex ${JSON.stringify(regex)}: ${(error as Error).message}`);
      }
    }
  }
  if (!playbook.match && !playbook.fallback) problem([], `playbook '${playbook.name}' has no match and is not the fallback: it would never run`);
  return problems.length ? { problems } : { playbook, problems };
}

/**
 * Params checked against the handler's schema. Values that are templates are only known at run time,
 * so their type is checked then; unknown and missing params are reported now.
 */
function paramProblems(step: LeafStep, schema: ZodType): { path: Path; text: string; key?: boolean }[] {
  const out: { path: Path; text: string; key?: boolean }[] = [];
  const keys = objectKeysOf(schema);
  if (keys) {
    for (const key of Object.keys(step.params)) {
      if (!keys.includes(key)) out.push({ path: [key], key: true, text: `step '${step.id}' (${step.kind}) has unknown param '${key}'${keys.length ? ` (known: ${keys.join(', ')})` : ' (it takes none)'}` });
    }
  }
  const result = schema.safeParse(step.params);
  if (result.success) return out;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys' && keys && issue.path.length === 0) continue; // reported above, with the known names
    if (throughTemplate(step.params, issue.path)) continue;
    const where = issue.path.length ? `param '${issue.path.join('.')}'` : 'params';
    out.push({ path: issue.path as Path, text: `step '${step.id}' (${step.kind}) ${where}: ${issue.message}` });
  }
  return out;
}

function throughTemplate(params: unknown, path: readonly PropertyKey[]): boolean {
  let current: unknown = params;
  for (const part of path) {
    if (typeof current === 'string') return isTemplate(current);
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return typeof current === 'string' && isTemplate(current);
}

/** The keys an object schema accepts, looking through optional/default/pipe wrappers; undefined if unknown. */
export function objectKeysOf(schema: ZodType): string[] | undefined {
  let current: unknown = schema;
  for (let depth = 0; depth < 8; depth++) {
    if (current instanceof z.ZodObject) return Object.keys(current.shape);
    const def = (current as { def?: { innerType?: unknown; in?: unknown; type?: string } }).def;
    if (!def) return undefined;
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return undefined;
  }
  return undefined;
}

/** The known kind nearest to a misspelt one (edit distance <= 2). */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

export const builtinFallbackFile = join(packageRoot, 'agent', 'workflow', 'general-investigation.yaml');

/**
 * When the built-in general investigation cannot run with the registered kinds (a handler missing, or
 * params it does not accept), this one still tells people that an alert came in and nothing matched.
 */
export const minimalFallback: Playbook = {
  name: 'notify-only',
  description: 'Tells people about an alert no playbook covers, when the general investigation cannot run.',
  priority: -1000,
  fallback: true,
  window: '30m',
  file: 'built-in',
  steps: [
    {
      id: 'tell',
      kind: 'notify',
      params: { kind: 'incident-unresolved', text: 'No playbook covers {{text alert.name}} ({{incident.id}}) and the general investigation cannot run with the registered step kinds: investigate by hand.' },
      retries: 0,
    },
  ],
};

export interface PlaybookLibraryOptions {
  /** Folders of *.yaml playbooks (missing folders are skipped). */
  dirs: readonly string[];
  registry: StepRegistry;
  /** For messages: file names are shown relative to this (default: the working directory). */
  cwd?: string;
}

export class PlaybookLibrary {
  private constructor(
    readonly playbooks: readonly Playbook[],
    readonly fallback: Playbook,
    /** Things worth a log line that do not stop the agent. */
    readonly warnings: readonly string[],
  ) {}

  /** Loads and validates every playbook; throws PlaybookValidationError listing all problems. */
  static load(options: PlaybookLibraryOptions): PlaybookLibrary {
    const cwd = options.cwd ?? process.cwd();
    const problems: PlaybookProblem[] = [];
    const playbooks: Playbook[] = [];
    const names = new Map<string, string>();
    for (const dir of options.dirs) {
      if (!existsSync(dir)) continue;
      for (const entry of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
        const path = join(dir, entry);
        const file = relative(cwd, path) || path;
        const result = parsePlaybook(readFileSync(path, 'utf8'), file, options.registry);
        problems.push(...result.problems);
        if (!result.playbook) continue;
        const other = names.get(result.playbook.name);
        if (other) problems.push({ file, line: 1, message: `playbook name '${result.playbook.name}' is already used by ${other}` });
        names.set(result.playbook.name, file);
        playbooks.push(result.playbook);
      }
    }
    if (problems.length) throw new PlaybookValidationError(problems);
    return PlaybookLibrary.from(playbooks, options.registry);
  }

  /** From playbooks already parsed (tests); picks or builds the fallback. */
  static from(playbooks: readonly Playbook[], registry: StepRegistry): PlaybookLibrary {
    const warnings: string[] = [];
    const declared = playbooks.filter((p) => p.fallback).sort((a, b) => b.priority - a.priority);
    if (declared.length > 1) warnings.push(`several playbooks declare fallback: true (${declared.map((p) => p.name).join(', ')}); using ${declared[0]!.name}`);
    let fallback = declared[0];
    if (!fallback) {
      const builtin = parsePlaybook(readFileSync(builtinFallbackFile, 'utf8'), 'built-in general-investigation.yaml', registry);
      if (builtin.playbook) fallback = builtin.playbook;
      else {
        warnings.push(`the built-in general investigation cannot run with the registered step kinds, so alerts no playbook matches only get a notification: ${builtin.problems.map((p) => p.message).join('; ')}`);
        fallback = minimalFallback;
      }
    }
    return new PlaybookLibrary(playbooks, fallback, warnings);
  }

  get(name: string): Playbook | undefined {
    return this.fallback.name === name ? this.fallback : this.playbooks.find((p) => p.name === name);
  }
}
