/**
 * The avatar world of the session tests (test/server/loopback.test.ts, test/server/resume.test.ts; not a
 * test file): `/root/World/Players` with a MultiplayerSpawner of avatars, and an avatar `P<id>` per
 * peer, owned (authority) by peer `<id>` on every side.
 */
import { MultiplayerSpawner, MultiplayerSynchronizer, Node, ReplicationMode, type SceneTree, rpc } from '../../scenetree/index.js';

export const AVATAR = 'res://avatar.tscn';

/** A player's avatar `P<id>`, owned (authority) by peer `<id>` on every side. */
export class Avatar extends Node {
  /** Replicated from the owner (ON_CHANGE: reliable deltas) in a world built with `syncScore`. */
  score = 0;
  readonly said: Array<[from: number, n: number]> = [];
  readonly heard: number[] = [];

  override _enterTree(): void {
    this.setMultiplayerAuthority(Number(this.name.slice(1)));
  }

  /** Only the avatar's owner may call it: the server checks the caller is the authority. */
  @rpc('authority', 'call_remote', 'reliable')
  say(n: number): void {
    this.said.push([this.multiplayer!.getRemoteSenderId(), n]);
  }

  @rpc('any_peer', 'call_remote', 'reliable')
  hear(n: number): void {
    this.heard.push(n);
  }
}

export interface AvatarWorldOptions {
  /** Each avatar gets a MultiplayerSynchronizer `Sync` replicating `score` ON_CHANGE (default: no synchronizer). */
  readonly syncScore?: boolean;
}

/** Registers the avatar scene and builds `/root/World/Players` and a spawner of avatars, on a room or a client; returns `Players`. */
export function avatarWorld(tree: SceneTree, options: AvatarWorldOptions = {}): Node {
  tree.scenes.registerScene(AVATAR, () => {
    const a = new Avatar();
    if (options.syncScore === true) {
      const sync = new MultiplayerSynchronizer('Sync');
      sync.replicationConfig!.addProperty('.:score');
      sync.replicationConfig!.propertySetReplicationMode('.:score', ReplicationMode.ON_CHANGE);
      a.addChild(sync);
    }
    return a;
  });
  const w = new Node('World');
  const players = new Node('Players');
  w.addChild(players);
  const spawner = new MultiplayerSpawner('Spawner');
  spawner.spawnPath = '../Players';
  spawner.addSpawnableScene(AVATAR);
  w.addChild(spawner);
  tree.root.addChild(w);
  return players;
}

/** Instantiates the avatar scene as `P<id>` under `players` (in a tree), as a room does for a joining peer. */
export function addAvatar(players: Node, id: number): Avatar {
  const a = players.getTree().scenes.load(AVATAR)!.instantiate() as Avatar;
  a.name = `P${id}`;
  players.addChild(a, true);
  return a;
}

/** The avatar of peer `id` in `tree`, or null. */
export const avatar = (tree: SceneTree, id: number): Avatar | null => tree.root.getNodeOrNull(`World/Players/P${id}`) as Avatar | null;
