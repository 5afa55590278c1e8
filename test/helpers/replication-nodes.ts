import { Vector2 } from '../../core/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node, ReplicationMode, type SceneTree } from '../../scenetree/index.js';

/** A peer's tree and root: a Simulation peer or a hand-built SceneTree. */
export interface PeerTree {
  readonly tree: SceneTree;
  readonly root: Node;
}

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
export function addWorld(p: PeerTree): MultiplayerSpawner {
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

export function players(p: PeerTree): Node {
  return p.root.getNode('World/Players');
}

export function player(p: PeerTree, name: string): Player | null {
  return players(p).getNodeOrNull(name) as Player | null;
}

export { Vector2 };
