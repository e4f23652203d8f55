/**
 * Reads container command lines the way the kit's programs do, for checks made outside the root
 * package: infra/eks's tests (infra/eks/test/command-lines.ts) run this file with the root's tsx and
 * ask whether the command and environment each add-on gives a container are ones its program accepts.
 * It runs here, not in infra/eks, because the programs' command-line layer (lib/platform/cli.ts) needs
 * the root's dependencies (commander, fastest-levenshtein), which infra/eks does not install.
 *
 * Everything comes from the programs' own option tables: the parser (`parseCommandLine`: unknown flags,
 * unknown commands, missing values), the variables each command's options read, and each value read by
 * its option's schema (`readOptions`), flag > variable > default, as the program would at start.
 *
 * stdin: a JSON list of `{ program, argv, env }` (program: the script the image runs, as in the
 * container's command); stdout: a JSON list of `CommandLineReading`.
 */
import { text } from 'node:stream/consumers';
import { devopsAgentCli } from '../../agent/config.js';
import { parseCommandLine, readOptions, UsageError, type CliSpec, type OptionSpec } from '../../lib/platform/cli.js';
import { prometheusMcpCli } from '../../mcp/server/cli.js';
import { workloadCli } from '../../workload/cli.js';

/** The scripts of the image (the root Dockerfile) by the path a container's command gives them. */
const programs: Record<string, CliSpec> = {
  'bin/devops-agent.js': devopsAgentCli,
  'bin/prometheus-mcp.js': prometheusMcpCli,
  'dist/workload/main.js': workloadCli,
};

interface ContainerCommandLine {
  program: string;
  argv: string[];
  env: Record<string, string>;
}

interface CommandLineReading {
  program: string;
  /** The subcommand the argv selects; absent when the program itself runs. */
  command?: string;
  /** Flags as given (name without dashes). */
  flags: Record<string, unknown>;
  /** The variables the selected command's options read. */
  acceptedEnv: string[];
  /** The flags the selected command takes. */
  acceptedFlags: string[];
  /** Each setting after flag > variable > default, as read at start (JSON-safe). */
  values: Record<string, unknown>;
  /** What the program would refuse: an unknown program, flag or command, a value its schema rejects. */
  problems: string[];
}

function readCommandLine({ program, argv, env }: ContainerCommandLine): CommandLineReading {
  const reading: CommandLineReading = { program, flags: {}, acceptedEnv: [], acceptedFlags: [], values: {}, problems: [] };
  const cli = programs[program];
  if (!cli) return { ...reading, problems: [`${program} is none of the image's programs (${Object.keys(programs).join(', ')})`] };
  try {
    const line = parseCommandLine(cli, argv);
    if (line.help) return { ...reading, problems: ['the command line asks for --help'] };
    const spec = line.command ? cli.commands!.find((sub) => sub.name === line.command)! : cli;
    const options: Record<string, OptionSpec> = Object.fromEntries(spec.options.map((option) => [option.flag, option]));
    reading.command = line.command;
    reading.flags = line.flags;
    reading.acceptedEnv = spec.options.flatMap((option) => (option.env ? [option.env] : []));
    reading.acceptedFlags = spec.options.map((option) => option.flag);
    reading.values = JSON.parse(JSON.stringify(readOptions(options, line.flags, env))) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    reading.problems.push(`${cli.name}: ${error.message}`);
  }
  return reading;
}

const requests = JSON.parse(await text(process.stdin)) as ContainerCommandLine[];
process.stdout.write(`${JSON.stringify(requests.map(readCommandLine))}\n`);
