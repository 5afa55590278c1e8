/**
 * Metrics and the monitor page: prom-client text at /metrics, JSON at /metrics.json, the live page at
 * /monitor — all behind a token (none → 401, no data). Real Chromium opens the page against a running
 * server with clients and checks the numbers it shows against the server's own counters.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ConnectionStatus, ErrorCode, decodeUint32 } from '../../core/index.js';
import { SceneTree } from '../../scenetree/index.js';
import { ENetMultiplayerPeer } from '../../plugins/enet/index.js';
import { MetricsHttpServer, ServerMetrics } from '../../server/index.js';
import { openPage } from '../helpers/browser.js';
import { rawClient, unhex, type RawClient } from '../helpers/raw-ws.js';
import { arenaServer, buildGame, playerOf, tickUntil } from '../helpers/server-rooms.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const TOKEN = 'monitor-test-token';
const SIMPLIFY = unhex(
  `01 ${Buffer.from('8f6deb1a3779e1a534bf036d31d7dff1').toString('hex')} 00 01000000 ${Buffer.from('Game/Player\0').toString('hex')}`,
);

t.test("metrics endpoints need the token; /metrics is prom-client text; the monitor page shows the server's own numbers", async (t) => {
  const server = await arenaServer(t, { enet: {}, wsPingIntervalMs: 100 });
  const metrics = new ServerMetrics(server);
  const http = new MetricsHttpServer(metrics, { token: TOKEN });
  t.teardown(async () => {
    metrics.close();
    await http.close();
  });
  t.equal(await http.listen(0), ErrorCode.OK);
  const base = `http://127.0.0.1:${http.port}`;

  for (const path of ['/metrics', '/metrics.json', '/monitor', '/metrics?token=wrong', '/monitor?token=']) {
    const res = await fetch(`${base}${path}`);
    const body = await res.text();
    t.equal(res.status, 401, `${path} → 401`);
    t.notMatch(body, /scenenet_|"rooms"|<canvas/, 'no data without the token');
  }

  // Room A: two Godot-framed WebSocket clients and one ENet client; room B: one WebSocket client.
  const url = `ws://127.0.0.1:${server.getLocalPort()}`;
  const raws: RawClient[] = [rawClient(`${url}/arena/A`), rawClient(`${url}/arena/A`), rawClient(`${url}/arena/B`)];
  t.teardown(() => raws.forEach((c) => c.ws.terminate()));
  const ids: number[] = [];
  raws.forEach((c) => void c.next().then((m) => ids.push(decodeUint32(m.data, 0) | 0)));
  await tickUntil(server, () => ids.length === 3);
  const enetTree = new SceneTree();
  buildGame(enetTree.root);
  const enet = new ENetMultiplayerPeer();
  t.teardown(() => enet.close());
  t.equal(enet.createClient('127.0.0.1', server.getRoom('A')!.enetPort!), ErrorCode.OK);
  enetTree.getMultiplayer().multiplayerPeer = enet;
  await tickUntil(
    server,
    () => enet.getConnectionStatus() === ConnectionStatus.CONNECTED && server.getRoom('A')!.multiplayer.getPeers().length === 3,
    [enetTree],
  );
  // Each WebSocket client announces Game/Player and calls hit() 5 times (docs/wire/multiplayer.md §6.6 bytes).
  for (const c of raws) {
    c.send(SIMPLIFY);
    for (let i = 0; i < 5; i++) c.send([0x00, 0x01, 0x00, 0x01, 0x02, 0x19]);
  }
  const refused = rawClient(`${url}/no-such-room`);
  t.teardown(() => refused.ws.terminate());
  const hits = () => playerOf(server.getRoom('A')!).hits.length + playerOf(server.getRoom('B')!).hits.length;
  await tickUntil(server, () => hits() === 15 && metrics.snapshot().refusals.not_found === 1, [enetTree]);

  const text = await (await fetch(`${base}/metrics?token=${TOKEN}`)).text();
  t.match(text, /# TYPE scenenet_rpcs_total counter/);
  t.match(text, /scenenet_rpcs_total\{transport="ws",direction="in"\} 15\n/, '15 RPCs in over WebSocket');
  t.match(text, /scenenet_rooms\{type="arena"\} 2\n/);
  t.match(text, /scenenet_peers\{room="A",transport="ws"\} 2\n/);
  t.match(text, /scenenet_peers\{room="A",transport="enet"\} 1\n/);
  t.match(text, /scenenet_peer_rtt_seconds\{room="A",peer="\d+"\} [\d.e-]+\n/, 'RTT of the ENet peer');
  t.match(text, /scenenet_paused_peers\{room="A"\} 0\n/);
  t.match(text, /scenenet_join_refusals_total\{reason="not_found"\} 1\n/);
  t.match(text, /scenenet_drops_total\{room="A",reason="malformed"\} \d+\n/);
  t.match(text, /scenenet_tick_seconds_bucket\{le="0.001"\} \d+/);
  t.match(text, /scenenet_process_resident_memory_bytes \d+/, 'process metrics');
  const json = (await (await fetch(`${base}/metrics.json`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as ReturnType<
    ServerMetrics['snapshot']
  >;
  t.match(json, { rooms: 2, peers: 4, transports: { ws: { rpcsIn: 15 } }, refusals: { not_found: 1 } });

  // The page, in real Chromium, while the server keeps running frames.
  server.start();
  const pump = setInterval(() => enetTree.processFrame(1 / 60), 16);
  t.teardown(() => clearInterval(pump));
  const session = await openPage(`${base}/monitor?token=${TOKEN}`);
  t.teardown(() => session.close());
  const page = session.page;
  // Locators only: the page's CSP forbids the eval that waitForFunction/evaluate would need.
  await page.waitForSelector('body[data-updates="3"]', { timeout: 60_000 });
  const get = (sel: string) => page.locator(sel).first().textContent();
  const shown = {
    rooms: await get('[data-metric="rooms"]'),
    peers: await get('[data-metric="peers"]'),
    paused: await get('[data-metric="paused"]'),
    rpcsIn: await get('[data-metric="rpcs-in"]'),
    refusals: await get('[data-metric="refusals-not_found"]'),
    malformed: await get('[data-metric="drops-malformed"]'),
    roomA: {
      clients: await get('tr[data-room="A"] [data-metric="clients"]'),
      rpcsIn: await get('tr[data-room="A"] [data-metric="room-rpcs-in"]'),
    },
    roomB: {
      clients: await get('tr[data-room="B"] [data-metric="clients"]'),
      rpcsIn: await get('tr[data-room="B"] [data-metric="room-rpcs-in"]'),
    },
    canvases: await page.locator('canvas').count(),
    rttShown: /\(enet, \d+ ms\)/.test((await get('tr[data-room="A"]')) ?? ''),
    wsRttShown: /\(ws, [\d.]+ ms\)/.test((await get('tr[data-room="B"]')) ?? ''),
  };
  const own = metrics.snapshot();
  const room = (id: string) => own.roomList.find((r) => r.id === id)!;
  const rpcsIn = (r: ReturnType<typeof room>) => (r.traffic.ws?.rpcsIn ?? 0) + (r.traffic.enet?.rpcsIn ?? 0);
  t.same(
    shown,
    {
      rooms: String(own.rooms),
      peers: String(own.peers),
      paused: String(own.paused),
      rpcsIn: String(own.transports.ws.rpcsIn + own.transports.enet.rpcsIn),
      refusals: String(own.refusals.not_found),
      malformed: String(own.drops.malformed),
      roomA: { clients: `${room('A').clients}/${room('A').maxClients}`, rpcsIn: String(rpcsIn(room('A'))) },
      roomB: { clients: `${room('B').clients}/${room('B').maxClients}`, rpcsIn: String(rpcsIn(room('B'))) },
      canvases: 4,
      rttShown: true,
      wsRttShown: true,
    },
    "the page shows the server's own counters",
  );
  t.match(shown, {
    rooms: '2',
    peers: '4',
    rpcsIn: '15',
    roomA: { clients: '3/16', rpcsIn: '10' },
    roomB: { clients: '1/16', rpcsIn: '5' },
  });
  t.same(
    session.console.filter((l) => /error/i.test(l)),
    [],
    'no page errors',
  );

  const shot = join(root, '.tap', 'test-results', 'server', 'monitor.png');
  mkdirSync(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  t.ok(statSync(shot).size > 1000, `screenshot saved: ${shot}`);
});
