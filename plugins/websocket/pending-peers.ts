import { ErrorCode, type Clock, type Logger } from '../../core/index.js';
import { State, type WebSocketPeer } from './websocket-peer.js';

const NONE: ReadonlyArray<[number, WebSocketPeer]> = [];

interface PendingPeer {
  readonly time: number;
  readonly stream: unknown;
  ws: WebSocketPeer | null;
}

/** What `PendingPeers` needs from its server. */
export interface PendingPeersDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** A new WebSocketPeer with the server's settings. */
  createPeer(): WebSocketPeer;
  /** Closes a stream no peer took over. */
  drop(stream: unknown): void;
}

/**
 * The server's connections that are still in the WebSocket handshake, keyed by the id each will get
 * (Godot: WebSocketMultiplayerPeer::PendingPeer and the first half of `_poll_server`).
 */
export class PendingPeers {
  readonly #deps: PendingPeersDeps;
  readonly #pending = new Map<number, PendingPeer>();

  constructor(deps: PendingPeersDeps) {
    this.#deps = deps;
  }

  has(id: number): boolean {
    return this.#pending.has(id);
  }

  /** A stream just accepted; it becomes peer `id` once its handshake completes. */
  add(id: number, stream: unknown): void {
    this.#pending.set(id, { time: this.#deps.clock.nowMs(), stream, ws: null });
  }

  /**
   * Advances every handshake; drops those past `timeoutMs` or failed (or all that complete while
   * `refusing`). Returns the peers that just opened and were sent their id (docs/wire/multiplayer.md §8.3), in order.
   */
  poll(timeoutMs: number, refusing: boolean): ReadonlyArray<[id: number, ws: WebSocketPeer]> {
    if (this.#pending.size === 0) return NONE; // every tick of every idle server: no allocation
    const opened: Array<[number, WebSocketPeer]> = [];
    for (const [id, pending] of [...this.#pending]) {
      const ws = this.#advance(id, pending, timeoutMs, refusing);
      if (ws !== null) opened.push([id, ws]);
    }
    return opened;
  }

  /** Drops every pending connection. */
  clear(): void {
    for (const pending of this.#pending.values()) this.#close(pending);
    this.#pending.clear();
  }

  #advance(id: number, pending: PendingPeer, timeoutMs: number, refusing: boolean): WebSocketPeer | null {
    if (this.#deps.clock.nowMs() - pending.time > timeoutMs) {
      this.#deps.logger.info(`WebSocket handshake timed out after ${(timeoutMs / 1000).toFixed(3)} seconds.`);
      return this.#drop(id, pending);
    }
    if (pending.ws === null) {
      pending.ws = this.#deps.createPeer();
      if (pending.ws.acceptStream(pending.stream) !== ErrorCode.OK) return this.#drop(id, pending);
    }
    const ws = pending.ws;
    ws.poll();
    const state = ws.getReadyState();
    if (state === State.CONNECTING) return null;
    if (state !== State.OPEN || refusing) return this.#drop(id, pending);
    this.#pending.delete(id);
    const announce = new Uint8Array(4);
    new DataView(announce.buffer).setInt32(0, id, true);
    if (ws.putPacket(announce) !== ErrorCode.OK) {
      this.#deps.logger.error('Failed to send ID to newly connected peer.');
      ws.close(-1);
      return null;
    }
    return ws;
  }

  #drop(id: number, pending: PendingPeer): null {
    this.#pending.delete(id);
    this.#close(pending);
    return null;
  }

  #close(pending: PendingPeer): void {
    if (pending.ws !== null) pending.ws.close(-1);
    else this.#deps.drop(pending.stream);
  }
}
