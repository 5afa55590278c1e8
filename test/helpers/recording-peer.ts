import {
  MultiplayerPeer,
  type ConnectionStatus,
  type ErrorCode,
  type TransferMode,
} from '../../core/index.js';

/** One packet a RecordingPeer passed on. */
export interface SentPacket {
  readonly to: number;
  readonly mode: TransferMode;
  readonly channel: number;
  readonly bytes: Uint8Array;
}

/**
 * Wraps a real peer and records every packet sent through it (target, mode, channel, bytes), for
 * byte-exact assertions on what SceneMultiplayer puts on the wire. Everything else is delegated.
 */
export class RecordingPeer extends MultiplayerPeer {
  readonly sent: SentPacket[] = [];
  readonly inner: MultiplayerPeer;
  #target = 0;

  constructor(inner: MultiplayerPeer) {
    super();
    this.inner = inner;
    inner.peerConnected.connect((id) => this.peerConnected.emit(id));
    inner.peerDisconnected.connect((id) => this.peerDisconnected.emit(id));
  }

  /** Sent packets as lowercase hex, optionally only those to one peer. */
  hex(to?: number): string[] {
    return this.sent.filter((p) => to === undefined || p.to === to).map((p) => toHex(p.bytes));
  }

  override get transferMode(): TransferMode {
    return this.inner.transferMode;
  }
  override set transferMode(mode: TransferMode) {
    this.inner.transferMode = mode;
  }
  override get transferChannel(): number {
    return this.inner.transferChannel;
  }
  override set transferChannel(channel: number) {
    this.inner.transferChannel = channel;
  }
  override get refuseNewConnections(): boolean {
    return this.inner.refuseNewConnections;
  }
  override set refuseNewConnections(refuse: boolean) {
    this.inner.refuseNewConnections = refuse;
  }

  setTargetPeer(id: number): void {
    this.#target = id;
    this.inner.setTargetPeer(id);
  }
  putPacket(packet: Uint8Array): ErrorCode {
    this.sent.push({ to: this.#target, mode: this.inner.transferMode, channel: this.inner.transferChannel, bytes: packet.slice() });
    return this.inner.putPacket(packet);
  }
  getPacketPeer(): number {
    return this.inner.getPacketPeer();
  }
  getPacketMode(): TransferMode {
    return this.inner.getPacketMode();
  }
  getPacketChannel(): number {
    return this.inner.getPacketChannel();
  }
  getAvailablePacketCount(): number {
    return this.inner.getAvailablePacketCount();
  }
  getMaxPacketSize(): number {
    return this.inner.getMaxPacketSize();
  }
  getPacket(): Uint8Array | ErrorCode {
    return this.inner.getPacket();
  }
  disconnectPeer(id: number, force?: boolean): void {
    this.inner.disconnectPeer(id, force);
  }
  isServer(): boolean {
    return this.inner.isServer();
  }
  poll(): void {
    this.inner.poll();
  }
  close(): void {
    this.inner.close();
  }
  getUniqueId(): number {
    return this.inner.getUniqueId();
  }
  getConnectionStatus(): ConnectionStatus {
    return this.inner.getConnectionStatus();
  }
  override isServerRelaySupported(): boolean {
    return this.inner.isServerRelaySupported();
  }
}

export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** An int32 as the wire writes it (little-endian), in hex: `int32Hex(1234567)` → `'87 d6 12 00'`. */
export function int32Hex(value: number): string {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value, true);
  return toHex(bytes);
}

export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}
