/**
 * The one option parser and `--help` writer every `scenenet <command>` uses (see CONTRIBUTING.md,
 * "Adding a CLI command"). A command declares its options once, each with its default and an example;
 * from that one declaration come the parsing, the typed values and the help text.
 *
 * Rules it enforces for every command: `-h`/`--help` prints the help and exits 0; an unknown option, a
 * missing value or a stray argument prints one line and the hint to use `--help`, exit 2, never a stack
 * trace; a `UsageError` thrown by the command's own checks is reported the same way; SIGINT and SIGTERM
 * abort the `stop` signal the command receives, so it can close its peers and return 0.
 */
import process from 'node:process';

/** One option of a command: `--name VALUE` (string) or `--name` (boolean). */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** What the value looks like in the help: `N`, `HOST:PORT`, `URL` (string options). */
  readonly value?: string;
  /** The value when the option is absent (booleans: false). Absent string options without one are `undefined`. */
  readonly default?: string;
  /** How the help describes the default when it is not a fixed value ("3; 1 with --server"). */
  readonly defaultText?: string;
  /** May be given more than once; the values are collected in order. */
  readonly multiple?: boolean;
  /** A one-letter alias (`p` for `-p`). */
  readonly short?: string;
  /** What it does, one line. */
  readonly help: string;
  /** The option as one would type it: `--clients 5`. */
  readonly example: string;
}

/** A command's declaration: its usage, details, options and full example command lines. */
export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** The command's name as typed after `scenenet` (the command table in bin/scenenet.ts holds its summary). */
  readonly name: string;
  /** Paragraphs printed after the usage line: what the command does, its exit codes. */
  readonly description: string;
  readonly options: O;
  /** Whole command lines, each one that works as pasted. */
  readonly examples: readonly string[];
}

/** The parsed values, typed from the declaration. */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  -readonly [K in keyof O]: O[K]['type'] extends 'boolean'
    ? boolean
    : O[K]['multiple'] extends true
      ? string[]
      : O[K] extends { readonly default: string }
        ? string
        : string | undefined;
};

/** Bad command-line input found by a command's own checks; reported as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where a command writes its help and its usage errors (tests pass their own). */
export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Help and results to stdout, usage errors to stderr. */
export const consoleOutput: CommandOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Declares a command; the `const` type parameter keeps each option's literal shape for `OptionValues`. */
export function defineCommand<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec<O> {
  for (const [name, option] of Object.entries(spec.options)) {
    if (name === 'help' || option.short === 'h') throw new Error(`${spec.name}: --help/-h is built in`);
    if (!option.example.startsWith(`--${name}`)) throw new Error(`${spec.name}: the example of --${name} must use it`);
  }
  return spec;
}

/** What `parseOptions` found: the values, or a request for help. */
export type ParseResult<O extends Record<string, OptionSpec>> =
  | { readonly help: true }
  | { readonly help: false; readonly values: OptionValues<O> };

/**
 * Parses `argv` against the declaration: `--name VALUE`, `--name=VALUE`, `-x VALUE`, `--flag`, `--` ends
 * the options. Throws `UsageError` for anything else.
 */
export function parseOptions<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: readonly string[]): ParseResult<O> {
  const byShort = new Map(Object.entries(spec.options).flatMap(([name, o]) => (o.short === undefined ? [] : [[o.short, name] as const])));
  const values: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, o] of Object.entries(spec.options)) values[name] = o.type === 'boolean' ? false : o.multiple ? [] : o.default;
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { help: true };
    if (arg === '--') {
      if (i + 1 < argv.length) throw new UsageError(`unexpected argument '${argv[i + 1]}'`);
      break;
    }
    const long = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    const short = long === null ? /^-([^-])$/.exec(arg) : null;
    const name = long !== null ? long[1]! : short !== null ? byShort.get(short[1]!) : undefined;
    if (long === null && short === null) throw new UsageError(`unexpected argument '${arg}'`);
    const option = name === undefined ? undefined : spec.options[name];
    if (name === undefined || option === undefined || !Object.hasOwn(spec.options, name))
      throw new UsageError(`unknown option '${arg.split('=')[0]}'`);
    if (option.type === 'boolean') {
      if (long?.[2] !== undefined) throw new UsageError(`option --${name} takes no value`);
      values[name] = true;
      continue;
    }
    let value = long?.[2];
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next.length > 1 && !/^-\d/.test(next))) {
        throw new UsageError(`option --${name} needs a value (${option.value ?? 'VALUE'})`);
      }
      value = next;
      i++;
    }
    if (option.multiple) (values[name] as string[]).push(value);
    else if (given.has(name)) throw new UsageError(`option --${name} given twice`);
    else values[name] = value;
    given.add(name);
  }
  return { help: false, values: values as OptionValues<O> };
}

