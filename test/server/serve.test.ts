/** `scenenet serve` as a real child process: --help, --port 0, rooms by URL path and ENet port, SIGTERM drain. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ConnectionStatus, ErrorCode, decodeUint32 } from '../../core/index.js';
import { ENetMultiplayerPeer } from '../../plugins/enet/index.js';
import { rawClient } from '../helpers/raw-ws.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
// The bin through tsx's loader in this one process (no tsx CLI parent relaying signals: under load its relay
// could lose the race with SIGTERM and the server died with 143 before draining).
const CLI = ['--import', 'tsx', join(root, 'bin/scenenet.ts'), 'serve'];

/** Collects a child's stdout lines; `line(re)` resolves with the first match. */
function lines(child: ChildProcess): { all: string[]; line(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray> } {
  const all: string[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    all.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  return {
    all,
    line(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${re} within ${timeoutMs} ms; got:\n${all.join('\n')}`)),
          timeoutMs,
        );
        const check = (): void => {
          for (const l of all) {
            const m = re.exec(l);
            if (m !== null) {
              clearTimeout(timer);
              return resolve(m);
            }
          }
          waiters.push(check);
        };
        check();
      });
    },
  };
}

t.test('serve --help exits 0 and lists every option with its default and an example', async (t) => {
  const result = spawnSync(process.execPath, [...CLI, '--help'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  t.equal(result.status, 0, result.stderr);
  for (const option of [
    '--game',
    '--host',
    '--port',
    '--enet-ports',
    '--max-rooms',
    '--rooms',
    '--fps',
    '--resume-grace-ms',
    '--ws-ping-ms',
    '--grace-ms',
    '--metrics-port',
    '--metrics-token',
  ]) {
    t.match(result.stdout, new RegExp(`${option} .*\\(default: [^)]+\\)`), option);
  }
  t.match(result.stdout, /examples:\n {2}scenenet serve --port 0/);
  const bad = spawnSync(process.execPath, [...CLI, '--port', 'x'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  t.equal(bad.status, 2, 'a bad option exits 2');
  t.match(bad.stderr, /--port must be an integer/);
});

t.test('serve --port 0: prints its URLs, serves rooms by URL path and ENet port, drains on SIGTERM and exits 0', async (t) => {
  const child = spawn(
    process.execPath,
    [...CLI, '--port', '0', '--enet-ports', '0', '--grace-ms', '4000', '--metrics-port', '0', '--metrics-token', 'tok'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => void child.kill('SIGKILL'));
  const out = lines(child);
  const [, wsBase] = await out.line(/^listening on (ws:\/\/127\.0\.0\.1:\d+)\/<roomId>/);
  const [, metricsBase] = await out.line(/^metrics: (http:\/\/127\.0\.0\.1:\d+)\/metrics and .*\(token tok\)$/);
  t.equal((await fetch(`${metricsBase}/metrics`)).status, 401, 'metrics need the token');
  t.match(
    await (await fetch(`${metricsBase}/metrics?token=tok`)).text(),
    /scenenet_rooms\{type="lobby"\} 1\n/,
    'the standing room is counted',
  );
  const [, enetPort] = await out.line(/^room lobby-1 \(lobby\) created: ws:\/\/127\.0\.0\.1:\d+\/lobby-1, enet:\/\/127\.0\.0\.1:(\d+)/);

  // A client creates room "match1" by URL; another joins the standing room over ENet.
  const ws = rawClient(`${wsBase}/lobby/match1`);
  t.teardown(() => ws.ws.terminate());
  const id = decodeUint32((await ws.next()).data, 0) | 0;
  t.ok(id >= 2, `joined match1 as ${id}`);
  await out.line(/^room match1 \(lobby\) created/);
  const enet = new ENetMultiplayerPeer();
  t.teardown(() => enet.close());
  t.equal(enet.createClient('127.0.0.1', Number(enetPort)), ErrorCode.OK);
  const deadline = Date.now() + 30_000;
  while (enet.getConnectionStatus() !== ConnectionStatus.CONNECTED && Date.now() < deadline) {
    enet.poll();
    await new Promise((r) => setTimeout(r, 5));
  }
  t.equal(enet.getConnectionStatus(), ConnectionStatus.CONNECTED, 'an ENet client joined lobby-1 on its port');
  // The client is CONNECTED when the server's VERIFY_CONNECT arrives; the server counts it once the
  // client's acknowledgement (sent on the client's next poll) has arrived. Keep polling and wait for that.
  const pollEnet = setInterval(() => enet.poll(), 5);
  const enetCounted = /scenenet_peers\{room="lobby-1",transport="enet"\} 1\n/;
  let metrics = '';
  while (!enetCounted.test(metrics) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    metrics = await (await fetch(`${metricsBase}/metrics?token=tok`)).text();
  }
  t.match(metrics, enetCounted, 'the server counts the ENet client in lobby-1');

  let enetGone = false;
  enet.peerDisconnected.connect(() => (enetGone = true));
  child.kill('SIGTERM');
  const closed = await ws.closed;
  t.same(closed, { code: 4503, reason: 'server shutting down' }, 'the WebSocket client is told why');
  t.equal(await exited, 0, `exit code 0 (stderr: ${stderr})`);
  clearInterval(pollEnet);
  for (let i = 0; i < 200 && !enetGone && enet.getConnectionStatus() !== ConnectionStatus.DISCONNECTED; i++) {
    enet.poll();
    await new Promise((r) => setTimeout(r, 5));
  }
  t.ok(enetGone || enet.getConnectionStatus() === ConnectionStatus.DISCONNECTED, 'the ENet client was disconnected');
  t.ok(out.all.some((l) => /^SIGTERM: draining/.test(l)));
  t.equal(out.all.at(-1), 'stopped');
});
