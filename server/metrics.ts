import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DROP_REASONS, type DropReason } from '../scenetree/index.js';
import { emptyTraffic, type TransportTraffic } from './counting-peer.js';
import type { JoinRefusal } from './close-codes.js';
import type { GameServer } from './game-server.js';
import type { Room, RoomClient, RoomInfo, RoomTransport } from './room.js';

/** Why SceneMultiplayer dropped a packet or call (its `stats`). */
export type DropReasonName = DropReason;

/** One room in the JSON snapshot. */
export interface RoomSnapshot extends RoomInfo {
  readonly tickMs: number;
  readonly traffic: Readonly<Partial<Record<RoomTransport, TransportTraffic>>>;
  readonly drops: Readonly<Record<DropReasonName, number>>;
  /** Each client, with its SceneMultiplayer counters (`stats`) when it has them. */
  readonly peers: ReadonlyArray<
    RoomClient & {
      readonly rpcsIn?: number;
      readonly rpcsOut?: number;
      readonly bytesIn?: number;
      readonly bytesOut?: number;
      readonly dropped?: number;
    }
  >;
}

/** What `/metrics.json` serves and the monitor page draws. */
export interface MetricsSnapshot {
  readonly timeMs: number;
  readonly rooms: number;
  readonly peers: number;
  /** Session clients whose connection is down now (counted in `peers` too: they keep their seats). */
  readonly paused: number;
  readonly tickMs: number;
  /** Since the process started (disposed rooms included), per transport. */
  readonly transports: Readonly<Record<RoomTransport, TransportTraffic>>;
  readonly drops: Readonly<Record<DropReasonName, number>>;
  readonly refusals: Readonly<Partial<Record<JoinRefusal, number>>>;
  readonly roomList: readonly RoomSnapshot[];
  readonly lobbies: readonly RoomInfo[];
}

const TRANSPORTS: readonly RoomTransport[] = ['ws', 'enet', 'loopback'];
const DIRECTIONS = ['in', 'out'] as const;

function zeroDrops(): Record<DropReasonName, number> {
  return { malformed: 0, rate_limited: 0, unauthorized: 0, bad_arguments: 0 };
}

function add(into: TransportTraffic, from: Readonly<TransportTraffic>): void {
  into.packetsIn += from.packetsIn;
  into.packetsOut += from.packetsOut;
  into.bytesIn += from.bytesIn;
  into.bytesOut += from.bytesOut;
  into.rpcsIn += from.rpcsIn;
  into.rpcsOut += from.rpcsOut;
}

