/**
 * Every code block of the README is real. A `ts` block is a file of this folder, verbatim (with package
 * imports instead of relative ones): `npm run typecheck` checks it, and it runs here (a `*.test.ts` one
 * runs as a tap test of its own). A `sh` block is commands: `npm run X` names a script, and every
 * `npx scenenet …` line runs here and exits 0. Any other kind of block fails. `.ci/fresh-clone` runs the
 * same blocks again from a fresh clone after `npm install` alone.
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
    .replace(/'\.\.\/\.\.\/scenetree\/index\.js'/g, "'scenenet/scenetree'")
    .replace(/'\.\.\/\.\.\/plugins\/(\w+)\/index\.js'/g, "'scenenet/plugins/$1'");
}

const FILES = ['./quickstart.ts', './simulation-example.test.ts', './replication-example.test.ts', './container.ts'];
// The Simulation section's explore, timeline and record/replay examples.
FILES.push('./explore-example.test.ts', './timeline-example.test.ts', './replay-example.test.ts');
for (const file of FILES) {
  t.test(`README shows ${file} verbatim`, (t) => {
    t.ok(readme.includes('```ts\n' + asInReadme(file) + '```'), 'README block matches the file');
    t.end();
  });
}

const runs = new Map<string, { status: number | null; stdout: string; stderr: string }>();

/** Runs a file or the CLI through tsx (once per argument list); its exit code and output. */
function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const key = args.join('\0');
  if (!runs.has(key)) runs.set(key, spawnSync(process.execPath, ['--import', 'tsx', ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 }));
  return runs.get(key)!;
}

t.test('the README has code blocks, each of a kind this test knows', (t) => {
  t.ok(blocks.length >= 5, `${blocks.length} blocks`);
  for (const b of blocks) t.ok(b.lang === 'ts' || b.lang === 'sh', `a ${b.lang || 'plain'} block: ${b.code.split('\n')[0]}`);
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
  t.equal(readFileSync(new URL('../../docs/simulator-timeline.png', import.meta.url)).subarray(1, 4).toString(), 'PNG');
  t.end();
});

t.test('the quickstart runs: the RPC arrives locally and on the server', (t) => {
  const r = run([fileURLToPath(new URL('./quickstart.ts', import.meta.url))]);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.equal(lines.length, 2, r.stdout);
  t.match(lines.find((l) => l.startsWith('peer 1 ')), /^peer 1 got "hello" from peer \d+$/);
  t.ok(lines.some((l) => /^peer (\d+) got "hello" from peer \1$/.test(l)), 'call_local: the caller is the sender');
  t.end();
});

/** The commands of the README's sh blocks, comments and `&&` split off. */
export const commands = blocks
  .filter((b) => b.lang === 'sh')
  .flatMap((b) => b.code.split('\n'))
  .map((line) => line.replace(/\s+#.*$/, '').trim())
  .filter((line) => line !== '')
  .flatMap((line) => line.split('&&').map((c) => c.trim()));

t.test('README sh blocks: npm commands name real scripts; every npx scenenet line exits 0', (t) => {
  t.ok(commands.some((c) => c.startsWith('npx scenenet')), 'the README shows the CLI');
  for (const command of commands) {
    const words = command.split(/\s+/);
    if (command === 'npm install' || command === 'npm test') continue;
    if (words[0] === 'npm' && words[1] === 'run') {
      t.ok(pkg.scripts[words[2]!] !== undefined, `${command}: a package.json script`);
      continue;
    }
    t.equal(words.slice(0, 2).join(' '), 'npx scenenet', `${command}: a command this test can run`);
    const r = run(['bin/scenenet.ts', ...words.slice(2)]);
    t.equal(r.status, 0, `${command}: ${r.stderr.slice(-500)}`);
  }
  t.end();
});
