import { ErrorCode, MultiplayerError, Signal, cryptoRng, type Clock, type Logger, type MultiplayerPeer, type Rng } from '../core/index.js';
import { SceneMultiplayer, SceneTree } from '../scenetree/index.js';
import { type ENetMultiplayerPeer, PeerStatistic } from '../plugins/enet/index.js';
import { State, WebSocketMultiplayerPeer, type HttpUpgrade, type WebSocketPeer } from '../plugins/websocket/index.js';
import { LoopbackMultiplayerPeer, type VirtualNetwork } from '../plugins/loopback/index.js';
import { SessionServerPeer } from '../plugins/session/index.js';
import { RoomCloseCode } from './close-codes.js';
import { CountingPeer, type TransportTraffic } from './counting-peer.js';
import { MultiplexPeer } from './multiplex-peer.js';
import type { ResolvedResume, RoomType } from './room-type.js';

/** Transports a room can be reached over (`loopback`: the server's VirtualNetwork, see `GameServerOptions.loopback`). */
export type RoomTransport = 'ws' | 'enet' | 'loopback';

/** The loopback address of room `id` on the server's VirtualNetwork (what a loopback client connects to). */
export function roomLoopbackAddress(id: string): string {
  return `room/${id}`;
}

/** One transport part of a room: what it counts, and its session layer if it has one. */
interface Part {
  readonly name: 'ws' | 'ws-session' | 'enet' | 'loopback';
  readonly transport: RoomTransport;
  readonly counter: CountingPeer;
  readonly session: SessionServerPeer | null;
}

/** A client of a room, as `rooms()` and the metrics see it. */
export interface RoomClient {
  readonly id: number;
  readonly transport: RoomTransport;
  /** Smoothed round-trip time in ms (ENet's own; WebSocket ping frames, see `wsPingIntervalMs`), null before the first sample or while paused. */
  readonly rttMs: number | null;
  /** A session client whose connection dropped: its id, authority and nodes are kept until it resumes or its grace ends. */
  readonly paused: boolean;
}

/** How a WebSocket connection joins: as a plain (Godot) peer, or as a session that may resume. */
export type JoinKind = 'plain' | 'session';

/** One row of `GameServer.rooms()`: what a server list or a matchmaker reads. */
export interface RoomInfo {
  /** `match`: a room hosted here; `webrtc-lobby`: a signaling lobby whose match runs peer to peer. */
  readonly kind: 'match' | 'webrtc-lobby';
  readonly id: string;
  readonly type: string;
  readonly clients: number;
  readonly maxClients: number;
  readonly locked: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly createdAtMs: number;
  /**
   * The WebSocket URL path that joins it (for a lobby: the signaling path), its ENet port if any, and
   * (only on a server with `loopback`) its address on the VirtualNetwork.
   */
  readonly endpoints: { readonly ws: string; readonly enet: number | null; readonly loopback?: string };
}

/** What `Room.create` needs. */
export interface RoomOptions {
  readonly id: string;
  readonly type: RoomType;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metadata?: Record<string, unknown>;
  /** Overrides the type's `emptyGraceMs` for this room. */
  readonly emptyGraceMs?: number;
  /** Binds an ENet server for this room; resolves with it, or null when no port could be bound. */
  readonly bindEnet?: (maxClients: number) => Promise<ENetMultiplayerPeer | null>;
  /** Session resume for `?session` WebSocket clients (default: the type's `resume`). */
  readonly resume?: ResolvedResume;
  /** Source of resume tokens (default crypto randomness). */
  readonly rng?: Rng;
  /** Also serve the room on this VirtualNetwork, at `roomLoopbackAddress(id)`. */
  readonly loopback?: VirtualNetwork;
  /** Ping every WebSocket client this often to measure its RTT (ms, on the room's clock; default 2 000; 0: never). */
  readonly wsPingIntervalMs?: number;
}

/** A WebSocket handshake older than this no longer holds a seat (the peer's handshake timeout is 3 s). */
const RESERVATION_MS = 5000;

/**
 * One match: its own SceneTree with its own SceneMultiplayer (the room's server is peer 1), its own
 * peer ids, authority, replication and relay. Clients reach it over WebSocket (connections handed
 * over by the server's router) and, when the server has ENet, on the room's own ENet port. Nothing
 * is shared with another room but the process and the clock.
 */
