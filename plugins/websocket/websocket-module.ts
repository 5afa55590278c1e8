import { ContainerModule } from 'inversify';
import { bindPeerPlugin } from '../../core/index.js';
import type { WebSocketMultiplayerPeer, WebSocketMultiplayerPeerOptions } from './websocket-multiplayer-peer.js';

/** A WebSocketMultiplayerPeer class whose constructor picks its platform backend. */
export type WebSocketMultiplayerPeerClass = new (options?: WebSocketMultiplayerPeerOptions) => WebSocketMultiplayerPeer;

/**
 * Builds the plugin's ContainerModule (Godot: modules/websocket/register_types.cpp) for one platform:
 * binds `peerClass` (transient) and the `'ws'` PeerFactory; `unbindAll()` closes every peer they made.
 * Each entry point (`index.ts` for Node, `index.browser.ts`) exports the result as `webSocketModule`.
 */
export function createWebSocketModule(peerClass: WebSocketMultiplayerPeerClass): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bindPeerPlugin(bind, 'ws', peerClass, (services) => new peerClass(services));
  });
}
