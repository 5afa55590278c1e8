/**
 * Record and replay: a real WebSocket (and ENet, and WebRTC) server with 4 clients is recorded (what it received and when),
 * then replayed 3 times into fresh server trees on a manual clock: the same RPCs run, the same bytes
 * are sent (checked against the live server's own per-frame digests), the same trace hash every time.
 */
import t from 'tap';
import { ErrorCode, ManualClock, RPCMode, TransferMode, Vector2, type MultiplayerPeer } from '../../../core/index.js';
import { Node, SceneMultiplayer, SceneTree } from '../../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { ENetMultiplayerPeer } from '../../../plugins/enet/index.js';
import { WebRTCMultiplayerPeer } from '../../../plugins/webrtc/index.js';
import {
  RecordingMultiplayerPeer,
  Simulation,
  decodeRecording,
  timelineModel,
  type ReplayResult,
} from '../../../plugins/loopback/index.js';
import { pollUntil } from '../../helpers/websocket-poll.js';
import { signaledClient } from '../../helpers/webrtc-signaling.js';
import { PLAYER_SCENE, type Player, addWorld, players } from '../../helpers/replication-nodes.js';

/** The game's RPC surface: unreliable moves and reliable chat, both logged on the server. */
class Game extends Node {
  readonly calls: string[] = [];
  constructor() {
    super('Game');
    this.rpcConfig('move', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE_ORDERED });
    this.rpcConfig('say', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.RELIABLE });
    this.rpcConfig('announce', { rpcMode: RPCMode.AUTHORITY, transferMode: TransferMode.RELIABLE });
  }
  move(x: number, y: number): void {
    const from = this.multiplayer!.getRemoteSenderId();
    this.calls.push(`move ${from} ${x},${y}`);
    const p = this.getTree()!.root.getNodeOrNull(`World/Players/${from}`) as Player | null;
    if (p !== null) p.position = new Vector2(x, y);
  }
  say(text: string): void {
    const from = this.multiplayer!.getRemoteSenderId();
    this.calls.push(`say ${from} ${text}`);
    this.rpc('announce', `${from}: ${text}`); // the server answers everyone
  }
  announce(_text: string): void {}
}

/** The server's scene: the world with a spawner, the Game node, a Player spawned per connecting peer. */
function buildServer(tree: SceneTree, multiplayer: SceneMultiplayer): Game {
  addWorld({ tree, root: tree.root });
  const game = new Game();
  tree.root.addChild(game);
  multiplayer.peerConnected.connect((id) => {
    const p = tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
    p.name = String(id);
    p.position = new Vector2(id % 100, 0);
    players({ tree, root: tree.root }).addChild(p, true);
  });
  multiplayer.peerDisconnected.connect((id) => players({ tree, root: tree.root }).getNodeOrNull(String(id))?.queueFree());
  return game;
}

function buildClient(tree: SceneTree): Game {
  addWorld({ tree, root: tree.root });
  const game = new Game();
  tree.root.addChild(game);
  return game;
}

/** A real transport: how to start its server and connect a client to it. */
interface Transport {
  readonly name: string;
  server(): Promise<MultiplayerPeer>;
  client(server: MultiplayerPeer): MultiplayerPeer;
}

const WEBSOCKET: Transport = {
  name: 'WebSocket',
  async server() {
    const ws = new WebSocketMultiplayerPeer();
    const err = await ws.createServer(0, '127.0.0.1');
    if (err !== ErrorCode.OK) throw new Error(`WebSocket server: ${err}`);
    return ws;
  },
  client(server) {
    const peer = new WebSocketMultiplayerPeer();
    peer.createClient(`ws://127.0.0.1:${(server as WebSocketMultiplayerPeer).getLocalPort()}`);
    return peer;
  },
};

const ENET: Transport = {
  name: 'ENet',
  async server() {
    const peer = new ENetMultiplayerPeer();
    peer.setBindIp('127.0.0.1');
    const err = await peer.createServer(0);
    if (err !== ErrorCode.OK) throw new Error(`ENet server: ${err}`);
    return peer;
  },
  client(server) {
    const peer = new ENetMultiplayerPeer();
    peer.createClient('127.0.0.1', (server as ENetMultiplayerPeer).getLocalPort());
    return peer;
  },
};