export class Room {
  readonly id: string;
  readonly type: RoomType;
  readonly tree: SceneTree;
  readonly multiplayer: SceneMultiplayer;
  readonly createdAtMs: number;
  /** A room left empty this long is disposed by its server (ms; Infinity: never). */
  readonly emptyGraceMs: number;
  /** Free-form, JSON-serializable data listed by `rooms()` (a map name, a game mode…). */
  metadata: Record<string, unknown>;
  /** Emitted once, when the room is disposed. */
  readonly disposed = new Signal();
  /** A session client's connection dropped; its peer id, authority and nodes stay until it resumes or its grace ends. */
  readonly peerPaused = new Signal<[id: number]>();
  /** A paused session client came back on a new connection, as the same peer. */
  readonly peerResumed = new Signal<[id: number]>();

  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #ws: WebSocketMultiplayerPeer;
  readonly #enet: ENetMultiplayerPeer | null;
  /** The WebSocket server of `?session` clients (null when resume is off); its session layer is the `ws-session` part's. */
  readonly #sessionWs: WebSocketMultiplayerPeer | null = null;
  readonly #loopback: LoopbackMultiplayerPeer | null = null;
  /** The room's transports, in MultiplexPeer order; `ws-session` is listed as `ws`. */
  readonly #parts: readonly Part[];
  readonly #peer: MultiplayerPeer;
  /** Clock times of WebSocket connections handed over whose handshake has not finished. */
  #reservations: number[] = [];
  #locked = false;
  #disposed = false;
  #ticking = false;
  /** A `dispose` asked for during a tick, applied when the tick ends. */
  #disposeAfterTick: [code: number, reason: string] | null = null;
  #tickMs = 0;
  readonly #wsPingIntervalMs: number;
  #lastPingMs: number;

