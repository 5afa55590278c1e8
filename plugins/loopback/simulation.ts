import {
  ErrorCode,
  ManualClock,
  MemoryLogger,
  MultiplayerError,
  NodePath,
  SeededRng,
  teeLogger,
  type Logger,
  type MultiplayerPeer,
} from '../../core/index.js';
import { Node, SceneMultiplayer, SceneTree } from '../../scenetree/index.js';
import type { LinkConditions } from './link-conditions.js';
import { LoopbackMultiplayerPeer } from './loopback-multiplayer-peer.js';
import { Fnv1a64 } from './packet-trace.js';
import { VirtualNetwork } from './virtual-network.js';
import { explore, type ExploreOptions, type ExploreResult, type ExploreScenario } from './explore.js';
import type { Recording } from './recording.js';
import { replayRecording, type ReplayOptions, type ReplayResult, type ReplayServer } from './replay.js';

/** One peer of a Simulation: its tree, the node game code goes under, its API, peer and log. */
export interface SimPeer {
  /** `server`, `client1`, `client2`, … */
  readonly name: string;
  /** 0 for the server, 1… for clients. */
  readonly index: number;
  readonly tree: SceneTree;
  /** Where this peer's game nodes go: `/root` (separate trees) or `/root/<Name>` (one tree). */
  readonly root: Node;
  readonly multiplayer: SceneMultiplayer;
  /** What the multiplayer API uses (the loopback peer, or what `wrapPeer` made of it). */
  readonly peer: MultiplayerPeer;
  readonly loopback: LoopbackMultiplayerPeer;
  /** Everything this peer's SceneMultiplayer and transport logged. */
  readonly log: MemoryLogger;
}

/** Options of `new Simulation()`. */
export interface SimulationOptions {
  /** Seeds the network (loss, jitter) and the client ids. Default 1. */
  readonly seed?: number;
  /** Number of clients. Default 2. */
  readonly clients?: number;
  /**
   * How many clients the server admits (the loopback's `maxClients`). Default: 32 (Godot's ENet
   * default) or the number of clients, whichever is larger, so `clients: 100` just works.
   */
  readonly maxClients?: number;
  /**
   * Whether a client connects when the Simulation is built (default: every client does). A client
   * left out starts disconnected; `sim.join(client)` connects it later.
   */
  connectAtStart?(client: SimPeer): boolean;
  /** Conditions of every link. Default: a perfect network. */
  readonly conditions?: Partial<LinkConditions>;
  /** Frames per virtual second: each `step()` advances the clock by 1000 / fps ms. Default 60. */
  readonly fps?: number;
  /** `trees`: one SceneTree per peer (default). `subtrees`: one tree, one subtree and API per peer. */
  readonly layout?: 'trees' | 'subtrees';
  /** Builds a peer's scene (and configures its API, e.g. auth) before it connects. */
  setup?(peer: SimPeer): void;
  /** Keep trace entries in memory (the trace hash is computed unless `hashTrace` is false). Default true. */
  readonly keepTrace?: boolean;
  /** Compute the trace hash. Default true; false (with `keepTrace: false`) takes the trace off the hot path. */
  readonly hashTrace?: boolean;
  /** The virtual clock (a new one by default). */
  readonly clock?: ManualClock;
  /** Also sends each peer's log lines here (they are always kept in `SimPeer.log`). */
  logger?(peer: string): Logger;
  /** Wraps each transport peer (e.g. in a recorder or a ConditionedMultiplayerPeer). */
  wrapPeer?(peer: LoopbackMultiplayerPeer, name: string): MultiplayerPeer;
}

/** One thing that happened, as `Simulation.events` records it. */
export interface SimEvent {
  readonly frame: number;
  readonly timeMs: number;
  readonly peer: string;
  readonly event: string;
  readonly args: readonly number[];
}

const API_SIGNALS = ['peerConnected', 'peerDisconnected', 'peerAuthenticating', 'peerAuthenticationFailed'] as const;
const API_EVENTS = ['connectedToServer', 'connectionFailed', 'serverDisconnected'] as const;

/**
 * A server and N clients on a seeded virtual network in one process, stepped in virtual time: the
 * tool to write multiplayer tests with. Same seed and same calls → same events, same packet trace.
 */
