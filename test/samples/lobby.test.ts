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
  t.ok(lines.some((l) => /error: RPC 'teleport' is not allowed/.test(l)), 'the cheat was rejected and logged');
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

t.test('lobby: `scenenet lobby` CLI exits 0 and prints OK', async (t) => {
  const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/scenenet.ts', 'lobby', '--clients', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('close', (code) => resolve({ code, stdout }));
  });
  t.equal(out.code, 0);
  t.match(out.stdout, /lobby: OK/);
});
