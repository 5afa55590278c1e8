/**
 * Godot's WebSocket transport on the `ws` package: `WebSocketPeer` (one polled connection),
 * `WebSocketMultiplayerPeer` (Godot 4's framing: the server announces each client's id as a 4-byte
 * little-endian int32, then one message per packet), `ws://` and `wss://`, and self-signed
 * certificates for tests. Browsers get the client side through the `browser` export condition.
 *
 * @example
 * ```ts
 * import { ErrorCode, TLSOptions, createContainer } from 'scenenet';
 * import { WebSocketMultiplayerPeer, webSocketModule, generateSelfSigned } from 'scenenet/plugins/websocket';
 *
 * const server = new WebSocketMultiplayerPeer();
 * if ((await server.createServer(0)) !== ErrorCode.OK) throw new Error('bind failed');
 * const client = new WebSocketMultiplayerPeer();
 * client.createClient(`ws://127.0.0.1:${server.getLocalPort()}`);
 * client.peerConnected.connect((id) => console.log('connected to', id));  // id 1: the server
 * setInterval(() => { server.poll(); client.poll(); }, 16);
 *
 * // wss with a self-signed certificate, trusted explicitly:
 * const { key, certificate } = await generateSelfSigned('localhost');
 * await secure.createServer(0, '*', TLSOptions.server(key, certificate));
 * other.createClient(`wss://localhost:${secure.getLocalPort()}`, TLSOptions.client(certificate));
 *
 * // or through the container: createContainer(webSocketModule).get(WebSocketMultiplayerPeer)
 * ```
 *
 * @packageDocumentation
 */
export { WebSocketPeer, WebSocketMultiplayerPeer, webSocketModule } from './websocket-node.js';
export { State, WriteMode, DEFAULT_BUFFER_SIZE, DEFAULT_MAX_QUEUED_PACKETS, MAX_CLOSE_REASON_BYTES } from './websocket-peer.js';
export type { WebSocketPeerOptions } from './websocket-peer.js';
export type { WebSocketMultiplayerPeerOptions } from './websocket-multiplayer-peer.js';
export { createWebSocketModule } from './websocket-module.js';
export type { WebSocketMultiplayerPeerClass } from './websocket-module.js';
export { wsBackend } from './ws-backend.js';
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
export { Crypto, generateSelfSigned } from './crypto.js';
export type { CertificateOptions } from './crypto.js';
