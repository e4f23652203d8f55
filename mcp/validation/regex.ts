/**
 * What a label matcher's regex selects, judged the way Prometheus runs it: RE2 semantics (re2js, a
 * port of RE2/J; linear time, no backtracking), anchored at both ends, `.` matching newlines too.
 * Nothing here runs JavaScript's backtracking engine on a user's pattern, so no regex can freeze the
 * server: matching is linear in the value, and the questions about the whole language ("does it match
 * every value?") explore RE2's compiled automaton under a work budget shared by one query.
 *
 * Those language questions are hand-written (a subset construction over re2js's compiled program):
 * re2js, like RE2, answers "does this value match", never "does this pattern match every value", and
 * probing with sample values is what an attacker steps around (`.{0,299}` matches every probe shorter
 * than 300 characters, `[^Q]+` every probe without a Q).
 */
import { LRUCache } from 'lru-cache';
import { RE2JS } from 're2js';
import type { LabelMatcher } from './ast.js';

export interface RegexLimits {
  /** Longest regex (characters) a matcher may carry. */
  maxRegexLength: number;
  /** Largest compiled RE2 program (instructions): `.{0,999}` is 9 characters but 1000 instructions. */
  maxRegexProgram: number;
  /** Automaton steps one query may spend judging its regexes (all of them together). */
  regexWorkBudget: number;
}

export const defaultRegexLimits: RegexLimits = {
  maxRegexLength: 1024,
  maxRegexProgram: 2000,
  // About 12 ms of one core, warm (see bench/mcp-guards.ts): what a /healthz probe may wait behind
  // the slowest query's regexes.
  regexWorkBudget: 200_000,
};

/** Compiling costs about 50 automaton steps per RE2 instruction (measured with re2js 2.10). */
const COMPILE_COST_PER_INSTRUCTION = 64;

export type RegexProblemKind = 'invalid' | 'too-long' | 'too-complex';

/** A regex that cannot be judged: not RE2 syntax, longer than the limit, or too costly to decide. */
export class RegexProblem extends Error {
  constructor(
    readonly kind: RegexProblemKind,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'RegexProblem';
  }
}

/** Work left for one query's regex judgements; each automaton step spends one unit. */
export class RegexBudget {
  constructor(public remaining: number = defaultRegexLimits.regexWorkBudget) {}


  spend(units: number): void {
    this.remaining -= units;
    if (this.remaining < 0) {
      throw new RegexProblem(
        'too-complex',
        'the regexes of this query are too complex to judge',
        'use plain alternations of values (pod=~"petsite-.*|petsearch-.*") or equality matchers; avoid nested repetition such as (a+)+ or .{0,999}',
      );
    }
  }
}

// RE2 instruction opcodes and empty-width flags, as re2js numbers them (RE2/J's Inst and Utils).
const ALT = 1;
const ALT_MATCH = 2;
const CAPTURE = 3;
const EMPTY_WIDTH = 4;
const MATCH = 6;
const NOP = 7;
const RUNE = 8;
const RUNE1 = 9;
const RUNE_ANY = 10;
const RUNE_ANY_NOT_NL = 11;
const BEGIN_LINE = 1;
const END_LINE = 2;
const BEGIN_TEXT = 4;
const END_TEXT = 8;
const WORD_BOUNDARY = 16;
const NO_WORD_BOUNDARY = 32;
const FOLD_CASE = 1;

interface Inst {
  op: number;
  out: number;
  arg: number;
  runes: Int32Array;
  matchRune(r: number): boolean;
}

interface Program {
  inst: Inst[];
  start: number;
}

const MAX_RUNE = 0x10ffff;
const NEWLINE = 10;
/** Before the first character (no previous rune). */
const TEXT_EDGE = -1;

function isWordRune(r: number): boolean {
  return (r >= 48 && r <= 57) || (r >= 65 && r <= 90) || (r >= 97 && r <= 122) || r === 95;
}

