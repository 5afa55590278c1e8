import { ContainerModule } from 'inversify';
import { bindPeerPlugin } from '../../core/index.js';
import { WebRTCMultiplayerPeer } from './webrtc-multiplayer-peer.js';

/**
 * Registers WebRTCMultiplayerPeer (transient) and the `"webrtc"` PeerFactory (Godot:
 * modules/webrtc/register_types.cpp). Load after coreModule. `unbindAll()` closes every peer they
 * made, and with them their connections. Connections themselves are made by the application
 * (`new WebRTCPeerConnection()`), as in Godot.
 */
export const webRtcModule = new ContainerModule(({ bind }) => {
  bindPeerPlugin(bind, 'webrtc', WebRTCMultiplayerPeer, (services) => new WebRTCMultiplayerPeer(services));
});
