import { ErrorCode, MultiplayerPeerWrapper, isPacket } from '../core/index.js';
import { CMD_MASK, Command, SYS_CMD_SIZE, SysCommand } from '../scenetree/index.js';

/** Traffic through one transport of one room, as the transport saw it. */
export interface TransportTraffic {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** REMOTE_CALL commands, direct or inside a server relay. */
  rpcsIn: number;
  rpcsOut: number;
}

/** A zeroed `TransportTraffic`. */
export function emptyTraffic(): TransportTraffic {
  return { packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0, rpcsIn: 0, rpcsOut: 0 };
}

/** Whether a SceneMultiplayer packet carries an RPC: a REMOTE_CALL, or a RELAY wrapping one (docs/wire/multiplayer.md §4.4). */
function isRpc(packet: Uint8Array): boolean {
  const command = packet[0]! & CMD_MASK;
  if (command === Command.REMOTE_CALL) return true;
  return (
    command === Command.SYS &&
    packet[1] === SysCommand.RELAY &&
    packet.length > SYS_CMD_SIZE &&
    (packet[SYS_CMD_SIZE]! & CMD_MASK) === Command.REMOTE_CALL
  );
}

/**
 * Counts what crosses a server-side transport: packets, bytes and RPCs in and out (a broadcast counts
 * once per recipient, as the bytes leave once per socket). A few integer additions per packet.
 */
export class CountingPeer extends MultiplayerPeerWrapper {
  readonly traffic: TransportTraffic = emptyTraffic();
  #target = 0;
  #peers = 0;

  /** Peers the inner transport reports connected. */
  get peerCount(): number {
    return this.#peers;
  }

  protected override onInnerPeerConnected(id: number): void {
    this.#peers++;
    super.onInnerPeerConnected(id);
  }

  protected override onInnerPeerDisconnected(id: number): void {
    this.#peers--;
    super.onInnerPeerDisconnected(id);
  }

  override getPacket(): Uint8Array | ErrorCode {
    const packet = this.inner.getPacket();
    if (isPacket(packet)) {
      const t = this.traffic;
      t.packetsIn++;
      t.bytesIn += packet.length;
      if (packet.length > 0 && isRpc(packet)) t.rpcsIn++;
    }
    return packet;
  }

  override putPacket(packet: Uint8Array): ErrorCode {
    const err = this.inner.putPacket(packet);
    if (err !== ErrorCode.OK) return err;
    const recipients = this.#target > 0 ? 1 : Math.max(0, this.#peers - (this.#target < 0 ? 1 : 0));
    const t = this.traffic;
    t.packetsOut += recipients;
    t.bytesOut += packet.length * recipients;
    if (packet.length > 0 && isRpc(packet)) t.rpcsOut += recipients;
    return err;
  }

  override setTargetPeer(id: number): void {
    this.#target = id;
    this.inner.setTargetPeer(id);
  }
}
