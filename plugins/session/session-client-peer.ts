import {
  ConnectionStatus,
  ErrorCode,
  MultiplayerPeer,
  PacketQueue,
  Signal,
  TransferMode,
  isPacket,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
} from '../../core/index.js';
import { Received, SessionLink, resolveSessionOptions, type ResolvedSessionOptions, type SessionOptions } from './session-link.js';
import { Frame, TOKEN_BYTES, WelcomeStatus, controlFrame, decodeWelcome, encodeHello, isWelcome, tokenKey } from './session-protocol.js';

/** Options of `SessionClientPeer`. */
export interface SessionClientOptions extends SessionOptions {
  /**
   * Makes a new client transport peer and starts connecting it to the same server (called after a
   * drop, once per attempt). Example: `() => { const p = new WebSocketMultiplayerPeer(); p.createClient(url); return p; }`.
   */
  readonly reconnect: () => MultiplayerPeer;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Wait this long for the server's WELCOME before treating it as a stock (Godot) server, ms. Default 1 000. */
  readonly helloTimeoutMs?: number;
  /** Pause between reconnection attempts, ms. Default 250. */
  readonly retryDelayMs?: number;
  /** Give up an attempt that connected but got no WELCOME after this long, ms. Default 2 000. */
  readonly attemptTimeoutMs?: number;
}

const State = { HELLO: 0, SESSION: 1, PLAIN: 2, PAUSED: 3, CLOSED: 4 } as const;
type State = (typeof State)[keyof typeof State];

/**
 * The client half of session resume: wraps a client transport peer, opens a session with a
 * `SessionServerPeer`, and when the connection drops (closed, or silent for `timeoutMs`) reconnects
 * by itself with `reconnect()` and resumes within `graceMs`, keeping its peer id. Meanwhile it stays
 * CONNECTED for SceneMultiplayer: reliable packets sent during the gap are kept and delivered after
 * the resume, in order, once; unreliable ones are dropped. When the grace passes, the server refuses
 * the token, or the buffer overflows, the peer becomes DISCONNECTED and emits `peerDisconnected(1)`,
 * as a normal disconnection. Against a stock Godot server (no WELCOME) it falls back to plain mode.
 */
// Divergence from Godot: not in Godot (a Godot client reconnects as a new peer).
export class SessionClientPeer extends MultiplayerPeer {
  /** The connection dropped; reconnecting. */
  readonly paused = new Signal();
  /** The session resumed on a new connection. */
  readonly resumed = new Signal();

  readonly #reconnect: () => MultiplayerPeer;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #o: ResolvedSessionOptions;
  readonly #helloTimeoutMs: number;
  readonly #retryDelayMs: number;
  readonly #attemptTimeoutMs: number;
  #inner: MultiplayerPeer;
  #state: State = State.HELLO;
  #helloSent = false;
  #innerSinceMs: number;
  #sessionId = 0;
  #token: Uint8Array = new Uint8Array(TOKEN_BYTES);
  #link: SessionLink | null = null;
  #pausedAtMs = 0;
  #nextAttemptMs = 0;
  readonly #incoming = new PacketQueue();
  readonly #events: Array<() => void> = [];

  constructor(inner: MultiplayerPeer, options: SessionClientOptions) {
    super();
    this.#reconnect = options.reconnect;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.logger ?? silentLogger;
    this.#o = resolveSessionOptions(options);
    this.#helloTimeoutMs = options.helloTimeoutMs ?? 1000;
    this.#retryDelayMs = options.retryDelayMs ?? 250;
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? 2000;
    this.#inner = inner;
    this.#innerSinceMs = this.#clock.nowMs();
  }

  /** The transport peer in use now (a new one after each reconnection). */
  get inner(): MultiplayerPeer {
    return this.#inner;
  }

  /** Whether a session was negotiated (false against a stock Godot server). */
  get hasSession(): boolean {
    return this.#state === State.SESSION || this.#state === State.PAUSED;
  }

