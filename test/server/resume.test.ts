/**
 * Session resume in GameServer rooms over real WebSockets: a client that joined with `connectToRoom`
 * and whose TCP connection is destroyed comes back as the same peer, with its authority and its
 * replicated node; traffic of the gap arrives; an expired grace removes the peer; a forged, malformed
 * or reused `?resume=` token is refused with 4401.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { ConnectionStatus, ErrorCode } from '../../core/index.js';
import { SceneTree } from '../../scenetree/index.js';
import { GameServer, RoomCloseCode, ServerMetrics, connectToRoom, type GameServerOptions, type Room } from '../../server/index.js';
import { addAvatar, avatar, avatarWorld } from '../helpers/avatar-world.js';
import { rawClient } from '../helpers/raw-ws.js';
import { tickUntil } from '../helpers/server-rooms.js';

/** A server with an `arena` type whose rooms spawn an avatar per joining peer and free it when the peer leaves. */
async function server(t: Test, options: GameServerOptions = {}): Promise<GameServer> {
  const s = new GameServer(options);
  s.define('arena', {
    setup: (room: Room) => {
      const players = avatarWorld(room.tree);
      room.multiplayer.peerConnected.connect((id) => addAvatar(players, id));
      room.multiplayer.peerDisconnected.connect((id) => avatar(room.tree, id)?.queueFree());
    },
  });
  t.teardown(() => s.shutdown({ graceMs: 0 }));
  t.equal(await s.listen(0, '127.0.0.1'), ErrorCode.OK);
  return s;
}

