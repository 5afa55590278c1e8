/**
 * WebRTC for scenenet: Godot's WebRTCPeerConnection, WebRTCDataChannel and WebRTCMultiplayerPeer,
 * on the browser's RTCPeerConnection (this entry, picked by the `browser` export condition) and on
 * node-datachannel in Node. The application does the signaling; scenenet never needs the internet.
 *
 * @example
 * ```ts
 * import { ErrorCode } from 'scenenet';
 * import { WebRTCMultiplayerPeer, WebRTCPeerConnection } from 'scenenet/plugins/webrtc';
 *
 * // Two mesh peers in one process, signaling each other directly.
 * const a = new WebRTCMultiplayerPeer();
 * const b = new WebRTCMultiplayerPeer();
 * a.createMesh(2);
 * b.createMesh(3);
 * const ca = new WebRTCPeerConnection();
 * const cb = new WebRTCPeerConnection();
 * ca.initialize({ iceServers: [] });
 * cb.initialize({ iceServers: [] });
 * a.addPeer(ca, 3); // creates the pre-negotiated channels; the connection must still be NEW
 * b.addPeer(cb, 2);
 * for (const [from, to] of [[ca, cb], [cb, ca]] as const) {
 *   from.sessionDescriptionCreated.connect((type, sdp) => {
 *     from.setLocalDescription(type, sdp);
 *     to.setRemoteDescription(type, sdp); // an offer makes `to` answer
 *   });
 *   from.iceCandidateCreated.connect((media, index, name) => to.addIceCandidate(media, index, name));
 * }
 * ca.createOffer();
 * b.peerConnected.connect((id) => console.log('b sees', id));
 * const timer = setInterval(() => {
 *   a.poll(); // signals fire only here
 *   b.poll();
 *   if (b.getAvailablePacketCount() > 0) console.log(b.getPacket());
 * }, 10);
 * a.peerConnected.connect(() => {
 *   a.setTargetPeer(3);
 *   if (a.putPacket(new Uint8Array([1, 2, 3])) !== ErrorCode.OK) throw new Error('send failed');
 *   setTimeout(() => { clearInterval(timer); a.close(); b.close(); }, 100); // close() frees native handles
 * });
 * ```
 *
 * @packageDocumentation
 */
export { WebRTCPeerConnectionJS as WebRTCPeerConnection } from './webrtc-peer-connection-js.js';
export { WebRTCPeerConnection as WebRTCPeerConnectionBase } from './webrtc-peer-connection.js';
export { ConnectionState, GatheringState, SignalingState } from './webrtc-peer-connection.js';
export type { WebRTCConfiguration, WebRTCDataChannelInit, WebRTCPeerConnectionOptions } from './webrtc-peer-connection.js';
export { WebRTCDataChannel, WriteMode, ChannelState } from './webrtc-data-channel.js';
export type { WebRTCDataChannelOptions } from './webrtc-data-channel.js';
export { WebRTCMultiplayerPeer } from './webrtc-multiplayer-peer.js';
export type { WebRTCMultiplayerPeerOptions, WebRTCPeerInfo } from './webrtc-multiplayer-peer.js';
export { webRtcModule } from './webrtc-module.js';
export type { RtcBackend, RtcIceServer } from './rtc-backend.js';
