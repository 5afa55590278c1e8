import { MultiplayerPeer, type Clock, type Logger } from '../core/index.js';
import { SessionClientPeer, type SessionOptions } from '../plugins/session/index.js';
import { LoopbackMultiplayerPeer, type VirtualNetwork } from '../plugins/loopback/index.js';
import { WebSocketMultiplayerPeer, type WebSocketPeer } from '../plugins/websocket/index.js';
import { RoomCloseCode } from './close-codes.js';
import { roomLoopbackAddress } from './room.js';

/** Options of `connectToRoom`. */
export interface ConnectToRoomOptions extends SessionOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Pause between reconnection attempts, ms (default 250). */
  readonly retryDelayMs?: number;
}

/** Close codes after which reconnecting cannot succeed: the session ends at once instead of retrying until its grace. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  RoomCloseCode.RESUME_REFUSED,
  RoomCloseCode.NOT_FOUND,
  RoomCloseCode.CLOSED,
  RoomCloseCode.SHUTTING_DOWN,
  RoomCloseCode.BAD_URL,
]);

/** `url` with one more query parameter. */
function withQuery(url: string, param: string): string {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  return `${base}${base.includes('?') ? '&' : '?'}${param}`;
}

/**
 * Joins a GameServer room as a scenenet client that survives a dropped connection: connects to
 * `url` (a room URL: `ws://host:port/<type>/<roomId>`, `/<roomId>` or `/<type>/`) with `?session`,
 * and after a drop reconnects by itself with `?resume=<token>` (the token the server issued, a new
 * one after every resume) within the server's grace, as the same peer id. Assign the result to
 * `multiplayer.multiplayerPeer`. A refused resume (close code 4401 RESUME_REFUSED, or the room or
 * server gone) ends the session as a normal disconnection (`serverDisconnected`).
 */
export function connectToRoom(url: string, options: ConnectToRoomOptions = {}): SessionClientPeer {
  const wsOptions = {
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  };
  let socket: WebSocketPeer | null = null;
  const open = (target: string): WebSocketMultiplayerPeer => {
    const peer = new WebSocketMultiplayerPeer(wsOptions);
    peer.createClient(target);
    socket = peer.getPeer(MultiplayerPeer.TARGET_PEER_SERVER);
    return peer;
  };
  const first = open(withQuery(url, 'session'));
  const client: SessionClientPeer = new SessionClientPeer(first, {
    ...options,
    reconnect: () => {
      const code = (socket as WebSocketPeer | null)?.getCloseCode() ?? -1;
      if (FINAL_CLOSE_CODES.has(code)) {
        options.logger?.info(
          `connectToRoom: the server closed with ${code} "${(socket as WebSocketPeer | null)?.getCloseReason() ?? ''}"; not resuming.`,
        );
        client.disconnectPeer(MultiplayerPeer.TARGET_PEER_SERVER);
        return new WebSocketMultiplayerPeer(wsOptions);
      }
      return open(withQuery(url, `resume=${client.resumeToken}`));
    },
  });
  return client;
}

/** Options of `connectToLoopbackRoom`. */
export interface ConnectToLoopbackRoomOptions extends SessionOptions {
  readonly logger?: Logger;
  /** Pause between reconnection attempts, ms (default 250). */
  readonly retryDelayMs?: number;
  /** A connection attempt still unanswered after this long gives up, ms (default 1 000, so reconnections keep trying within the grace). */
  readonly connectTimeoutMs?: number;
}

/**
 * `connectToRoom` for a GameServer with `loopback`: joins room `roomId` on the server's VirtualNetwork
 * with a session, and after a drop (a partition longer than `timeoutMs`) reconnects from the same
 * address once it can, and resumes as the same peer. Everything runs on the network's clock, so it is deterministic.
 */
export function connectToLoopbackRoom(
  network: VirtualNetwork,
  roomId: string,
  options: ConnectToLoopbackRoomOptions = {},
): SessionClientPeer {
  // Every reconnection comes from the first connection's address, as a real client's host would: a
  // partition of that address holds them off too.
  let localAddress: string | null = null;
  const open = (): LoopbackMultiplayerPeer => {
    const peer = new LoopbackMultiplayerPeer({
      connectTimeoutMs: options.connectTimeoutMs ?? 1000,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    });
    peer.createClient(network, { address: roomLoopbackAddress(roomId), ...(localAddress !== null ? { localAddress } : {}) });
    localAddress ??= peer.address;
    return peer;
  };
  return new SessionClientPeer(open(), { clock: network.clock, ...options, reconnect: open });
}
