/**
 * The kit's one command-line layer. Every command (devops-agent, prometheus-mcp and its subcommands,
 * run-scenario, local-cluster, the simulation process) declares its options once, as data: flag, value
 * placeholder, environment variable, default, zod schema, description. From that one table come
 *   - parsing (commander's option parser: `--x v`, `--x=v`, `-x v`, repeats, `--`): `parseCommandLine`;
 *   - each setting's value, flag > environment variable > default, read by its schema: `readOptions`;
 *   - `--help` on every command and subcommand (commander's help, each option with its environment
 *     variable and default): `helpText`;
 *   - one-line usage errors saying what to fix: `UsageError`, which a command prints as
 *     "<program>: <message>" before exiting 2.
 * Nothing here writes or exits: commands print through the io they are given, and the bins (bin/*.ts)
 * only connect that io, the environment and signals to the process.
 */
import { Command, CommanderError, Option } from 'commander';
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { parseDuration } from '../../core/duration.js';

/** Bad input on the command line (or in an option's environment variable): exit 2 with this one line. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One option of a command. */
export interface OptionSpec {
  /** `--name`; the option is a switch (no value) when `value` is absent. */
  readonly flag: `--${string}`;
  readonly short?: `-${string}`;
  /** Placeholder of the value in help and docs (`PORT`, `DIR[,DIR]`); absent for a switch. */
  readonly value?: string;
  /** Environment variable read when the flag is not given. */
  readonly env?: string;
  /** Text the setting takes when neither the flag nor its variable is given; read by `schema` like any other. */
  readonly default?: string;
  /** What help says of a default the command works out at run time ("the running local target's"). */
  readonly defaultDescription?: string;
  readonly describe: string;
  /** Reads the text into the setting's value. Its messages say what the text must be: "must be ...". */
  readonly schema?: z.ZodType<unknown, string>;
  /** Given several times, the values add up (`--param a=1 --param b=2`). */
  readonly repeat?: boolean;
  /** The command cannot run without it (and has no default). */
  readonly required?: boolean;
  /** Left out of help (kept for compatibility). */
  readonly hidden?: boolean;
}

/** The words after a command's options (a scenario name, a question, a file). */
export interface OperandSpec {
  readonly name: string;
  readonly describe?: string;
  /** Takes any number of words (a question); otherwise at most one. */
  readonly variadic?: boolean;
}

export interface CommandSpec {
  readonly name: string;
  /** One line: what the command does (its parent's list of commands). */
  readonly summary: string;
  /** The paragraph under the usage line in its help; the summary when absent. */
  readonly description?: string;
  /** Synopsis after the program's name, one line each ('investigate --event FILE [--json]'). */
  readonly usage?: string | readonly string[];
  readonly options: readonly OptionSpec[];
  readonly operands?: OperandSpec;
  readonly commands?: readonly CommandSpec[];
  /** Text after the lists in its help (where to read more); a function when it is read from files. */
  readonly epilog?: string | (() => string);
}

export interface CliSpec extends CommandSpec {
  /**
   * The words the program's messages and help use, as each command has always said them (scripts and
   * docs quote them): "unknown flag --x" (run-scenario, local-cluster) or "unknown option --x", "unknown
   * subcommand" (prometheus-mcp) or "unknown command", "usage:" or "Usage:", names in quotes or not.
   */
  readonly words?: { readonly option?: 'option' | 'flag'; readonly command?: 'command' | 'subcommand'; readonly usage?: 'Usage:' | 'usage:'; readonly quoteNames?: boolean };
}

/** The `const` type parameters keep names literal, so `parseCommandLine` knows the commands by name. */
export const defineCli = <const C extends CliSpec>(spec: C): C => spec;
export const defineCommand = <const C extends CommandSpec>(spec: C): C => spec;

/** What was given on the command line, by flag name without its dashes (`'log-level': 'debug'`). */
export type GivenFlags = Record<string, string | boolean | string[] | undefined>;

export interface CommandLine<Name extends string = string> {
  /** The subcommand; absent when the program itself runs (prometheus-mcp, run-scenario <name>). */
  command?: Name;
  flags: GivenFlags;
  /** `--help` (or `-h`, or `help [command]`): print `helpText(cli, command)` and exit 0. */
  help: boolean;
  /** Present when the command takes operands. */
  operands?: string[];
}

