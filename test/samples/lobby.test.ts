/** The lobby sample: in-process over loopback (both modes, deterministic), over real WebSockets, and via the CLI. */
import t from 'tap';
import { spawn } from 'node:child_process';
import { runInProcess, runRealTime } from '../../samples/lobby/run-lobby.js';

const quiet = { print: () => {}, maxFrames: 3000 };

t.test('lobby: host mode, 3 clients over loopback, completes with agreeing views and a rejected cheat', async (t) => {
  const lines: string[] = [];
  const result = await runInProcess({ ...quiet, print: (l) => lines.push(l), mode: 'host', clients: 3, seed: 2026 });
  t.ok(result.ok, result.summary);
  t.ok(lines.some((l) => /registered as Ada/.test(l)));
  t.ok(
    lines.some((l) => /error: RPC 'teleport' is not allowed/.test(l)),
    'the cheat was rejected and logged',
  );
  t.ok(lines.some((l) => /every peer's view agrees/.test(l)));
});

t.test('lobby: the same seed gives the same packet trace; another seed another', async (t) => {
  const a = await runInProcess({ ...quiet, mode: 'host', clients: 3, seed: 7 });
  const b = await runInProcess({ ...quiet, mode: 'host', clients: 3, seed: 7 });
  const c = await runInProcess({ ...quiet, mode: 'host', clients: 3, seed: 8 });
  t.equal(a.traceHash, b.traceHash);
  t.equal(a.frames, b.frames);
  t.not(a.traceHash, c.traceHash);
});

t.test('lobby: dedicated server mode', async (t) => {
  const result = await runInProcess({ ...quiet, mode: 'dedicated', clients: 2, seed: 3 });
  t.ok(result.ok, result.summary);
});

t.test('lobby: over real WebSocket sockets in one process', async (t) => {
  const result = await runRealTime({ ...quiet, mode: 'host', clients: 2, transport: 'ws' });
  t.ok(result.ok, result.summary);
});

t.test('lobby: over real ENet (UDP) sockets in one process', async (t) => {
  const result = await runRealTime({ ...quiet, mode: 'host', clients: 2, transport: 'enet' });
  t.ok(result.ok, result.summary);
});

/** Runs `scenenet lobby` with `args`; resolves with its exit code and output. */
function cli(args: string[], onLine?: (line: string) => void): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/scenenet.ts', 'lobby', ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const line of d.toString().split('\n')) if (line) onLine?.(line);
    });
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

for (const transport of ['ws', 'enet']) {
  t.test(`lobby: server and two clients as three processes over ${transport}`, async (t) => {
    let announce: (port: string) => void = () => {};
    const port = new Promise<string>((resolve) => (announce = resolve));
    const server = cli(['--transport', transport, '--server', '--clients', '2', '--frames', '6000'], (line) => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(line);
      if (m) announce(m[1]!);
    });
    const address = `127.0.0.1:${await port}`;
    const clients = [1, 2].map(() => cli(['--transport', transport, '--client', address, '--clients', '2']));
    const results = await Promise.all([server, ...clients]);
    for (const [i, r] of results.entries()) {
      t.equal(r.code, 0, `process ${i} exits 0`);
      t.match(r.stdout, /lobby: OK/);
    }
    const views = results.map((r) => /final positions \(every peer's view agrees\): (.*)/.exec(r.stdout)?.[1]);
    t.ok(views[0] !== undefined && views.every((v) => v === views[0]), 'all three processes end with the same positions');
  });
}

t.test('lobby: `scenenet lobby` CLI exits 0 and prints OK', async (t) => {
  const out = await cli(['--clients', '2']);
  t.equal(out.code, 0);
  t.match(out.stdout, /lobby: OK/);
});
