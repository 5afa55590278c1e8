/**
 * RTT of WebSocket clients from ping frames (`wsPingIntervalMs`): a stock Godot-framed client (its
 * WebSocket library answers pings) and a session client both get an RTT in `clients()`, in
 * `/metrics` (`scenenet_peer_rtt_seconds`) and in the JSON snapshot the monitor page draws.
 */
import t from 'tap';
import { ConnectionStatus, decodeUint32 } from '../../core/index.js';
import { SceneTree } from '../../scenetree/index.js';
import { ServerMetrics, connectToRoom } from '../../server/index.js';
import { rawClient } from '../helpers/raw-ws.js';
import { arenaServer, buildGame, tickUntil } from '../helpers/server-rooms.js';

t.test('WebSocket clients get an RTT from ping frames; metrics and the snapshot carry it', async (t) => {
  const server = await arenaServer(t, { wsPingIntervalMs: 50 });
  const url = `ws://127.0.0.1:${server.getLocalPort()}/arena/rtt`;
  const raw = rawClient(url);
  t.teardown(() => raw.ws.terminate());
  let rawId = 0;
  void raw.next().then((m) => (rawId = decodeUint32(m.data, 0) | 0));
  const tree = new SceneTree();
  buildGame(tree.root);
  const session = connectToRoom(url);
  t.teardown(() => session.close());
  tree.getMultiplayer().multiplayerPeer = session;
  await tickUntil(server, () => rawId !== 0 && session.getConnectionStatus() === ConnectionStatus.CONNECTED && session.hasSession, [tree]);
  const room = server.getRoom('rtt')!;
  t.equal(
    room.clients().every((c) => c.rttMs === null || c.rttMs >= 0),
    true,
  );
  await tickUntil(server, () => room.clients().length === 2 && room.clients().every((c) => c.rttMs !== null), [tree]);
  const clients = room.clients();
  t.same(clients.map((c) => c.id).sort(), [rawId, session.getUniqueId()].sort());
  for (const c of clients) t.ok(c.transport === 'ws' && c.rttMs! >= 0 && c.rttMs! < 5000, `peer ${c.id}: ${c.rttMs} ms`);

  const metrics = new ServerMetrics(server);
  t.teardown(() => metrics.close());
  const text = await metrics.metrics();
  for (const c of clients)
    t.match(
      text,
      new RegExp(`\\nscenenet_peer_rtt_seconds\\{room="rtt",peer="${c.id}"\\} [\\d.e-]+\\n`),
      `RTT of peer ${c.id} in /metrics`,
    );
  t.match(text, /\nscenenet_paused_peers\{room="rtt"\} 0\n/);
  const snap = metrics.snapshot();
  t.equal(snap.paused, 0);
  t.ok(
    snap.roomList[0]!.peers.every((p) => p.rttMs !== null),
    'the snapshot (what the monitor page draws) has every RTT',
  );
});
