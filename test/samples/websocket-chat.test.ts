import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { main } from '../../samples/websocket-chat/main.js';

const entry = fileURLToPath(new URL('../../samples/websocket-chat/main.ts', import.meta.url));

for (const mode of ['multiplayer', 'raw'] as const) {
  t.test(`websocket-chat (${mode}): server and two clients in one process`, async (t) => {
    const lines: string[] = [];
    const code = await main(['--mode', mode, '--frames', '80', '--fps', '100'], (l) => lines.push(l));
    t.equal(code, 0, lines.join('\n'));
    t.match(lines[0], /^\[server\] listening on port \d+$/);
    for (const who of ['alice', 'bob']) {
      t.ok(
        lines.some((l) => new RegExp(`^\\[client ${who}\\] \\d+: hello from alice$`).test(l)),
        `${who} got alice's line`,
      );
      t.ok(
        lines.some((l) => new RegExp(`^\\[client ${who}\\] \\d+: hi alice, bob here$`).test(l)),
        `${who} got bob's line`,
      );
    }
    t.ok(
      lines.some((l) => /^\[server\] \d+: hello from alice$/.test(l)),
      'the server saw it too',
    );
  });
}

t.test('websocket-chat: bad arguments exit with 2', async (t) => {
  t.equal(await main(['--mode', 'carrier-pigeon'], () => undefined), 2);
  t.equal(await main(['--port', '99999'], () => undefined), 2);
  t.equal(await main(['--unknown'], () => undefined), 2);
});

/** Spawns the sample as its own process and collects its stdout lines. */
function run(t: Test, args: string[]): { child: ChildProcess; lines: string[]; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exit };
}

async function waitFor(lines: string[], pattern: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const l of lines) {
      const m = l.match(pattern);
      if (m) return m;
    }
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const mode of ['multiplayer', 'raw'] as const) {
  t.test(`websocket-chat (${mode}): server and client as two processes`, async (t) => {
    const server = run(t, ['--mode', mode, '--server', '--port', '0', '--fps', '100']);
    const [, port] = await waitFor(server.lines, /^\[server\] listening on port (\d+)$/);
    const client = run(t, [
      '--mode',
      mode,
      '--client',
      `ws://127.0.0.1:${port}`,
      '--name',
      'carol',
      '--say',
      'hi from carol',
      '--frames',
      '150',
      '--fps',
      '100',
    ]);
    t.equal(await client.exit, 0, client.lines.join('\n'));
    t.ok(
      client.lines.some((l) => /^\[client carol\] connected/.test(l)),
      'connected',
    );
    t.ok(
      client.lines.some((l) => /^\[client carol\] \d+: hi from carol$/.test(l)),
      'its line came back from the server',
    );
    await waitFor(server.lines, /^\[server\] \d+: hi from carol$/);
    await waitFor(server.lines, /^\[server\] peer \d+ disconnected/);
    server.child.kill('SIGTERM');
    await server.exit;
  });
}