/** The `--help` text of a command. */
export function formatHelp(spec: CommandSpec, program = 'scenenet'): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short !== undefined ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const fallback = o.defaultText ?? (o.type === 'boolean' ? 'off' : o.multiple ? 'none' : o.default !== undefined ? o.default : 'none');
    return { flag, text: `${o.help} (default: ${fallback})\ne.g. ${o.example}` };
  });
  rows.push({ flag: '-h, --help', text: 'print this help and exit' });
  const width = Math.max(...rows.map((r) => r.flag.length)) + 4;
  return [
    `usage: ${program} ${spec.name} [options]`,
    '',
    spec.description.trim(),
    '',
    'options:',
    ...rows.map((r) => `  ${r.flag.padEnd(width)}${r.text.replaceAll('\n', `\n  ${' '.repeat(width)}`)}`),
    '',
    ...(spec.examples.length === 1 ? [`example: ${spec.examples[0]}`] : ['examples:', ...spec.examples.map((e) => `  ${e}`)]),
  ].join('\n');
}

/** Prints the one-line usage error of a command and returns its exit code, 2. */
export function reportUsageError(spec: CommandSpec, message: string, output: CommandOutput = consoleOutput, program = 'scenenet'): number {
  output.err(`${program} ${spec.name}: ${message} (see '${program} ${spec.name} --help')`);
  return 2;
}

/** An integer option's value within `[min, max]`, or a `UsageError` naming the option. */
export function integerOption(text: string, option: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${option} must be an integer ${max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`}, got '${text}'`,
    );
  }
  return n;
}

/** A positive number option (`--fps 30`), or a `UsageError`. */
export function positiveOption(text: string, option: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${option} must be a positive number, got '${text}'`);
  return n;
}

/** One of a fixed set of words (`--transport ws`), or a `UsageError` listing them. */
export function choiceOption<const C extends string>(text: string, option: string, choices: readonly C[]): C {
  if (!(choices as readonly string[]).includes(text))
    throw new UsageError(`--${option} must be one of ${choices.join(', ')}, got '${text}'`);
  return text as C;
}

/**
 * Runs a command: parses `argv`, prints the help (exit 0) or a usage error (exit 2), else calls `body`
 * with the values and a `stop` signal that SIGINT or SIGTERM aborts (a second signal exits at once with
 * 130). `body` resolves with the exit code; a long-running command closes its peers when `stop` aborts
 * and returns 0.
 */
export async function runCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  body: (values: OptionValues<O>, stop: AbortSignal) => Promise<number>,
  output: CommandOutput = consoleOutput,
): Promise<number> {
  let parsed: ParseResult<O>;
  try {
    parsed = parseOptions(spec, argv);
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError(spec, err.message, output);
    throw err;
  }
  if (parsed.help) {
    output.out(formatHelp(spec));
    return 0;
  }
  const stopping = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping.signal.aborted) process.exit(130);
    output.err(`${spec.name}: ${signal}, closing…`);
    stopping.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await body(parsed.values, stopping.signal);
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError(spec, err.message, output);
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Resolves when `stop` aborts (at once if it already has). */
export function whenStopped(stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) resolve();
    else stop.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Waits `ms`, or less if `stop` aborts first. */
export function sleep(ms: number, stop?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    stop?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      stop?.removeEventListener('abort', done);
      resolve();
    }
  });
}
