import { ConnectionStatus, ErrorCode, TransferMode, isPacket, type MultiplayerPeer } from '../../core/index.js';
import type { PeerFixture } from './fixture.js';
import type { Assertions } from '../runner.js';
import { settleIo } from '../poll-until.js';

/** One entry of a peer's timeline: a signal it emitted or a packet it made readable. */
export type TimelineEntry =
  | { readonly kind: 'connected' | 'disconnected'; readonly id: number }
  | { readonly kind: 'packet'; readonly id: number; readonly packet: ReceivedPacket };

/** A packet read from a peer, with what the peer reported about it. */
export interface ReceivedPacket {
  readonly from: number;
  readonly mode: TransferMode;
  readonly channel: number;
  readonly data: Uint8Array;
}

/**
 * Drives the peers of one conformance case. Every peer it hands out is tracked: its signals are
 * recorded (and must fire only while the harness is inside that peer's `poll()`, `close()` or
 * `disconnectPeer()`), its packets are drained into its timeline after each poll, and it is closed
 * by the case's teardown. Not part of the fixture contract: fixtures never see it.
 */
export class Harness<P extends MultiplayerPeer> {
  readonly #t: Assertions;
  readonly #fx: PeerFixture<P>;
  readonly #peers: P[] = [];
  readonly #timelines = new Map<P, TimelineEntry[]>();
  #inside: P | null = null;
  /** Runs right after each `poll(peer)` and drain (a case may send from here, at the poll's instant). */
  afterPoll: ((peer: P) => void) | null = null;

  constructor(t: Assertions, fx: PeerFixture<P>) {
    this.#t = t;
    this.#fx = fx;
    t.teardown(async () => {
      for (const peer of this.#peers) this.close(peer);
      await fx.teardown?.();
    });
  }

  /** A fresh, unstarted peer from the fixture. */
  fresh(): P {
    return this.#track(this.#fx.createPeer());
  }

  /** A started server (asserts `startServer` returned OK). */
  async server(): Promise<P> {
    const peer = this.fresh();
    this.#t.equal(await this.#fx.startServer(peer), ErrorCode.OK, 'startServer returns OK');
    return peer;
  }

  /** A client aimed at `server`, not yet polled. */
  async client(server: P): Promise<P> {
    return this.#track(await this.#fx.createClient(server));
  }

  /** `count` clients, polled until each is CONNECTED and the server has emitted peerConnected for it. */
  async connectedClients(server: P, count: number): Promise<P[]> {
    const clients: P[] = [];
    for (let i = 0; i < count; i++) clients.push(await this.client(server));
    await this.until(
      () =>
        clients.every(
          (c) =>
            c.getConnectionStatus() === ConnectionStatus.CONNECTED &&
            this.signals(server).some((s) => s.kind === 'connected' && s.id === c.getUniqueId()),
        ),
      `${count} client(s) connected`,
    );
    return clients;
  }

  /** Everything `peer` emitted or made readable, in order. */
  timeline(peer: P): readonly TimelineEntry[] {
    return this.#timelines.get(peer) ?? [];
  }

  /** The signals `peer` emitted, in order. */
  signals(peer: P): Array<{ kind: 'connected' | 'disconnected'; id: number }> {
    return this.timeline(peer).flatMap((e) => (e.kind === 'packet' ? [] : [{ kind: e.kind, id: e.id }]));
  }

  /** The packets read from `peer`, in order. */
  packets(peer: P): ReceivedPacket[] {
    return this.timeline(peer).flatMap((e) => (e.kind === 'packet' ? [e.packet] : []));
  }

  /** Polls `peer` (marking signals as legitimate), then drains its packets into its timeline. */
  poll(peer: P): void {
    this.#within(peer, () => peer.poll());
    this.#drain(peer);
    this.afterPoll?.(peer);
  }

  /** `peer.close()`, with signals allowed. */
  close(peer: P): void {
    this.#within(peer, () => peer.close());
  }

  /** `peer.disconnectPeer(id, force)`, with signals allowed. */
  disconnectPeer(peer: P, id: number, force = false): void {
    this.#within(peer, () => peer.disconnectPeer(id, force));
  }

  /** One round: poll every peer, turn the event loop, tick. */
  async round(): Promise<void> {
    for (const peer of this.#peers) this.poll(peer);
    await settleIo();
    this.#fx.tick?.();
  }

  /** Rounds until `done()`; throws after the fixture's wall-clock bound. */
  async until(done: () => boolean, what: string): Promise<void> {
    const timeoutMs = this.#fx.pollTimeoutMs ?? 5000;
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`${this.#fx.name}: ${what} not reached within ${timeoutMs} ms`);
      await this.round();
    }
  }

  /** The fixture's idle rounds (or `rounds`): for checking that something does NOT happen. */
  async idle(rounds = this.#fx.idleRounds ?? 20): Promise<void> {
    for (let i = 0; i < rounds; i++) await this.round();
  }

  /** Event-loop turns and ticks with no poll at all. */
  async withoutPolling(turns = this.#fx.idleRounds ?? 20): Promise<void> {
    for (let i = 0; i < turns; i++) {
      await settleIo();
      this.#fx.tick?.();
    }
  }

  #track(peer: P): P {
    this.#peers.push(peer);
    const timeline: TimelineEntry[] = [];
    this.#timelines.set(peer, timeline);
    const watch = (kind: 'connected' | 'disconnected') => (id: number) => {
      if (this.#inside !== peer) {
        this.#t.fail(
          `${this.#fx.name}: ${kind === 'connected' ? 'peerConnected' : 'peerDisconnected'}(${id}) ` +
            'emitted outside poll()/close()/disconnectPeer()',
        );
      }
      timeline.push({ kind, id });
    };
    peer.peerConnected.connect(watch('connected'));
    peer.peerDisconnected.connect(watch('disconnected'));
    return peer;
  }

  #within(peer: P, fn: () => void): void {
    const outer = this.#inside;
    this.#inside = peer;
    try {
      fn();
    } finally {
      this.#inside = outer;
    }
  }

  #drain(peer: P): void {
    const timeline = this.#timelines.get(peer)!;
    while (peer.getAvailablePacketCount() > 0) {
      const from = peer.getPacketPeer();
      const mode = peer.getPacketMode();
      const channel = peer.getPacketChannel();
      const data = peer.getPacket();
      if (!isPacket(data)) {
        this.#t.fail(`${this.#fx.name}: getPacket returned ${data} while ${peer.getAvailablePacketCount()} were available`);
        return;
      }
      timeline.push({ kind: 'packet', id: from, packet: { from, mode, channel, data } });
    }
  }
}

/** Sets target, mode and channel, then `putPacket`. */
export function send(
  peer: MultiplayerPeer,
  target: number,
  data: Uint8Array,
  mode: TransferMode = TransferMode.RELIABLE,
  channel = 0,
): ErrorCode {
  peer.setTargetPeer(target);
  peer.transferMode = mode;
  peer.transferChannel = channel;
  return peer.putPacket(data);
}

/** `size` bytes of a pattern that differs per `seed`. */
export function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 7 + (i >>> 8)) & 0xff;
  return bytes;
}

/** Byte-exact comparison (fast on multi-megabyte packets, unlike a deep `t.same`). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
