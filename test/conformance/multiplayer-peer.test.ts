import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// The suite must fail a broken transport, or its passes mean nothing. fixtures/broken-peers.ts runs
// it (in a child process, so its failures stay out of this file's results) against a correct
// loopback peer wrapped with one deliberate bug per fixture; here we check which cases failed.
const script = fileURLToPath(new URL('./fixtures/broken-peers.ts', import.meta.url));

const EXPECTED: Record<string, number[]> = {
  none: [],
  'late-connect-signal': [13],
  'wrong-channel': [8, 14],
  'lifo-packets': [6, 7],
  'no-exclusion': [7],
  'relay-lie': [14],
};

function runBrokenPeers(): Promise<string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script], { maxBuffer: 64 << 20 }, (_err, stdout) => resolve(stdout));
  });
}

t.test('runMultiplayerPeerConformance: fails exactly the cases each deliberate bug breaks', async (t) => {
  const tap = await runBrokenPeers();
  const failed = new Map<string, number[]>();
  const ran = new Set<string>();
  for (const [, not, bug, n] of tap.matchAll(/^(not )?ok \d+ - bug:([\w-]+): (\d+)\./gm)) {
    ran.add(bug!);
    if (not)
      failed.set(
        bug!,
        [...(failed.get(bug!) ?? []), Number(n)].sort((a, b) => a - b),
      );
  }
  for (const [bug, cases] of Object.entries(EXPECTED)) {
    t.ok(ran.has(bug), `${bug}: the suite ran`);
    t.same(failed.get(bug) ?? [], cases, `${bug}: failed cases`);
  }
  const outside = failed.get('signals-outside-poll') ?? [];
  t.ok(
    [3, 4, 13].every((n) => outside.includes(n)),
    `signals-outside-poll: caught by cases 3, 4 and 13 (and ${outside.length - 3} more)`,
  );
  t.notOk(outside.includes(1) || outside.includes(2), 'signals-outside-poll: cases without a connection still pass');
});
