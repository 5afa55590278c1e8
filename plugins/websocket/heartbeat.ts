import type { Clock, Logger } from '../../core/index.js';
import type { WebSocketHeartbeat } from './heartbeat-hook.js';
import type { SocketHandle } from './websocket-backend.js';

/**
 * Pings, RTT and heartbeat of a WebSocketPeer (Node only; installed by websocket-node.ts through
 * heartbeat-hook.ts). Godot: WSLPeer's heartbeat (modules/websocket/wsl_peer.cpp); the RTT is ours.
 */
export class Heartbeat implements WebSocketHeartbeat {
  readonly #clock: Clock;
  readonly #log: Logger;
  #lastHeartbeat = 0;
  #waiting = false;
  /** Clock time of the oldest unanswered ping (-1: none), and the smoothed round-trip time (-1: no sample yet). */
  #pingSentMs = -1;
  #rttMs = -1;

  constructor(clock: Clock, log: Logger) {
    this.#clock = clock;
    this.#log = log;
  }

  get rttMs(): number {
    return this.#rttMs;
  }

  opened(): void {
    this.#lastHeartbeat = this.#clock.nowMs();
  }

  ping(handle: SocketHandle): boolean {
    if (!handle.ping()) return false;
    if (this.#pingSentMs < 0) this.#pingSentMs = this.#clock.nowMs();
    return true;
  }

  pong(): void {
    this.#waiting = false;
    if (this.#pingSentMs >= 0) {
      const sample = Math.max(0, this.#clock.nowMs() - this.#pingSentMs);
      this.#rttMs = this.#rttMs < 0 ? sample : this.#rttMs + (sample - this.#rttMs) / 8;
      this.#pingSentMs = -1;
    }
  }

  /** Sends the heartbeat ping; false when the last one went unanswered and the peer was closed. */
  beat(intervalSeconds: number, handle: SocketHandle, peer: { close(code: number): void }): boolean {
    if (intervalSeconds <= 0) return true;
    const now = this.#clock.nowMs();
    if (now - this.#lastHeartbeat <= intervalSeconds * 1000) return true;
    if (this.#waiting) {
      this.#log.warn('WebSocket heartbeat: no pong received, closing.');
      peer.close(-1);
      return false;
    }
    if (handle.ping()) {
      this.#waiting = true;
      if (this.#pingSentMs < 0) this.#pingSentMs = now;
    }
    this.#lastHeartbeat = now;
    return true;
  }

  closed(): void {
    this.#waiting = false;
  }

  reset(): void {
    this.#waiting = false;
    this.#pingSentMs = -1;
    this.#rttMs = -1;
  }
}
