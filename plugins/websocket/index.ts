/**
 * Godot's WebSocket transport on the `ws` package: `WebSocketPeer` (one polled connection),
 * `WebSocketMultiplayerPeer` (Godot 4's framing: the server announces each client's id as a 4-byte
 * little-endian int32, then one message per packet), `ws://` and `wss://`, and self-signed
 * certificates for tests. Browsers get the client side through the `browser` export condition.
 *
 * @example
 * ```ts
 * import { ErrorCode, TLSOptions, createContainer } from 'scenenet';
 * import { SceneTree } from 'scenenet/scenetree';
 * import { WebSocketMultiplayerPeer, webSocketModule, generateSelfSigned } from 'scenenet/plugins/websocket';
 *
 * // A server and a client; SceneMultiplayer drives both through the trees' process frames.
 * const serverTree = new SceneTree();
 * const server = new WebSocketMultiplayerPeer();
 * if ((await server.createServer(0)) !== ErrorCode.OK) throw new Error('bind failed');
 * serverTree.getMultiplayer().multiplayerPeer = server;
 *
 * const clientTree = new SceneTree();
 * const client = new WebSocketMultiplayerPeer();
 * client.createClient(`ws://127.0.0.1:${server.getLocalPort()}`);
 * clientTree.getMultiplayer().multiplayerPeer = client;
 * clientTree.getMultiplayer().connectedToServer.connect(() => console.log('joined as', client.getUniqueId()));
 * setInterval(() => { serverTree.processFrame(1 / 60); clientTree.processFrame(1 / 60); }, 16);
 *
 * // wss with a self-signed certificate, trusted explicitly by the client:
 * const { key, certificate } = await generateSelfSigned('localhost');
 * const secure = new WebSocketMultiplayerPeer();
 * await secure.createServer(0, '*', TLSOptions.server(key, certificate));
 * new WebSocketMultiplayerPeer().createClient(`wss://localhost:${secure.getLocalPort()}`, TLSOptions.client(certificate));
 *
 * // Or from a container (peers close on container.unbindAll()):
 * const peer = createContainer(webSocketModule).get(WebSocketMultiplayerPeer);
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
  HttpUpgrade,
  ClientConnectOptions,
  ServerAcceptOptions,
  ListenOptions,
  StreamListener,
} from './websocket-backend.js';
export { Crypto, generateSelfSigned } from './crypto.js';
export type { CertificateOptions } from './crypto.js';
