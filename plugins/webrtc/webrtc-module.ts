import { ContainerModule } from 'inversify';
import { TOKENS, type Clock, type Logger, type PeerFactory, type Rng } from '../../core/index.js';
import { WebRTCMultiplayerPeer } from './webrtc-multiplayer-peer.js';

/** Makes the container's peers and closes every one still alive when the container unbinds. */
class WebRTCPeerPool implements PeerFactory<WebRTCMultiplayerPeer> {
  readonly name = 'webrtc';
  readonly #make: () => WebRTCMultiplayerPeer;
  readonly #peers = new Set<WeakRef<WebRTCMultiplayerPeer>>();

  constructor(make: () => WebRTCMultiplayerPeer) {
    this.#make = make;
  }

  create(): WebRTCMultiplayerPeer {
    const peer = this.#make();
    this.#peers.add(new WeakRef(peer));
    return peer;
  }

  closeAll(): void {
    for (const ref of this.#peers) ref.deref()?.close();
    this.#peers.clear();
  }
}

const POOL = Symbol('scenenet:webrtc:pool');

/**
 * Registers WebRTCMultiplayerPeer (transient) and the `"webrtc"` PeerFactory (Godot:
 * modules/webrtc/register_types.cpp). Load after coreModule. `unbindAll()` closes every peer they
 * made, and with them their connections. Connections themselves are made by the application
 * (`new WebRTCPeerConnection()`), as in Godot.
 */
export const webRtcModule = new ContainerModule(({ bind }) => {
  // Divergence from the house sketch: inversify 8 refuses onDeactivation on transient bindings, so
  // transient peers come from a singleton pool whose deactivation closes them (as plugins/websocket).
  bind<WebRTCPeerPool>(POOL)
    .toResolvedValue(
      (clock: Clock, logger: Logger, rng: Rng) => new WebRTCPeerPool(() => new WebRTCMultiplayerPeer({ clock, logger, rng })),
      [TOKENS.Clock, TOKENS.Logger, TOKENS.Rng],
    )
    .inSingletonScope()
    .onDeactivation((pool) => pool.closeAll());
  bind(WebRTCMultiplayerPeer)
    .toResolvedValue((pool: WebRTCPeerPool) => pool.create(), [POOL])
    .inTransientScope();
  bind<PeerFactory>(TOKENS.PeerFactory)
    .toResolvedValue((pool: WebRTCPeerPool) => pool, [POOL])
    .inSingletonScope();
});
