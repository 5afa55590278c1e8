/**
 * Per-room-type limits: `RoomTypeOptions.limits` go over the server's `limits` key by key, which go over
 * `DEFAULT_LIMITS`. One client floods 100 RPCs into a room of each type (on the loopback network, with
 * a manual clock: the token buckets are exact); each room runs exactly its type's burst.
 */
import t from 'tap';
import { ManualClock, SeededRng } from '../../core/index.js';
import { VirtualNetwork } from '../../plugins/loopback/index.js';
import { DEFAULT_LIMITS, SceneTree, UNLIMITED } from '../../scenetree/index.js';
import { GameServer, connectToLoopbackRoom } from '../../server/index.js';
import { buildGame, playerOf, type Player } from '../helpers/server-rooms.js';

t.test("a room type's limits override the server's, which override the defaults", async (t) => {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(3) });
  const server = new GameServer({
    clock,
    rng: new SeededRng(4),
    loopback: network,
    limits: { peerRpcsPerSecond: 40, peerRpcBurst: 40, malformedPerWindow: 3 },
  });
  t.teardown(() => server.shutdown({ graceMs: 0 }));
  const game = { setup: (room: import('../../server/index.js').Room) => void buildGame(room.tree.root) };
  server.define('server-default', game);
  server.define('strict', { ...game, limits: { peerRpcsPerSecond: 5, peerRpcBurst: 5 } });
  server.define('open', { ...game, limits: UNLIMITED });
  t.throws(() => server.define('bad', { ...game, limits: { peerRpcsPerSecond: -1 } }), RangeError, 'a bad value is refused at define');
  t.throws(() => server.define('bad2', { ...game, limits: { rpcsPerDay: 1 } as never }), RangeError, 'an unknown key too');
  t.throws(() => new GameServer({ limits: { windowMs: Number.NaN } }), RangeError);

  const rooms = {
    base: await server.createRoom('server-default'),
    strict: await server.createRoom('strict'),
    open: await server.createRoom('open'),
  };
  t.match(rooms.base.multiplayer.limits, {
    peerRpcsPerSecond: 40,
    peerRpcBurst: 40,
    malformedPerWindow: 3,
    totalRpcsPerSecond: DEFAULT_LIMITS.totalRpcsPerSecond,
  });
  t.match(
    rooms.strict.multiplayer.limits,
    { peerRpcsPerSecond: 5, peerRpcBurst: 5, malformedPerWindow: 3, windowMs: DEFAULT_LIMITS.windowMs },
    "the type's keys over the server's",
  );
  t.same(rooms.open.multiplayer.limits, UNLIMITED);

  const clients = Object.values(rooms).map((room) => {
    const tree = new SceneTree({ clock });
    const player = buildGame(tree.root);
    const peer = connectToLoopbackRoom(network, room.id);
    t.teardown(() => peer.close());
    tree.getMultiplayer().multiplayerPeer = peer;
    return { tree, player, peer };
  });
  const step = (): void => {
    clock.advance(16);
    server.tick(0.016);
    for (const c of clients) c.tree.processFrame(0.016);
  };
  for (let i = 0; i < 200 && !clients.every((c) => c.peer.hasSession); i++) step();
  t.ok(
    clients.every((c) => c.peer.hasSession),
    'every client joined',
  );

  const hits = (p: Player) => p.hits.length;
  for (const c of clients) for (let n = 0; n < 100; n++) c.player.rpcId(1, 'hit', n);
  for (let i = 0; i < 30; i++) step();
  t.same(
    { base: hits(playerOf(rooms.base)), strict: hits(playerOf(rooms.strict)), open: hits(playerOf(rooms.open)) },
    { base: 40, strict: 5, open: 100 },
    'each room ran its own budget of the flood',
  );
  t.equal(rooms.strict.multiplayer.stats.total.drops.rate_limited, 95);
  t.equal(rooms.base.multiplayer.stats.total.drops.rate_limited, 60);
  t.equal(rooms.open.multiplayer.stats.total.drops.rate_limited, 0);
  t.ok(
    Object.values(rooms).every((r) => r.clientCount === 1),
    'nobody was disconnected (under rateLimitedPerWindow)',
  );
});
