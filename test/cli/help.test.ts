/**
 * `scenenet --help` lists every command; each command's `--help` and `-h` exit 0 and show every option
 * with its default and an example; an unknown option or command is one line on stderr and exit 2.
 * `scenenet --help`, one command's `--help` and a bad option run as child processes, as a user runs them
 * (`.ci/fresh-clone` runs every `scenenet <command> --help` through `npx scenenet`); the other commands'
 * `--help`, `-h` and the other spellings run in this process through the same program function the bin
 * calls (each child process is a tsx start-up, seconds of CPU on a loaded 2-core machine).
 */
import t from 'tap';
import { runProgram } from '../../cli/index.js';
import { COMMANDS } from '../../bin/scenenet.js';
import { limited, runCli } from './cli-process.js';

t.setTimeout(600_000);

/** Runs the program in this process, capturing what it (and the command) prints. */
async function inProcess(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (line: string) => out.push(line);
  console.error = (line: string) => err.push(line);
  try {
    const code = await runProgram('scenenet', COMMANDS, argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    Object.assign(console, { log, error });
  }
}

const names = Object.keys(COMMANDS);
/** The command whose `--help` also runs as a child process. */
const CHILD_HELP = 'lobby';
const [top, childHelp] = await limited(2, [() => runCli(['--help']), () => runCli([CHILD_HELP, '--help'])]);
// One at a time: inProcess captures console.log/error while the program runs.
const perCommand: { code: number; stdout: string; stderr: string }[] = [];
for (const name of names) {
  const r = await inProcess([name, '--help']);
  perCommand.push({ code: r.code, stdout: r.out, stderr: r.err });
}
// One bad option as a child process too: the exit code and stderr the shell sees.
const badProcess = await runCli(['lobby', '--no-such-option']);

t.test('a bad option in a child process: exit 2, one line on stderr, no stack trace', (t) => {
  t.equal(badProcess.code, 2);
  t.equal(badProcess.stdout, '');
  t.equal(badProcess.stderr.trim(), "scenenet lobby: unknown option '--no-such-option' (see 'scenenet lobby --help')");
  t.end();
});

t.test(`scenenet ${CHILD_HELP} --help in a child process: exit 0, the same help as in this process`, (t) => {
  t.equal(childHelp!.code, 0, childHelp!.stderr);
  t.equal(childHelp!.stdout, perCommand[names.indexOf(CHILD_HELP)]!.stdout);
  t.end();
});

t.test('scenenet --help: exit 0, one line per command of the table', (t) => {
  t.equal(top!.code, 0, top!.stderr);
  t.match(top!.stdout, /^usage: scenenet <command> \[options\]/);
  const listed = [...top!.stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}(\S.*)$/gm)].map((m) => [m[1]!, m[2]!]);
  t.same(
    listed,
    names.map((n) => [n, COMMANDS[n]!.summary]),
  );
  for (const name of ['demo', 'lobby', 'chat', 'signaling', 'server-list', 'http', 'serve', 'arena', 'loadtest'])
    t.ok(names.includes(name), `has ${name}`);
  t.end();
});

t.test("bare scenenet, -h and help print the list; help CMD a command's help; an unknown command is one line, exit 2", async (t) => {
  const bare = await inProcess([]);
  t.equal(bare.code, 0);
  t.equal(bare.out, top!.stdout);
  t.same(await inProcess(['-h']), bare);
  t.same(await inProcess(['help']), bare);
  const unknown = await inProcess(['no-such-command']);
  t.equal(unknown.code, 2);
  t.equal(unknown.err, "scenenet: unknown command 'no-such-command' (see 'scenenet --help')");
});

for (const [i, name] of names.entries()) {
  t.test(`scenenet ${name}: --help/-h exit 0 with every option's default and example; a bad option exits 2 in one line`, async (t) => {
    const long = perCommand[i]!;
    const bad = await inProcess([name, '--no-such-option']);
    t.equal(long.code, 0, long.stderr);
    t.match(long.stdout, new RegExp(`^usage: scenenet ${name} \\[options\\]`));
    t.match(long.stdout, /\n(?:examples:\n {2}|example: )scenenet /);
    const blocks = long.stdout
      .split(/\nexamples?:/)[0]!
      .split(/\n(?= {2}(?:-\w, )?--)/)
      .slice(1);
    t.ok(blocks.length > 1, `${blocks.length - 1} options`);
    for (const block of blocks.filter((b) => !/^ {2}-h, --help/.test(b))) {
      const option = /--[a-z-]+/.exec(block)![0];
      t.match(block, new RegExp(`\\(default: .+\\)\\n\\s+e\\.g\\. ${option}\\b`), `${option} shows its default and an example`);
    }
    const short = await inProcess([name, '-h']);
    t.equal(short.code, 0, '-h exits 0');
    t.equal(short.out, long.stdout, '-h prints the same help');
    t.same(await inProcess(['help', name]), short, `help ${name}`);

    t.equal(bad.code, 2);
    t.equal(bad.out, '');
    t.equal(bad.err, `scenenet ${name}: unknown option '--no-such-option' (see 'scenenet ${name} --help')`, 'one line, no stack trace');
    for (const args of [['--port'], ['stray'], ['--frames=1', '--frames=2']]) {
      const r = await inProcess([name, ...args]);
      if (r.code === 0) continue; // a command without that option never gets here: it is unknown (exit 2)
      t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
      t.match(r.err, new RegExp(`^scenenet ${name}: .+ \\(see 'scenenet ${name} --help'\\)$`), `${args.join(' ')}: one line`);
    }
  });
}