/** WebRTC: the server is a `createServer()` mesh of one; each client is signaled in-process. */
const WEBRTC: Transport = {
  name: 'WebRTC',
  async server() {
    const peer = new WebRTCMultiplayerPeer();
    const err = peer.createServer();
    if (err !== ErrorCode.OK) throw new Error(`WebRTC server: ${err}`);
    return peer;
  },
  client(server) {
    return signaledClient(server as WebRTCMultiplayerPeer);
  },
};

for (const transport of [WEBSOCKET, ENET, WEBRTC]) {
  t.test(`record a real ${transport.name} session with 4 clients, replay it 3 times`, { timeout: 120_000 }, async (t) => {
    // The live server: a frame clock (changes only between frames), a recorder around its real peer.
    const clock = new ManualClock(performance.now());
    const serverTree = new SceneTree({ clock });
    const serverMp = new SceneMultiplayer({ clock });
    serverTree.setMultiplayer(serverMp);
    const liveGame = buildServer(serverTree, serverMp);
    const ws = await transport.server();
    t.teardown(() => ws.close());
    const recorder = new RecordingMultiplayerPeer(ws, { clock });
    serverMp.multiplayerPeer = recorder;

    const clients = Array.from({ length: 4 }, () => {
      const tree = new SceneTree();
      const game = buildClient(tree);
      const peer = transport.client(ws);
      t.teardown(() => peer.close());
      tree.getMultiplayer().multiplayerPeer = peer;
      return { tree, game, peer, mp: tree.getMultiplayer() as SceneMultiplayer };
    });
    let last = clock.nowMs();
    const serverFrame = {
      poll: () => {
        const now = Math.max(performance.now(), clock.nowMs());
        clock.set(now);
        serverTree.processFrame((now - last) / 1000);
        last = now;
      },
    };
    const frames = [serverFrame, ...clients.map((c) => ({ poll: () => c.tree.processFrame(1 / 60) }))];
    await pollUntil(
      frames,
      () => clients.every((c) => c.mp.getPeers().length === 4 && players({ tree: c.tree, root: c.tree.root }).getChildCount() === 4),
      30_000,
    );

    for (let step = 0; step < 10; step++) {
      for (const [i, c] of clients.entries()) {
        c.game.rpcId(1, 'move', step, i);
        if (step % 4 === i % 4) c.game.rpcId(1, 'say', `hello ${step} from ${i}`);
      }
      await pollUntil(frames, () => true);
      await pollUntil(frames, () => true);
    }
    const says = clients.reduce((n, _c, i) => n + Array.from({ length: 10 }, (_, s) => s).filter((s) => s % 4 === i % 4).length, 0);
    await pollUntil(frames, () => liveGame.calls.filter((c) => c.startsWith('say')).length === says, 30_000);
    clients[3]!.peer.close(); // one player leaves
    await pollUntil(frames, () => serverMp.getPeers().length === 3, 30_000);
    for (let i = 0; i < 5; i++) await pollUntil(frames, () => true);
    const bytes = recorder.toBytes();

    const recording = decodeRecording(bytes);
    t.equal(recording.frames.length - 1, recorder.frames, 'every poll is a frame');
    const inputs = recording.frames.flatMap((f) => f.inputs);
    t.equal(inputs.filter((i) => i.type === 'connect').length, 4);
    t.equal(inputs.filter((i) => i.type === 'disconnect').length, 1);
    t.ok(inputs.filter((i) => i.type === 'packet').length >= 40 + says, 'the moves, the chat and the path-cache confirmations');
    t.ok(recording.verified && recording.relaySupported);
    t.comment(`recording: ${recorder.frames} frames, ${bytes.length} bytes`);

    const replays: Array<{ result: ReplayResult; calls: string[]; players: string[] }> = [];
    for (let i = 0; i < 3; i++) {
      let game: Game | null = null;
      const result = await Simulation.replay(bytes, (server) => {
        game = buildServer(server.tree, server.multiplayer);
      });
      replays.push({
        result,
        calls: game!.calls,
        players: players({ tree: result.server.tree, root: result.server.root })
          .getChildren()
          .map((n) => n.name),
      });
    }
    for (const [i, r] of replays.entries()) {
      t.equal(r.result.divergence, null, `replay ${i + 1}: sent exactly what the live server sent, frame by frame`);
      t.same(r.calls, liveGame.calls, `replay ${i + 1}: the same RPCs ran, in the same order`);
      t.same(
        r.players,
        players({ tree: serverTree, root: serverTree.root })
          .getChildren()
          .map((n) => n.name),
        `replay ${i + 1}: the same players exist`,
      );
      t.equal(r.result.frames, recorder.frames);
    }
    t.equal(replays[1]!.result.traceHash, replays[0]!.result.traceHash, 'same trace hash, replay 2');
    t.equal(replays[2]!.result.traceHash, replays[0]!.result.traceHash, 'same trace hash, replay 3');
    t.equal(replays[2]!.result.sentHash, replays[0]!.result.sentHash, 'same bytes sent');
    t.ok(
      replays[0]!.result.trace.some((e) => e.type === 'packet' && e.from === 'server' && (e.head & 7) === 6),
      'the replay sent SYNC packets',
    );
    t.ok(
      replays[0]!.result.trace.some((e) => e.type === 'packet' && e.from === 'server' && (e.head & 7) === 4),
      'and SPAWN packets',
    );
    const model = timelineModel({ trace: replays[0]!.result.trace, names: replays[0]!.result.names, events: replays[0]!.result.events });
    t.equal(model.peers[0], 'server', 'a replay draws as a timeline too');

    // A different server (here: one that does not answer chat) is caught at the first frame it differs.
    const other = await Simulation.replay(bytes, (server) => {
      const g = buildServer(server.tree, server.multiplayer);
      g.say = () => undefined;
    });
    t.not(other.divergence, null, 'a changed server diverges from the recording');
    t.ok(other.divergence!.frame >= 1, `diverged at frame ${other.divergence!.frame} (where the first chat arrived)`);
  });
}

