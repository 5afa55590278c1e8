import { ContainerModule } from 'inversify';
import { TOKENS, type Clock, type Logger, type PeerFactory, type Rng } from '../../core/index.js';
import type { WebSocketMultiplayerPeer, WebSocketMultiplayerPeerOptions } from './websocket-multiplayer-peer.js';

/** A WebSocketMultiplayerPeer class whose constructor picks its platform backend. */
export type WebSocketMultiplayerPeerClass = new (options?: WebSocketMultiplayerPeerOptions) => WebSocketMultiplayerPeer;

/**
 * Builds the plugin's ContainerModule (Godot: modules/websocket/register_types.cpp) for one platform:
 * binds `peerClass` (transient, closed on deactivation) and the `'ws'` PeerFactory. Each entry point
 * (`index.ts` for Node, `index.browser.ts`) exports the result as `webSocketModule`.
 */
export function createWebSocketModule(peerClass: WebSocketMultiplayerPeerClass): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(peerClass)
      .toResolvedValue((clock: Clock, logger: Logger, rng: Rng) => new peerClass({ clock, logger, rng }), [TOKENS.Clock, TOKENS.Logger, TOKENS.Rng])
      .inTransientScope()
      .onDeactivation((peer) => peer.close());
    bind<PeerFactory>(TOKENS.PeerFactory)
      .toResolvedValue(
        (clock: Clock, logger: Logger, rng: Rng): PeerFactory<WebSocketMultiplayerPeer> => ({
          name: 'ws',
          create: () => new peerClass({ clock, logger, rng }),
        }),
        [TOKENS.Clock, TOKENS.Logger, TOKENS.Rng],
      )
      .inSingletonScope();
  });
}
