import {
  ConnectionStatus,
  ErrorCode,
  MultiplayerPeerWrapper,
  PacketQueue,
  type MultiplayerPeer,
  Signal,
  TransferMode,
  cryptoRng,
  isPacket,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type Rng,
} from '../../core/index.js';
import { Received, SessionLink, resolveSessionOptions, type ResolvedSessionOptions, type SessionOptions } from './session-link.js';
import { Frame, WelcomeStatus, controlFrame, decodeHello, encodeWelcome, isHello, newToken, tokenKey } from './session-protocol.js';

/** Options of `SessionServerPeer`. */
export interface SessionServerOptions extends SessionOptions {
  readonly clock?: Clock;
  /** Source of resume tokens. Default: crypto randomness (a test may inject a seeded one). */
  readonly tokenRng?: Rng;
  readonly logger?: Logger;
  /** A new connection that sends nothing for this long is admitted as a stock (Godot) peer, ms. Default 1 000. */
  readonly helloTimeoutMs?: number;
}

interface Session {
  readonly id: number;
  tokenKey: string;
  transport: number | null;
  pausedAtMs: number;
  readonly link: SessionLink;
}

/**
 * Session resume for any server transport (WebSocket, ENet, WebRTC, loopback): wraps the server peer
 * and gives SceneMultiplayer stable peer ids across reconnections.
 *
 * A scenenet client (`SessionClientPeer`) opens with HELLO and gets a session: its id is its first
 * transport id, and a resume token. When its connection drops (closed, or silent for `timeoutMs`),
 * the session is paused (`peerPaused`), reliable packets for it are kept, and `peerDisconnected` is
 * emitted only when `graceMs` passes without a resume. A resume (HELLO with the token, on a new
 * connection) gets the same id back (`peerResumed`), a new token (tokens are single use), and every
 * reliable packet the client did not receive, once and in order. A connection whose first packet is
 * not a HELLO (a stock Godot client) is a plain peer, passed through untouched: it never sees a byte
 * of the extension and, as in Godot, comes back as a new peer after a drop.
 */
// Divergence from Godot: not in Godot. A new connection is announced (peerConnected) when its first
// packet arrives, or after `helloTimeoutMs` when it sends nothing.
export class SessionServerPeer extends MultiplayerPeerWrapper {
  /** A session's connection dropped; its peer id stays reserved for `graceMs`. */
  readonly peerPaused = new Signal<[id: number]>();
  /** A paused session came back on a new connection, with the same id. */
  readonly peerResumed = new Signal<[id: number]>();

  readonly #clock: Clock;
  readonly #rng: Rng;
  readonly #log: Logger;
  readonly #o: ResolvedSessionOptions;
  readonly #helloTimeoutMs: number;
  /** Transport peers that have not said whether they speak the extension: transport id → since. */
  readonly #waiting = new Map<number, number>();
  /** Stock peers (ids are transport ids). */
  readonly #plain = new Set<number>();
  readonly #sessions = new Map<number, Session>();
  readonly #byTransport = new Map<number, Session>();
  readonly #byToken = new Map<string, Session>();
  readonly #incoming = new PacketQueue();
  readonly #events: Array<() => void> = [];
  /** Transport peers to drop on the next poll (after a refusal was sent). */
  readonly #dropSoon: number[] = [];
  #target = 0;

  constructor(inner: MultiplayerPeer, options: SessionServerOptions = {}) {
    super(inner);
    this.#clock = options.clock ?? systemClock;
    this.#rng = options.tokenRng ?? cryptoRng;
    this.#log = options.logger ?? silentLogger;
    this.#o = resolveSessionOptions(options);
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 1000;
  }

