import { ErrorCode } from './error-code.js';
import { MultiplayerError } from './errors.js';
import { ConnectionStatus, MultiplayerPeer, TransferMode, type MultiplayerPeerOptions } from './multiplayer-peer.js';
import { Signal } from './signal.js';

/** A peer signal that may only fire while its peer allows it (inside `poll()`, `close()`, `disconnectPeer()`). */
class GuardedSignal extends Signal<[id: number]> {
  readonly #check: (id: number) => void;

  constructor(check: (id: number) => void) {
    super();
    this.#check = check;
  }

  override emit(id: number): void {
    this.#check(id);
    super.emit(id);
  }
}

/**
 * Godot: MultiplayerPeerExtension (scene/main/multiplayer_peer.h), the base for a custom transport.
 * Implement the underscore methods; the public `MultiplayerPeer` methods call them and enforce the
 * contract every scenenet transport keeps, so a mistake fails at once, where it is made:
 *
 * - `peerConnected`/`peerDisconnected` may be emitted only inside `_poll()`, `_close()` and
 *   `_disconnectPeer()`: emitting one from a socket callback throws a `MultiplayerError` (ERR_BUG).
 *   Queue the event in the callback and emit it from `_poll()`.
 * - `peerConnected(id)` twice without a `peerDisconnected(id)` between, a `peerDisconnected` for a
 *   peer never announced, and a packet from a peer readable before its `peerConnected` all throw.
 * - `putPacket` answers ERR_UNCONFIGURED unless `_getConnectionStatus()` is CONNECTED, and
 *   `getPacket` answers ERR_UNAVAILABLE when `_getAvailablePacketCount()` is 0, before your code runs.
 * - The target peer, transfer mode and channel are kept here and handed to `_putPacketScript`.
 *
 * A reliable-only transport reports every packet's mode as RELIABLE (the conformance suite checks
 * that honesty: see `scenenet/testing`).
 */
