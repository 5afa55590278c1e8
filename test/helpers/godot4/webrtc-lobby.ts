/**
 * The scenenet side of test/interop/godot4-webrtc.test.ts: a member of a lobby of scenenet's signaling
 * server (Godot's webrtc_signaling demo protocol) whose SceneTree holds main.tscn's nodes and whose
 * SceneMultiplayer runs a WebRTCMultiplayerPeer (server, client or mesh, as the lobby says). It follows
 * the demo's client (multiplayer_client.gd): the higher id of a pair makes the offer, candidates travel
 * as "\nmid\nindex\nname". Its signaling socket is polled by a node of its own tree, so a `FramePump`
 * over `tree` runs everything.
 */
import { ErrorCode, isPacket } from '../../../core/index.js';
import { WebRTCMultiplayerPeer, WebRTCPeerConnection, type WebRTCConfiguration } from '../../../plugins/webrtc/index.js';
import { State, WebSocketPeer } from '../../../plugins/websocket/index.js';
import { Node, SceneTree, type SceneMultiplayer } from '../../../scenetree/index.js';
import {
  encodeCandidate,
  encodeMessage,
  MessageType,
  parseCandidate,
  parseMessage,
  type SignalMessage,
} from '../../../samples/webrtc-signaling/protocol.js';
import { addMainScene, type MainScene } from './nodes.js';

/** No ICE server (no internet here); ICE bound to loopback. */
const RTC_CONFIG: WebRTCConfiguration = { iceServers: [], bindAddress: '127.0.0.1' };

/** One scenenet lobby member. */
export class LobbyPeer {
  readonly tree = new SceneTree();
  readonly scene: MainScene = addMainScene(this.tree);
  readonly rtc = new WebRTCMultiplayerPeer();
  /** Own peer id, once the signaling server assigned it. */
  id = 0;
  /** Lobby code, once joined. */
  lobby = '';
  /** Ids from SceneMultiplayer's `peerConnected` / `peerDisconnected`, in order. */
  readonly joined: number[] = [];
  readonly left: number[] = [];
  /** Every signaling message received, for failure messages. */
  readonly log: string[] = [];

  readonly #socket = new WebSocketPeer();
  #join: { code: string; mesh: boolean } | null = null;

  constructor(readonly name: string) {
    this.mp.peerConnected.connect((id) => this.joined.push(id));
    this.mp.peerDisconnected.connect((id) => this.left.push(id));
    this.tree.root.addChild(new SignalingNode(() => this.#poll()));
  }

  get mp(): SceneMultiplayer {
    return this.tree.getMultiplayer() as SceneMultiplayer;
  }

  /** Connects to `url` and joins lobby `code` ("" creates one; `mesh` then picks the lobby's mode). */
  start(url: string, code: string, mesh: boolean): ErrorCode {
    this.#join = { code, mesh };
    return this.#socket.connectToUrl(url);
  }

  /** The peers whose WebRTC connection is up, sorted. */
  peers(): number[] {
    return this.id === 0 ? [] : [...this.mp.getPeers()].sort((a, b) => a - b);
  }

  close(): void {
    this.rtc.close();
    this.#socket.close();
  }

  #poll(): void {
    this.#socket.poll();
    if (this.#join !== null && this.#socket.getReadyState() === State.OPEN) {
      // The demo's flag: JOIN id 0 for a mesh, 1 for client/server.
      this.#socket.sendText(encodeMessage(MessageType.JOIN, this.#join.mesh ? 0 : 1, this.#join.code));
      this.#join = null;
    }
    while (this.#socket.getAvailablePacketCount() > 0) {
      const packet = this.#socket.getPacket();
      if (!isPacket(packet)) break;
      const text = new TextDecoder().decode(packet);
      this.log.push(text.slice(0, 80));
      const msg = parseMessage(text);
      if (msg === null) throw new Error(`${this.name}: malformed signaling message ${text.slice(0, 80)}`);
      this.#onSignal(msg);
    }
  }

  #onSignal(msg: SignalMessage): void {
    switch (msg.type) {
      case MessageType.ID:
        return this.#onId(msg.id, msg.data === 'true');
      case MessageType.JOIN:
        this.lobby = msg.data;
        return;
      case MessageType.PEER_CONNECT:
        return this.#createPeer(msg.id);
      case MessageType.PEER_DISCONNECT:
        if (this.rtc.hasPeer(msg.id)) this.rtc.removePeer(msg.id);
        return;
      case MessageType.OFFER:
      case MessageType.ANSWER:
        this.rtc.getPeer(msg.id)?.connection.setRemoteDescription(msg.type === MessageType.OFFER ? 'offer' : 'answer', msg.data);
        return;
      case MessageType.CANDIDATE: {
        const candidate = parseCandidate(msg.data);
        if (candidate === null) throw new Error(`${this.name}: malformed candidate ${JSON.stringify(msg.data)}`);
        this.rtc.getPeer(msg.id)?.connection.addIceCandidate(...candidate);
        return;
      }
      case MessageType.ERROR:
        throw new Error(`${this.name}: signaling error: ${msg.data}`);
      default:
        return;
    }
  }

  #onId(id: number, mesh: boolean): void {
    this.id = id;
    const err = mesh ? this.rtc.createMesh(id) : id === 1 ? this.rtc.createServer() : this.rtc.createClient(id);
    if (err !== ErrorCode.OK) throw new Error(`${this.name}: creating the WebRTC peer ${id} failed with ${err}`);
    this.mp.multiplayerPeer = this.rtc;
  }

  /** Godot demo: `_create_peer(id)`: one connection per other member; the higher id offers. */
  #createPeer(id: number): void {
    const connection = new WebRTCPeerConnection();
    if (connection.initialize(RTC_CONFIG) !== ErrorCode.OK) throw new Error(`${this.name}: initialize failed`);
    connection.sessionDescriptionCreated.connect((type, sdp) => {
      connection.setLocalDescription(type, sdp);
      this.#socket.sendText(encodeMessage(type === 'offer' ? MessageType.OFFER : MessageType.ANSWER, id, sdp));
    });
    connection.iceCandidateCreated.connect((media, index, name) => {
      this.#socket.sendText(encodeMessage(MessageType.CANDIDATE, id, encodeCandidate(media, index, name)));
    });
    if (this.rtc.addPeer(connection, id) !== ErrorCode.OK) throw new Error(`${this.name}: addPeer(${id}) failed`);
    if (id < this.id) connection.createOffer();
  }
}

/** Polls the lobby member's signaling socket once per frame, before the multiplayer poll. */
class SignalingNode extends Node {
  constructor(private readonly pollSignaling: () => void) {
    super('Signaling');
  }

  override _process(_delta: number): void {
    this.pollSignaling();
  }
}
