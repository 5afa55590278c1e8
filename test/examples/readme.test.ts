/** The README's code is real: its examples are files of this folder, verbatim (with package imports). */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** A file of this folder as the README shows it: package imports instead of relative ones. */
function asInReadme(file: string): string {
  return readFileSync(new URL(file, import.meta.url), 'utf8')
    .replace(/'\.\.\/\.\.\/core\/index\.js'/g, "'scenenet'")
    .replace(/'\.\.\/\.\.\/scenetree\/index\.js'/g, "'scenenet/scenetree'")
    .replace(/'\.\.\/\.\.\/plugins\/(\w+)\/index\.js'/g, "'scenenet/plugins/$1'");
}

const FILES = ['./quickstart.ts', './simulation-example.test.ts', './replication-example.test.ts'];
// The Simulation section's explore, timeline and record/replay examples.
FILES.push('./explore-example.test.ts', './timeline-example.test.ts', './replay-example.test.ts');
for (const file of FILES) {
  t.test(`README shows ${file} verbatim`, (t) => {
    t.ok(readme.includes('```ts\n' + asInReadme(file) + '```'), 'README block matches the file');
    t.end();
  });
}

t.test('README shows the timeline screenshot, and it is committed', (t) => {
  t.match(readme, /!\[[^\]]*\]\(docs\/simulator-timeline\.png\)/);
  t.equal(readFileSync(new URL('../../docs/simulator-timeline.png', import.meta.url)).subarray(1, 4).toString(), 'PNG');
  t.end();
});

t.test('the quickstart runs: the RPC arrives locally and on the server', (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', new URL('./quickstart.ts', import.meta.url).pathname], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  t.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  t.equal(lines.length, 2, run.stdout);
  t.match(lines.find((l) => l.startsWith('peer 1 ')), /^peer 1 got "hello" from peer \d+$/);
  t.ok(lines.some((l) => /^peer (\d+) got "hello" from peer \1$/.test(l)), 'call_local: the caller is the sender');
  t.end();
});
