/**
 * The gap buffer of a room's session is bounded (`resume.maxBufferedPackets`): when a paused client's
 * undelivered reliable packets pass it, the session ends cleanly: a normal disconnection in the room
 * (its seat is freed), and the client, whose resume is then refused, ends with `serverDisconnected`.
 * On the loopback network with a manual clock.
 */
import t from 'tap';
import { ConnectionStatus, ManualClock, SeededRng } from '../../core/index.js';
import { VirtualNetwork } from '../../plugins/loopback/index.js';
import { SceneTree } from '../../scenetree/index.js';
import { GameServer, connectToLoopbackRoom, type Room } from '../../server/index.js';
import { buildGame, playerOf } from '../helpers/server-rooms.js';

t.test('a paused session whose gap buffer overflows ends as a normal disconnection', async (t) => {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(5) });
  const server = new GameServer({ clock, rng: new SeededRng(6), loopback: network });
  t.teardown(() => server.shutdown({ graceMs: 0 }));
  server.define('small', { setup: (room: Room) => void buildGame(room.tree.root), resume: { maxBufferedPackets: 20, graceMs: 60_000 } });
  const room = await server.createRoom('small', { id: 's' });
  const events: string[] = [];
  room.peerPaused.connect((id) => events.push(`paused ${id}`));
  room.multiplayer.peerDisconnected.connect((id) => events.push(`disconnected ${id}`));

  const tree = new SceneTree({ clock });
  const clientPlayer = buildGame(tree.root);
  const peer = connectToLoopbackRoom(network, 's');
  t.teardown(() => peer.close());
  tree.getMultiplayer().multiplayerPeer = peer;
  let serverGone = 0;
  tree.getMultiplayer().serverDisconnected.connect(() => serverGone++);
  const step = (): void => {
    clock.advance(16);
    server.tick(0.016);
    tree.processFrame(0.016);
  };
  const until = (done: () => boolean): void => {
    for (let i = 0; i < 5000 && !done(); i++) step();
    t.ok(done(), 'reached in virtual time');
  };
  until(() => peer.hasSession && room.multiplayer.getPeers().length === 1);
  const id = peer.getUniqueId();

  const address = (peer.inner as unknown as { address: string }).address;
  network.partition(address);
  until(() => room.pausedPeers().includes(id));
  for (let n = 0; n < 25; n++) playerOf(room).rpcId(id, 'hit', n); // more than the buffer holds
  until(() => events.includes(`disconnected ${id}`));
  t.same(events, [`paused ${id}`, `disconnected ${id}`], 'the session ended as a normal disconnection');
  t.equal(room.clientCount, 0, 'the seat is free');
  t.same(room.pausedPeers(), []);

  network.heal(address);
  until(() => serverGone === 1);
  t.same(clientPlayer.hits, [], 'none of the overflowing packets was delivered (no partial gap)');
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED, 'the client ended: its resume was refused');
});
