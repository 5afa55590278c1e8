import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';

// Each adapter is proven by running the suite under its runner, in a child process: on the loopback
// peer every case passes, and on a peer that reads packets last-in-first-out exactly cases 6 and 7
// fail (so an adapter that swallowed failures would be caught). The tap adapter is proven by every
// transport's own conformance test (test/plugins/*/conformance.test.ts).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUNNERS = fileURLToPath(new URL('./runners/', import.meta.url));
const EXPECTED_FAILED = ['bug:lifo-packets: 6', 'bug:lifo-packets: 7'];

function run(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: RUNNERS, maxBuffer: 64 << 20, timeout: 300_000 }, (_err, stdout, stderr) =>
      resolve(stdout + stderr),
    );
  });
}

/** `name → passed` of the 28 cases, keyed by `<fixture>: <case number>`. */
function check(t: Test, results: Map<string, boolean>): void {
  t.equal(results.size, 28, '14 cases on each of the two peers');
  const failed = [...results]
    .filter(([, ok]) => !ok)
    .map(([name]) => name)
    .sort();
  t.same(failed, EXPECTED_FAILED, 'every loopback case passes; the LIFO peer fails cases 6 and 7 only');
}

function key(title: string): string {
  return title.replace(/^(.*?: \d+)\..*$/, '$1');
}

t.test('node:test adapter: nodeTestRunner(test) under `node --test`', async (t) => {
  const out = await run(['--import', 'tsx', '--test', '--test-reporter=tap', 'loopback.node-test.ts']);
  const results = new Map<string, boolean>();
  for (const [, not, title] of out.matchAll(/^(not )?ok \d+ - (.*)$/gm)) results.set(key(title!), not === undefined);
  check(t, results);
});

t.test('Vitest adapter: vitestRunner(test) under `vitest run` with its own config', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'scenenet-vitest-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const report = join(dir, 'report.json');
  const vitest = join(ROOT, 'node_modules/vitest/vitest.mjs');
  const out = await run([
    vitest,
    'run',
    '--config',
    'vitest.config.mjs',
    '--configLoader',
    'native',
    '--no-cache',
    '--reporter=json',
    `--outputFile=${report}`,
  ]);
  const json = JSON.parse(
    await readFile(report, 'utf8').catch(() => `{"testResults":[],"output":${JSON.stringify(out.slice(-2000))}}`),
  ) as {
    testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }>;
  };
  const results = new Map<string, boolean>();
  for (const file of json.testResults) for (const a of file.assertionResults) results.set(key(a.title), a.status === 'passed');
  check(t, results);
});
