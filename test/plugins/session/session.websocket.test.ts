/** Session resume over real WebSockets (loopback TCP): a killed socket resumes; stock Godot framing passes through. */
import { connect, createServer, type Server, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import { WebSocket as RawWebSocket } from 'ws';
import { ConnectionStatus, ErrorCode, MemoryLogger } from '../../../core/index.js';
import { SessionClientPeer, SessionServerPeer } from '../../../plugins/session/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { Node, SceneMultiplayer, SceneTree, rpc } from '../../../scenetree/index.js';

class Stream extends Node {
  readonly got = new Map<number, number[]>();
  constructor() {
    super('Stream');
  }
  @rpc('any_peer', 'reliable')
  seq(n: number): void {
    const from = this.multiplayer!.getRemoteSenderId();
    let list = this.got.get(from);
    if (list === undefined) this.got.set(from, (list = []));
    list.push(n);
  }
}

/** A TCP relay in front of the server whose connections the test can kill, as a network failure would. */
async function proxy(t: Test, targetPort: number): Promise<{ port: number; kill(): number }> {
  const pairs: Socket[][] = [];
  const server: Server = createServer((down) => {
    const up = connect(targetPort, '127.0.0.1');
    down.pipe(up);
    up.pipe(down);
    const pair = [down, up];
    pairs.push(pair);
    for (const s of pair) s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const p of pairs) for (const s of p) s.destroy();
    server.close();
  });
  return {
    port: (server.address() as { port: number }).port,
    kill() {
      const n = pairs.length;
      for (const p of pairs.splice(0)) for (const s of p) s.destroy();
      return n;
    },
  };
}

function tree(peer: import('../../../core/index.js').MultiplayerPeer): SceneTree {
  const tr = new SceneTree();
  tr.root.addChild(new Stream());
  tr.getMultiplayer().multiplayerPeer = peer;
  return tr;
}
const stream = (tr: SceneTree) => tr.root.getNode('Stream', Stream);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function frames(trees: SceneTree[], done: () => boolean, timeoutMs: number, each?: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    each?.();
    for (const tr of trees) tr.processFrame(1 / 60);
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}

async function wsServer(t: Test): Promise<WebSocketMultiplayerPeer> {
  const ws = new WebSocketMultiplayerPeer();
  t.equal(await ws.createServer(0, '127.0.0.1'), ErrorCode.OK);
  t.teardown(() => ws.close());
  return ws;
}

t.test('a socket destroyed mid-stream: the client reconnects, resumes with the same id, nothing lost or doubled', async (t) => {
  const ws = await wsServer(t);
  const session = new SessionServerPeer(ws);
  const relay = await proxy(t, ws.getLocalPort());
  const url = `ws://127.0.0.1:${relay.port}`;
  const first = new WebSocketMultiplayerPeer();
  first.createClient(url);
  let attempts = 0;
  const client = new SessionClientPeer(first, {
    reconnect: () => {
      attempts++;
      const next = new WebSocketMultiplayerPeer();
      next.createClient(url);
      return next;
    },
  });
  t.teardown(() => client.close());
  const trees = [tree(session), tree(client)];
  const [srvTree, cliTree] = trees as [SceneTree, SceneTree];
  const paused: number[] = [];
  const resumed: number[] = [];
  session.peerPaused.connect((id) => paused.push(id));
  session.peerResumed.connect((id) => resumed.push(id));
  const disconnects: number[] = [];
  srvTree.getMultiplayer().peerDisconnected.connect((id) => disconnects.push(id));
  await frames(trees, () => srvTree.getMultiplayer().getPeers().length === 1 && cliTree.getMultiplayer().getPeers().length === 1, 20_000);
  const id = cliTree.getMultiplayer().getUniqueId();
  t.ok(client.hasSession, 'a session was negotiated');
  let up = 0;
  let down = 0;
  const send = () => {
    if (stream(cliTree).rpcId(1, 'seq', up + 1) === ErrorCode.OK) up++;
    if (stream(srvTree).rpcId(id, 'seq', down + 1) === ErrorCode.OK) down++;
  };
  await frames(trees, () => up >= 100, 20_000, send);
  t.ok(relay.kill() >= 1, 'the TCP connection was destroyed');
  await frames(trees, () => up >= 200, 20_000, send); // sending goes on through the gap
  await frames(trees, () => resumed.length === 1 && !client.isPaused, 30_000, send);
  await frames(trees, () => up >= 300, 20_000, send);
  await frames(
    trees,
    () => (stream(srvTree).got.get(id)?.length ?? 0) === up && (stream(cliTree).got.get(1)?.length ?? 0) === down,
    30_000,
  );
  t.same(stream(srvTree).got.get(id), range(up), `the server got 1…${up} once, in order`);
  t.same(stream(cliTree).got.get(1), range(down), `the client got 1…${down} once, in order`);
  t.equal(cliTree.getMultiplayer().getUniqueId(), id, 'same peer id');
  t.same(paused, [id]);
  t.same(resumed, [id]);
  t.ok(attempts >= 1);
  t.same(disconnects, [], 'the server never saw peer_disconnected');
  for (const tr of trees) tr.quit();
});

