/**
 * The WebRTC client budget (≤ 40 KB gzipped): the browser WebRTC entry (WebRTCPeerConnection on the
 * browser's RTCPeerConnection, WebRTCMultiplayerPeer) driving a SceneTree's SceneMultiplayer as a
 * mesh member. Signaling is the application's and is left out.
 */
import { WebRTCMultiplayerPeer, WebRTCPeerConnection } from '../../plugins/webrtc/index.browser.js';
import { SceneTree } from '../../scenetree/index.js';

const tree = new SceneTree();
const peer = new WebRTCMultiplayerPeer();
peer.createMesh(2);
const connection = new WebRTCPeerConnection();
connection.initialize({ iceServers: [] });
peer.addPeer(connection, 1);
connection.sessionDescriptionCreated.connect((type, sdp) => console.log('signal', type, sdp.length));
tree.getMultiplayer().multiplayerPeer = peer;
setInterval(() => tree.processFrame(1 / 60), 16);
