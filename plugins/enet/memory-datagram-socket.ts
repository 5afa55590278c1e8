/**
 * An in-memory datagram network with seeded loss, duplication, latency and jitter (reordering),
 * for deterministic protocol tests and simulations without real sockets.
 */
import { randomFloat, type Clock, type Rng } from '../../core/index.js';
import type { DatagramReceiver, DatagramSocket } from './datagram-socket.js';

/** Conditions applied to every datagram on a `MemoryNetwork`. */
export interface LinkConditions {
  /** Probability in [0, 1] that a datagram is dropped. */
  loss?: number;
  /** Probability in [0, 1] that a datagram is delivered twice. */
  duplicate?: number;
  /** Fixed one-way delay in ms. */
  latencyMs?: number;
  /** Extra random delay in [0, jitterMs) per copy; reorders datagrams. */
  jitterMs?: number;
}

interface InFlight {
  readonly at: number;
  readonly order: number;
  readonly data: Uint8Array;
  readonly from: MemorySocket;
  readonly toKey: string;
}

/** A virtual network of `MemorySocket`s. Nothing arrives until `deliver()` is called. */
export class MemoryNetwork {
  conditions: LinkConditions;
  readonly #clock: Clock;
  readonly #rng: Rng;
  readonly #sockets = new Map<string, MemorySocket>();
  #inFlight: InFlight[] = [];
  #order = 0;
  #nextPort = 40000;
  /** Datagrams sent, dropped and duplicated so far. */
  readonly stats = { sent: 0, dropped: 0, duplicated: 0, delivered: 0 };

  constructor(options: { clock: Clock; rng: Rng; conditions?: LinkConditions }) {
    this.#clock = options.clock;
    this.#rng = options.rng;
    this.conditions = options.conditions ?? {};
  }

  /** Binds a socket at `address:port` (port 0 picks a free one). */
  bind(address = '10.0.0.1', port = 0): DatagramSocket {
    let p = port;
    if (p === 0) while (this.#sockets.has(`${address}:${(p = this.#nextPort++)}`));
    const key = `${address}:${p}`;
    if (this.#sockets.has(key)) throw new Error(`MemoryNetwork: ${key} is in use`);
    const socket = new MemorySocket(this, address, p);
    this.#sockets.set(key, socket);
    return socket;
  }

  /** Number of datagrams not yet delivered. */
  get pending(): number {
    return this.#inFlight.length;
  }

  /** Hands every datagram that is due to its receiver; returns how many were delivered. */
  deliver(): number {
    const now = this.#clock.nowMs();
    const due = this.#inFlight.filter((d) => d.at <= now).sort((a, b) => a.at - b.at || a.order - b.order);
    if (due.length === 0) return 0;
    this.#inFlight = this.#inFlight.filter((d) => d.at > now);
    for (const d of due) {
      this.stats.delivered++;
      this.#sockets.get(d.toKey)?.receive(d.data.slice(), d.from.address, d.from.port);
    }
    return due.length;
  }

  /** @internal Called by MemorySocket.send. */
  transmit(from: MemorySocket, data: Uint8Array, address: string, port: number): void {
    this.stats.sent++;
    const c = this.conditions;
    if (c.loss && randomFloat(this.#rng) < c.loss) {
      this.stats.dropped++;
      return;
    }
    const copies = c.duplicate && randomFloat(this.#rng) < c.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    const copy = data.slice();
    for (let i = 0; i < copies; i++) {
      const delay = (c.latencyMs ?? 0) + (c.jitterMs ? randomFloat(this.#rng) * c.jitterMs : 0);
      this.#inFlight.push({ at: this.#clock.nowMs() + delay, order: this.#order++, data: copy, from, toKey: `${address}:${port}` });
    }
  }

  /** @internal Called by MemorySocket.close. */
  unbind(socket: MemorySocket): void {
    this.#sockets.delete(`${socket.address}:${socket.port}`);
  }
}

/** A socket on a `MemoryNetwork`. */
class MemorySocket implements DatagramSocket {
  readonly family = 'IPv4' as const;
  #receiver: DatagramReceiver | null = null;
  #closed = false;

  constructor(
    readonly network: MemoryNetwork,
    readonly address: string,
    readonly port: number,
  ) {}

  setReceiver(receiver: DatagramReceiver | null): void {
    this.#receiver = receiver;
  }

  /** Queues a copy of `data` on the network, so the caller may reuse its buffer (returns false). */
  send(data: Uint8Array, address: string, port: number): boolean {
    if (!this.#closed) this.network.transmit(this, data.slice(), address, port);
    return false;
  }

  receive(data: Uint8Array, address: string, port: number): void {
    if (!this.#closed) this.#receiver?.(data, address, port);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.network.unbind(this);
  }
}