function emptyContext(before: number, after: number): number {
  let flags = 0;
  if (before < 0) flags |= BEGIN_TEXT | BEGIN_LINE;
  if (before === NEWLINE) flags |= BEGIN_LINE;
  if (after < 0) flags |= END_TEXT | END_LINE;
  if (after === NEWLINE) flags |= END_LINE;
  flags |= isWordRune(before) !== isWordRune(after) ? WORD_BOUNDARY : NO_WORD_BOUNDARY;
  return flags;
}

/** What of the previous rune empty-width assertions can see: edge, newline, word or other. */
function runeKind(r: number): number {
  if (r < 0) return TEXT_EDGE;
  if (r === NEWLINE) return NEWLINE;
  return isWordRune(r) ? 97 : 32;
}

/**
 * Which values are in the universe a question is asked over: every string, or the names a metric
 * can have (`[a-zA-Z_:][a-zA-Z0-9_:]*`). A tiny DFA: state 0 before the first rune, 1 inside, -1 out.
 */
interface Universe {
  step(state: number, r: number): number;
}

const anyString: Universe = { step: () => 1 };
const metricName: Universe = {
  step(state, r) {
    if (state < 0) return -1;
    const letter = (r >= 65 && r <= 90) || (r >= 97 && r <= 122) || r === 95 || r === 58;
    if (letter) return 1;
    return state === 1 && r >= 48 && r <= 57 ? 1 : -1;
  },
};

function caseVariants(r: number): number[] {
  const out = new Set<number>([r]);
  const grow = (s: string) => {
    for (const v of [s.toLowerCase(), s.toUpperCase()]) if ([...v].length === 1) out.add(v.codePointAt(0)!);
  };
  grow(String.fromCodePoint(r));
  for (const v of [...out]) grow(String.fromCodePoint(v));
  // Simple case folds that toLowerCase/toUpperCase do not reach from the ASCII side.
  const specials: Record<number, number[]> = { 0x6b: [0x212a], 0x4b: [0x212a], 0x73: [0x17f], 0x53: [0x17f], 0xe5: [0x212b], 0xc5: [0x212b] };
  for (const v of [...out]) for (const s of specials[v] ?? []) out.add(s);
  return [...out];
}

/**
 * The alphabet cut into intervals no instruction tells apart (RE2's "rune classes"), one
 * representative each: every instruction, the word/newline edges and the metric-name universe are
 * constant on each interval, so trying the representative decides the whole interval.
 */
function runeClasses(program: Program): number[] {
  const cuts = new Set<number>([0, NEWLINE, NEWLINE + 1, 48, 58, 59, 65, 91, 95, 96, 97, 123, 0xd800, 0xe000]);
  for (const inst of program.inst) {
    if (inst.op !== RUNE && inst.op !== RUNE1) continue;
    const runes = inst.runes;
    if (runes.length === 1 || (inst.arg & FOLD_CASE) !== 0) {
      for (const r of runes) for (const v of caseVariants(r)) cuts.add(v).add(v + 1);
    }
    if (runes.length > 1) for (let i = 0; i + 1 < runes.length; i += 2) cuts.add(runes[i]!).add(runes[i + 1]! + 1);
  }
  // Label values are UTF-8: surrogate code points never occur in them.
  return [...cuts].filter((c) => c <= MAX_RUNE && !(c >= 0xd800 && c < 0xe000)).sort((a, b) => a - b);
}

/** A set of program counters before their empty-width closure, with the previous rune's kind. */
interface State {
  pcs: number[];
  before: number;
  universe: number;
  /** Closures by empty-width context, computed once per state. */
  closures: Map<number, Inst[]>;
  accepting?: boolean;
}