/** A TCP relay in front of the server whose connections the test can destroy, as a network failure would. */
async function relay(t: Test, targetPort: number): Promise<{ port: number; kill(): number; stop(): void }> {
  const pairs: Socket[][] = [];
  const listener: Server = createServer((down) => {
    const up = connect(targetPort, '127.0.0.1');
    down.pipe(up);
    up.pipe(down);
    const pair = [down, up];
    pairs.push(pair);
    for (const s of pair) s.on('error', () => {});
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const kill = (): number => {
    const n = pairs.length;
    for (const p of pairs.splice(0)) for (const s of p) s.destroy();
    return n;
  };
  const stop = (): void => {
    listener.close();
    kill();
  };
  t.teardown(stop);
  return { port: (listener.address() as { port: number }).port, kill, stop };
}

/** A client tree joined to `url` with `connectToRoom`; resolves once its avatar was spawned on it. */
async function join(t: Test, s: GameServer, url: string, options: Parameters<typeof connectToRoom>[1] = {}) {
  const tree = new SceneTree();
  avatarWorld(tree);
  const peer = connectToRoom(url, { retryDelayMs: 50, ...options });
  t.teardown(() => peer.close());
  tree.getMultiplayer().multiplayerPeer = peer;
  await tickUntil(s, () => peer.getConnectionStatus() === ConnectionStatus.CONNECTED && avatar(tree, peer.getUniqueId()) !== null, [tree]);
  return { tree, peer, id: peer.getUniqueId() };
}

t.test('a destroyed connection resumes: same id, authority and avatar; traffic of the gap arrives once, in order', async (t) => {
  const s = await server(t);
  const r = await relay(t, s.getLocalPort());
  const { tree, peer, id } = await join(t, s, `ws://127.0.0.1:${r.port}/arena/r1`);
  const room = s.getRoom('r1')!;
  const events: string[] = [];
  room.peerPaused.connect((p) => events.push(`paused ${p}`));
  room.peerResumed.connect((p) => events.push(`resumed ${p}`));
  room.multiplayer.peerDisconnected.connect((p) => events.push(`disconnected ${p}`));
  const serverAvatar = avatar(room.tree, id)!;
  const clientAvatar = avatar(tree, id)!;
  t.equal(serverAvatar.getMultiplayerAuthority(), id, 'the server gave the avatar to the client');
  t.equal(clientAvatar.getMultiplayerAuthority(), id);
  const firstToken = peer.resumeToken;
  t.match(firstToken, /^[0-9a-f]{32}$/, 'the server issued a resume token');

  clientAvatar.rpcId(1, 'say', 1);
  await tickUntil(s, () => serverAvatar.said.length === 1, [tree]);

  t.ok(r.kill() >= 1, 'the TCP connection was destroyed');
  await tickUntil(s, () => room.pausedPeers().includes(id), [tree]);
  t.same(room.clients().find((c) => c.id === id)?.paused, true, 'rooms see the client as paused');
  const metrics = new ServerMetrics(s);
  t.match(await metrics.metrics(), /\nscenenet_paused_peers\{room="r1"\} 1\n/, 'the paused gauge counts it');
  t.match(metrics.snapshot(), { peers: 1, paused: 1 });
  metrics.close();
  // The gap: both sides keep sending reliable RPCs.
  for (let n = 2; n <= 6; n++) clientAvatar.rpcId(1, 'say', n);
  for (let n = 1; n <= 5; n++) serverAvatar.rpcId(id, 'hear', n);

  await tickUntil(s, () => events.includes(`resumed ${id}`) && serverAvatar.said.length === 6 && clientAvatar.heard.length === 5, [tree]);
  t.same(events, [`paused ${id}`, `resumed ${id}`], 'paused then resumed; never disconnected');
  t.equal(peer.getUniqueId(), id, 'the same peer id');
  t.same(room.multiplayer.getPeers(), [id]);
  t.same(
    serverAvatar.said,
    [1, 2, 3, 4, 5, 6].map((n) => [id, n]),
    "the client's RPCs arrived once, in order, and passed the authority check",
  );
  t.same(clientAvatar.heard, [1, 2, 3, 4, 5], "the server's RPCs of the gap arrived once, in order");
  t.equal(avatar(room.tree, id), serverAvatar, 'the avatar was kept on the server');
  t.equal(avatar(tree, id), clientAvatar, 'and on the client (no despawn, no second spawn)');
  t.equal(tree.root.getNode('World/Players').getChildCount(), 1);
  t.not(peer.resumeToken, firstToken, 'the token rotated');

  // The used token is refused with 4401; so are a forged and a malformed one. The session is untouched.
  const base = `ws://127.0.0.1:${s.getLocalPort()}/arena/r1`;
  const refused: Array<{ code: number; reason: string }> = [];
  for (const token of [firstToken, 'f'.repeat(32), 'not-a-token']) {
    const raw = rawClient(`${base}?resume=${token}`);
    t.teardown(() => raw.ws.terminate());
    void raw.closed.then((c) => refused.push(c));
  }
  await tickUntil(s, () => refused.length === 3, [tree]);
  t.same(
    refused.map((c) => c.code),
    [RoomCloseCode.RESUME_REFUSED, RoomCloseCode.RESUME_REFUSED, RoomCloseCode.RESUME_REFUSED],
    'reused, forged and malformed tokens: 4401',
  );
  t.equal(room.clientCount, 1, 'the refusals took no seat');
  clientAvatar.rpcId(1, 'say', 7);
  await tickUntil(s, () => serverAvatar.said.length === 7, [tree]);
  t.same(events, [`paused ${id}`, `resumed ${id}`]);
  const after = new ServerMetrics(s);
  t.match(await after.metrics(), /\nscenenet_paused_peers\{room="r1"\} 0\n/, 'and forgets it once resumed');
  after.close();
});

t.test('a resume passes a locked room; a plain client of the same room is unaffected', async (t) => {
  const s = await server(t);
  const r = await relay(t, s.getLocalPort());
  const { tree, peer, id } = await join(t, s, `ws://127.0.0.1:${r.port}/arena/r2`);
  const room = s.getRoom('r2')!;
  const plain = rawClient(`ws://127.0.0.1:${s.getLocalPort()}/r2`);
  t.teardown(() => plain.ws.terminate());
  await tickUntil(s, () => room.multiplayer.getPeers().length === 2, [tree]);
  room.lock();
  let resumed = 0;
  room.peerResumed.connect(() => resumed++);
  r.kill();
  await tickUntil(s, () => resumed === 1 && !peer.isPaused, [tree]);
  t.equal(peer.getUniqueId(), id);
  t.equal(room.multiplayer.getPeers().length, 2, 'both clients are in');
  t.equal(plain.ws.readyState, plain.ws.OPEN, 'the plain client stayed connected');
});

t.test('a quick join (/<type>/) resumes into the room it landed in', async (t) => {
  const s = await server(t);
  await s.createRoom('arena', { id: 'busy' });
  const r = await relay(t, s.getLocalPort());
  const { tree, peer, id } = await join(t, s, `ws://127.0.0.1:${r.port}/arena/`);
  const room = s.roomList().find((x) => x.multiplayer.getPeers().includes(id))!;
  let resumed = 0;
  room.peerResumed.connect(() => resumed++);
  r.kill();
  await tickUntil(s, () => resumed === 1 && !peer.isPaused, [tree]);
  t.equal(peer.getUniqueId(), id);
  t.same(room.multiplayer.getPeers(), [id], 'back in the same room');
  t.equal(s.roomList().length, 1, 'no room was created for the resume');
});

t.test('an expired grace removes the peer as a normal disconnection; the client ends too', async (t) => {
  const s = await server(t, { resume: { graceMs: 400 } });
  const r = await relay(t, s.getLocalPort());
  const { tree, peer, id } = await join(t, s, `ws://127.0.0.1:${r.port}/arena/r3`, { graceMs: 400 });
  const room = s.getRoom('r3')!;
  const events: string[] = [];
  room.peerPaused.connect((p) => events.push(`paused ${p}`));
  room.multiplayer.peerDisconnected.connect((p) => events.push(`disconnected ${p}`));
  let serverGone = 0;
  tree.getMultiplayer().serverDisconnected.connect(() => serverGone++);
  r.stop(); // the client can no longer reach the server
  await tickUntil(s, () => events.includes(`disconnected ${id}`) && serverGone === 1, [tree]);
  t.same(events, [`paused ${id}`, `disconnected ${id}`]);
  await tickUntil(s, () => avatar(room.tree, id) === null, [tree]);
  t.equal(room.clientCount, 0, 'the seat is free');
  t.same(room.pausedPeers(), []);
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
});

t.test(
  'drain: a session client gets 4503 and ends without retrying; resume off: ?resume is refused, ?session joins as a plain peer',
  async (t) => {
    const s = await server(t);
    const { tree, peer } = await join(t, s, `ws://127.0.0.1:${s.getLocalPort()}/arena/r4`);
    let serverGone = 0;
    tree.getMultiplayer().serverDisconnected.connect(() => serverGone++);
    const drained = s.shutdown({ graceMs: 5000 });
    const deadline = Date.now() + 10_000;
    while (serverGone === 0 && Date.now() < deadline) {
      tree.processFrame(1 / 60);
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
    await drained;
    t.equal(serverGone, 1, 'the client ended');
    t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);

    const off = await server(t, { resume: { enabled: false } });
    const url = `ws://127.0.0.1:${off.getLocalPort()}/arena/r5`;
    const raw = rawClient(`${url}?resume=${'a'.repeat(32)}`);
    t.teardown(() => raw.ws.terminate());
    let closed = 0;
    void raw.closed.then((c) => (closed = c.code));
    await tickUntil(off, () => closed !== 0);
    t.equal(closed, RoomCloseCode.RESUME_REFUSED);
    const { peer: plainPeer } = await join(t, off, url);
    t.equal(plainPeer.hasSession, false, 'no session: the client fell back to plain mode');
    t.same(off.getRoom('r5')!.pausedPeers(), []);
  },
);
