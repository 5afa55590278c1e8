/**
 * A client of Godot's webrtc_signaling demo (client/ws_webrtc_client.gd + multiplayer_client.gd): joins
 * a lobby over a WebSocketPeer, then builds a full WebRTC mesh with `WebRTCMultiplayerPeer.createMesh`,
 * one WebRTCPeerConnection per other lobby member, and plays over SceneMultiplayer RPCs (`MeshGame`).
 *
 * Browser-safe: the platform classes are passed in, so the Node entry (`main.ts`) and the browser page
 * (`browser.ts`) share this file.
 */
import { ErrorCode, isPacket, RPCMode, TransferMode } from '../../core/index.js';
import type { WebRTCConfiguration, WebRTCMultiplayerPeer, WebRTCPeerConnection } from '../../plugins/webrtc/index.js';
import type { WebSocketPeer } from '../../plugins/websocket/index.js';
import { Node, SceneTree } from '../../scenetree/index.js';
import { encodeCandidate, encodeMessage, MessageType, parseCandidate, parseMessage, type SignalMessage } from './protocol.js';

/** Where the client gets its platform's classes. */
export interface MeshPlatform {
  createSocket(): WebSocketPeer;
  createConnection(): WebRTCPeerConnection;
  createMultiplayerPeer(): WebRTCMultiplayerPeer;
}

/** One line of output. */
export type Print = (line: string) => void;

/** `/root/Mesh`: says hello reliably to each peer that connects, and pings everyone unreliably each frame. */
export class MeshGame extends Node {
  /** Who said hello, by peer id. */
  readonly hellos = new Map<number, string>();
  /** Who pinged us (unreliable RPCs), by peer id. */
  readonly pings = new Set<number>();
  /** Who announced it has heard from everyone (so nobody leaves before the whole mesh is done). */
  readonly finished = new Set<number>();
  #announced = false;
  readonly #print: Print;
  readonly #label: string;
  #frame = 0;

