/**
 * The scenenet side of test/fixtures/godot4/: nodes with the same paths, method names and `@rpc`
 * settings as probe.gd and owned.gd (Godot's RPC checksum covers the names, so they stay snake_case),
 * and a frame pump that runs a SceneTree while a test awaits.
 */
import { Vector2, type Variant } from '../../../core/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node, ReplicationMode, rpc, type SceneTree } from '../../../scenetree/index.js';

/** One RPC a node received. */
export interface Heard {
  readonly method: string;
  readonly sender: number;
  readonly args: readonly Variant[];
}

/** Records every RPC with its remote sender. */
abstract class RecordingNode extends Node {
  readonly heard: Heard[] = [];

  record(method: string, args: readonly Variant[]): void {
    this.heard.push({ method, sender: this.multiplayer!.getRemoteSenderId(), args });
  }

  /** The calls of `method`, in arrival order. */
  calls(method: string): Heard[] {
    return this.heard.filter((h) => h.method === method);
  }
}

/** /root/Main/Probe (probe.gd). */
export class Probe extends RecordingNode {
  constructor() {
    super('Probe');
  }

  @rpc('any_peer', 'call_remote', 'reliable')
  value(index: number, v: Variant): void {
    this.record('value', [index, v]);
  }

  @rpc('any_peer', 'call_remote', 'reliable')
  msg_reliable(n: number): void {
    this.record('msg_reliable', [n]);
  }

  @rpc('any_peer', 'call_remote', 'unreliable')
  msg_unreliable(n: number): void {
    this.record('msg_unreliable', [n]);
  }

  @rpc('any_peer', 'call_remote', 'unreliable_ordered')
  msg_ordered(n: number): void {
    this.record('msg_ordered', [n]);
  }

  @rpc('any_peer', 'call_remote', 'reliable', 3)
  msg_channel(n: number): void {
    this.record('msg_channel', [n]);
  }

  @rpc('any_peer', 'call_local', 'reliable')
  local_call(n: number): void {
    this.record('local_call', [n]);
  }

  @rpc('authority', 'call_remote', 'reliable')
  only_authority(n: number): void {
    this.record('only_authority', [n]);
  }
}

/** /root/Main/Owned (owned.gd): its authority is the Godot client. */
export class Owned extends RecordingNode {
  constructor() {
    super('Owned');
  }

  @rpc('authority', 'call_remote', 'reliable')
  only_owner(n: number): void {
    this.record('only_owner', [n]);
  }
}

/** main.gd's ShipNode: a ship named `c<peer id>_<n>` belongs to that client. */
export class Ship extends Node {
  position = new Vector2(0, 0);
  hp = 100;

  override _enterTree(): void {
    const owner = /^c(\d+)_/.exec(this.name);
    if (owner !== null) this.setMultiplayerAuthority(Number(owner[1]));
  }

  get sync(): MultiplayerSynchronizer {
    return this.getNode('Sync', MultiplayerSynchronizer);
  }
}

/**
 * The spawners' spawn function (main.gd's ShipNode.build): `[name, position, hp]` → a ship whose
 * synchronizer sends position ALWAYS and hp ON_CHANGE. A name starting with `h` makes a ship that no
 * peer sees until the server says so (the server's own choice; Godot's build has no such rule, and
 * needs none: it never spawns hidden ships).
 */
export function buildShip(data: Variant): Ship {
  const [name, position, hp] = data as [string, Vector2, number];
  const ship = new Ship(name);
  ship.position = position;
  ship.hp = hp;
  const sync = new MultiplayerSynchronizer('Sync');
  sync.replicationConfig!.addProperty('.:position');
  sync.replicationConfig!.addProperty('.:hp');
  sync.replicationConfig!.propertySetReplicationMode('.:hp', ReplicationMode.ON_CHANGE);
  if (name.startsWith('h')) sync.publicVisibility = false;
  ship.addChild(sync);
  return ship;
}

/** main.tscn's nodes on the scenenet side. */
export interface MainScene {
  readonly main: Node;
  readonly probe: Probe;
  readonly owned: Owned;
  /** World/Ships, replicated by World/ShipSpawner (authority 1). */
  readonly ships: Node;
  readonly shipSpawner: MultiplayerSpawner;
  /** World/ClientShips, replicated by World/ClientSpawner (authority: the Godot client). */
  readonly clientShips: Node;
  readonly clientSpawner: MultiplayerSpawner;
}

/** /root/Main as main.tscn builds it. */
export function addMainScene(tree: SceneTree): MainScene {
  const main = new Node('Main');
  const probe = new Probe();
  const owned = new Owned();
  main.addChild(probe);
  main.addChild(owned);
  const world = new Node('World');
  const ships = new Node('Ships');
  const clientShips = new Node('ClientShips');
  world.addChild(ships);
  world.addChild(clientShips);
  const spawner = (name: string, path: string): MultiplayerSpawner => {
    const s = new MultiplayerSpawner(name);
    s.spawnPath = path;
    s.spawnFunction = buildShip;
    world.addChild(s);
    return s;
  };
  const shipSpawner = spawner('ShipSpawner', '../Ships');
  const clientSpawner = spawner('ClientSpawner', '../ClientShips');
  main.addChild(world);
  tree.root.addChild(main);
  return { main, probe, owned, ships, shipSpawner, clientShips, clientSpawner };
}

/**
 * Runs `trees` at about 60 frames per second of wall time (each frame polls its multiplayer) until
 * `stop()`. Errors thrown by a frame are kept and rethrown by `until`.
 */
export class FramePump {
  private readonly timer: ReturnType<typeof setInterval>;
  private failure: unknown = null;

  constructor(private readonly trees: readonly SceneTree[]) {
    this.timer = setInterval(() => this.frame(), 8);
  }

  /** Runs one frame of every tree now. */
  frame(): void {
    for (const tree of this.trees) {
      try {
        tree.processFrame(1 / 60);
      } catch (err) {
        this.failure ??= err;
      }
    }
  }

  /** Resolves once `done()` holds (checked after each frame); rejects after `timeoutMs` with `what`. */
  async until(done: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.failure !== null) throw this.failure;
      if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
    if (this.failure !== null) throw this.failure;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