type CommandNames<C extends CommandSpec> = C['commands'] extends readonly (infer S)[] ? (S extends { readonly name: infer N extends string } ? N : never) : never;

const helpTokens = new Set(['--help', '-h']);

/**
 * Reads `argv` against the program's commands and options. Throws `UsageError` for an unknown command or
 * option (with a hint), an option of another command, a missing or unexpected value, an unexpected
 * argument. Flags may come before or after the command's name (`local-cluster --json status`).
 */
export function parseCommandLine<const C extends CliSpec>(cli: C, argv: readonly string[]): CommandLine<CommandNames<C>> {
  const selected = selectCommand(cli, argv);
  const name = selected.spec === cli ? undefined : (selected.spec.name as CommandNames<C>);
  const base = { ...(name ? { command: name } : {}), flags: {} as GivenFlags };
  if (selected.help) return { ...base, help: true };
  const spec = selected.spec;
  const args = selected.args;
  checkValues(spec, args);
  if (scanFor(spec, args, (token) => helpTokens.has(token))) return { ...base, help: true };

  const leaf = commanderTree(cli, name);
  let parsed: { operands: string[]; unknown: string[] };
  try {
    parsed = leaf.parseOptions([...args]);
  } catch (error) {
    if (error instanceof CommanderError) throw new UsageError(error.message.replace(/^error: /, ''));
    throw error;
  }
  if (parsed.unknown.length) throw unknownOption(cli, spec, parsed.unknown[0]!);
  const allowed = spec.operands ? (spec.operands.variadic ? Infinity : 1) : 0;
  if (parsed.operands.length > allowed) throw new UsageError(`unexpected argument "${parsed.operands[allowed]}"; see ${helpCommand(cli, name)}`);

  const flags: GivenFlags = {};
  for (const option of spec.options) {
    const attribute = commanderOption(option).attributeName();
    if (leaf.getOptionValueSource(attribute) !== 'cli') continue;
    flags[option.flag.slice(2)] = option.value === undefined ? true : (leaf.getOptionValue(attribute) as string | string[]);
  }
  return { ...base, flags, help: false, ...(spec.operands ? { operands: parsed.operands } : {}) };
}

/** Where a command writes; the bins connect it to the process, tests collect it. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Runs a command line with the kit's conventions: `--help` prints the help on stdout (exit 0); bad input
 * prints "<program>: <what to fix>" on stderr (exit 2), as does a `UsageError` from `run`; a program that
 * needs a command and got none prints its help on stderr (exit 2). `run` gets the parsed command line
 * and returns the exit code; other errors are its own to report.
 */
export async function runCommandLine<const C extends CliSpec>(cli: C, argv: readonly string[], io: CommandIo, run: (line: CommandLine<CommandNames<C>>) => number | Promise<number>): Promise<number> {
  try {
    const line = parseCommandLine(cli, argv);
    if (line.help) {
      io.stdout(helpText(cli, line.command));
      return 0;
    }
    if (!line.command && cli.commands?.length && !cli.options.length && !cli.operands) {
      io.stderr(helpText(cli));
      return 2;
    }
    return await run(line);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`${cli.name}: ${error.message}\n`);
    return 2;
  }
}

/**
 * `--help` of the program, or of one of its commands. Lines are not wrapped (terminals wrap, and help is
 * read with grep): one line per option, `--flag VALUE  what it does (default X) [env VARIABLE]`.
 */
export function helpText(cli: CliSpec, command?: string): string {
  const spec = cli.commands?.find((sub) => sub.name === command) ?? cli;
  const epilog = typeof spec.epilog === 'function' ? spec.epilog() : spec.epilog;
  return commanderTree(cli, command).helpInformation() + (epilog ? `\n${epilog}\n` : '');
}

/** The value of each option: the flag, else its environment variable (unless empty), else its default. */
export type OptionValue<S extends OptionSpec> = S extends { readonly value: string }
  ? S extends { readonly repeat: true }
    ? string[]
    : (S extends { readonly schema: infer Schema extends z.ZodType } ? z.output<Schema> : string) | (S extends { readonly default: string } | { readonly required: true } ? never : undefined)
  : boolean;