/** Same (sorted) program counters. */
function samePcs(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class Automaton {
  private readonly classes: number[];
  private readonly mark: Int32Array;
  private generation = 0;

  constructor(private readonly program: Program) {
    this.classes = runeClasses(program);
    this.mark = new Int32Array(program.inst.length);
  }

  private closure(state: State, context: number, budget: RegexBudget): Inst[] {
    const memo = state.closures.get(context);
    if (memo) return memo;
    const seen = ++this.generation;
    const out: Inst[] = [];
    const stack = [...state.pcs].reverse();
    let visited = 0;
    while (stack.length) {
      const pc = stack.pop()!;
      if (this.mark[pc] === seen) continue;
      this.mark[pc] = seen;
      visited++;
      const inst = this.program.inst[pc]!;
      switch (inst.op) {
        case ALT:
        case ALT_MATCH:
          stack.push(inst.arg, inst.out);
          break;
        case CAPTURE:
        case NOP:
          stack.push(inst.out);
          break;
        case EMPTY_WIDTH:
          if ((inst.arg & ~context) === 0) stack.push(inst.out);
          break;
        case MATCH:
        case RUNE:
        case RUNE1:
        case RUNE_ANY:
        case RUNE_ANY_NOT_NL:
          out.push(inst);
          break;
        default:
          break; // FAIL, and lookbehinds (never enabled here)
      }
    }
    budget.spend(visited + 1);
    state.closures.set(context, out);
    return out;
  }

  private accepts(state: State, budget: RegexBudget): boolean {
    state.accepting ??= state.pcs.length > 0 && this.closure(state, emptyContext(state.before, TEXT_EDGE), budget).some((i) => i.op === MATCH);
    return state.accepting;
  }

  /**
   * Explores every state reachable by non-empty values of the universe until `stop(accepting)` says
   * the answer is known; returns what `stop` returned then, or `exhausted` when nothing stopped it.
   */
  explore(universe: Universe, stop: (accepting: boolean) => boolean | undefined, exhausted: boolean, budget: RegexBudget, maxStates: number): boolean {
    const states = new Map<string, State>();
    const start: State = { pcs: [this.program.start], before: TEXT_EDGE, universe: 0, closures: new Map() };
    // Depth first: a value the regex misses is usually found by going long (`.{0,299}` fails at 300).
    const stack: State[] = [start];
    while (stack.length) {
      const state = stack.pop()!;
      // Neighbouring classes mostly lead to the same state (all of \pL, say): reuse the last one then.
      let last: { pcs: number[]; before: number; universe: number } | undefined;
      for (const r of this.classes) {
        const u = universe.step(state.universe, r);
        if (u < 0) continue;
        const seen = ++this.generation;
        const pcs: number[] = [];
        for (const inst of this.closure(state, emptyContext(state.before, r), budget)) {
          const matches = inst.op === RUNE_ANY || (inst.op === RUNE_ANY_NOT_NL ? r !== NEWLINE : inst.op !== MATCH && inst.matchRune(r));
          if (matches && this.mark[inst.out] !== seen) {
            this.mark[inst.out] = seen;
            pcs.push(inst.out);
          }
        }
        const before = runeKind(r);
        budget.spend(pcs.length + 2);
        pcs.sort((a, b) => a - b);
        if (last && last.before === before && last.universe === u && samePcs(last.pcs, pcs)) continue;
        last = { pcs, before, universe: u };
        budget.spend(8 + pcs.length);
        const key = `${u}/${before}/${pcs.join(',')}`;
        let next = states.get(key);
        const fresh = !next;
        if (!next) {
          next = { pcs, before, universe: u, closures: new Map() };
          states.set(key, next);
          if (states.size > maxStates) {
            throw new RegexProblem('too-complex', `the regex needs more than ${maxStates} automaton states to judge`, 'simplify it: plain alternations of values, or a prefix such as "petsite-.*"');
          }
        }
        const verdict = stop(this.accepts(next, budget));
        if (verdict !== undefined) return verdict;
        if (fresh) stack.push(next);
      }
    }
    return exhausted;
  }
}

/** One regex, compiled once; the answers about its language are computed on first use. */
export class RegexJudgement {
  private readonly re: RE2JS;
  private automaton?: Automaton;
  private readonly facts = new Map<string, boolean>();

  constructor(
    readonly pattern: string,
    budget: RegexBudget,
    private readonly limits: RegexLimits = defaultRegexLimits,
  ) {
    if (pattern.length > limits.maxRegexLength) {
      throw new RegexProblem('too-long', `the regex is ${pattern.length} characters long; the limit is ${limits.maxRegexLength}`, 'shorten it: match a prefix ("petsite-.*") rather than listing every value, or split the query');
    }
    // Counted repetitions expand when compiled (`.{0,1000}` x 200 is 400,000 instructions and seconds
    // of work), so the size is bounded before compiling, not only after.
    const estimate = estimateProgramSize(pattern);
    if (estimate > limits.maxRegexProgram) {
      throw new RegexProblem('too-long', `the regex expands to about ${estimate} RE2 instructions; the limit is ${limits.maxRegexProgram}`, 'avoid large counted repetitions such as .{0,999} or (...){50}; use .* or a shorter pattern');
    }
    budget.spend(estimate * COMPILE_COST_PER_INSTRUCTION);
    try {
      this.re = RE2JS.compile(pattern, RE2JS.DOTALL);
    } catch (error) {
      throw new RegexProblem('invalid', `invalid regex ${JSON.stringify(pattern)}: ${(error as Error).message}`, 'label regexes use RE2 syntax (no lookarounds or backreferences), e.g. pod=~"petsite-.*"');
    }
    const size = this.program().inst.length;
    if (size > limits.maxRegexProgram) {
      throw new RegexProblem('too-long', `the regex compiles to ${size} instructions; the limit is ${limits.maxRegexProgram}`, 'avoid large counted repetitions such as .{0,999}; use .* or a shorter pattern');
    }
  }

  private program(): Program {
    return (this.re as unknown as { re2Input: { prog: Program } }).re2Input.prog;
  }

  /** Whether the whole value matches (linear time in the value). */
  test(value: string): boolean {
    return this.re.testExact(value);
  }

  get matchesEmpty(): boolean {
    return this.test('');
  }

  private fact(name: string, compute: (automaton: Automaton) => boolean): boolean {
    const known = this.facts.get(name);
    if (known !== undefined) return known;
    this.automaton ??= new Automaton(this.program());
    const value = compute(this.automaton);
    this.facts.set(name, value);
    return value;
  }

  /** Whether every non-empty value matches (`.+`, `(?s:.)+`, `.*|x`, `[\s\S]+`...). */
  matchesEveryNonEmpty(budget: RegexBudget): boolean {
    return this.fact('every', (a) => a.explore(anyString, (accepting) => (accepting ? undefined : false), true, budget, this.limits.maxRegexProgram * 4));
  }

  /** Whether every valid metric name matches (`[a-zA-Z_:][a-zA-Z0-9_:]*`, `\w.*`...). */
  matchesEveryMetricName(budget: RegexBudget): boolean {
    return this.fact('names', (a) => a.explore(metricName, (accepting) => (accepting ? undefined : false), true, budget, this.limits.maxRegexProgram * 4));
  }

  /** Whether some non-empty value matches (false for `^$`, `x^`, `[^\x00-\x{10FFFF}]`). */
  matchesSomeNonEmpty(budget: RegexBudget): boolean {
    return this.fact('some', (a) => a.explore(anyString, (accepting) => (accepting ? true : undefined), false, budget, this.limits.maxRegexProgram * 4));
  }
}

/**
 * An upper estimate of the RE2 program a pattern compiles to, from its text: each atom is about one
 * instruction, a group the sum of its parts, and a counted repetition `{n,m}` multiplies the atom
 * before it. re2js exposes no parse tree, hence this scan; it only has to bound the expansion.
 */
export function estimateProgramSize(pattern: string): number {
  const frames: { size: number; last: number }[] = [{ size: 0, last: 0 }];
  const top = () => frames[frames.length - 1]!;
  const atom = (size: number) => {
    top().size += size;
    top().last = size;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        const literal = end < 0 ? pattern.length - i - 2 : end - i - 2;
        atom(Math.max(1, literal));
        i = end < 0 ? pattern.length : end + 1;
        continue;
      }
      if ((next === 'p' || next === 'P' || next === 'x') && pattern[i + 2] === '{') i = Math.max(i + 1, pattern.indexOf('}', i + 2));
      else i++;
      atom(1);
    } else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        if (pattern[j] === '\\') j++;
        else if (pattern[j] === '[' && pattern[j + 1] === ':') j = Math.max(j, pattern.indexOf(':]', j + 2) + 1);
      }
      i = j;
      atom(1);
    } else if (c === '(') {
      frames.push({ size: 1, last: 0 });
    } else if (c === ')') {
      const group = frames.length > 1 ? frames.pop()! : { size: 1 };
      atom(group.size + 1);
    } else if (c === '{') {
      const counted = /^\{(\d+)(?:(,)(\d*))?\}/.exec(pattern.slice(i, i + 16));
      if (!counted) {
        atom(1);
        continue;
      }
      const times = Math.max(Number(counted[1]), counted[3] ? Number(counted[3]) : 0, 1);
      top().size += top().last * (times - 1) + times;
      top().last *= times;
      i += counted[0].length - 1;
    } else if (c === '*' || c === '+' || c === '?' || c === '|') {
      top().size += 1;
    } else {
      atom(1);
    }
  }
  return frames.reduce((sum, f) => sum + f.size, 0) + 2;
}