  /** Ids of the sessions whose connection is down now. */
  getPausedPeers(): number[] {
    return [...this.#sessions.values()].filter((s) => s.transport === null).map((s) => s.id);
  }

  /** The session a resume token (hex, as `SessionClientPeer.resumeToken` gives it) would resume, or 0 (unknown, used or expired). */
  sessionOfToken(tokenHex: string): number {
    return this.#byToken.get(tokenHex.toLowerCase())?.id ?? 0;
  }

  /** The inner transport's id of session `id`'s current connection (null while paused, or for no such session). */
  getTransportId(id: number): number | null {
    if (this.#plain.has(id)) return id;
    return this.#sessions.get(id)?.transport ?? null;
  }

  protected override onInnerPeerConnected(transportId: number): void {
    this.#waiting.set(transportId, this.#clock.nowMs());
  }

  protected override onInnerPeerDisconnected(transportId: number): void {
    if (this.#waiting.delete(transportId)) return;
    if (this.#plain.delete(transportId)) return this.peerDisconnected.emit(transportId);
    const session = this.#byTransport.get(transportId);
    if (session !== undefined) this.#pause(session);
  }

  override setTargetPeer(id: number): void {
    this.#target = id;
  }

  override getAvailablePacketCount(): number {
    return this.#incoming.size;
  }
  override getPacketPeer(): number {
    return this.#incoming.peekFrom(0);
  }
  override getPacketMode(): TransferMode {
    return this.#incoming.peekMode(TransferMode.RELIABLE);
  }
  override getPacketChannel(): number {
    return this.#incoming.peekChannel(0);
  }
  override getPacket(): Uint8Array | ErrorCode {
    return this.#incoming.shift() ?? ErrorCode.ERR_UNAVAILABLE;
  }

  override putPacket(packet: Uint8Array): ErrorCode {
    if (this.inner.getConnectionStatus() !== ConnectionStatus.CONNECTED) return ErrorCode.ERR_UNCONFIGURED;
    const to = this.#target;
    if (to > 0) {
      if (this.#plain.has(to)) return this.#putPlain(to, packet);
      const session = this.#sessions.get(to);
      if (session === undefined) return ErrorCode.ERR_INVALID_PARAMETER;
      return this.#putSession(session, packet);
    }
    for (const id of this.#plain) if (id !== -to) this.#putPlain(id, packet);
    for (const session of this.#sessions.values()) if (session.id !== -to) this.#putSession(session, packet);
    return ErrorCode.OK;
  }

  /** Ends a session at once (sending BYE), or drops a plain peer. */
  override disconnectPeer(id: number, force = false): void {
    const session = this.#sessions.get(id);
    if (session !== undefined) {
      if (session.transport !== null) {
        this.#send(session.transport, controlFrame(Frame.BYE), TransferMode.RELIABLE, 0);
        this.inner.disconnectPeer(session.transport, force);
      }
      this.#end(session, !force);
      return;
    }
    if (this.#plain.delete(id)) {
      this.inner.disconnectPeer(id, force);
      if (!force) this.#events.push(() => this.peerDisconnected.emit(id));
      return;
    }
    this.inner.disconnectPeer(id, force);
  }

  override poll(): void {
    for (let e = this.#events.shift(); e !== undefined; e = this.#events.shift()) e();
    for (let id = this.#dropSoon.shift(); id !== undefined; id = this.#dropSoon.shift()) this.inner.disconnectPeer(id, true);
    this.inner.poll();
    const now = this.#clock.nowMs();
    while (this.inner.getAvailablePacketCount() > 0) {
      const from = this.inner.getPacketPeer();
      const mode = this.inner.getPacketMode();
      const channel = this.inner.getPacketChannel();
      const packet = this.inner.getPacket();
      if (!isPacket(packet)) break;
      this.#receive(from, packet, mode, channel, now);
    }
    this.#timers(now);
  }

  override close(): void {
    for (const session of this.#sessions.values()) {
      if (session.transport !== null) this.#send(session.transport, controlFrame(Frame.BYE), TransferMode.RELIABLE, 0);
    }
    this.#sessions.clear();
    this.#byTransport.clear();
    this.#byToken.clear();
    this.#plain.clear();
    this.#waiting.clear();
    this.#incoming.clear();
    super.close();
  }

  #receive(from: number, packet: Uint8Array, mode: TransferMode, channel: number, now: number): void {
    if (this.#waiting.has(from)) {
      this.#waiting.delete(from);
      if (isHello(packet)) return this.#hello(from, packet, now);
      this.#plain.add(from);
      this.peerConnected.emit(from);
      this.#incoming.push(packet, from, mode, channel);
      return;
    }
    if (this.#plain.has(from)) {
      this.#incoming.push(packet, from, mode, channel);
      return;
    }
    const session = this.#byTransport.get(from);
    if (session === undefined) return;
    const result = session.link.receive(packet, mode, channel, now, (payload, m, c) => this.#incoming.push(payload, session.id, m, c));
    if (result === Received.BYE) {
      this.inner.disconnectPeer(from);
      this.#byTransport.delete(from);
      session.transport = null;
      this.#end(session, false);
      this.peerDisconnected.emit(session.id);
    } else if (result === Received.ERROR) {
      this.#log.error(`Session ${session.id}: invalid session frame; ending the session.`);
      this.disconnectPeer(session.id, true);
      this.peerDisconnected.emit(session.id);
    }
  }

  #hello(transport: number, packet: Uint8Array, now: number): void {
    const hello = decodeHello(packet);
    if (hello === null) {
      this.#log.error(`Connection ${transport}: malformed session HELLO; dropped.`);
      this.inner.disconnectPeer(transport, true);
      return;
    }
    if (!hello.resume) {
      if (this.#sessions.has(transport) || this.#plain.has(transport))
        return this.#refuse(transport, 'its id is still held by a paused session');
      const session: Session = { id: transport, tokenKey: '', transport, pausedAtMs: 0, link: new SessionLink(this.#o, now) };
      const token = this.#issueToken(session);
      this.#sessions.set(session.id, session);
      this.#byTransport.set(transport, session);
      this.#send(
        transport,
        encodeWelcome({ status: WelcomeStatus.NEW, sessionId: session.id, token, lastReceived: 0 }),
        TransferMode.RELIABLE,
        0,
      );
      this.peerConnected.emit(session.id);
      return;
    }
    const session = this.#byToken.get(tokenKey(hello.token));
    if (session === undefined) return this.#refuse(transport, 'unknown or already used resume token');
    const wasPaused = session.transport === null;
    if (!wasPaused) {
      // The old connection is not known to be dead yet (a killed socket, a partition): drop it.
      this.#byTransport.delete(session.transport!);
      this.inner.disconnectPeer(session.transport!, true);
    }
    session.transport = transport;
    this.#byTransport.set(transport, session);
    session.link.lastHeardMs = now;
    const token = this.#issueToken(session);
    this.#send(
      transport,
      encodeWelcome({ status: WelcomeStatus.RESUMED, sessionId: session.id, token, lastReceived: session.link.received }),
      TransferMode.RELIABLE,
      0,
    );
    for (const p of session.link.resend(hello.lastReceived)) this.#send(transport, p.frame, TransferMode.RELIABLE, p.channel);
    if (wasPaused) this.peerResumed.emit(session.id);
  }

  #refuse(transport: number, why: string): void {
    this.#log.error(`Connection ${transport}: session resume refused: ${why}.`);
    this.#send(
      transport,
      encodeWelcome({ status: WelcomeStatus.REFUSED, sessionId: 0, token: new Uint8Array(16), lastReceived: 0 }),
      TransferMode.RELIABLE,
      0,
    );
    this.#dropSoon.push(transport);
  }

  #issueToken(session: Session): Uint8Array {
    if (session.tokenKey !== '') this.#byToken.delete(session.tokenKey);
    const token = newToken(this.#rng);
    session.tokenKey = tokenKey(token);
    this.#byToken.set(session.tokenKey, session);
    return token;
  }

  #pause(session: Session): void {
    if (session.transport === null) return;
    this.#byTransport.delete(session.transport);
    session.transport = null;
    session.pausedAtMs = this.#clock.nowMs();
    this.peerPaused.emit(session.id);
  }

  /** Forgets a session; `announce` queues its peerDisconnected for the next poll. */
  #end(session: Session, announce: boolean): void {
    if (!this.#sessions.delete(session.id)) return;
    if (session.transport !== null) this.#byTransport.delete(session.transport);
    this.#byToken.delete(session.tokenKey);
    if (announce) this.#events.push(() => this.peerDisconnected.emit(session.id));
  }

  #timers(now: number): void {
    for (const [transport, since] of this.#waiting) {
      if (now - since < this.#helloTimeoutMs) continue;
      this.#waiting.delete(transport);
      this.#plain.add(transport);
      this.peerConnected.emit(transport);
    }
    for (const session of [...this.#sessions.values()]) {
      if (session.transport === null) {
        if (now - session.pausedAtMs >= this.#o.graceMs) {
          this.#log.info(`Session ${session.id}: not resumed within ${this.#o.graceMs} ms; disconnected.`);
          this.#end(session, false);
          this.peerDisconnected.emit(session.id);
        }
        continue;
      }
      if (session.link.silent(now)) {
        const transport = session.transport;
        this.#pause(session);
        this.inner.disconnectPeer(transport, true);
        continue;
      }
      const control = session.link.due(now);
      if (control !== null) this.#send(session.transport, control, TransferMode.RELIABLE, 0);
    }
  }

  #putPlain(id: number, packet: Uint8Array): ErrorCode {
    this.inner.transferMode = this.transferMode;
    this.inner.transferChannel = this.transferChannel;
    this.inner.setTargetPeer(id);
    return this.inner.putPacket(packet);
  }

  #putSession(session: Session, packet: Uint8Array): ErrorCode {
    const mode = this.transferMode;
    const channel = this.transferChannel;
    if (mode === TransferMode.RELIABLE) {
      const frame = session.link.reliable(packet, channel);
      if (frame === null) {
        this.#log.error(`Session ${session.id}: more than its buffer of unacknowledged packets; ending the session.`);
        this.disconnectPeer(session.id);
        return ErrorCode.ERR_OUT_OF_MEMORY;
      }
      if (session.transport !== null) this.#send(session.transport, frame, mode, channel);
      return ErrorCode.OK;
    }
    if (session.transport === null) return ErrorCode.OK; // unreliable: lost in the gap, as it may be anyway
    const frame = new Uint8Array(packet.length + 1);
    frame[0] = Frame.UNRELIABLE;
    frame.set(packet, 1);
    return this.#send(session.transport, frame, mode, channel);
  }

  #send(transport: number, frame: Uint8Array, mode: TransferMode, channel: number): ErrorCode {
    this.inner.transferMode = mode;
    this.inner.transferChannel = channel;
    this.inner.setTargetPeer(transport);
    const err = this.inner.putPacket(frame);
    const session = this.#byTransport.get(transport);
    if (session !== undefined) session.link.lastSentMs = this.#clock.nowMs();
    return err;
  }
}