export type OptionValues<T extends Readonly<Record<string, OptionSpec>>> = { -readonly [K in keyof T]: OptionValue<T[K]> };

/**
 * Flag > environment variable > default, for every option of `specs`, each read by its schema. Throws
 * `UsageError` naming the flag, the text and where it came from: `--port must be a whole number between
 * 0 and 65535 (got "eighty" from MCP_PORT)`.
 */
export function readOptions<const T extends Readonly<Record<string, OptionSpec>>>(specs: T, flags: Readonly<GivenFlags>, env: NodeJS.ProcessEnv): OptionValues<T> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(specs)) values[key] = readOption(spec, flags, env);
  return values as OptionValues<T>;
}

function readOption(spec: OptionSpec, flags: Readonly<GivenFlags>, env: NodeJS.ProcessEnv): unknown {
  const given = flags[spec.flag.slice(2)];
  const fromEnv = spec.env && env[spec.env] ? env[spec.env] : undefined;
  if (spec.value === undefined) {
    if (given === true) return true;
    return fromEnv === undefined ? false : readSwitch(spec.env!, fromEnv);
  }
  if (spec.repeat) return Array.isArray(given) ? [...given] : typeof given === 'string' ? [given] : [];
  const [text, source] = typeof given === 'string' ? [given, ''] : fromEnv !== undefined ? [fromEnv, ` from ${spec.env}`] : [spec.default, ' as the default'];
  if (text === undefined && spec.required) throw new UsageError(`${spec.flag} ${spec.value} is required${spec.env ? ` (or ${spec.env})` : ''}`);
  if (text === undefined || !spec.schema) return text;
  const result = spec.schema.safeParse(text);
  if (result.success) return result.data;
  const message = result.error.issues[0]?.message ?? 'is not valid';
  // Schemas say what the text must be ("must be ..."); a reader's own message (a library's, which names
  // the setting its own way) is kept whole.
  throw new UsageError(message.startsWith('must ') ? `${spec.flag} ${message} (got "${text}"${source})` : message);
}

const switchWords: Record<string, boolean> = { '1': true, true: true, yes: true, on: true, '0': false, false: false, no: false, off: false };

function readSwitch(variable: string, text: string): boolean {
  const value = switchWords[text.trim().toLowerCase()];
  if (value === undefined) throw new UsageError(`${variable} must be 1, true, yes or on (or 0, false, no, off) (got "${text}")`);
  return value;
}

// ---- schemas for option values: each message completes "--flag ..." -------------------------------

/** A whole number in [min, max]. */
export const wholeNumber = (min: number, max: number) => integerText(`must be a whole number from ${min} to ${max}`, min, max);

/** A TCP port (0 asks the system for a free one where `min` allows it). */
export const port = (min = 1) => integerText(`must be a whole number between ${min} and 65535`, min, 65_535);

function integerText(must: string, min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, must)
    .transform(Number)
    .pipe(z.number().min(min, must).max(max, must));
}

/** One of a few words. */
export const oneOf = <const T extends string>(values: readonly [T, ...T[]]) => z.string().pipe(z.enum(values, `must be ${alternatives(values)}`));

/** A positive duration like 30s, 5m or 1h30m, in milliseconds. */
export const duration = () =>
  z.string().transform((text, ctx) => {
    try {
      const ms = parseDuration(text);
      if (ms > 0) return ms;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'must be a duration like 30s, 5m or 1h' });
    return z.NEVER;
  });

/**
 * Text read by a library's own reader (`resolveProfile`, `parseQuantity`): its value, else what `must`
 * says, or the reader's own message when there is no `must` (it names the setting its own way).
 */
export const readWith = <T>(read: (text: string) => T, must?: `must ${string}`) =>
  z.string().transform((text, ctx): T => {
    try {
      return read(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: must ?? (error as Error).message });
      return z.NEVER;
    }
  });

/** Comma-separated words, trimmed, empty ones dropped. */
export const commaList = () => z.string().transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean));