const judged = new LRUCache<string, RegexJudgement>({ max: 1000 });

/**
 * The judgement of `pattern`, compiled once and cached; compiling spends from `budget`. Throws a
 * RegexProblem when the pattern is not RE2, over the limits, or the budget runs out.
 */
export function judgeRegex(pattern: string, budget = new RegexBudget(), limits: RegexLimits = defaultRegexLimits): RegexJudgement {
  const key = `${limits.maxRegexLength}/${limits.maxRegexProgram}/${pattern}`;
  const memo = judged.get(key);
  if (memo) return memo;
  const judgement = new RegexJudgement(pattern, budget, limits);
  judged.set(key, judgement);
  return judgement;
}

/** Whether the matcher accepts the empty value (so it also matches series without the label). */
export function matchesEmpty(m: LabelMatcher, budget = new RegexBudget(), limits?: RegexLimits): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return judgeRegex(m.value, budget, limits).matchesEmpty;
    case '!~':
      return !judgeRegex(m.value, budget, limits).matchesEmpty;
  }
}

/** Whether the matcher accepts every non-empty value: it only asks for the label, if anything. */
export function matchesAnyNonEmpty(m: LabelMatcher, budget = new RegexBudget(), limits?: RegexLimits): boolean {
  switch (m.op) {
    case '=':
      return false;
    case '!=':
      return m.value === '';
    case '=~':
      return judgeRegex(m.value, budget, limits).matchesEveryNonEmpty(budget);
    case '!~':
      return !judgeRegex(m.value, budget, limits).matchesSomeNonEmpty(budget);
  }
}

/** Whether the matcher accepts every value, the empty one included: it narrows nothing. */
export function matchesEverything(m: LabelMatcher, budget = new RegexBudget(), limits?: RegexLimits): boolean {
  return matchesEmpty(m, budget, limits) && matchesAnyNonEmpty(m, budget, limits);
}

/**
 * Whether a `__name__` matcher confines the selector to some metrics: an exact name, or a regex that
 * leaves out some metric name there can be. Negative matchers exclude names and confine nothing.
 */
export function narrowsMetricNames(m: LabelMatcher, budget = new RegexBudget(), limits?: RegexLimits): boolean {
  switch (m.op) {
    case '=':
      return m.value !== '';
    case '=~':
      return !judgeRegex(m.value, budget, limits).matchesEveryMetricName(budget);
    default:
      return false;
  }
}
