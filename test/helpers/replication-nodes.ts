import { Vector2 } from '../../core/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node, ReplicationMode } from '../../scenetree/index.js';
import type { SimPeer } from '../../plugins/loopback/simulation.js';

export const PLAYER_SCENE = 'res://player.tscn';

/** A replicated player: position and hp sync (ALWAYS), score on change, name colour only at spawn. */
export class Player extends Node {
  position = new Vector2(0, 0);
  hp = 100;
  score = 0;
  colour = 'white';
  readyState: { position: Vector2; colour: string } | null = null;

  override _ready(): void {
    // What the spawn state must have set before `_ready` runs.
    this.readyState = { position: this.position, colour: this.colour };
  }
}

/** The Player scene: a Player with a MultiplayerSynchronizer child. */
export function makePlayer(): Player {
  const player = new Player();
  const sync = new MultiplayerSynchronizer('Sync');
  const config = sync.replicationConfig!;
  config.addProperty('.:position');
  config.addProperty('.:hp');
  config.propertySetSpawn('.:hp', false);
  config.addProperty('.:score');
  config.propertySetReplicationMode('.:score', ReplicationMode.ON_CHANGE);
  config.addProperty('.:colour');
  config.propertySetReplicationMode('.:colour', ReplicationMode.NEVER);
  player.addChild(sync);
  return player;
}

/** `/root/World` with `Players` and a spawner for the Player scene, on one peer. */
export function addWorld(p: SimPeer): MultiplayerSpawner {
  p.tree.scenes.registerScene(PLAYER_SCENE, makePlayer);
  const world = new Node('World');
  world.addChild(new Node('Players'));
  const spawner = new MultiplayerSpawner('Spawner');
  spawner.spawnPath = '../Players';
  spawner.addSpawnableScene(PLAYER_SCENE);
  world.addChild(spawner);
  p.root.addChild(world);
  return spawner;
}

export function players(p: SimPeer): Node {
  return p.root.getNode('World/Players');
}

export function player(p: SimPeer, name: string): Player | null {
  return players(p).getNodeOrNull(name) as Player | null;
}

export { Vector2 };
