/**
 * The arena's game, shared by the Node server and the browser client: a World with a spawner of
 * Players, each moved by its owner's inputs through ClientPrediction, replicated by a
 * MultiplayerSynchronizer (position + tick) and, on the other clients, drawn through a
 * SnapshotInterpolator. The server spawns a Player for every peer that joins.
 */
import { RPCMode, Vector2 } from '../../core/index.js';
import {
  ClientPrediction,
  LagCompensation,
  NetworkTime,
  SnapshotInterpolator,
  isAxisInput2,
  isFiniteVector2,
  type PredictionModel,
} from '../../netcode/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, Node, type SceneMultiplayer, type SceneTree } from '../../scenetree/index.js';

export const ARENA_SIZE = new Vector2(640, 400);
export const PLAYER_SPEED = 180;
export const TICK_RATE = 30;
export const PLAYER_RADIUS = 12;

/** A player: what the engine draws. Its name is its owner's peer id. */
export class Player extends Node {
  position = new Vector2(ARENA_SIZE.x / 2, ARENA_SIZE.y / 2);
  tick = 0;
  /** Hits scored (replicated). */
  score = 0;
  /** Server: judges shots with lag compensation. */
  lag: LagCompensation | null = null;
  /** The owner's keys (read by the model on the owner's machine). */
  held = new Vector2(0, 0);
  prediction: ClientPrediction<Vector2, Vector2> | null = null;
  interpolator: SnapshotInterpolator | null = null;

  get ownerId(): number {
    return Number(this.name);
  }

  /**
   * Server: the owner fired at `point`, seeing the others as they were at `seenTick`. Rewound with
   * lag compensation: it hits what the shooter saw, never what it could not have seen.
   */
  shoot(seenTick: unknown, point: unknown): void {
    const mp = this.multiplayer;
    if (mp === null || !mp.isServer() || mp.getRemoteSenderId() !== this.ownerId || this.lag === null) return;
    if (typeof seenTick !== 'number' || !(point instanceof Vector2)) return;
    const hits = this.lag.hitTest(seenTick, point);
    if (Array.isArray(hits) && hits.some((id) => id !== this.name)) this.score++;
  }

  /** Owner: fires at `point` (what it sees there now). */
  fire(point: Vector2): void {
    const time = this.getTree().root.getNode('NetworkTime', NetworkTime);
    const view = this.getParent()!
      .getChildren()
      .find((p): p is Player => p instanceof Player && p.interpolator !== null);
    // What this peer shows of the others: the interpolated past, or (interpolation off) the newest states.
    const seen = view?.interpolator?.enabled ? view.interpolator.renderTick : time.preciseTick - time.rttMs / 2 / time.tickMs;
    this.rpcId(1, 'shoot', seen, point);
  }
}

/** Movement: deterministic, so the owner's prediction and the server agree; clamped to the arena. */
export class PlayerModel implements PredictionModel<Vector2, Vector2> {
  constructor(
    readonly player: Player,
    readonly time: NetworkTime,
  ) {}
  step(state: Vector2, input: Vector2, delta: number): Vector2 {
    const x = Math.min(ARENA_SIZE.x, Math.max(0, state.x + input.x * PLAYER_SPEED * delta));
    const y = Math.min(ARENA_SIZE.y, Math.max(0, state.y + input.y * PLAYER_SPEED * delta));
    return new Vector2(x, y);
  }
  sampleInput(): Vector2 {
    return this.player.held;
  }
  readonly isInput = isAxisInput2;
  readonly isState = isFiniteVector2;
  render(state: Vector2): void {
    this.player.position = state;
    this.player.tick = this.time.tick;
  }
}

/** Builds a Player for `ownerId` (the spawn function: the same on server and clients). */
function makePlayer(tree: SceneTree, ownerId: number): Player {
  const time = tree.root.getNode('NetworkTime', NetworkTime);
  const player = new Player(String(ownerId));
  player.rpcConfig('shoot', { rpcMode: RPCMode.ANY_PEER });
  const sync = new MultiplayerSynchronizer('Sync');
  for (const prop of ['position', 'tick', 'score']) sync.replicationConfig!.addProperty(`.:${prop}`);
  player.addChild(sync);
  player.prediction = new ClientPrediction<Vector2, Vector2>({
    model: new PlayerModel(player, time),
    time,
    initialState: player.position,
    inputPeer: ownerId,
    maxCorrectionSpeed: 400,
  });
  player.addChild(player.prediction);
  player.ready.connect(
    () => {
      const mp = player.multiplayer as SceneMultiplayer;
      if (mp.isServer() || mp.getUniqueId() === ownerId) return;
      player.interpolator = new SnapshotInterpolator({ synchronizer: sync, time, properties: ['position'], tickProperty: 'tick' });
      player.addChild(player.interpolator);
    },
    { once: true },
  );
  return player;
}

/** Adds `/root/NetworkTime` and `/root/World` (Players + spawner) to a peer's tree. */
export function addArena(tree: SceneTree): { world: Node; players: Node; spawner: MultiplayerSpawner } {
  tree.root.addChild(new NetworkTime({ tickRate: TICK_RATE }));
  const world = new Node('World');
  const players = new Node('Players');
  world.addChild(players);
  const spawner = new MultiplayerSpawner('Spawner');
  spawner.spawnPath = '../Players';
  spawner.spawnFunction = (data) => makePlayer(tree, Number(data));
  world.addChild(spawner);
  tree.root.addChild(world);
  return { world, players, spawner };
}

/** Server: a Player for every peer that joins (its hit circle recorded for lag compensation), removed when it leaves. */
export function hostArena(tree: SceneTree): { players: Node; lag: LagCompensation } {
  const { players, spawner } = addArena(tree);
  const lag = new LagCompensation({ time: tree.root.getNode('NetworkTime', NetworkTime), maxRewindMs: 500 });
  const mp = tree.getMultiplayer();
  mp.peerConnected.connect((id) => {
    const player = spawner.spawn(id) as Player;
    player.lag = lag;
    lag.register(player.name, () => ({ kind: 'circle', center: player.position, radius: PLAYER_RADIUS }));
  });
  mp.peerDisconnected.connect((id) => {
    lag.unregister(String(id));
    players.getNodeOrNull(String(id))?.queueFree();
  });
  return { players, lag };
}

/** Every player's shown position, by owner id. */
export function positions(players: Node): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const p of players.getChildren()) if (p instanceof Player) out[p.name] = [p.position.x, p.position.y];
  return out;
}
