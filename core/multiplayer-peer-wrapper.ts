import type { ErrorCode } from './error-code.js';
import { MultiplayerPeer, type ConnectionStatus, type MultiplayerPeerOptions, type TransferMode } from './multiplayer-peer.js';

/**
 * A MultiplayerPeer that forwards the whole contract to `inner` and re-emits its signals (when the
 * inner peer emits them: inside its poll/close/disconnectPeer, so the poll model holds). The base of
 * peers that change one part of a transport, such as a network conditioner or a packet recorder:
 * override what changes, inherit the rest.
 */
export class MultiplayerPeerWrapper extends MultiplayerPeer {
  readonly inner: MultiplayerPeer;

  constructor(inner: MultiplayerPeer, options: MultiplayerPeerOptions = {}) {
    super(options);
    this.inner = inner;
    inner.peerConnected.connect((id) => this.onInnerPeerConnected(id));
    inner.peerDisconnected.connect((id) => this.onInnerPeerDisconnected(id));
  }

  /** The inner peer reported a connection; re-emitted by default. */
  protected onInnerPeerConnected(id: number): void {
    this.peerConnected.emit(id);
  }

  /** The inner peer reported a disconnection; re-emitted by default. */
  protected onInnerPeerDisconnected(id: number): void {
    this.peerDisconnected.emit(id);
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
    this.inner.setTargetPeer(id);
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
  putPacket(packet: Uint8Array): ErrorCode {
    return this.inner.putPacket(packet);
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
  override generateUniqueId(): number {
    return this.inner.generateUniqueId();
  }
}
