import type { ErrorCode, Logger } from '../../core/index.js';
import type { SocketHandle, SocketSink } from './websocket-backend.js';

/**
 * What a socket reported, queued until `WebSocketPeer.poll()` applies it. A binary message, by far
 * the most common event, is queued as its bytes alone (no wrapper object per message).
 */
export type SocketEvent =
  | Uint8Array
  | { readonly kind: 'open'; readonly protocol: string; readonly host: string; readonly port: number }
  | { readonly kind: 'text'; readonly data: Uint8Array }
  | { readonly kind: 'pong' }
  | { readonly kind: 'failed'; readonly code: number; readonly reason: string }
  | { readonly kind: 'closed'; readonly clean: boolean; readonly code: number; readonly reason: string };

/**
 * One backend connection as a `WebSocketPeer` sees it: the handle, the events its callbacks queued,
 * the count of sends not yet handed to the OS, and whether reading is paused. Once disposed, late
 * callbacks of the old socket are ignored, so a reused peer never sees its previous connection.
 */
export class SocketConnection {
  readonly handle: SocketHandle;
  events: SocketEvent[] = [];
  /** Messages sent but not yet handed to the OS (Godot's queued message count). */
  unsent = 0;
  #paused = false;
  #live = true;
  /** One callback for every send (not a closure per message). */
  readonly #onSent = (): void => {
    this.unsent--;
  };

  private constructor(handle: SocketHandle) {
    this.handle = handle;
  }

  /** Opens a connection through `start` (a backend's connect or accept), wiring its callbacks to the queue. */
  static open(logger: Logger, start: (sink: SocketSink) => SocketHandle | { error: ErrorCode; message: string }): SocketConnection | { error: ErrorCode; message: string } {
    let conn: SocketConnection | null = null;
    const early: SocketEvent[] = []; // anything a backend reports before `start` returns
    const live = (): boolean => conn === null || conn.#live;
    let logged = false; // one log line per socket, as ws emits one 'error'
    const queue = (e: SocketEvent): void => {
      if (conn === null) early.push(e);
      else if (conn.#live) conn.events.push(e);
    };
    const result = start({
      open: (protocol, host, port) => queue({ kind: 'open', protocol, host, port }),
      message: (data, isString) => queue(isString ? { kind: 'text', data } : data),
      pong: () => queue({ kind: 'pong' }),
      failed: (code, reason, detail) => {
        if (live() && !logged) logger.warn(`WebSocket closed with ${code} (${reason}): ${detail}`);
        logged = true;
        queue({ kind: 'failed', code, reason });
      },
      closed: (clean, code, reason, detail) => {
        if (!clean && detail !== '' && live() && !logged) logger.warn(`WebSocket connection lost: ${detail}`);
        logged = true;
        queue({ kind: 'closed', clean, code, reason });
      },
    });
    if ('error' in result) return result;
    conn = new SocketConnection(result);
    conn.events = early;
    return conn;
  }

  /** Sends one message, counting it as unsent until the backend reports it handed over. */
  send(data: Uint8Array, isString: boolean): void {
    this.unsent++;
    this.handle.send(data, isString, this.#onSent);
  }

  /** Pauses reading while unread packets are at their limit; resumes once they are not. */
  backpressure(full: boolean): void {
    if (full === this.#paused) return;
    if (full) this.#paused = this.handle.pause();
    else {
      this.#paused = false;
      this.handle.resume();
    }
  }

  /** Stops queuing this socket's events (the peer moved on). */
  dispose(): void {
    this.#live = false;
    this.events = [];
  }
}
