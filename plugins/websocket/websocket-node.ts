import { WebSocketMultiplayerPeer as PortableMultiplayerPeer, type WebSocketMultiplayerPeerOptions } from './websocket-multiplayer-peer.js';
import { createWebSocketModule } from './websocket-module.js';
import { WebSocketPeer as PortablePeer, type WebSocketPeerOptions } from './websocket-peer.js';
import { Heartbeat } from './heartbeat.js';
import { provideWebSocketHeartbeat } from './heartbeat-hook.js';
import { provideWebSocketServer, provideWebSocketStreamAcceptor } from './server-hook.js';
import { WebSocketServer, acceptWebSocketStream } from './websocket-server.js';
import { wsBackend } from './ws-backend.js';

// Node can listen, accept and ping: every WebSocketMultiplayerPeer (this entry's, or the portable class
// given a backend) gets its server half, and every WebSocketPeer its pings, RTT and heartbeat. The
// browser entry never loads them.
provideWebSocketServer((host) => new WebSocketServer(host));
provideWebSocketStreamAcceptor(acceptWebSocketStream);
provideWebSocketHeartbeat((clock, log) => new Heartbeat(clock, log));

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