export class Simulation {
  readonly clock: ManualClock;
  readonly network: VirtualNetwork;
  readonly server: SimPeer;
  readonly clients: readonly SimPeer[];
  readonly events: SimEvent[] = [];
  readonly fps: number;
  #frame = 0;
  readonly #trees: SceneTree[] = [];
  readonly #names = new Map<string, string>();
  #closed = false;

  /**
   * Deterministic simulation testing: runs `scenario` over many seeded worlds (randomised latency,
   * jitter, loss, duplication, reordering, partitions, late joins, leaves), checks its invariants after
   * every frame, stops at the first failing world and shrinks it. See `explore.ts`.
   */
  static explore(scenario: ExploreScenario, options?: ExploreOptions): ExploreResult {
    return explore(Simulation, scenario, options);
  }

  /**
   * Replays what a real server received (`RecordingMultiplayerPeer.toBytes()`) into a fresh server
   * tree on a manual clock; `setup` builds its scene. See `replay.ts`.
   */
  static replay(recording: Uint8Array | Recording, setup: (server: ReplayServer) => void, options?: ReplayOptions): Promise<ReplayResult> {
    return replayRecording(recording, setup, options);
  }

  constructor(options: SimulationOptions = {}) {
    const seed = options.seed ?? 1;
    this.clock = options.clock ?? new ManualClock();
    this.fps = options.fps ?? 60;
    if (!(this.fps > 0)) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Simulation fps must be positive.');
    const rng = new SeededRng(seed);
    this.network = new VirtualNetwork({
      clock: this.clock,
      rng: rng.fork(),
      conditions: options.conditions ?? {},
      keepTrace: options.keepTrace ?? true,
      hashTrace: options.hashTrace ?? true,
    });
    const names = ['server', ...Array.from({ length: options.clients ?? 2 }, (_, i) => `client${i + 1}`)];
    const shared = options.layout === 'subtrees' ? this.#newTree() : null;
    const peers = names.map((name, index) => this.#buildPeer(name, index, shared, rng, options));
    this.server = peers[0]!;
    this.clients = peers.slice(1);
    for (const p of peers) options.setup?.(p);
    const maxClients = options.maxClients ?? Math.max(32, this.clients.length);
    this.#connect(this.server, (lb) => lb.createServer(this.network, { maxClients }));
    for (const c of this.clients) if (options.connectAtStart?.(c) ?? true) this.join(c);
  }

  /**
   * Connects a client that is not connected (one left out by `connectAtStart`, or one that left):
   * it joins through the same handshake, from a fresh address. Throws if it is already active.
   */
  join(client: SimPeer): void {
    this.#assertClient(client);
    if (client.loopback.network !== null) {
      throw new MultiplayerError(ErrorCode.ERR_ALREADY_IN_USE, `Simulation.join: ${client.name} is already connected.`);
    }
    // Detach the API from the old (closed) peer first, so it starts over as on a first connection.
    client.multiplayer.multiplayerPeer = null;
    this.#connect(client, (lb) => lb.createClient(this.network));
  }

  /** A client leaves: its peer closes (the server sees it disconnect once the goodbye arrives). */
  leave(client: SimPeer): void {
    this.#assertClient(client);
    client.peer.close();
  }

  /** True while a client's transport is active (connecting or connected). */
  isActive(p: SimPeer): boolean {
    return p.loopback.network !== null;
  }

  /** Network address → peer name (`server`, `client1`, …) of every address a peer has used. */
  get addressNames(): ReadonlyMap<string, string> {
    return this.#names;
  }

  /** Adds an annotation to the trace (and its hash) at the current virtual time; the timeline shows it. */
  note(text: string): void {
    this.network.note(text);
  }

  /** The server first, then the clients. */
  get peers(): readonly SimPeer[] {
    return [this.server, ...this.clients];
  }

  /** Frames stepped so far. */
  get frame(): number {
    return this.#frame;
  }

  /** Advances virtual time by `frames` frames, processing every tree once per frame. */
  step(frames = 1): void {
    this.#assertOpen();
    const deltaMs = 1000 / this.fps;
    for (let i = 0; i < frames; i++) {
      this.#frame++;
      this.clock.advance(deltaMs);
      for (const tree of this.#trees) tree.processFrame(deltaMs / 1000);
    }
  }

  /**
   * Steps until `predicate()` holds; resolves with the frames it took. Between frames it yields to
   * pending promise callbacks, so `await signal.wait()` in game code can resume. Rejects after
   * `maxFrames` (default 10 virtual seconds).
   */
  async until(predicate: () => boolean, options: { maxFrames?: number } = {}): Promise<number> {
    const maxFrames = options.maxFrames ?? this.fps * 10;
    for (let taken = 0; ; taken++) {
      await Promise.resolve();
      if (predicate()) return taken;
      if (taken >= maxFrames) {
        throw new MultiplayerError(ErrorCode.ERR_TIMEOUT, `Simulation.until: not satisfied within ${maxFrames} frames.`);
      }
      this.step();
    }
  }

  /** Changes every link's conditions. */
  setConditions(changes: Partial<LinkConditions>): void {
    this.network.setConditions(changes);
  }

  /** Changes the conditions of both directions between two peers (null restores the default). */
  setLinkConditions(a: SimPeer, b: SimPeer, changes: Partial<LinkConditions> | null): void {
    this.network.setLinkConditions(a.loopback.address, b.loopback.address, changes);
    this.network.setLinkConditions(b.loopback.address, a.loopback.address, changes);
  }

  /** Cuts `a` off from `b` (or from everyone). */
  partition(a: SimPeer, b?: SimPeer): void {
    this.network.partition(a.loopback.address, b?.loopback.address);
  }

  /** Undoes `partition`. */
  heal(a: SimPeer, b?: SimPeer): void {
    this.network.heal(a.loopback.address, b?.loopback.address);
  }

  /** The network's packet trace. */
  get trace(): VirtualNetwork['trace'] {
    return this.network.trace;
  }

  /** Hash of the packet trace: equal for equal runs. */
  traceHash(): string {
    return this.network.traceHash();
  }

  /** Hash of the recorded events. */
  eventsHash(): string {
    const h = new Fnv1a64();
    for (const e of this.events) h.update(`${e.frame}|${e.peer}|${e.event}|${e.args.join(',')}\n`);
    return h.digest();
  }

  /** Closes every peer and quits every tree. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const p of this.peers) p.peer.close();
    for (const tree of this.#trees) tree.quit();
  }

  #newTree(): SceneTree {
    const tree = new SceneTree({ clock: this.clock });
    this.#trees.push(tree);
    return tree;
  }

  #buildPeer(name: string, index: number, shared: SceneTree | null, rng: SeededRng, options: SimulationOptions): SimPeer {
    const log = new MemoryLogger();
    const extra = options.logger?.(name);
    const logger = extra === undefined ? log : teeLogger(log, extra);
    const multiplayer = new SceneMultiplayer({ clock: this.clock, logger });
    const tree = shared ?? this.#newTree();
    let root = tree.root;
    if (shared !== null) {
      root = new Node(name[0]!.toUpperCase() + name.slice(1));
      tree.root.addChild(root);
      tree.setMultiplayer(multiplayer, root.getPath());
    } else {
      tree.setMultiplayer(multiplayer, NodePath.EMPTY);
    }
    const loopback = new LoopbackMultiplayerPeer({ clock: this.clock, rng: rng.fork(), logger });
    const peer = options.wrapPeer?.(loopback, name) ?? loopback;
    for (const signal of API_SIGNALS) {
      multiplayer[signal].connect((id) => this.#record(name, signal, [id]));
    }
    for (const signal of API_EVENTS) multiplayer[signal].connect(() => this.#record(name, signal, []));
    return { name, index, tree, root, multiplayer, peer, loopback, log };
  }

  #connect(p: SimPeer, start: (lb: LoopbackMultiplayerPeer) => ErrorCode): void {
    const err = start(p.loopback);
    if (err !== ErrorCode.OK) throw new MultiplayerError(err, `Simulation: ${p.name} could not start.`);
    this.#names.set(p.loopback.address, p.name);
    p.multiplayer.multiplayerPeer = p.peer;
  }

  #assertClient(client: SimPeer): void {
    this.#assertOpen();
    if (this.clients[client.index - 1] !== client) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Simulation: ${client.name} is not a client of this simulation.`);
    }
  }

  #record(peer: string, event: string, args: number[]): void {
    this.events.push({ frame: this.#frame, timeMs: this.clock.nowMs(), peer, event, args });
  }

  #assertOpen(): void {
    if (this.#closed) throw new MultiplayerError(ErrorCode.ERR_UNCONFIGURED, 'Simulation is closed.');
  }
}
