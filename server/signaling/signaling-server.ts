/**
 * The signaling server of Godot's webrtc_signaling demo (server/ws_webrtc_server.gd), in Node on the
 * `ws` package: lobbies that peers create or join by code, relaying offers, answers and candidates
 * only between members of the same lobby, and sealing (no more joins). It listens on its own port
 * (`listen`, the webrtc-signaling sample) or takes sockets a game server routed to it (`accept`:
 * `scenenet serve` hosts its lobbies as WebRTC rooms behind the game port).
 *
 * Robustness: a malformed message, or one that names a peer outside the sender's lobby, gets an
 * ERROR reply and goes nowhere else; one socket's bad input never affects another lobby.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { cryptoRng, randomInt, systemClock, type Clock, type Rng } from '../../core/index.js';
import { encodeMessage, MAX_MESSAGE_BYTES, MessageType, parseMessage, type SignalMessage } from './signaling-protocol.js';

/** Most peers a lobby takes (a full mesh grows as n²). */
export const MAX_LOBBY_PEERS = 16;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

interface Member {
  readonly socket: WebSocket;
  id: number;
  lobby: Lobby | null;
}

interface Lobby {
  readonly code: string;
  readonly mesh: boolean;
  readonly hostId: number;
  readonly members: Map<number, Member>;
  sealed: boolean;
  readonly createdAtMs: number;
}

/** A lobby as `lobbyList()` reports it. */
export interface LobbyInfo {
  readonly code: string;
  readonly mesh: boolean;
  readonly sealed: boolean;
  readonly peers: number;
  readonly hostId: number;
  readonly createdAtMs: number;
}

/** Options of the signaling server. */
export interface SignalingServerOptions {
  readonly rng?: Rng;
  /** Stamps `createdAtMs` of lobbies (default: the system clock). */
  readonly clock?: Clock;
  /** Called with one line per notable event (joins, leaves, errors). */
  readonly log?: (line: string) => void;
}

/** Godot's demo signaling server: lobbies over WebSocket. */
export class SignalingServer {
  readonly #rng: Rng;
  readonly #clock: Clock;
  readonly #log: (line: string) => void;
  readonly #lobbies = new Map<string, Lobby>();
  readonly #members = new Set<Member>();
  #wss: WebSocketServer | null = null;

  constructor(options: SignalingServerOptions = {}) {
    this.#rng = options.rng ?? cryptoRng;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? (() => {});
  }

  /** Listens on `host:port` (port 0 picks one); resolves with the port. */
  listen(port = 0, host = '127.0.0.1'): Promise<number> {
    return new Promise((resolve, reject) => {
      // Frames up to 4x the message limit get an ERROR reply; ws closes the socket (1009) above that.
      const wss = new WebSocketServer({ port, host, maxPayload: 4 * MAX_MESSAGE_BYTES });
      wss.once('error', reject);
      wss.once('listening', () => {
        wss.off('error', reject);
        wss.on('error', (err) => this.#log(`[signaling] server error: ${err.message}`));
        resolve((wss.address() as AddressInfo).port);
      });
      wss.on('connection', (socket) => this.#accept(socket));
      this.#wss = wss;
    });
  }

  /** Every lobby: code, mode, seal and member count (what a game server lists as WebRTC rooms). */
  lobbyList(): LobbyInfo[] {
    return [...this.#lobbies.values()].map((l) => ({
      code: l.code,
      mesh: l.mesh,
      sealed: l.sealed,
      peers: l.members.size,
      hostId: l.hostId,
      createdAtMs: l.createdAtMs,
    }));
  }

  /** Takes over an open WebSocket (one a game server routed here); it speaks the protocol from now on. */
  accept(socket: WebSocket): void {
    this.#accept(socket);
  }