  private constructor(options: RoomOptions, enet: ENetMultiplayerPeer | null) {
    this.id = options.id;
    this.type = options.type;
    this.metadata = { ...options.metadata };
    this.emptyGraceMs = options.emptyGraceMs ?? options.type.emptyGraceMs;
    this.#clock = options.clock;
    this.#log = options.logger;
    this.createdAtMs = this.#clock.nowMs();
    this.#wsPingIntervalMs = options.wsPingIntervalMs ?? 2000;
    this.#lastPingMs = this.createdAtMs;
    this.#ws = new WebSocketMultiplayerPeer({ clock: this.#clock, logger: this.#log });
    if (this.#ws.createStreamServer() !== ErrorCode.OK) throw new MultiplayerError(ErrorCode.ERR_BUG, 'A stream server could not start.');
    this.#ws.peerConnected.connect(() => void this.#reservations.shift());
    this.#enet = enet;
    const parts: Part[] = [{ name: 'ws', transport: 'ws', counter: new CountingPeer(this.#ws), session: null }];
    const resume = options.resume ?? options.type.resume;
    const { enabled: resumeOn, ...sessionOptions } = resume;
    const withSession = (inner: MultiplayerPeer): SessionServerPeer => {
      const session = new SessionServerPeer(inner, {
        ...sessionOptions,
        clock: this.#clock,
        logger: this.#log,
        tokenRng: options.rng ?? cryptoRng,
      });
      session.peerPaused.connect((id) => this.peerPaused.emit(id));
      session.peerResumed.connect((id) => this.peerResumed.emit(id));
      return session;
    };
    if (resumeOn) {
      const sessionWs = new WebSocketMultiplayerPeer({ clock: this.#clock, logger: this.#log });
      if (sessionWs.createStreamServer() !== ErrorCode.OK)
        throw new MultiplayerError(ErrorCode.ERR_BUG, 'A stream server could not start.');
      sessionWs.peerConnected.connect(() => void this.#reservations.shift());
      this.#sessionWs = sessionWs;
      const session = withSession(sessionWs);
      parts.push({ name: 'ws-session', transport: 'ws', counter: new CountingPeer(session), session });
    }
    if (enet !== null) parts.push({ name: 'enet', transport: 'enet', counter: new CountingPeer(enet), session: null });
    if (options.loopback !== undefined) {
      const loopback = new LoopbackMultiplayerPeer({ logger: this.#log });
      const err = loopback.createServer(options.loopback, { address: roomLoopbackAddress(this.id), maxClients: options.type.maxClients });
      if (err !== ErrorCode.OK) throw new MultiplayerError(err, `Room "${this.id}" cannot serve on the loopback network.`);
      this.#loopback = loopback;
      // Over loopback every client may open a session (HELLO first); a plain client is admitted at its first packet.
      const session = resumeOn ? withSession(loopback) : null;
      parts.push({ name: 'loopback', transport: 'loopback', counter: new CountingPeer(session ?? loopback), session });
    }
    this.#parts = parts;
    this.#peer =
      parts.length === 1
        ? parts[0]!.counter
        : new MultiplexPeer(
            parts.map((p) => p.counter),
            this.#log,
          );
    this.multiplayer = new SceneMultiplayer({ clock: this.#clock, logger: this.#log, limits: options.type.limits });
    this.tree = new SceneTree({ clock: this.#clock, logger: this.#log, multiplayer: this.multiplayer });
    this.multiplayer.multiplayerPeer = this.#peer;
  }

  /** Builds a room (binding its ENet port when asked) and runs its type's `setup`. */
  static async create(options: RoomOptions): Promise<Room> {
    let enet: ENetMultiplayerPeer | null = null;
    if (options.bindEnet !== undefined && options.type.enet) {
      enet = await options.bindEnet(options.type.maxClients);
      if (enet === null) throw new MultiplayerError(ErrorCode.ERR_CANT_CREATE, `No ENet port is free for room "${options.id}".`);
    }
    const room = new Room(options, enet);
    try {
      options.type.setup(room);
    } catch (err) {
      room.dispose();
      throw err;
    }
    return room;
  }

  /** Whether the room refuses new clients (sealed). */
  get locked(): boolean {
    return this.#locked;
  }

  /** Refuses new clients from now on (WebSocket joins get `LOCKED`, ENet connects are refused). */
  lock(): void {
    this.#locked = true;
    this.#peer.refuseNewConnections = true;
    // The router lets only resumes through to a locked room's session server (they hold their seats).
    for (const part of this.#parts) if (part.name === 'ws-session') part.counter.refuseNewConnections = false;
  }

  /** Takes new clients again (up to `maxClients`). */
  unlock(): void {
    this.#locked = false;
    this.#peer.refuseNewConnections = false;
  }

  get maxClients(): number {
    return this.type.maxClients;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** The room's ENet port, or null when it has none. */
  get enetPort(): number | null {
    return this.#enet?.getLocalPort() ?? null;
  }

  /** Connected clients, plus WebSocket clients still in their handshake (they hold a seat). */
  get clientCount(): number {
    let count = this.#reservations.length;
    for (const part of this.#parts) count += part.counter.peerCount;
    return count;
  }

  /** Wall time of the last `tick` (ms): what the tick-time metric reports. */
  get lastTickMs(): number {
    return this.#tickMs;
  }

  /** Traffic per transport since the room was created (session clients count as `ws`; their session framing is not counted). */
  traffic(): ReadonlyMap<RoomTransport, Readonly<TransportTraffic>> {
    const out = new Map<RoomTransport, TransportTraffic>();
    for (const { transport, counter } of this.#parts) {
      const sum = out.get(transport);
      if (sum === undefined) out.set(transport, { ...counter.traffic });
      else for (const k of Object.keys(sum) as Array<keyof TransportTraffic>) sum[k] += counter.traffic[k];
    }
    return out;
  }

  /** Whether `?session` clients get a session they can resume. */
  get resumable(): boolean {
    return this.#sessionWs !== null;
  }

  /** The WebSocket session a resume token (hex) would resume, or 0: unknown, already used, expired, or resume is off. */
  sessionOfToken(tokenHex: string): number {
    return this.#parts.find((p) => p.name === 'ws-session')?.session?.sessionOfToken(tokenHex) ?? 0;
  }

  /** Ids of the session clients whose connection is down now (they still count as clients), in id order. */
  pausedPeers(): number[] {
    return this.#parts.flatMap((p) => p.session?.getPausedPeers() ?? []).sort((a, b) => a - b);
  }

  /** The WebSocket connection of client `id` now (plain, or a session's current one), or null. */
  #wsOf(id: number): WebSocketPeer | null {
    const part = this.#partOf(id);
    if (part.name === 'ws') return this.#ws.getPeer(id);
    if (part.name !== 'ws-session') return null;
    const transportId = part.session!.getTransportId(id);
    return transportId !== null ? this.#sessionWs!.getPeer(transportId) : null;
  }

  /** Sends a ping frame to every WebSocket client (their pongs give `clients()[i].rttMs`). */
  #pingWebSockets(): void {
    for (const id of this.multiplayer.getPeers()) this.#wsOf(id)?.ping();
  }

  /** The part that carries peer `id`. */
  #partOf(id: number): Part {
    if (!(this.#peer instanceof MultiplexPeer)) return this.#parts[0]!;
    const counter = this.#peer.partOf(id);
    return this.#parts.find((p) => p.counter === counter) ?? this.#parts[0]!;
  }

  /** The connected clients, in id order. */
  clients(): RoomClient[] {
    const out: RoomClient[] = [];
    const paused = new Set(this.pausedPeers());
    for (const id of this.multiplayer.getPeers()) {
      const transport = this.#partOf(id).transport;
      let rttMs: number | null = null;
      if (transport === 'enet') rttMs = this.#enet!.getPeer(id)?.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME) ?? null;
      else if (transport === 'ws') {
        const rtt = this.#wsOf(id)?.getRoundTripTime() ?? -1;
        rttMs = rtt >= 0 ? Math.round(rtt * 10) / 10 : null;
      }
      out.push({ id, transport, rttMs, paused: paused.has(id) });
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /** The room's `rooms()` row. */
  info(): RoomInfo {
    return {
      kind: 'match',
      id: this.id,
      type: this.type.name,
      clients: this.clientCount,
      maxClients: this.maxClients,
      locked: this.#locked,
      metadata: this.metadata,
      createdAtMs: this.createdAtMs,
      endpoints: { ws: `/${this.id}`, enet: this.enetPort, ...(this.#loopback !== null ? { loopback: roomLoopbackAddress(this.id) } : {}) },
    };
  }

  /**
   * Takes over a WebSocket upgrade the router read (the caller checked `locked` and seats). The
   * handshake completes in the next `tick`; the client then joins as a new peer of this room.
   */
  offer(upgrade: HttpUpgrade, kind: JoinKind = 'plain'): ErrorCode {
    if (this.#disposed) return ErrorCode.ERR_UNCONFIGURED;
    const server = kind === 'session' && this.#sessionWs !== null ? this.#sessionWs : this.#ws;
    const err = server.acceptStream(upgrade);
    if (err === ErrorCode.OK) this.#reservations.push(this.#clock.nowMs());
    return err;
  }

  /** One frame of the match: polls its transports and runs its tree. */
  tick(delta: number): void {
    if (this.#disposed) return;
    const start = performance.now();
    const now = this.#clock.nowMs();
    while (this.#reservations.length > 0 && now - this.#reservations[0]! > RESERVATION_MS) this.#reservations.shift();
    if (this.#wsPingIntervalMs > 0 && now - this.#lastPingMs >= this.#wsPingIntervalMs) {
      this.#lastPingMs = now;
      this.#pingWebSockets();
    }
    this.#ticking = true;
    try {
      this.tree.processFrame(delta);
    } finally {
      this.#ticking = false;
      this.#tickMs = performance.now() - start;
      const after = this.#disposeAfterTick;
      if (after !== null) this.dispose(...after);
    }
  }

  /**
   * Tells every client the room is closing: WebSocket clients get a close frame with `code` and
   * `reason` after everything already sent; ENet clients a disconnect once their reliable queue has
   * drained. They leave over the next ticks.
   */
  closeClients(code: number, reason: string): void {
    for (const { id } of this.clients()) {
      const part = this.#partOf(id);
      if (part.name === 'enet') this.#enet!.getPeer(id)?.peerDisconnectLater(code);
      else if (part.name === 'loopback') {
        // Asked twice (a drain, then the dispose), a peer may already be gone: the loopback peer throws then.
        if (part.session === null) {
          try {
            this.#loopback!.disconnectPeer(id);
          } catch {
            // already gone
          }
        } else if (part.session.getTransportId(id) !== null || part.session.getPausedPeers().includes(id)) part.session.disconnectPeer(id);
      } else if (part.name === 'ws-session') {
        // A session client: the close frame carries the code, then its session ends (no resume).
        const transportId = part.session!.getTransportId(id);
        const ws = transportId !== null ? this.#sessionWs!.getPeer(transportId) : null;
        if (ws !== null && ws.getReadyState() === State.OPEN) ws.close(code, reason);
        part.session!.disconnectPeer(id);
      } else {
        const ws = this.#ws.getPeer(id);
        if (ws !== null && ws.getReadyState() === State.OPEN) ws.close(code, reason);
      }
    }
  }

  /**
   * Closes the room: its transports, its tree; emits `disposed`. Idempotent. Called from the room's
   * own code during a frame (a match that is over), it takes effect when the frame ends.
   */
  dispose(code: number = RoomCloseCode.CLOSED, reason = 'room closed'): void {
    if (this.#disposed) return;
    if (this.#ticking) {
      this.#disposeAfterTick ??= [code, reason];
      return;
    }
    this.closeClients(code, reason);
    this.#disposed = true;
    this.#reservations = [];
    this.multiplayer.multiplayerPeer = null;
    this.#peer.close();
    this.tree.quit();
    this.disposed.emit();
  }
}