/** An http(s) URL. */
export const httpUrl = (example?: string) => z.string().refine((text) => /^https?:\/\/[^/]/.test(text) && URL.canParse(text), `must be an http(s) URL${example ? ` such as ${example}` : ''}`);

/** "a", "a or b", "a, b or c". */
export function alternatives(words: readonly string[]): string {
  return words.length < 2 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

// ---- parsing ------------------------------------------------------------------------------------

interface Selected {
  spec: CommandSpec;
  args: string[];
  help: boolean;
}

/**
 * The command is the first word that is no flag's value, wherever it stands: commander only knows a
 * subcommand's options after the subcommand's name, the kit's commands have always taken them on
 * either side. `help [command]` asks for help as `--help` does.
 */
function selectCommand(cli: CliSpec, argv: readonly string[]): Selected {
  const commands = cli.commands ?? [];
  if (!commands.length) return { spec: cli, args: [...argv], help: false };
  const at = firstWord(cli, argv);
  const word = at === undefined ? undefined : argv[at]!;
  const rest = at === undefined ? [...argv] : [...argv.slice(0, at), ...argv.slice(at + 1)];
  const found = commands.find((command) => command.name === word);
  if (found) return { spec: found, args: rest, help: false };
  if (word === 'help') {
    const about = commands.find((command) => command.name === argv[at! + 1]);
    return { spec: about ?? cli, args: [], help: true };
  }
  if (word === undefined || cli.operands) return { spec: cli, args: [...argv], help: false };
  if (scanFor(cli, argv, (token) => helpTokens.has(token))) return { spec: cli, args: [], help: true };
  const names = commands.map((command) => command.name);
  const near = suggestion(word, names);
  throw new UsageError(`unknown ${cli.words?.command ?? 'command'} "${word}"${near ? ` (did you mean ${near}?)` : ''}: use ${alternatives(names)}; see ${cli.name} --help`);
}

function firstWord(cli: CliSpec, argv: readonly string[]): number | undefined {
  const valued = new Set<string>(allCommands(cli).flatMap((command) => command.options.filter((o) => o.value !== undefined).flatMap((o) => [o.flag, ...(o.short ? [o.short] : [])])));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return undefined;
    if (!token.startsWith('-') || token === '-') return i;
    if (valued.has(token)) i++;
  }
  return undefined;
}

/** Walks the tokens before `--`, stepping over option values, and tells whether one matches. */
function scanFor(spec: CommandSpec, args: readonly string[], match: (token: string) => boolean): boolean {
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') return false;
    if (match(token)) return true;
    if (valueOption(spec, token)) i++;
  }
  return false;
}

/**
 * A value option must have its value: commander would take the next word whatever it is (`--out --json`
 * would write to a directory named "--json"); the kit has always refused that, so a value starting
 * with `--` goes inline (`--out=--x`).
 */
