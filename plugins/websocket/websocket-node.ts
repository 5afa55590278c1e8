import { WebSocketMultiplayerPeer as PortableMultiplayerPeer, type WebSocketMultiplayerPeerOptions } from './websocket-multiplayer-peer.js';
import { createWebSocketModule } from './websocket-module.js';
import { WebSocketPeer as PortablePeer, type WebSocketPeerOptions } from './websocket-peer.js';
import { wsBackend } from './ws-backend.js';

/** Godot: WebSocketPeer, on the `ws` package (Node): client, `acceptStream` and TLS. */
export class WebSocketPeer extends PortablePeer {
  constructor(options: WebSocketPeerOptions = {}) {
    super({ ...options, backend: options.backend ?? wsBackend });
  }
}

/** Godot: WebSocketMultiplayerPeer, on the `ws` package (Node): server and client, `ws://` and `wss://`. */
export class WebSocketMultiplayerPeer extends PortableMultiplayerPeer {
  constructor(options: WebSocketMultiplayerPeerOptions = {}) {
    super({ ...options, backend: options.backend ?? wsBackend });
  }
}

/** Registers the Node WebSocketMultiplayerPeer and the `'ws'` PeerFactory. Load after coreModule. */
export const webSocketModule = createWebSocketModule(WebSocketMultiplayerPeer);
