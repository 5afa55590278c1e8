/**
 * Every code block of the README is real. A `ts` block is a file of this folder, verbatim (with package
 * imports instead of relative ones): `npm run typecheck` checks it, and it runs here (a `*.test.ts` one
 * runs as a tap test of its own; a browser-only one, whose first line says so, is only compiled). A `sh`
 * block is commands: `npm run X` names a script, and every other line runs here and exits 0
 * (`npx scenenet …` from the sources). Any other kind of block fails. `.ci/fresh-clone` runs the same
 * blocks again from a fresh clone after `npm install` alone.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };

/** Every fenced block: its language and text. */
export const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));

/** A file of this folder as the README shows it: package imports instead of relative ones. */
function asInReadme(file: string): string {
  return readFileSync(new URL(file, import.meta.url), 'utf8')
    .replace(/'\.\.\/\.\.\/core\/index\.js'/g, "'scenenet'")
    .replace(/'\.\.\/\.\.\/(scenetree|netcode|server)\/index\.js'/g, "'scenenet/$1'")
    .replace(/'\.\.\/\.\.\/server\/presence\/index\.js'/g, "'scenenet/server/presence'")
    .replace(/'\.\.\/\.\.\/plugins\/(\w+)\/index\.js'/g, "'scenenet/plugins/$1'");
}

const files = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.ts') && !f.startsWith('readme'));
/** README text → the file of this folder it shows. */
const shown = new Map(files.map((f) => [asInReadme(`./${f}`), f]));
/** Files whose run a test of their own checks (with what they print); not run twice. */
const RUN_ELSEWHERE = new Set(['game-server.ts']); // game-server-readme.test.ts

t.test('the README shows each of the examples verbatim', (t) => {
  const inReadme = new Set(blocks.filter((b) => b.lang === 'ts').map((b) => shown.get(b.code)));
  for (const file of ['quickstart.ts', 'simulation-example.test.ts', 'replication-example.test.ts', 'container.ts', 'game-server.ts']) {
    t.ok(inReadme.has(file), `README shows ${file}`);
  }
  for (const file of ['explore-example.test.ts', 'timeline-example.test.ts', 'replay-example.test.ts'])
    t.ok(inReadme.has(file), `README shows ${file}`);
  for (const file of ['typed-rpc.ts', 'session.ts', 'netcode.ts', 'streams.ts', 'room-session.ts', 'presence.ts'])
    t.ok(inReadme.has(file), `README shows ${file}`);
  t.end();
});

const runs = new Map<string, { status: number | null; stdout: string; stderr: string }>();

/** Runs a file or the CLI through tsx (once per argument list); its exit code and output. */
function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const key = args.join('\0');
  if (!runs.has(key))
    runs.set(key, spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 }));
  return runs.get(key)!;
}

t.test('the README has code blocks, each of a kind this test knows', (t) => {
  t.ok(blocks.length >= 5, `${blocks.length} blocks`);
  for (const b of blocks) t.ok(b.lang === 'ts' || b.lang === 'sh', `a ${b.lang || 'plain'} block: ${b.code.split('\n')[0]}`);
  t.end();
});

for (const [i, block] of blocks.filter((b) => b.lang === 'ts').entries()) {
  const file = shown.get(block.code);
  t.test(`README ts block ${i + 1} is a file of test/examples, verbatim, and runs`, (t) => {
    t.ok(file !== undefined, `block starting "${block.code.split('\n')[0]}" matches a file of test/examples/`);
    // tap runs the *.test.ts ones as tests of their own
    if (file === undefined || file.endsWith('.test.ts') || RUN_ELSEWHERE.has(file)) return t.end();
    // A browser-only example says so on its first line; `npm run typecheck` compiles it (tsconfig includes test/).
    if (block.code.startsWith('// Browser only')) return t.end();
    const r = run([fileURLToPath(new URL(`./${file}`, import.meta.url))]);
    t.equal(r.status, 0, `${file}: ${r.stderr}`);
    t.end();
  });
}

t.test('what the examples print', (t) => {
  const out = (file: string) => run([fileURLToPath(new URL(`./${file}`, import.meta.url))]).stdout;
  t.match(out('typed-rpc.ts'), /^aim 2 x3 at \(4, 5\)\nfire x3 from peer \d+\n$/, 'the typed and the rpcConfig RPC arrive');
  t.match(out('session.ts'), /^server: hello from peer \d+\n$/, 'the session client reached the server');
  const [, server, client] = /^server x (\d+), client renders x ([\d.]+)\n$/.exec(out('netcode.ts')) ?? [];
  t.ok(
    Number(server) > 0 && Number(client) > 0 && Number(client) < Number(server),
    `the client renders the ship behind the server (${client} < ${server})`,
  );
  t.match(out('room-session.ts'), /^room: hello from peer \d+\nfinal: 1 client\n$/, "the room got the session client's RPC");
  t.equal(out('streams.ts'), 'got 1 packet: hello\n', "the server loop got the client's text");
  t.equal(out('presence.ts'), 'ws://127.0.0.1:PORT/arena/<roomId>?seat=<32 hex>\n', 'the matchmaker reserved a seat in this process');
  t.end();
});

t.test('the container example runs: the container made a SceneTree and the loopback factory', (t) => {
  const r = run([fileURLToPath(new URL('./container.ts', import.meta.url))]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.trim(), 'a SceneTree and the "loopback" peer factory');
  t.end();
});

t.test('README shows the timeline screenshot, and it is committed', (t) => {
  t.match(readme, /!\[[^\]]*\]\(docs\/simulator-timeline\.png\)/);
  t.equal(
    readFileSync(new URL('../../docs/simulator-timeline.png', import.meta.url))
      .subarray(1, 4)
      .toString(),
    'PNG',
  );
  t.end();
});

t.test('the quickstart runs: the RPC arrives locally and on the server', (t) => {
  const r = run([fileURLToPath(new URL('./quickstart.ts', import.meta.url))]);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.equal(lines.length, 2, r.stdout);
  t.match(
    lines.find((l) => l.startsWith('peer 1 ')),
    /^peer 1 got "hello" from peer \d+$/,
  );
  t.ok(
    lines.some((l) => /^peer (\d+) got "hello" from peer \1$/.test(l)),
    'call_local: the caller is the sender',
  );
  t.end();
});

/** The commands of the README's sh blocks, comments and `&&` split off. */
export const commands = blocks
  .filter((b) => b.lang === 'sh')
  .flatMap((b) => b.code.split('\n'))
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter((line) => line !== '')
  .flatMap((line) => line.split('&&').map((c) => c.trim()));

t.test('README sh blocks: npm commands name real scripts; every other line runs here and exits 0', (t) => {
  t.ok(
    commands.some((c) => c.startsWith('npx scenenet')),
    'the README shows the CLI',
  );
  for (const command of commands) {
    const words = command.split(/\s+/);
    if (command === 'npm install' || command === 'npm test') continue;
    if (words[0] === 'npm' && words[1] === 'run') {
      t.ok(pkg.scripts[words[2]!] !== undefined, `${command}: a package.json script`);
      continue;
    }
    // `npx scenenet …` runs the CLI from the sources (no build needed); anything else runs as written.
    const r =
      words[0] === 'npx' && words[1] === 'scenenet'
        ? run(['bin/scenenet.ts', ...words.slice(2)])
        : spawnSync('bash', ['-c', command], { cwd: root, encoding: 'utf8', timeout: 180_000 });
    t.equal(r.status, 0, `${command}: ${r.stderr.slice(-500)}`);
  }
  t.end();
});