  constructor(print: Print, label: string) {
    super('Mesh');
    this.#print = print;
    this.#label = label;
    this.rpcConfig('hello', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.RELIABLE });
    this.rpcConfig('ping', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE });
    this.rpcConfig('finish', { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.RELIABLE });
  }

  /** Tells every peer, once, that this one has heard from all of them. */
  announceFinished(): void {
    if (this.#announced) return;
    this.#announced = true;
    this.rpc('finish');
  }

  /** RPC, reliable: the sender has heard from everyone. */
  finish(): void {
    this.finished.add(this.multiplayer!.getRemoteSenderId());
  }

  /** RPC, reliable: a peer introduces itself. */
  hello(name: string): void {
    const from = this.multiplayer!.getRemoteSenderId();
    if (!this.hellos.has(from)) this.#print(`${this.#label} hello from ${name} (${from})`);
    this.hellos.set(from, name);
  }

  /** RPC, unreliable: a peer's frame counter. */
  ping(_frame: number): void {
    const from = this.multiplayer!.getRemoteSenderId();
    if (!this.pings.has(from)) this.#print(`${this.#label} ping from ${from}`);
    this.pings.add(from);
  }

  override _process(_delta: number): void {
    const mp = this.multiplayer;
    if (mp === null || mp.getPeers().length === 0) return;
    this.rpc('ping', this.#frame++);
  }
}

/** Options of a mesh client. */
export interface MeshClientOptions {
  readonly name: string;
  readonly print?: Print;
  /** Passed to every connection's `initialize`. Default: no ICE servers. */
  readonly rtcConfig?: WebRTCConfiguration;
}

/** A lobby member: its signaling socket, its mesh peer, its scene tree. */
export class MeshClient {
  readonly name: string;
  readonly tree = new SceneTree();
  readonly game: MeshGame;
  readonly peer: WebRTCMultiplayerPeer;
  /** Lobby code, once joined. */
  lobby = '';
  /** Own peer id, once assigned. */
  id = 0;
  sealed = false;
  /** ERROR replies from the server. */
  readonly errors: string[] = [];

  readonly #platform: MeshPlatform;
  readonly #socket: WebSocketPeer;
  readonly #print: Print;
  readonly #label: string;
  readonly #rtcConfig: WebRTCConfiguration;
  readonly #connections = new Map<number, WebRTCPeerConnection>();
  #joinCode: string | null = null;

  constructor(platform: MeshPlatform, options: MeshClientOptions) {
    this.name = options.name;
    this.#platform = platform;
    this.#socket = platform.createSocket();
    this.peer = platform.createMultiplayerPeer();
    this.#print = options.print ?? (() => {});
    this.#label = `[${options.name}]`;
    this.#rtcConfig = options.rtcConfig ?? { iceServers: [] };
    this.game = new MeshGame(this.#print, this.#label);
    this.tree.root.addChild(this.game);
    const mp = this.tree.getMultiplayer();
    mp.peerConnected.connect((id) => {
      this.#print(`${this.#label} peer ${id} connected`);
      this.game.rpcId(id, 'hello', options.name);
    });
    mp.peerDisconnected.connect((id) => this.#print(`${this.#label} peer ${id} disconnected`));
  }

  /** Connects to the signaling server and joins `lobby` ("" creates one). */
  start(url: string, lobby = ''): ErrorCode {
    this.#joinCode = lobby;
    return this.#socket.connectToUrl(url);
  }

  /** Asks the server to seal the lobby (host only). */
  seal(): void {
    this.#socket.sendText(encodeMessage(MessageType.SEAL, 0));
  }

  /** Sends raw text to the signaling server (tests use it to misbehave on purpose). */
  sendRaw(text: string): void {
    this.#socket.sendText(text);
  }

  /** Peers whose WebRTC connection is fully up. */
  connectedPeers(): number[] {
    return this.id === 0 ? [] : this.tree.getMultiplayer().getPeers();
  }

  /** Whether this member heard a hello and a ping from each of the other `expect - 1` members. */
  heardAll(expect: number): boolean {
    const peers = this.connectedPeers();
    return peers.length === expect - 1 && peers.every((id) => this.game.hellos.has(id) && this.game.pings.has(id));
  }

  /**
   * Whether this member may leave: it heard from all, and all of them announced (a reliable `finish`
   * RPC, sent here once `heardAll` holds) that they heard from everyone too.
   */
  isDone(expect: number): boolean {
    if (!this.heardAll(expect)) return false;
    this.game.announceFinished();
    return this.connectedPeers().every((id) => this.game.finished.has(id));
  }

  /** A one-line summary for logs. */
  stats(): string {
    return `peers ${this.connectedPeers().length}, hellos ${this.game.hellos.size}, pings ${this.game.pings.size}`;
  }

  /** One frame: signaling, then the tree (which polls the mesh and runs the game). */
  frame(delta: number): void {
    this.#socket.poll();
    if (this.#joinCode !== null && this.#socket.getReadyState() === 1) {
      this.#socket.sendText(encodeMessage(MessageType.JOIN, 0, this.#joinCode)); // 0: a mesh (the demo's flag)
      this.#joinCode = null;
    }
    while (this.#socket.getAvailablePacketCount() > 0) {
      const packet = this.#socket.getPacket();
      if (!isPacket(packet)) break;
      const msg = parseMessage(new TextDecoder().decode(packet));
      if (msg === null) this.#print(`${this.#label} ignoring a malformed signaling message`);
      else this.#onSignal(msg);
    }
    this.tree.processFrame(delta);
  }

  /** Leaves: closes the mesh (and every connection) and the signaling socket. */
  close(): void {
    this.peer.close();
    for (const c of this.#connections.values()) c.close();
    this.#connections.clear();
    this.#socket.close();
  }

  #onSignal(msg: SignalMessage): void {
    switch (msg.type) {
      case MessageType.ID:
        return this.#onId(msg.id);
      case MessageType.JOIN:
        this.lobby = msg.data;
        return this.#print(`${this.#label} joined lobby ${msg.data}`);
      case MessageType.PEER_CONNECT:
        return this.#addPeer(msg.id);
      case MessageType.PEER_DISCONNECT:
        if (this.peer.hasPeer(msg.id)) this.peer.removePeer(msg.id); // closes the connection too
        this.#connections.get(msg.id)?.close();
        this.#connections.delete(msg.id);
        return;
      case MessageType.OFFER:
      case MessageType.ANSWER:
        this.#connections.get(msg.id)?.setRemoteDescription(msg.type === MessageType.OFFER ? 'offer' : 'answer', msg.data);
        return;
      case MessageType.CANDIDATE: {
        const candidate = parseCandidate(msg.data);
        if (candidate !== null) this.#connections.get(msg.id)?.addIceCandidate(...candidate);
        return;
      }
      case MessageType.SEAL:
        this.sealed = true;
        return this.#print(`${this.#label} lobby sealed`);
      case MessageType.ERROR:
        this.errors.push(msg.data);
        return this.#print(`${this.#label} signaling error: ${msg.data}`);
    }
  }

  #onId(id: number): void {
    if (this.id !== 0) return;
    this.id = id;
    if (this.peer.createMesh(id) !== ErrorCode.OK) return this.#print(`${this.#label} createMesh(${id}) failed`);
    this.tree.getMultiplayer().multiplayerPeer = this.peer;
    this.#print(`${this.#label} my id is ${id}`);
  }

  /** Godot demo: `_create_peer(id)`; the higher id of a pair makes the offer. */
  #addPeer(id: number): void {
    if (this.id === 0 || this.#connections.has(id)) return;
    const connection = this.#platform.createConnection();
    connection.initialize(this.#rtcConfig);
    connection.sessionDescriptionCreated.connect((type, sdp) => {
      connection.setLocalDescription(type, sdp);
      this.#socket.sendText(encodeMessage(type === 'offer' ? MessageType.OFFER : MessageType.ANSWER, id, sdp));
    });
    connection.iceCandidateCreated.connect((media, index, name) => {
      this.#socket.sendText(encodeMessage(MessageType.CANDIDATE, id, encodeCandidate(media, index, name)));
    });
    if (this.peer.addPeer(connection, id) !== ErrorCode.OK) {
      connection.close();
      return this.#print(`${this.#label} addPeer(${id}) failed`);
    }
    this.#connections.set(id, connection);
    if (id < this.id) connection.createOffer();
  }
}
