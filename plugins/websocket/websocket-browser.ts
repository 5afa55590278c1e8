import { WebSocketMultiplayerPeer } from './websocket-multiplayer-peer.js';
import { createWebSocketModule } from './websocket-module.js';

/** Registers the browser WebSocketMultiplayerPeer (client only) and the `'ws'` PeerFactory. */
export const webSocketModule = createWebSocketModule(WebSocketMultiplayerPeer);
