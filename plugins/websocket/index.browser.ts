/**
 * The browser build of the WebSocket plugin: the client side of `WebSocketPeer` and
 * `WebSocketMultiplayerPeer` on the native `WebSocket` (no `ws`, no `node:*`). `createServer` and
 * `acceptStream` return ERR_UNAVAILABLE; TLS trust is the browser's.
 *
 * @example
 * ```ts
 * import { WebSocketMultiplayerPeer } from 'scenenet/plugins/websocket';  // resolves here in a bundler
 *
 * const peer = new WebSocketMultiplayerPeer();
 * peer.createClient('ws://127.0.0.1:9080');
 * peer.peerConnected.connect((id) => console.log('connected to', id));
 * setInterval(() => peer.poll(), 16);
 * ```
 *
 * @packageDocumentation
 */
export {
  WebSocketPeer,
  State,
  WriteMode,
  DEFAULT_BUFFER_SIZE,
  DEFAULT_MAX_QUEUED_PACKETS,
  MAX_CLOSE_REASON_BYTES,
} from './websocket-peer.js';
export type { WebSocketPeerOptions } from './websocket-peer.js';
export { WebSocketMultiplayerPeer } from './websocket-multiplayer-peer.js';
export type { WebSocketMultiplayerPeerOptions } from './websocket-multiplayer-peer.js';
export { webSocketModule } from './websocket-browser.js';
export { createWebSocketModule } from './websocket-module.js';
export type { WebSocketMultiplayerPeerClass } from './websocket-module.js';
export { nativeBackend } from './native-backend.js';
export type {
  WebSocketBackend,
  SocketHandle,
  SocketSink,
  ClientConnectOptions,
  ServerAcceptOptions,
  ListenOptions,
  StreamListener,
} from './websocket-backend.js';
