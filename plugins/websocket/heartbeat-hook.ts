import type { Clock, Logger } from '../../core/index.js';
import type { SocketHandle } from './websocket-backend.js';

/**
 * The pings of one WebSocketPeer: `ping()`, the round-trip time its pongs give, and the
 * `heartbeat_interval` heartbeat. Only a backend that can ping needs it (a browser's WebSocket cannot:
 * its `ping()` is always false, so pings, RTT and heartbeat never do anything there). The Node entry
 * installs it (heartbeat.ts, through websocket-node.ts); without it `ping()` is false and
 * `getRoundTripTime()` -1, exactly as on a backend that cannot ping.
 */
export interface WebSocketHeartbeat {
  /** The smoothed round-trip time in ms, or -1 before the first pong. */
  readonly rttMs: number;
  /** The connection opened: the heartbeat period starts now. */
  opened(): void;
  /** Sends a ping on `handle`; false if it cannot. */
  ping(handle: SocketHandle): boolean;
  /** A pong arrived. */
  pong(): void;
  /** Heartbeat of an OPEN connection every poll; false when the last ping went unanswered and `peer.close(-1)` was called. */
  beat(intervalSeconds: number, handle: SocketHandle, peer: { close(code: number): void }): boolean;
  /** The peer closed: no pong is awaited any more. */
  closed(): void;
  /** The peer is reused for a new connection: no ping pending, no RTT. */
  reset(): void;
}

/** Makes the heartbeat of one WebSocketPeer. */
export type WebSocketHeartbeatFactory = (clock: Clock, log: Logger) => WebSocketHeartbeat;

/** The installed heartbeat factory; null in a browser build. (A live binding, not a getter: a browser pays for every byte.) */
export let webSocketHeartbeatFactory: WebSocketHeartbeatFactory | null = null;

/** Called by the Node entry: every WebSocketPeer made afterwards can ping. */
export function provideWebSocketHeartbeat(factory: WebSocketHeartbeatFactory): void {
  webSocketHeartbeatFactory = factory;
}
