/**
 * `scenenet loadtest` against a real scenenet game server on loopback: bots spread over rooms
 * broadcast through the server's relay and ping room mates; the summary's numbers must agree with
 * what the server itself counted. Also against a plain SceneMultiplayer server (what a Godot server is).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { ErrorCode, NodePath } from '../../core/index.js';
import { SceneMultiplayer } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { GameServer } from '../../server/index.js';
import { formatSummary, runLoadTest } from '../../samples/loadtest/loadtest.js';

t.test("loadtest: 40 bots in 4 rooms of a GameServer; delivery, RTT and the server's own relay counts", async (t) => {
  const server = new GameServer({ fps: 60 });
  let relayed = 0;
  server.define('arena', {
    maxClients: 10,
    setup: (room) => {
      room.multiplayer.peerPacket.connect(() => relayed++);
    },
  });
  t.equal(await server.listen(0), ErrorCode.OK);
  server.start();
  t.teardown(() => server.shutdown({ graceMs: 500 }));
  const lines: string[] = [];
  const summary = await runLoadTest({
    url: `ws://127.0.0.1:${server.getLocalPort()}/arena/r{room}`,
    clients: 40,
    rooms: 4,
    rate: 10,
    duration: 2,
    onProgress: (line) => lines.push(line),
  });
  t.comment(formatSummary(summary));
  t.equal(summary.connected, 40, 'every bot connected');
  t.equal(summary.errors, 0);
  t.ok(summary.sent > 0, `sent ${summary.sent} broadcasts (a loaded machine skips late sends rather than bursting)`);
  t.equal(relayed, summary.sent, "the servers' rooms saw every broadcast (each broadcast reaches its room's server too)");
  t.ok(summary.deliveryPct > 90 && summary.deliveryPct <= 100, `delivery ${summary.deliveryPct.toFixed(1)} % over loopback`);
  t.ok(summary.received <= summary.sent * 9, 'no bot received more than its 9 room mates sent');
  t.ok(summary.rttSamples > 0 && summary.rttP50Ms > 0 && summary.rttP99Ms >= summary.rttP50Ms, `rtt p50 ${summary.rttP50Ms.toFixed(1)} ms`);
  t.ok(server.rooms().length === 4 && server.rooms().every((r) => r.clients === 10), 'four rooms of ten');
  t.ok(lines.length > 0, 'progress lines while it ran');
});

t.test('loadtest: against a plain SceneMultiplayer server (as a Godot server is): relay only, no rooms', async (t) => {
  const peer = new WebSocketMultiplayerPeer();
  t.equal(await peer.createServer(0, '127.0.0.1'), ErrorCode.OK);
  const mp = new SceneMultiplayer();
  mp.rootPath = new NodePath('/root');
  mp.multiplayerPeer = peer;
  const timer = setInterval(() => mp.poll(), 5);
  t.teardown(() => {
    clearInterval(timer);
    peer.close();
  });
  const summary = await runLoadTest({ url: `ws://127.0.0.1:${peer.getLocalPort()}`, clients: 5, rate: 20, duration: 1 });
  t.equal(summary.connected, 5);
  t.ok(summary.deliveryPct > 90, `delivery ${summary.deliveryPct.toFixed(1)} %`);
  t.ok(summary.rttSamples > 0, 'round trips measured through the relay');
});

t.test('scenenet loadtest CLI: --help exits 0, bad options exit 2 with one line and no stack trace', async (t) => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', new URL('../../samples/loadtest/main.ts', import.meta.url).pathname, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  const help = cli(['--help']);
  t.equal(help.status, 0);
  t.match(help.stdout, /--clients N/);
  t.match(help.stdout, /example: scenenet loadtest/);
  const bad = cli(['--url', 'ws://x', '--clients', 'many']);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /bad --clients many.*--help/);
  t.notMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  const unknown = cli(['--bogus']);
  t.equal(unknown.status, 2);
  t.match(unknown.stderr, /--help/);
});
