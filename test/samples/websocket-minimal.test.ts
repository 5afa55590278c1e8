/**
 * Godot's "Using WebSockets" minimal server and client (samples/docs), run together: the server's
 * TCPServer hands each accepted StreamPeerTCP to WebSocketPeer.acceptStream, the client pings and the
 * server pongs. Once in-process, once as its own process.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../samples/docs/websocket-minimal.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

t.test('the tutorial server accepts the tutorial client; Ping and Pong cross', async (t) => {
  const lines: string[] = [];
  t.equal(await main(['--port', '0', '--bind', '127.0.0.1', '--frames', '1200'], (l) => lines.push(l)), 0, lines.join('\n'));
  t.match(lines[0], /^server: \d\d:\d\d:\d\d \| Ping$/);
  t.match(lines[1], /^client: \d\d:\d\d:\d\d \| Pong$/);
});

t.test('a port that cannot be bound: "Unable to start server." and exit 1', async (t) => {
  const lines: string[] = [];
  t.equal(await main(['--port', '0', '--bind', '10.255.255.254.1'], (l) => lines.push(l)), 1);
  t.match(lines.join('\n'), /Unable to start server\./);
  t.equal(await main(['--port', 'x'], () => {}), 2);
});

t.test('runs as its own process', async (t) => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'samples/docs/websocket-minimal.ts'), '--port', '0', '--bind', '127.0.0.1', '--frames', '1200'],
    { cwd: root },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  t.equal(code, 0, out);
  t.match(out, /server: .*Ping/);
  t.match(out, /client: .*Pong/);
});