/**
 * A game server's counters and gauges, per process, room and peer: in Prometheus form through
 * prom-client (its own `registry`, process metrics included) and as a JSON `snapshot()`. Values are
 * read from the rooms when scraped; nothing is counted twice (transport traffic comes from each
 * room's counting peers, drops and per-peer figures from SceneMultiplayer's `stats`).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #server: GameServer;
  /** Traffic of rooms already disposed, so process totals never go down. */
  readonly #retired: Record<RoomTransport, TransportTraffic> = { ws: emptyTraffic(), enet: emptyTraffic(), loopback: emptyTraffic() };
  readonly #retiredDrops = zeroDrops();
  readonly #refusals: Partial<Record<JoinRefusal, number>> = {};
  #tickMs = 0;
  readonly #detach: Array<() => void> = [];

  constructor(server: GameServer) {
    this.#server = server;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'scenenet_' });
    const tickHistogram = new Histogram({
      name: 'scenenet_tick_seconds',
      help: 'Wall time of one server frame (every room).',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1],
      registers,
    });
    const refusals = new Counter({
      name: 'scenenet_join_refusals_total',
      help: 'WebSocket joins refused, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.#detach.push(
      server.ticked.connect((ms) => {
        this.#tickMs = ms;
        tickHistogram.observe(ms / 1000);
      }),
      server.joinRefused.connect((reason) => {
        this.#refusals[reason] = (this.#refusals[reason] ?? 0) + 1;
        refusals.inc({ reason });
      }),
      server.roomDisposed.connect((room) => this.#retire(room)),
    );
    this.#defineCollected(registers);
  }

  /** Stops listening to the server (the registry keeps its last values). */
  close(): void {
    for (const off of this.#detach.splice(0)) off();
  }

  /** Prometheus text exposition (rendered by prom-client). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** Everything at once, for `/metrics.json` and the monitor page. */
  snapshot(): MetricsSnapshot {
    const transports = { ws: { ...this.#retired.ws }, enet: { ...this.#retired.enet }, loopback: { ...this.#retired.loopback } };
    const drops = { ...this.#retiredDrops };
    const roomList: RoomSnapshot[] = [];
    let peers = 0;
    let paused = 0;
    for (const room of this.#server.roomList()) {
      const snap = roomSnapshot(room);
      roomList.push(snap);
      peers += snap.peers.length;
      for (const p of snap.peers) if (p.paused) paused++;
      for (const t of TRANSPORTS) if (snap.traffic[t] !== undefined) add(transports[t], snap.traffic[t]!);
      for (const r of DROP_REASONS) drops[r] += snap.drops[r];
    }
    return {
      timeMs: Date.now(),
      rooms: roomList.length,
      peers,
      paused,
      tickMs: this.#tickMs,
      transports,
      drops,
      refusals: { ...this.#refusals },
      roomList,
      lobbies: this.#server.rooms().filter((r) => r.kind === 'webrtc-lobby'),
    };
  }

  #retire(room: Room): void {
    for (const [t, traffic] of room.traffic()) add(this.#retired[t], traffic);
    for (const r of DROP_REASONS) this.#retiredDrops[r] += room.multiplayer.stats.total.drops[r];
  }

  /** Gauges and counters whose values are read from the rooms at scrape time. */
  #defineCollected(registers: Registry[]): void {
    const metrics = this;
    const traffic = (name: string, help: string, key: 'rpcs' | 'bytes' | 'packets', perRoom: boolean): Counter => {
      const labelNames = perRoom ? ['room', 'transport', 'direction'] : ['transport', 'direction'];
      return new Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          const snap = metrics.snapshot();
          for (const dir of DIRECTIONS) {
            const field = `${key}${dir === 'in' ? 'In' : 'Out'}` as keyof TransportTraffic;
            if (!perRoom) for (const t of TRANSPORTS) this.inc({ transport: t, direction: dir }, snap.transports[t][field]);
            else
              for (const room of snap.roomList)
                for (const [t, v] of Object.entries(room.traffic)) this.inc({ room: room.id, transport: t, direction: dir }, v[field]);
          }
        },
      });
    };
    traffic('scenenet_rpcs_total', 'RPCs through the transports (direct and relayed), since start.', 'rpcs', false);
    traffic('scenenet_bytes_total', 'SceneMultiplayer bytes through the transports, since start.', 'bytes', false);
    traffic('scenenet_packets_total', 'SceneMultiplayer packets through the transports, since start.', 'packets', false);
    traffic('scenenet_room_rpcs_total', 'RPCs through one room, per transport.', 'rpcs', true);
    traffic('scenenet_room_bytes_total', 'Bytes through one room, per transport.', 'bytes', true);
    new Counter({
      name: 'scenenet_drops_total',
      help: 'Packets and calls SceneMultiplayer dropped, by room and reason (its stats).',
      labelNames: ['room', 'reason'],
      registers,
      collect() {
        this.reset();
        for (const room of metrics.snapshot().roomList) for (const r of DROP_REASONS) this.inc({ room: room.id, reason: r }, room.drops[r]);
      },
    });
    new Gauge({
      name: 'scenenet_rooms',
      help: 'Rooms hosted now, by type (WebRTC signaling lobbies as type "webrtc").',
      labelNames: ['type'],
      registers,
      collect() {
        this.reset();
        for (const row of metrics.#server.rooms()) this.inc({ type: row.type });
      },
    });
    new Gauge({
      name: 'scenenet_peers',
      help: 'Connected clients, by room and transport.',
      labelNames: ['room', 'transport'],
      registers,
      collect() {
        this.reset();
        for (const room of metrics.snapshot().roomList) for (const p of room.peers) this.inc({ room: room.id, transport: p.transport });
      },
    });
    new Gauge({
      name: 'scenenet_peer_rtt_seconds',
      help: "Smoothed round-trip time of a peer: ENet's own, WebSocket ping frames (every wsPingIntervalMs).",
      labelNames: ['room', 'peer'],
      registers,
      collect() {
        this.reset();
        for (const room of metrics.snapshot().roomList)
          for (const p of room.peers) if (p.rttMs !== null) this.set({ room: room.id, peer: String(p.id) }, p.rttMs / 1000);
      },
    });
    new Gauge({
      name: 'scenenet_paused_peers',
      help: 'Session clients whose connection is down, waiting to resume within their grace, by room.',
      labelNames: ['room'],
      registers,
      collect() {
        this.reset();
        for (const room of metrics.#server.roomList()) this.set({ room: room.id }, room.pausedPeers().length);
      },
    });
    new Gauge({
      name: 'scenenet_room_tick_seconds',
      help: "Wall time of a room's last frame.",
      labelNames: ['room'],
      registers,
      collect() {
        this.reset();
        for (const room of metrics.#server.roomList()) this.set({ room: room.id }, room.lastTickMs / 1000);
      },
    });
  }
}

function roomSnapshot(room: Room): RoomSnapshot {
  const stats = room.multiplayer.stats;
  const drops = { ...stats.total.drops };
  const peers = room.clients().map((c) => {
    const s = stats.peer(c.id);
    return s === undefined
      ? c
      : { ...c, rpcsIn: s.rpcsIn, rpcsOut: s.rpcsOut, bytesIn: s.bytesIn, bytesOut: s.bytesOut, dropped: s.dropped };
  });
  return { ...room.info(), tickMs: room.lastTickMs, traffic: Object.fromEntries(room.traffic()), drops, peers };
}