  /** Closes every member's socket with `code` and `reason` (a drain), without stopping a listener. */
  closeAll(code: number, reason: string): void {
    for (const m of this.#members) m.socket.close(code, reason);
  }

  /** Sockets open now. */
  get memberCount(): number {
    return this.#members.size;
  }

  /** Lobby codes and their member ids (for tests and logs). */
  lobbies(): Map<string, number[]> {
    return new Map([...this.#lobbies].map(([code, lobby]) => [code, [...lobby.members.keys()]]));
  }

  /** Closes every socket and stops listening. */
  async close(): Promise<void> {
    const wss = this.#wss;
    this.#wss = null;
    for (const m of this.#members) m.socket.terminate();
    if (wss === null) return;
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  #accept(socket: WebSocket): void {
    const member: Member = { socket, id: 0, lobby: null };
    this.#members.add(member);
    socket.on('message', (raw, isBinary) => this.#onMessage(member, raw, isBinary));
    socket.on('close', () => this.#leave(member));
    socket.on('error', () => socket.terminate());
  }

  #onMessage(member: Member, raw: RawData, isBinary: boolean): void {
    const msg = isBinary ? null : parseMessage(rawText(raw));
    if (msg === null) return this.#error(member, 'malformed message');
    switch (msg.type) {
      case MessageType.JOIN:
        return this.#join(member, msg);
      case MessageType.OFFER:
      case MessageType.ANSWER:
      case MessageType.CANDIDATE:
        return this.#relay(member, msg);
      case MessageType.SEAL:
        return this.#seal(member);
      default:
        return this.#error(member, `unexpected message type ${msg.type}`);
    }
  }

  #join(member: Member, msg: SignalMessage): void {
    if (member.lobby !== null) return this.#error(member, 'already in a lobby');
    // Godot's demo (ws_webrtc_client.gd `join_lobby`): id 0 asks for a mesh, 1 for client/server.
    const mesh = msg.id === 0;
    let lobby: Lobby | undefined;
    if (msg.data === '') {
      lobby = { code: this.#newCode(), mesh, hostId: 0, members: new Map(), sealed: false, createdAtMs: this.#clock.nowMs() };
    } else {
      lobby = this.#lobbies.get(msg.data);
      if (lobby === undefined) return this.#error(member, `no lobby "${msg.data.slice(0, 32)}"`);
      if (lobby.sealed) return this.#error(member, 'lobby is sealed');
      if (lobby.members.size >= MAX_LOBBY_PEERS) return this.#error(member, 'lobby is full');
    }
    // As in the demo: mesh peers all get random ids; otherwise the lobby's creator is the server (1).
    member.id = !lobby.mesh && lobby.members.size === 0 ? 1 : this.#newId(lobby);
    if (lobby.members.size === 0) {
      lobby = { ...lobby, hostId: member.id };
      this.#lobbies.set(lobby.code, lobby);
    }
    member.lobby = lobby;
    send(member, MessageType.ID, member.id, lobby.mesh ? 'true' : '');
    send(member, MessageType.JOIN, 0, lobby.code);
    for (const other of lobby.members.values()) {
      // As in the demo: in client/server mode a client sees only the server (the lobby's host).
      if (!lobby.mesh && other.id !== lobby.hostId) continue;
      send(other, MessageType.PEER_CONNECT, member.id);
      send(member, MessageType.PEER_CONNECT, other.id);
    }
    lobby.members.set(member.id, member);
    this.#log(`[signaling] peer ${member.id} joined lobby ${lobby.code} (${lobby.members.size} peers)`);
  }

  #relay(member: Member, msg: SignalMessage): void {
    const lobby = member.lobby;
    if (lobby === null) return this.#error(member, 'not in a lobby');
    const target = lobby.members.get(msg.id);
    if (target === undefined || target === member) return this.#error(member, `no peer ${msg.id} in this lobby`);
    send(target, msg.type, member.id, msg.data);
  }

  #seal(member: Member): void {
    const lobby = member.lobby;
    if (lobby === null) return this.#error(member, 'not in a lobby');
    if (lobby.hostId !== member.id) return this.#error(member, 'only the host can seal the lobby');
    lobby.sealed = true;
    for (const m of lobby.members.values()) send(m, MessageType.SEAL, 0);
    this.#log(`[signaling] lobby ${lobby.code} sealed`);
  }

  #leave(member: Member): void {
    this.#members.delete(member);
    const lobby = member.lobby;
    member.lobby = null;
    if (lobby === null) return;
    lobby.members.delete(member.id);
    for (const m of lobby.members.values()) send(m, MessageType.PEER_DISCONNECT, member.id);
    if (lobby.members.size === 0) this.#lobbies.delete(lobby.code);
    this.#log(`[signaling] peer ${member.id} left lobby ${lobby.code}`);
  }

  #error(member: Member, reason: string): void {
    this.#log(`[signaling] error for peer ${member.id}: ${reason}`);
    send(member, MessageType.ERROR, 0, reason);
  }

  #newCode(): string {
    for (;;) {
      let code = '';
      for (let i = 0; i < 6; i++) code += CODE_ALPHABET[randomInt(this.#rng, 0, CODE_ALPHABET.length - 1)];
      if (!this.#lobbies.has(code)) return code;
    }
  }

  #newId(lobby: Lobby): number {
    for (;;) {
      const id = this.#rng.nextUint32() & 0x7fffffff;
      if (id > 1 && !lobby.members.has(id)) return id;
    }
  }
}

function send(member: Member, type: MessageType, id: number, data = ''): void {
  if (member.socket.readyState === member.socket.OPEN) member.socket.send(encodeMessage(type, id, data));
}

function rawText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw as ArrayBuffer).toString('utf8');
}
