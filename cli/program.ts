/**
 * The `scenenet` program around the command table: `scenenet --help` lists every command with its
 * summary, `scenenet help <command>` and `scenenet <command> --help` print a command's help, an unknown
 * command is one line and exit 2, and a command's module is imported only when it runs.
 */
import { consoleOutput, type CommandOutput } from './command.js';

/** A command's module: its `main` takes the arguments after the command name and resolves with the exit code. */
export interface CommandModule {
  main(argv: string[]): Promise<number>;
}

/** A row of the command table: the one place a command is declared. */
export interface CommandEntry {
  /** One line for `scenenet --help`. */
  readonly summary: string;
  /** Imports the command's module (lazily: `scenenet --help` loads none of them). */
  readonly load: () => Promise<CommandModule>;
}

export type CommandTable = Readonly<Record<string, CommandEntry>>;

/** The program's `--help`: usage, then one line per command. */
export function formatCommandList(program: string, table: CommandTable): string {
  const width = Math.max(...Object.keys(table).map((n) => n.length)) + 2;
  return [
    `usage: ${program} <command> [options]`,
    '',
    'commands:',
    ...Object.entries(table).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    `'${program} <command> --help' shows a command's options, their defaults and examples.`,
  ].join('\n');
}

/** Runs `program <command> [options]`; resolves with the exit code. */
export async function runProgram(
  program: string,
  table: CommandTable,
  argv: readonly string[],
  output: CommandOutput = consoleOutput,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    output.out(formatCommandList(program, table));
    return 0;
  }
  if (name === 'help' && rest.length <= 1) {
    return rest[0] === undefined ? runProgram(program, table, [], output) : runProgram(program, table, [rest[0], '--help'], output);
  }
  const entry = Object.hasOwn(table, name) ? table[name] : undefined;
  if (entry === undefined) {
    output.err(`${program}: unknown command '${name}' (see '${program} --help')`);
    return 2;
  }
  return (await entry.load()).main(rest);
}
