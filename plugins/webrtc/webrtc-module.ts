import { ContainerModule } from 'inversify';
import { TOKENS, type Clock, type Logger, type PeerFactory, type Rng } from '../../core/index.js';
import { WebRTCMultiplayerPeer } from './webrtc-multiplayer-peer.js';

/**
 * Registers WebRTCMultiplayerPeer and the `"webrtc"` PeerFactory (Godot: modules/webrtc/register_types.cpp).
 * Load after coreModule. Connections are made by the application (`new WebRTCPeerConnection()`), as in Godot.
 */
export const webRtcModule = new ContainerModule(({ bind }) => {
  bind(WebRTCMultiplayerPeer)
    .toResolvedValue(
      (clock: Clock, logger: Logger, rng: Rng) => new WebRTCMultiplayerPeer({ clock, logger, rng }),
      [TOKENS.Clock, TOKENS.Logger, TOKENS.Rng],
    )
    .inTransientScope()
    .onDeactivation((peer) => peer.close());

  bind<PeerFactory>(TOKENS.PeerFactory)
    .toResolvedValue(
      (clock: Clock, logger: Logger, rng: Rng): PeerFactory<WebRTCMultiplayerPeer> => ({
        name: 'webrtc',
        create: () => new WebRTCMultiplayerPeer({ clock, logger, rng }),
      }),
      [TOKENS.Clock, TOKENS.Logger, TOKENS.Rng],
    )
    .inSingletonScope();
});
