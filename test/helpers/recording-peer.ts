import { MultiplayerPeerWrapper, type ErrorCode, type MultiplayerPeer, type TransferMode } from '../../core/index.js';

/** One packet a RecordingPeer passed on. */
export interface SentPacket {
  readonly to: number;
  readonly mode: TransferMode;
  readonly channel: number;
  readonly bytes: Uint8Array;
}

/**
 * Wraps a real peer and records every packet sent through it (target, mode, channel, bytes), for
 * byte-exact assertions on what SceneMultiplayer puts on the wire. Everything else is forwarded.
 */
export class RecordingPeer extends MultiplayerPeerWrapper {
  readonly sent: SentPacket[] = [];
  #target = 0;

  constructor(inner: MultiplayerPeer) {
    super(inner);
  }

  /** Sent packets as lowercase hex, optionally only those to one peer. */
  hex(to?: number): string[] {
    return this.sent.filter((p) => to === undefined || p.to === to).map((p) => toHex(p.bytes));
  }

  override setTargetPeer(id: number): void {
    this.#target = id;
    super.setTargetPeer(id);
  }

  override putPacket(packet: Uint8Array): ErrorCode {
    this.sent.push({ to: this.#target, mode: this.transferMode, channel: this.transferChannel, bytes: packet.slice() });
    return super.putPacket(packet);
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