function checkValues(spec: CommandSpec, args: readonly string[]): void {
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (token === '--') return;
    const option = valueOption(spec, token);
    if (!option) continue;
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${option.flag} needs a value (${option.value})`);
    i++;
  }
}

function valueOption(spec: CommandSpec, token: string): OptionSpec | undefined {
  return spec.options.find((o) => o.value !== undefined && (o.flag === token || o.short === token));
}

function unknownOption(cli: CliSpec, spec: CommandSpec, token: string): UsageError {
  const name = token.includes('=') ? token.slice(0, token.indexOf('=')) : token;
  const command = spec === cli ? undefined : spec.name;
  const see = `see ${helpCommand(cli, command)}`;
  const word = cli.words?.option ?? 'option';
  const own = spec.options.find((o) => o.flag === name || o.short === name);
  if (own && own.value === undefined) return new UsageError(`${own.flag} takes no value`);
  const owners = allCommands(cli).filter((other) => other !== spec && other.options.some((o) => o.flag === name));
  if (owners.length) {
    const where = spec === cli ? cli.name : spec.name;
    return new UsageError(`${name} is not ${word === 'flag' ? 'a' : 'an'} ${word} of ${where} (only of ${alternatives(owners.map((o) => (o === cli ? cli.name : o.name)))}); ${see}`);
  }
  const near = name.startsWith('--') ? suggestion(name, spec.options.filter((o) => !o.hidden).map((o) => o.flag)) : undefined;
  return new UsageError(`unknown ${word} ${quoted(cli, name)}${near ? ` (did you mean ${near}?)` : ''}; ${see}`);
}

function suggestion(word: string, candidates: readonly string[]): string | undefined {
  if (!candidates.length) return undefined;
  const near = closest(word, [...candidates]);
  return distance(word, near) <= Math.max(2, Math.floor(word.replace(/^--/, '').length / 3)) ? near : undefined;
}

function quoted(cli: CliSpec, text: string): string {
  return cli.words?.quoteNames ? `"${text}"` : text;
}

function helpCommand(cli: CliSpec, command: string | undefined): string {
  return `${cli.name}${command ? ` ${command}` : ''} --help`;
}

function allCommands(cli: CliSpec): CommandSpec[] {
  return [cli, ...(cli.commands ?? [])];
}

// ---- commander ----------------------------------------------------------------------------------

/**
 * The program as commander commands (fresh for each use: commander keeps parsed values on them), with
 * the help layout of the kit: synopsis lines, options as the docs write them (`--port PORT`) with their
 * defaults and variables, commands by name. Returns the command asked for.
 */
function commanderTree(cli: CliSpec, command: string | undefined): Command {
  const root = commanderCommand(cli, cli);
  for (const sub of cli.commands ?? []) root.addCommand(commanderCommand(cli, sub));
  if (cli.commands?.length) root.helpCommand('help [command]', 'show the help of a command');
  return (command && root.commands.find((c) => c.name() === command)) || root;
}

const unwrapped = 100_000;

function commanderCommand(cli: CliSpec, spec: CommandSpec): Command {
  const label = cli.words?.usage ?? 'Usage:';
  const specOf = (option: Option) => spec.options.find((o) => o.flag === option.long);
  const command = new Command(spec.name)
    .description(spec.description ?? spec.summary)
    .summary(spec.summary)
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined, getOutHelpWidth: () => unwrapped, getErrHelpWidth: () => unwrapped, getOutHasColors: () => false, getErrHasColors: () => false })
    .configureHelp({
      styleTitle: (title) => (title === 'Usage:' ? label : title),
      commandUsage: () => synopsis(cli, spec).join(`\n${' '.repeat(label.length + 1)}`),
      subcommandTerm: (sub) => sub.name(),
      optionTerm: (option) => {
        const own = specOf(option);
        return own ? `${own.short ? `${own.short}, ` : ''}${own.flag}${own.value === undefined ? '' : ` ${own.value}`}` : option.flags;
      },
      optionDescription: (option) => {
        const own = specOf(option);
        if (!own) return option.description;
        const shownDefault = own.defaultDescription ?? own.default;
        return `${own.describe}${shownDefault === undefined ? '' : ` (default ${shownDefault})`}${own.env ? ` [env ${own.env}]` : ''}`;
      },
    });
  if (spec.operands) command.argument(spec.operands.variadic ? `[${spec.operands.name}...]` : `[${spec.operands.name}]`, spec.operands.describe ?? '');
  for (const option of spec.options) command.addOption(commanderOption(option));
  return command;
}

function synopsis(cli: CliSpec, spec: CommandSpec): string[] {
  const prefix = spec === cli ? cli.name : `${cli.name} ${spec.name}`;
  if (spec.usage !== undefined) return (typeof spec.usage === 'string' ? [spec.usage] : spec.usage).map((line) => `${prefix} ${line}`);
  if (spec !== cli || !cli.commands?.length) return [`${prefix} [options]${spec.operands ? ` ${spec.operands.variadic ? `[${spec.operands.name}...]` : `[${spec.operands.name}]`}` : ''}`];
  return cli.commands.flatMap((sub) => synopsis(cli, sub));
}

function commanderOption(spec: OptionSpec): Option {
  const flags = `${spec.short ? `${spec.short}, ` : ''}${spec.flag}${spec.value === undefined ? '' : ` <${spec.value}>`}`;
  const option = new Option(flags, spec.describe);
  if (spec.repeat) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  if (spec.hidden) option.hideHelp();
  return option;
}
