import { ErrorCode, PacketPeerBase, PacketQueue, silentLogger, type Logger } from '../../core/index.js';
import type { RtcChannelHandle } from './rtc-backend.js';

/** Godot: WebRTCDataChannel::WriteMode. */
export const WriteMode = { TEXT: 0, BINARY: 1 } as const;
export type WriteMode = (typeof WriteMode)[keyof typeof WriteMode];

/** Godot: WebRTCDataChannel::ChannelState. */
export const ChannelState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
export type ChannelState = (typeof ChannelState)[keyof typeof ChannelState];

/** What Godot reports for an unset `maxPacketLifeTime` / `maxRetransmits`. */
const UNSET = 65535;
/**
 * Bytes a channel may hold unread before it drops incoming messages (Godot's webrtc-native plugin
 * uses a fixed ring buffer and prints "Buffer full! Dropping data." in the same situation).
 */
const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

/** A state change, with how many messages had arrived before it (they become readable first). */
type ChannelEvent = { readonly after: number } & (
  | { readonly kind: 'open' }
  | { readonly kind: 'closed' }
  | { readonly kind: 'error'; readonly message: string }
);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Options of a data channel wrapper (made by `WebRTCPeerConnection`, not by users). */
export interface WebRTCDataChannelOptions {
  readonly logger?: Logger;
  /** Unread bytes above which incoming messages are dropped (and logged once). Default 16 MiB. */
  readonly maxQueuedBytes?: number;
}

/**
 * Godot: WebRTCDataChannel (modules/webrtc/webrtc_data_channel.h). A PacketPeer over one data channel.
 *
 * Polled: native callbacks only queue; `poll()` (called by the owning connection's `poll()` too)
 * applies state changes and makes received messages readable.
 */
export class WebRTCDataChannel extends PacketPeerBase {
  /** Godot property `write_mode`: how `putPacket` sends (TEXT sends the bytes as a UTF-8 string). */
  writeMode: WriteMode = WriteMode.BINARY;

  readonly #handle: RtcChannelHandle;
  readonly #log: Logger;
  readonly #maxQueuedBytes: number;
  /** State changes not yet applied (rare); messages wait in `#queue`, not here (no object per message). */
  #events: ChannelEvent[] = [];
  /**
   * Every message received and not yet read (`from` is 1 for a text message), in order: the first
   * `#released - #taken` are readable, the rest arrived after the last `poll()`. One queue, so making
   * messages readable moves nothing: `poll()` only advances `#released`.
   */
  readonly #queue = new PacketQueue();
  /** Messages ever queued: a state event's `after` refers to this count. */
  #arrived = 0;
  /** Messages ever made readable. */
  #released = 0;
  /** Messages ever read. */
  #taken = 0;
  #state: ChannelState = ChannelState.CONNECTING;
  #lastWasString = false;
  #maxMessageSize = 0;
  #overflowLogged = false;