  /** The current resume token in hex ('' before a session): what a reconnection presents; it changes on every resume. */
  get resumeToken(): string {
    return this.hasSession ? tokenKey(this.#token) : '';
  }

  /** Whether the connection is down and being re-established. */
  get isPaused(): boolean {
    return this.#state === State.PAUSED;
  }

  override setTargetPeer(id: number): void {
    this.#inner.setTargetPeer(id);
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
  override getMaxPacketSize(): number {
    return this.#inner.getMaxPacketSize() - 5;
  }
  override getPacket(): Uint8Array | ErrorCode {
    return this.#incoming.shift() ?? ErrorCode.ERR_UNAVAILABLE;
  }

  override putPacket(packet: Uint8Array): ErrorCode {
    if (this.#state === State.PLAIN) return this.#put(this.#inner, packet, this.transferMode, this.transferChannel);
    if (this.#state !== State.SESSION && this.#state !== State.PAUSED) return ErrorCode.ERR_UNCONFIGURED;
    const link = this.#link!;
    if (this.transferMode === TransferMode.RELIABLE) {
      const frame = link.reliable(packet, this.transferChannel);
      if (frame === null) {
        this.#log.error('Session: more unacknowledged packets than the buffer holds; ending the session.');
        this.#end(true);
        return ErrorCode.ERR_OUT_OF_MEMORY;
      }
      if (this.#state === State.SESSION) this.#put(this.#inner, frame, TransferMode.RELIABLE, this.transferChannel);
      return ErrorCode.OK;
    }
    if (this.#state !== State.SESSION) return ErrorCode.OK;
    const frame = new Uint8Array(packet.length + 1);
    frame[0] = Frame.UNRELIABLE;
    frame.set(packet, 1);
    return this.#put(this.#inner, frame, this.transferMode, this.transferChannel);
  }

  override disconnectPeer(id: number, force = false): void {
    if (id !== MultiplayerPeer.TARGET_PEER_SERVER) throw new Error(`Invalid peer id: ${id}`);
    const wasOpen = this.#state !== State.CLOSED;
    this.close();
    if (wasOpen && !force) this.#events.push(() => this.peerDisconnected.emit(MultiplayerPeer.TARGET_PEER_SERVER));
  }

  override isServer(): boolean {
    return false;
  }

  override getUniqueId(): number {
    if (this.#state === State.SESSION || this.#state === State.PAUSED) return this.#sessionId;
    if (this.#state === State.CLOSED) return 0;
    return this.#inner.getUniqueId();
  }

  override getConnectionStatus(): ConnectionStatus {
    switch (this.#state) {
      case State.SESSION:
      case State.PAUSED:
        return ConnectionStatus.CONNECTED;
      case State.PLAIN:
        return this.#inner.getConnectionStatus();
      case State.CLOSED:
        return ConnectionStatus.DISCONNECTED;
      default:
        return this.#inner.getConnectionStatus() === ConnectionStatus.DISCONNECTED
          ? ConnectionStatus.DISCONNECTED
          : ConnectionStatus.CONNECTING;
    }
  }

  override isServerRelaySupported(): boolean {
    return this.#inner.isServerRelaySupported();
  }

  override close(): void {
    if (this.#state === State.CLOSED) return;
    if (this.#state === State.SESSION) this.#put(this.#inner, controlFrame(Frame.BYE), TransferMode.RELIABLE, 0);
    this.#state = State.CLOSED;
    this.#inner.close();
    this.#link = null;
  }

  override poll(): void {
    for (let e = this.#events.shift(); e !== undefined; e = this.#events.shift()) e();
    if (this.#state === State.CLOSED) return;
    const now = this.#clock.nowMs();
    if (this.#state === State.PAUSED && this.#nextAttemptMs > 0 && now >= this.#nextAttemptMs) this.#attempt(now);
    const inner = this.#inner;
    inner.poll();
    const status = inner.getConnectionStatus();
    if (status === ConnectionStatus.CONNECTED && !this.#helloSent && (this.#state === State.HELLO || this.#state === State.PAUSED)) {
      this.#helloSent = true;
      const resume = this.#state === State.PAUSED;
      this.#put(
        inner,
        encodeHello({ resume, token: this.#token, lastReceived: resume ? this.#link!.received : 0 }),
        TransferMode.RELIABLE,
        0,
      );
      this.#innerSinceMs = now;
    }
    while (inner.getAvailablePacketCount() > 0 && (this.#state as State) !== State.CLOSED && inner === this.#inner) {
      const mode = inner.getPacketMode();
      const channel = inner.getPacketChannel();
      const packet = inner.getPacket();
      if (!isPacket(packet)) break;
      this.#receive(packet, mode, channel, now);
    }
    if ((this.#state as State) === State.CLOSED || inner !== this.#inner) return;
    this.#timers(inner.getConnectionStatus(), now);
  }

  #receive(packet: Uint8Array, mode: TransferMode, channel: number, now: number): void {
    if (this.#state === State.PLAIN) {
      this.#incoming.push(packet, MultiplayerPeer.TARGET_PEER_SERVER, mode, channel);
      return;
    }
    if (this.#state === State.HELLO) {
      if (!isWelcome(packet)) {
        // A stock server: no session; this packet is Godot's.
        this.#plainMode();
        this.#incoming.push(packet, MultiplayerPeer.TARGET_PEER_SERVER, mode, channel);
        return;
      }
      const w = decodeWelcome(packet);
      if (w === null || w.status !== WelcomeStatus.NEW) return this.#fail('the server refused the session');
      this.#sessionId = w.sessionId;
      this.#token = w.token;
      this.#link = new SessionLink(this.#o, now);
      this.#state = State.SESSION;
      this.peerConnected.emit(MultiplayerPeer.TARGET_PEER_SERVER);
      return;
    }
    const link = this.#link!;
    if (isWelcome(packet)) {
      const w = decodeWelcome(packet);
      if (this.#state !== State.PAUSED || w === null || w.status !== WelcomeStatus.RESUMED || w.sessionId !== this.#sessionId) {
        this.#log.error('Session: the server refused the resume.');
        return this.#end(false);
      }
      this.#token = w.token;
      this.#state = State.SESSION;
      link.lastHeardMs = now;
      for (const p of link.resend(w.lastReceived)) this.#put(this.#inner, p.frame, TransferMode.RELIABLE, p.channel);
      this.resumed.emit();
      return;
    }
    const result = link.receive(packet, mode, channel, now, (payload, m, c) =>
      this.#incoming.push(payload, MultiplayerPeer.TARGET_PEER_SERVER, m, c),
    );
    if (result === Received.BYE) return this.#end(false);
    if (result === Received.ERROR) {
      this.#log.error(`Session: invalid session frame from the server (${packet.length} bytes, type ${packet[0]}); ending the session.`);
      this.#end(false);
    }
  }

  #timers(status: ConnectionStatus, now: number): void {
    switch (this.#state) {
      case State.HELLO:
        if (status === ConnectionStatus.DISCONNECTED) return this.#fail(null);
        if (this.#helloSent && now - this.#innerSinceMs >= this.#helloTimeoutMs) this.#plainMode();
        return;
      case State.PLAIN:
        if (status === ConnectionStatus.DISCONNECTED) this.#end(false);
        return;
      case State.SESSION: {
        const link = this.#link!;
        if (status === ConnectionStatus.DISCONNECTED || link.silent(now)) return this.#pause(now);
        const control = link.due(now);
        if (control !== null) this.#put(this.#inner, control, TransferMode.RELIABLE, 0);
        return;
      }
      case State.PAUSED:
        if (now - this.#pausedAtMs >= this.#o.graceMs) {
          this.#log.error(`Session: not resumed within ${this.#o.graceMs} ms; disconnected.`);
          return this.#end(false);
        }
        // An attempt that failed, or connected but got no WELCOME in time: try again. One still
        // connecting is left to finish (abandoning it would leave a half-open connection behind).
        if (
          this.#nextAttemptMs === 0 &&
          (status === ConnectionStatus.DISCONNECTED || (this.#helloSent && now - this.#innerSinceMs >= this.#attemptTimeoutMs))
        ) {
          this.#inner.close();
          this.#nextAttemptMs = now + this.#retryDelayMs;
        }
        return;
      default:
    }
  }

  #pause(now: number): void {
    this.#state = State.PAUSED;
    this.#pausedAtMs = now;
    this.#inner.close();
    this.#nextAttemptMs = now + this.#retryDelayMs;
    this.paused.emit();
  }

  #attempt(now: number): void {
    this.#nextAttemptMs = 0;
    this.#helloSent = false;
    this.#innerSinceMs = now;
    try {
      this.#inner = this.#reconnect();
    } catch (err) {
      this.#log.error(`Session: reconnect() threw: ${err instanceof Error ? err.message : String(err)}`);
      this.#nextAttemptMs = now + this.#retryDelayMs;
    }
  }

  #plainMode(): void {
    this.#state = State.PLAIN;
    this.peerConnected.emit(MultiplayerPeer.TARGET_PEER_SERVER);
  }

  /** The first connection failed: DISCONNECTED while CONNECTING (SceneMultiplayer reports connectionFailed). */
  #fail(reason: string | null): void {
    if (reason !== null) this.#log.error(`Session: ${reason}.`);
    this.#state = State.CLOSED;
    this.#inner.close();
  }

  /** The session ended: DISCONNECTED, and peerDisconnected(1) (now when polling, else on the next poll). */
  #end(deferred: boolean): void {
    if (this.#state === State.CLOSED) return;
    this.#state = State.CLOSED;
    this.#inner.close();
    this.#link = null;
    if (deferred) this.#events.push(() => this.peerDisconnected.emit(MultiplayerPeer.TARGET_PEER_SERVER));
    else this.peerDisconnected.emit(MultiplayerPeer.TARGET_PEER_SERVER);
  }

  #put(peer: MultiplayerPeer, frame: Uint8Array, mode: TransferMode, channel: number): ErrorCode {
    peer.transferMode = mode;
    peer.transferChannel = channel;
    peer.setTargetPeer(MultiplayerPeer.TARGET_PEER_SERVER);
    const err = peer.putPacket(frame);
    if (this.#link !== null) this.#link.lastSentMs = this.#clock.nowMs();
    return err;
  }
}
