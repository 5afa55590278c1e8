/**
 * scenenet/plugins/session: session resume over any transport. `SessionServerPeer` wraps a server
 * peer, `SessionClientPeer` a client peer; a scenenet client whose connection drops reconnects by
 * itself and gets its peer id, authority and undelivered reliable packets back. Stock Godot clients
 * pass through untouched.
 *
 * ```ts
 * const server = new SessionServerPeer(wsServer);          // multiplayer.multiplayerPeer = server
 * const client = new SessionClientPeer(wsClient, {
 *   reconnect: () => { const p = new WebSocketMultiplayerPeer(); p.createClient(url); return p; },
 * });
 * ```
 *
 * @packageDocumentation
 */
export { SessionServerPeer } from './session-server-peer.js';
export type { SessionServerOptions } from './session-server-peer.js';
export { SessionClientPeer } from './session-client-peer.js';
export type { SessionClientOptions } from './session-client-peer.js';
export type { SessionOptions } from './session-link.js';
export { SESSION_VERSION } from './session-protocol.js';