  /** @internal Wraps a backend handle; use `WebRTCPeerConnection.createDataChannel`. */
  constructor(handle: RtcChannelHandle, options: WebRTCDataChannelOptions = {}) {
    super();
    this.#handle = handle;
    this.#log = options.logger ?? silentLogger;
    this.#maxQueuedBytes = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    handle.listen({
      open: () => this.#events.push({ kind: 'open', after: this.#arrived }),
      closed: () => this.#events.push({ kind: 'closed', after: this.#arrived }),
      error: (message) => this.#events.push({ kind: 'error', message, after: this.#arrived }),
      message: (data) => this.#onMessage(data),
    });
  }

  /** Godot: WebRTCDataChannel::poll. Applies queued state changes; makes received packets readable. */
  poll(): ErrorCode {
    const events = this.#events;
    if (events.length !== 0) this.#events = [];
    for (const e of events) {
      if (this.#state === ChannelState.CLOSED) break;
      this.#release(e.after);
      switch (e.kind) {
        case 'open':
          if (this.#state !== ChannelState.CONNECTING) break;
          this.#state = ChannelState.OPEN;
          // Fixed once the SCTP association is up; read once rather than per packet (a native call).
          this.#maxMessageSize = this.#readMaxMessageSize();
          break;
        case 'closed':
          this.#state = ChannelState.CLOSED;
          break;
        case 'error':
          this.#log.warn(`WebRTCDataChannel "${this.getLabel()}": ${e.message}`);
          break;
      }
    }
    if (this.#state === ChannelState.CLOSED) this.#dropArrived();
    else this.#released = this.#arrived;
    return ErrorCode.OK;
  }

  /** Makes the messages that arrived before the `count`-th one readable. */
  #release(count: number): void {
    if (count > this.#released) this.#released = count;
  }

  /** Forgets messages not yet readable (they came after the channel closed); rare, so it may copy. */
  #dropArrived(): void {
    const unreadable = this.#arrived - this.#released;
    if (unreadable === 0) return;
    const queue = this.#queue;
    const readable: Array<[Uint8Array, number]> = [];
    for (let n = this.#released - this.#taken; n > 0; n--) {
      const from = queue.peekFrom(0);
      readable.push([queue.shift()!, from]);
    }
    queue.clear();
    for (const [data, from] of readable) queue.push(data, from);
    this.#arrived = this.#released;
  }

  /** Godot: WebRTCDataChannel::close. The state becomes CLOSED at once; unread packets are kept. */
  close(): void {
    if (this.#state === ChannelState.CLOSED) return;
    this.#state = ChannelState.CLOSED;
    this.#dropArrived();
    this.#events = [];
    try {
      this.#handle.close();
    } catch {
      // Already closed underneath (the connection went first): nothing left to release.
    }
  }

  /** Godot: PacketPeer::get_available_packet_count. */
  getAvailablePacketCount(): number {
    return this.#released - this.#taken;
  }

  /** Godot: PacketPeer::get_packet. `ERR_UNAVAILABLE` when nothing is readable. */
  getPacket(): Uint8Array | ErrorCode {
    if (this.#released === this.#taken) return ErrorCode.ERR_UNAVAILABLE;
    const queue = this.#queue;
    this.#lastWasString = queue.peekFrom(0) === 1;
    this.#taken++;
    return queue.shift()!;
  }

  /** Godot: PacketPeer::put_packet. `ERR_UNCONFIGURED` unless OPEN (as last seen by `poll()`). */
  putPacket(packet: Uint8Array): ErrorCode {
    if (this.#state !== ChannelState.OPEN) return ErrorCode.ERR_UNCONFIGURED;
    if (packet.byteLength > this.getMaxPacketSize()) return ErrorCode.ERR_INVALID_PARAMETER;
    try {
      this.#handle.send(this.writeMode === WriteMode.TEXT ? decoder.decode(packet) : packet);
    } catch (err) {
      this.#log.debug(`WebRTCDataChannel "${this.getLabel()}": send failed: ${String(err)}`);
      return ErrorCode.FAILED;
    }
    return ErrorCode.OK;
  }

  /** Largest message the channel accepts (the SCTP max-message-size the peers agreed on). */
  getMaxPacketSize(): number {
    return this.#maxMessageSize > 0 ? this.#maxMessageSize : this.#readMaxMessageSize();
  }

  #readMaxMessageSize(): number {
    try {
      return this.#handle.maxMessageSize();
    } catch {
      return 0;
    }
  }

  /** Godot: WebRTCDataChannel::was_string_packet. Whether the last packet read arrived as text. */
  wasStringPacket(): boolean {
    return this.#lastWasString;
  }

  /** Godot: WebRTCDataChannel::get_ready_state. */
  getReadyState(): ChannelState {
    return this.#state;
  }

  /** Godot: WebRTCDataChannel::get_label. */
  getLabel(): string {
    return this.#handle.label;
  }

  /** Godot: WebRTCDataChannel::is_ordered. */
  isOrdered(): boolean {
    return this.#handle.init.ordered;
  }

  /** Godot: WebRTCDataChannel::get_id. -1 while the id is not yet known. */
  getId(): number {
    return this.#handle.id;
  }

  /** Godot: WebRTCDataChannel::get_max_packet_life_time. 65535 when unset. */
  getMaxPacketLifeTime(): number {
    const v = this.#handle.init.maxPacketLifeTime;
    return v < 0 ? UNSET : v;
  }

  /** Godot: WebRTCDataChannel::get_max_retransmits. 65535 when unset. */
  getMaxRetransmits(): number {
    const v = this.#handle.init.maxRetransmits;
    return v < 0 ? UNSET : v;
  }

  /** Godot: WebRTCDataChannel::get_protocol. */
  getProtocol(): string {
    return this.#handle.protocol;
  }

  /** Godot: WebRTCDataChannel::is_negotiated. */
  isNegotiated(): boolean {
    return this.#handle.init.negotiated;
  }

  /** Godot: WebRTCDataChannel::get_buffered_amount. Bytes queued for sending. */
  getBufferedAmount(): number {
    if (this.#state === ChannelState.CLOSED) return 0;
    try {
      return this.#handle.bufferedAmount();
    } catch {
      return 0;
    }
  }

  // Counted on arrival, not on poll, so a peer that stops polling cannot be made to buffer without bound.
  #onMessage(raw: Uint8Array | string): void {
    const isString = typeof raw === 'string';
    const data = isString ? encoder.encode(raw) : raw;
    if (this.#queue.bytes + data.byteLength > this.#maxQueuedBytes) {
      if (!this.#overflowLogged) {
        this.#overflowLogged = true;
        this.#log.error(`WebRTCDataChannel "${this.getLabel()}": buffer full, dropping data.`);
      }
      return;
    }
    this.#queue.push(data, isString ? 1 : 0);
    this.#arrived++;
  }
}
