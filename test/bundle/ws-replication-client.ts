/**
 * The replication budget (≤ 40 KB gzipped): the WebSocket client plus a MultiplayerSpawner and a
 * MultiplayerSynchronizer replicating a player's position, as a game client would have them.
 */
import '../helpers/websocket-browser-page.js';
import { NodePath, Vector2 } from '../../core/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node, SceneReplicationConfig } from '../../scenetree/index.js';

class Player extends Node {
  position = Vector2.ZERO;
}

const spawner = new MultiplayerSpawner('Spawner');
spawner.spawnPath = new NodePath('..');
spawner.spawnFunction = () => {
  const player = new Player('Player');
  const sync = new MultiplayerSynchronizer('Sync');
  const config = new SceneReplicationConfig();
  config.addProperty(new NodePath('.:position'));
  sync.replicationConfig = config;
  player.addChild(sync);
  return player;
};
Reflect.set(globalThis, 'scenenetSpawner', spawner);
