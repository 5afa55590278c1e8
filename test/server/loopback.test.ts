/**
 * A whole GameServer on the loopback VirtualNetwork (`GameServerOptions.loopback`) with a ManualClock:
 * two rooms, sessions, a partition that pauses a client and its resume; the same seed gives the same
 * events and the same trace hash in every run.
 */
import t, { type Test } from 'tap';
import { ManualClock, SeededRng } from '../../core/index.js';
import { Fnv1a64, VirtualNetwork } from '../../plugins/loopback/index.js';
import type { SessionClientPeer } from '../../plugins/session/index.js';
import { SceneTree } from '../../scenetree/index.js';
import { GameServer, connectToLoopbackRoom, type Room } from '../../server/index.js';
import { type Avatar, addAvatar, avatar, avatarWorld } from '../helpers/avatar-world.js';

interface RunResult {
  readonly hash: string;
  readonly traceHash: string;
  readonly events: string[];
  readonly resumedSameId: boolean;
  readonly roomIds: string[];
}

/** One run: room `final` with 8 clients and another with 2, 5 % loss; client 0 of `final` is partitioned for 5 s and resumes. */
async function run(t: Test, seed: number): Promise<RunResult> {
  const clock = new ManualClock();
  const network = new VirtualNetwork({ clock, rng: new SeededRng(seed), conditions: { latencyMs: 20, jitterMs: 10, loss: 0.05 } });
  const server = new GameServer({ clock, rng: new SeededRng(seed + 1000), loopback: network, resume: { graceMs: 8000 } });
  const events: string[] = [];
  const log = (line: string): void => void events.push(`${clock.nowMs()} ${line}`);
  server.define('arena', {
    setup: (room: Room) => {
      const players = avatarWorld(room.tree, { syncScore: true });
      room.multiplayer.peerConnected.connect((id) => {
        log(`${room.id} connected ${id}`);
        addAvatar(players, id);
      });
      room.multiplayer.peerDisconnected.connect((id) => log(`${room.id} disconnected ${id}`));
      room.peerPaused.connect((id) => log(`${room.id} paused ${id}`));
      room.peerResumed.connect((id) => log(`${room.id} resumed ${id}`));
    },
  });
  const rooms = [await server.createRoom('arena', { id: 'final' }), await server.createRoom('arena')];
  const clients: Array<{ tree: SceneTree; peer: SessionClientPeer; room: Room }> = [];
  for (const room of rooms) {
    for (let i = 0; i < (room.id === 'final' ? 8 : 2); i++) {
      const tree = new SceneTree({ clock });
      avatarWorld(tree, { syncScore: true });
      const peer = connectToLoopbackRoom(network, room.id);
      tree.getMultiplayer().multiplayerPeer = peer;
      clients.push({ tree, peer, room });
    }
  }
  const step = (): void => {
    clock.advance(1000 / 60);
    server.tick(1 / 60);
    for (const c of clients) c.tree.processFrame(1 / 60);
  };
  const until = (done: () => boolean, maxFrames = 3000): void => {
    for (let i = 0; i < maxFrames && !done(); i++) step();
    if (!done()) throw new Error('not reached in virtual time');
  };
  until(() => clients.every((c) => avatar(c.tree, c.peer.getUniqueId()) !== null));

  // Everyone talks; then client 0 is cut off for 4 s while both sides keep sending reliably.
  const mine = (i: number): Avatar => avatar(clients[i]!.tree, clients[i]!.peer.getUniqueId())!;
  for (let i = 0; i < clients.length; i++) mine(i).rpcId(1, 'say', 100 + i);
  for (let f = 0; f < 30; f++) step();
  const victim = clients[0]!;
  const victimId = victim.peer.getUniqueId();
  const serverAvatar = avatar(victim.room.tree, victimId)!;
  const address = (victim.peer.inner as unknown as { address: string }).address;
  network.partition(address);
  log(`partition ${address}`);
  const ids = clients.map((c) => c.peer.getUniqueId());
  const partitionedAt = clock.nowMs();
  for (let n = 1; n <= 5; n++) {
    mine(0).rpcId(1, 'say', n);
    serverAvatar.rpcId(victimId, 'hear', n);
    for (let i = 1; i < clients.length; i++) mine(i).rpcId(1, 'say', n); // the others keep playing
    for (let f = 0; f < 30; f++) step();
  }
  mine(0).score = 7; // replication from the cut-off client during the gap
  until(() => victim.room.pausedPeers().includes(victimId));
  while (clock.nowMs() - partitionedAt < 5000) step();
  t.ok(
    victim.peer.isPaused && victim.room.pausedPeers().includes(victimId),
    'still paused while the partition holds (reconnections are cut off too)',
  );
  network.heal(address);
  until(
    () =>
      !victim.peer.isPaused &&
      victim.room.pausedPeers().length === 0 &&
      serverAvatar.said.length === 6 &&
      mine(0).heard.length === 5 &&
      serverAvatar.score === 7,
  );
  until(() => clients.every((c, i) => avatar(c.room.tree, ids[i]!)!.said.length === 6));
  for (let f = 0; f < 60; f++) step();

  const said = rooms.map((room) =>
    room.multiplayer
      .getPeers()
      .map((id) => `${id}:${JSON.stringify(avatar(room.tree, id)?.said)}`)
      .join(' '),
  );
  const h = new Fnv1a64();
  for (const line of [...events, ...said, network.traceHash()]) h.update(line);
  const result = {
    hash: h.digest(),
    traceHash: network.traceHash(),
    events: [...events, ...said],
    resumedSameId:
      clients.every(
        (c, i) =>
          c.peer.getUniqueId() === ids[i] &&
          avatar(c.room.tree, ids[i]!)!
            .said.map(([, n]) => n)
            .join() === `${100 + i},1,2,3,4,5`,
      ) &&
      mine(0).heard.join() === '1,2,3,4,5' &&
      serverAvatar.score === 7,
    roomIds: rooms.map((r) => r.id),
  };
  await server.shutdown({ graceMs: 0 });
  for (const c of clients) c.peer.close();
  return result;
}

t.test(
  'a 5 s partition of 1 client out of 8 under 5 % loss: nothing lost, ids kept; same seed, same events and trace hash across 3 runs',
  async (t) => {
    const runs = [await run(t, 7), await run(t, 7), await run(t, 7)];
    const first = runs[0]!;
    t.ok(
      first.resumedSameId,
      'every client kept its id; the partitioned one resumed; every RPC and the replicated score of the gap arrived once, in order',
    );
    t.ok(
      first.events.some((e) => / final paused \d+$/.test(e)),
      'the room paused the client',
    );
    t.ok(
      first.events.some((e) => / final resumed \d+$/.test(e)),
      'and resumed it',
    );
    t.notOk(
      first.events.some((e) => / disconnected /.test(e)),
      'nobody was disconnected',
    );
    t.equal(first.roomIds[0], 'final');
    for (const r of runs.slice(1)) {
      t.same(r.events, first.events, 'the same events in the same order');
      t.equal(r.traceHash, first.traceHash, 'the same packet trace');
      t.equal(r.hash, first.hash);
    }
    const other = await run(t, 8);
    t.not(other.traceHash, first.traceHash, 'another seed gives another trace');
  },
);
