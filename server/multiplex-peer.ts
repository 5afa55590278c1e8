import { ConnectionStatus, ErrorCode, MultiplayerPeer, TransferMode, type Logger, silentLogger } from '../core/index.js';

/**
 * One server-side MultiplayerPeer made of several transports' server peers (a room's WebSocket and
 * ENet sides), so one SceneMultiplayer serves clients of every transport as one match. Peer ids come
 * from each transport; an id that two transports happen to give out at once (a 1 in 2^31 chance) is
 * dropped on the later one. Packets are read from the first part that has any, so `getPacketPeer`,
 * `getPacketMode`, `getPacketChannel` and `getPacket` always describe the same packet.
 */
export class MultiplexPeer extends MultiplayerPeer {
  readonly parts: readonly MultiplayerPeer[];
  readonly #owner = new Map<number, MultiplayerPeer>();
  readonly #log: Logger;
  #target = 0;

  constructor(parts: readonly MultiplayerPeer[], logger: Logger = silentLogger) {
    super();
    this.parts = parts;
    this.#log = logger;
    for (const part of parts) {
      part.peerConnected.connect((id) => this.#onConnected(part, id));
      part.peerDisconnected.connect((id) => this.#onDisconnected(part, id));
    }
  }

  /** The transport that carries peer `id`, or null. */
  partOf(id: number): MultiplayerPeer | null {
    return this.#owner.get(id) ?? null;
  }

  override get refuseNewConnections(): boolean {
    return super.refuseNewConnections;
  }
  override set refuseNewConnections(refuse: boolean) {
    super.refuseNewConnections = refuse;
    for (const part of this.parts) part.refuseNewConnections = refuse;
  }

  setTargetPeer(id: number): void {
    this.#target = id;
  }

  getPacketPeer(): number {
    return this.#next()?.getPacketPeer() ?? 0;
  }
  getPacketMode(): TransferMode {
    return this.#next()?.getPacketMode() ?? TransferMode.RELIABLE;
  }
  getPacketChannel(): number {
    return this.#next()?.getPacketChannel() ?? 0;
  }
  getAvailablePacketCount(): number {
    let count = 0;
    for (const part of this.parts) count += part.getAvailablePacketCount();
    return count;
  }
  getMaxPacketSize(): number {
    return Math.min(...this.parts.map((p) => p.getMaxPacketSize()));
  }
  getPacket(): Uint8Array | ErrorCode {
    return this.#next()?.getPacket() ?? ErrorCode.ERR_UNAVAILABLE;
  }

  putPacket(packet: Uint8Array): ErrorCode {
    const target = this.#target;
    if (target > 0) {
      const part = this.#owner.get(target);
      if (part === undefined) return ErrorCode.ERR_INVALID_PARAMETER;
      return this.#put(part, target, packet);
    }
    const excludedPart = target < 0 ? this.#owner.get(-target) : undefined;
    for (const part of this.parts) {
      if (part.getConnectionStatus() !== ConnectionStatus.CONNECTED) continue;
      this.#put(part, part === excludedPart ? target : 0, packet);
    }
    return ErrorCode.OK;
  }

  disconnectPeer(id: number, force = false): void {
    const part = this.#owner.get(id);
    if (part === undefined) return;
    if (force) this.#owner.delete(id);
    part.disconnectPeer(id, force);
  }

  isServer(): boolean {
    return true;
  }
  override isServerRelaySupported(): boolean {
    return true;
  }
  getUniqueId(): number {
    return MultiplayerPeer.TARGET_PEER_SERVER;
  }
  getConnectionStatus(): ConnectionStatus {
    return this.parts.some((p) => p.getConnectionStatus() === ConnectionStatus.CONNECTED)
      ? ConnectionStatus.CONNECTED
      : ConnectionStatus.DISCONNECTED;
  }

  poll(): void {
    for (const part of this.parts) part.poll();
  }

  close(): void {
    this.#owner.clear();
    for (const part of this.parts) part.close();
  }

  #put(part: MultiplayerPeer, target: number, packet: Uint8Array): ErrorCode {
    part.transferMode = this.transferMode;
    part.transferChannel = this.transferChannel;
    part.setTargetPeer(target);
    return part.putPacket(packet);
  }

  #next(): MultiplayerPeer | null {
    for (const part of this.parts) if (part.getAvailablePacketCount() > 0) return part;
    return null;
  }

  #onConnected(part: MultiplayerPeer, id: number): void {
    if (this.#owner.has(id)) {
      this.#log.warn(`MultiplexPeer: peer id ${id} is already taken on another transport; dropping the new connection.`);
      part.disconnectPeer(id, true);
      return;
    }
    this.#owner.set(id, part);
    this.peerConnected.emit(id);
  }

  #onDisconnected(part: MultiplayerPeer, id: number): void {
    if (this.#owner.get(id) !== part) return;
    this.#owner.delete(id);
    this.peerDisconnected.emit(id);
  }
}