t.test(
  'a stock-Godot-framed client (raw ws speaking Godot bytes) works through the session server and sees only Godot bytes',
  async (t) => {
    const ws = await wsServer(t);
    const session = new SessionServerPeer(ws);
    const srvTree = tree(session);
    const raw = new RawWebSocket(`ws://127.0.0.1:${ws.getLocalPort()}`);
    t.teardown(() => raw.terminate());
    const received: Buffer[] = [];
    raw.on('message', (d: Buffer) => received.push(d));
    await frames([srvTree], () => received.length === 1, 20_000);
    t.equal(received[0]!.length, 4, 'the transport id handshake (Godot §8.3)');
    const rawId = received[0]!.readInt32LE(0);
    // Godot's bytes for Stream.seq(25) in path form: meta 0x20, target 0x80000009, method 0, argc 1, INT 25, "Stream\0".
    raw.send(Buffer.from([0x20, 0x09, 0, 0, 0x80, 0, 1, 0x02, 25, ...Buffer.from('Stream'), 0]));
    await frames([srvTree], () => stream(srvTree).got.get(rawId)?.[0] === 25, 20_000);
    t.same(srvTree.getMultiplayer().getPeers(), [rawId], 'admitted as a plain peer under its transport id');
    t.equal(stream(srvTree).rpcId(rawId, 'seq', 7), ErrorCode.OK);
    // After the 4-byte handshake (whose random id may itself start with 0x20: skip it).
    await frames([srvTree], () => received.slice(1).some((m) => m[0] === 0x20), 20_000);
    const hex = received.slice(1).map((m) => m.toString('hex'));
    const md5 = Buffer.from((srvTree.getMultiplayer() as SceneMultiplayer).getRpcMd5(stream(srvTree))).toString('hex');
    t.same(
      hex,
      [
        `01${md5}00${'01000000'}${Buffer.from('Stream').toString('hex')}00`,
        `2009000080000102 07${Buffer.from('Stream').toString('hex')}00`.replace(' ', ''),
      ],
      'SIMPLIFY_PATH and the path-form RPC, exactly as Godot frames them; no extension byte',
    );
    srvTree.quit();
  },
);

t.test('a session client against a stock server falls back to plain mode', async (t) => {
  const ws = await wsServer(t);
  const log = new MemoryLogger();
  const srvMp = new SceneMultiplayer({ logger: log });
  const srvTree = new SceneTree();
  srvTree.root.addChild(new Stream());
  srvTree.setMultiplayer(srvMp);
  srvMp.multiplayerPeer = ws;
  const inner = new WebSocketMultiplayerPeer();
  inner.createClient(`ws://127.0.0.1:${ws.getLocalPort()}`);
  const client = new SessionClientPeer(inner, { reconnect: () => new WebSocketMultiplayerPeer(), helloTimeoutMs: 300 });
  t.teardown(() => client.close());
  const cliTree = tree(client);
  await frames([srvTree, cliTree], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED, 20_000);
  t.notOk(client.hasSession, 'no WELCOME: plain mode');
  stream(cliTree).rpcId(1, 'seq', 5);
  await frames([srvTree, cliTree], () => stream(srvTree).got.get(client.getUniqueId())?.[0] === 5, 20_000);
  t.pass('RPCs flow in Godot framing');
  srvTree.quit();
  cliTree.quit();
});
