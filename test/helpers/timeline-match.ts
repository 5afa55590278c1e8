/**
 * A short match with every kind of SceneMultiplayer traffic, for timeline tests: spawns (SPAWN),
 * synchronizers (SYNC), RPCs server→client and client→client (relayed: SYS), raw bytes, path cache
 * (CACHE), and a client that leaves (DESPAWN of its player, NET disconnect), over a link that drops,
 * duplicates and reorders.
 */
import { RPCMode, TransferMode } from '../../core/index.js';
import { MultiplayerSynchronizer, Node } from '../../scenetree/index.js';
import { Simulation } from '../../plugins/loopback/index.js';
import { PLAYER_SCENE, type Player, Vector2, addWorld, players } from './replication-nodes.js';

class Chat extends Node {
  lines: string[] = [];
  constructor() {
    super('Chat');
    this.rpcConfig('say', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.RELIABLE });
  }
  say(text: string): void {
    this.lines.push(text);
  }
}

export function timelineMatch(seed = 11): Simulation {
  const sim = new Simulation({
    seed,
    clients: 2,
    conditions: { latencyMs: 40, jitterMs: 25, loss: 0.1, duplicate: 0.1, reorder: 0.1 },
    setup: (p) => {
      addWorld(p);
      p.root.addChild(new Chat());
    },
  });
  sim.step(30);
  sim.note('spawning players');
  for (const c of sim.clients) {
    const p = sim.server.tree.scenes.load(PLAYER_SCENE)!.instantiate() as Player;
    p.name = c.name;
    p.getNode('Sync', MultiplayerSynchronizer).replicationInterval = 0.1; // a SYNC every 100 ms, not every frame
    players(sim.server).addChild(p, true);
  }
  sim.step(10);
  const [a, b] = sim.clients as [(typeof sim.clients)[0], (typeof sim.clients)[0]];
  a.root.getNode('Chat', Chat).rpcId(b.multiplayer.getUniqueId(), 'say', 'hi b'); // relayed by the server
  sim.server.root.getNode('Chat', Chat).rpc('say', 'welcome');
  b.multiplayer.sendBytes(Uint8Array.of(1, 2, 3), 1, { mode: TransferMode.UNRELIABLE });
  for (let f = 0; f < 20; f++) {
    for (const p of players(sim.server).getChildren() as Player[]) p.position = new Vector2(f, f);
    sim.step();
  }
  sim.note('client2 leaves');
  sim.leave(b);
  sim.step(10);
  players(sim.server).getNode('client2').queueFree();
  sim.step(20);
  return sim;
}
