import { ErrorCode } from '../../core/index.js';
import { WebRTCPeerConnection, type WebRTCConfiguration } from '../../plugins/webrtc/index.js';

/** Every test connection binds ICE to loopback and uses no ICE server: no traffic leaves the machine. */
export const LOOPBACK_CONFIG: WebRTCConfiguration = { iceServers: [], bindAddress: '127.0.0.1' };

/** A new connection initialized with `LOOPBACK_CONFIG`. */
export function loopbackConnection(): WebRTCPeerConnection {
  const connection = new WebRTCPeerConnection();
  if (connection.initialize(LOOPBACK_CONFIG) !== ErrorCode.OK) throw new Error('initialize failed');
  return connection;
}

/**
 * In-process signaling between two connections (node-datachannel's p2p.test.ts wiring, in Godot's
 * terms): each side's `sessionDescriptionCreated` sets its own local description and the other's
 * remote one; each `iceCandidateCreated` goes to the other's `addIceCandidate`. Everything happens
 * inside the connections' `poll()`. Call `offerer.createOffer()` afterwards.
 */
export function wireSignaling(offerer: WebRTCPeerConnection, answerer: WebRTCPeerConnection): void {
  for (const [from, to] of [
    [offerer, answerer],
    [answerer, offerer],
  ] as const) {
    from.sessionDescriptionCreated.connect((type, sdp) => {
      from.setLocalDescription(type, sdp);
      to.setRemoteDescription(type, sdp);
    });
    from.iceCandidateCreated.connect((media, index, name) => void to.addIceCandidate(media, index, name));
  }
}
