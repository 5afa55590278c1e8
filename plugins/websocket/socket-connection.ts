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
 *
 * It is itself the backend's `SocketSink`: the callbacks are methods shared by every connection, not
 * closures made per connection (an idle server holds one of these per client).
 */
export class SocketConnection implements SocketSink {
  /** Set by `open` as soon as the backend returns it. */
  handle!: SocketHandle;
  events: SocketEvent[] = [];
  /** Messages sent but not yet handed to the OS (Godot's queued message count). */
  unsent = 0;
  readonly #logger: Logger;
  #paused = false;
  #live = true;
  /** One log line per socket, as ws emits one 'error'. */
  #logged = false;
  /** One callback for every send (not a closure per message). */
  readonly #onSent = (): void => {
    this.unsent--;
  };

  private constructor(logger: Logger) {
    this.#logger = logger;
  }

  /**
   * Opens a connection through `start` (a backend's connect or accept) with this connection as its
   * sink; anything the backend reports before `start` returns is queued like the rest.
   */
  static open(
    logger: Logger,
    start: (sink: SocketSink) => SocketHandle | { error: ErrorCode; message: string },
  ): SocketConnection | { error: ErrorCode; message: string } {
    const conn = new SocketConnection(logger);
    const result = start(conn);
    if ('error' in result) return result;
    conn.handle = result;
    return conn;
  }

  open(protocol: string, host: string, port: number): void {
    this.#queue({ kind: 'open', protocol, host, port });
  }

  message(data: Uint8Array, isString: boolean): void {
    this.#queue(isString ? { kind: 'text', data } : data);
  }

  pong(): void {
    this.#queue({ kind: 'pong' });
  }

  failed(code: number, reason: string, detail: string): void {
    if (this.#live && !this.#logged) this.#logger.warn(`WebSocket closed with ${code} (${reason}): ${detail}`);
    this.#logged = true;
    this.#queue({ kind: 'failed', code, reason });
  }

  closed(clean: boolean, code: number, reason: string, detail: string): void {
    if (!clean && detail !== '' && this.#live && !this.#logged) this.#logger.warn(`WebSocket connection lost: ${detail}`);
    this.#logged = true;
    this.#queue({ kind: 'closed', clean, code, reason });
  }

  #queue(e: SocketEvent): void {
    if (this.#live) this.events.push(e);
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