t.test('recordings are hostile input: truncated, foreign or corrupt bytes throw one typed error', (t) => {
  const clock = new ManualClock();
  const sim = new Simulation({
    clients: 1,
    wrapPeer: (p, name) => (name === 'server' ? new RecordingMultiplayerPeer(p, { clock }) : p),
    clock,
  });
  sim.step(20);
  sim.clients[0]!.multiplayer.sendBytes(Uint8Array.of(9, 9, 9), 1);
  sim.step(5);
  const bytes = (sim.server.peer as RecordingMultiplayerPeer).toBytes();
  sim.close();
  const rec = decodeRecording(bytes);
  t.ok(
    rec.frames.some((f) => f.inputs.some((i) => i.type === 'packet')),
    'a loopback server can be recorded too',
  );
  t.throws(() => decodeRecording(Uint8Array.of(1, 2, 3)), { code: ErrorCode.ERR_FILE_UNRECOGNIZED });
  t.throws(() => decodeRecording(bytes.subarray(0, bytes.length - 2)), { code: ErrorCode.ERR_FILE_CORRUPT });
  const badTag = bytes.slice();
  badTag[14] = 0x7f;
  t.throws(() => decodeRecording(badTag), { code: ErrorCode.ERR_FILE_CORRUPT });
  const badVersion = bytes.slice();
  badVersion[4] = 9;
  t.throws(() => decodeRecording(badVersion), { code: ErrorCode.ERR_FILE_UNRECOGNIZED });
  // Random mutations never throw anything but a MultiplayerError, never hang.
  for (let i = 0; i < 300; i++) {
    const m = bytes.slice();
    m[14 + ((i * 7919) % (m.length - 14))] = (i * 31) & 0xff;
    try {
      decodeRecording(m);
    } catch (err) {
      if (!(err as { code?: number }).code) {
        t.fail(`mutation ${i} threw ${String(err)}`);
        break;
      }
    }
  }
  t.end();
});