export abstract class MultiplayerPeerExtension extends MultiplayerPeer {
  override readonly peerConnected: Signal<[id: number]> = new GuardedSignal((id) => this.#onConnected(id));
  override readonly peerDisconnected: Signal<[id: number]> = new GuardedSignal((id) => this.#onDisconnected(id));

  /** Depth of `poll()`/`close()`/`disconnectPeer()` calls in progress: signals are allowed while > 0. */
  #inside = 0;
  readonly #connected = new Set<number>();
  /** Every id ever announced with `peerConnected` (packets from them may still be read after they leave). */
  readonly #announced = new Set<number>();
  #target = 0;

  constructor(options: MultiplayerPeerOptions = {}) {
    super(options);
  }

  // --- The virtuals a transport implements (Godot's names, camelCased). ---

  /** Godot: _poll. Move what the sockets queued into view; emit the signals here. */
  protected abstract _poll(): void;
  /** Godot: _close. Close every connection, now. */
  protected abstract _close(): void;
  /** Godot: _disconnect_peer. */
  protected abstract _disconnectPeer(id: number, force: boolean): void;
  /** Godot: _get_connection_status. */
  protected abstract _getConnectionStatus(): ConnectionStatus;
  /** Godot: _get_unique_id. 1 on a server; the id the server gave on a client (0 before). */
  protected abstract _getUniqueId(): number;
  /** Godot: _is_server. */
  protected abstract _isServer(): boolean;
  /** Godot: _get_available_packet_count: packets made readable by `_poll()`. */
  protected abstract _getAvailablePacketCount(): number;
  /** Godot: _get_max_packet_size. */
  protected abstract _getMaxPacketSize(): number;
  /** Godot: _get_packet_peer: the sender of the next packet. */
  protected abstract _getPacketPeer(): number;
  /** Godot: _get_packet_channel. Default 0 (a single-channel transport). */
  protected _getPacketChannel(): number {
    return 0;
  }
  /** Godot: _get_packet_mode. Default RELIABLE (a reliable-only transport). */
  protected _getPacketMode(): TransferMode {
    return TransferMode.RELIABLE;
  }
  /** Godot: _get_packet_script: removes and returns the next packet (there is one: the base checked). */
  protected abstract _getPacketScript(): Uint8Array;
  /**
   * Godot: _put_packet_script. Sends `packet` to `target` (a peer id, 0 for all, `-id` for all but
   * id); only called while CONNECTED.
   */
  // Divergence from Godot: the target, mode and channel are passed in (Godot's extension stores them
  // through the _set_target_peer/_set_transfer_* virtuals and the transport reads them back).
  protected abstract _putPacketScript(packet: Uint8Array, target: number, mode: TransferMode, channel: number): ErrorCode;
  /** Godot: _is_server_relay_supported. Default false. */
  protected _isServerRelaySupported(): boolean {
    return false;
  }

  // --- The MultiplayerPeer API, calling the virtuals under the contract's rules. ---

  override poll(): void {
    this.#within(() => this._poll());
    if (this._getAvailablePacketCount() > 0) {
      const from = this._getPacketPeer();
      if (!this.#announced.has(from)) {
        throw new MultiplayerError(
          ErrorCode.ERR_BUG,
          `${this.constructor.name}: a packet from peer ${from} is readable before peerConnected(${from}); emit the signal first, in the same _poll().`,
        );
      }
    }
  }

  override close(): void {
    this.#within(() => this._close());
  }

  override disconnectPeer(id: number, force = false): void {
    this.#within(() => this._disconnectPeer(id, force));
  }

  override getConnectionStatus(): ConnectionStatus {
    return this._getConnectionStatus();
  }
  override getUniqueId(): number {
    return this._getUniqueId();
  }
  override isServer(): boolean {
    return this._isServer();
  }
  override isServerRelaySupported(): boolean {
    return this._isServerRelaySupported();
  }
  override getAvailablePacketCount(): number {
    return this._getAvailablePacketCount();
  }
  override getMaxPacketSize(): number {
    return this._getMaxPacketSize();
  }

  override setTargetPeer(id: number): void {
    this.#target = id;
  }
  /** The target the next `putPacket` goes to. */
  protected get targetPeer(): number {
    return this.#target;
  }

  override getPacketPeer(): number {
    return this._getAvailablePacketCount() > 0 ? this._getPacketPeer() : 0;
  }
  override getPacketMode(): TransferMode {
    return this._getAvailablePacketCount() > 0 ? this._getPacketMode() : TransferMode.RELIABLE;
  }
  override getPacketChannel(): number {
    return this._getAvailablePacketCount() > 0 ? this._getPacketChannel() : 0;
  }

  override getPacket(): Uint8Array | ErrorCode {
    if (this._getAvailablePacketCount() === 0) return ErrorCode.ERR_UNAVAILABLE;
    return this._getPacketScript();
  }

  override putPacket(packet: Uint8Array): ErrorCode {
    if (this._getConnectionStatus() !== ConnectionStatus.CONNECTED) return ErrorCode.ERR_UNCONFIGURED;
    return this._putPacketScript(packet, this.#target, this.transferMode, this.transferChannel);
  }

  #within(fn: () => void): void {
    this.#inside++;
    try {
      fn();
    } finally {
      this.#inside--;
    }
  }

  #onConnected(id: number): void {
    this.#checkInside('peerConnected', id);
    if (this.#connected.has(id)) {
      throw new MultiplayerError(
        ErrorCode.ERR_BUG,
        `${this.constructor.name}: peerConnected(${id}) emitted twice without peerDisconnected(${id}).`,
      );
    }
    this.#connected.add(id);
    this.#announced.add(id);
  }

  #onDisconnected(id: number): void {
    this.#checkInside('peerDisconnected', id);
    if (!this.#connected.delete(id)) {
      throw new MultiplayerError(ErrorCode.ERR_BUG, `${this.constructor.name}: peerDisconnected(${id}) for a peer that is not connected.`);
    }
  }

  #checkInside(signal: string, id: number): void {
    if (this.#inside > 0) return;
    throw new MultiplayerError(
      ErrorCode.ERR_BUG,
      `${this.constructor.name}: ${signal}(${id}) emitted outside poll()/close()/disconnectPeer(). Queue the event where it happens and emit it from _poll().`,
    );
  }
}
