/** Replication over the real socket transports: the same spawns and syncs over WebSocket and ENet. */
import t from 'tap';
import { ErrorCode, LogLevel, MemoryLogger, type MultiplayerPeer } from '../../../core/index.js';
import { ENetMultiplayerPeer } from '../../../plugins/enet/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { SceneTree } from '../../../scenetree/index.js';
import { PLAYER_SCENE, type Player, Vector2, addWorld, player, players } from '../../helpers/replication-nodes.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

interface Transport {
  server(): Promise<{ peer: MultiplayerPeer; port: number }>;
  client(port: number): MultiplayerPeer;
}

const transports: Record<string, Transport> = {
  WebSocket: {
    async server() {
      const peer = new WebSocketMultiplayerPeer();
      if ((await peer.createServer(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('listen');
      return { peer, port: peer.getLocalPort() };
    },
    client(port) {
      const peer = new WebSocketMultiplayerPeer();
      peer.createClient(`ws://127.0.0.1:${port}`);
      return peer;
    },
  },
  ENet: {
    async server() {
      const peer = new ENetMultiplayerPeer();
      peer.setBindIp('127.0.0.1');
      if ((await peer.createServer(0, 8)) !== ErrorCode.OK) throw new Error('listen');
      return { peer, port: peer.getLocalPort() };
    },
    client(port) {
      const peer = new ENetMultiplayerPeer();
      peer.createClient('127.0.0.1', port);
      return peer;
    },
  },
};

for (const [name, transport] of Object.entries(transports)) {
  t.test(`${name}: spawn, SYNC, delta and despawn between a server and two clients`, async (t) => {
    const { peer: serverPeer, port } = await transport.server();
    const peers = [serverPeer, transport.client(port), transport.client(port)];
    const logs = peers.map(() => new MemoryLogger());
    const trees = peers.map((peer, i) => {
      const tree = new SceneTree({ logger: logs[i] });
      tree.getMultiplayer().multiplayerPeer = peer;
      addWorld({ tree, root: tree.root });
      return tree;
    });
    t.teardown(() => peers.forEach((p) => p.close()));
    const sides = trees.map((tree) => ({ tree, root: tree.root }));
    const frames = trees.map((tree) => ({ poll: () => tree.processFrame(1 / 60) }));
    await pollUntil(frames, () => trees.every((tree) => tree.getMultiplayer().getPeers().length === 2), 10_000);

    const p = trees[0]!.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
    p.name = 'Runner';
    p.position = new Vector2(1, 1);
    players(sides[0]!).addChild(p, true);
    const remote = (i: number): Player | null => player(sides[i]!, 'Runner');
    await pollUntil(frames, () => remote(1) !== null && remote(2) !== null, 10_000);
    t.ok(remote(1)!.readyState!.position.equals(new Vector2(1, 1)), 'spawn state before _ready');

    p.position = new Vector2(2, 3);
    p.score = 7;
    await pollUntil(frames, () => [1, 2].every((i) => remote(i)!.position.equals(new Vector2(2, 3)) && remote(i)!.score === 7), 10_000);
    t.pass('SYNC (unreliable) and delta (reliable) arrived');

    p.queueFree();
    await pollUntil(frames, () => remote(1) === null && remote(2) === null, 10_000);
    t.same(
      logs.flatMap((l) => l.at(LogLevel.ERROR)),
      [],
      'no errors on any peer',
    );
  });
}
