import type { ErrorCode } from './error-code.js';
import { PacketPeerBase } from './packet-peer.js';
import { cryptoRng, type Rng } from './rng.js';
import { Signal } from './signal.js';

/** Godot: MultiplayerPeer::TransferMode. */
export const TransferMode = { UNRELIABLE: 0, UNRELIABLE_ORDERED: 1, RELIABLE: 2 } as const;
export type TransferMode = (typeof TransferMode)[keyof typeof TransferMode];

/** Godot: MultiplayerPeer::ConnectionStatus. */
export const ConnectionStatus = { DISCONNECTED: 0, CONNECTING: 1, CONNECTED: 2 } as const;
export type ConnectionStatus = (typeof ConnectionStatus)[keyof typeof ConnectionStatus];

/** Dependencies every peer may take; all optional. */
export interface MultiplayerPeerOptions {
  /** Source of client ids (`generateUniqueId`). Defaults to `crypto.getRandomValues`. */
  readonly rng?: Rng;
}

/**
 * Godot: MultiplayerPeer (scene/main/multiplayer_peer.h): the contract every transport implements.
 *
 * The poll model: socket callbacks only queue. `poll()` moves queued events into view; signals fire
 * only inside `poll()`, `close()` and `disconnectPeer()`. `getPacketPeer/Mode/Channel` describe the
 * packet that the next `getPacket()` returns.
 */
export abstract class MultiplayerPeer extends PacketPeerBase {
  static readonly TARGET_PEER_BROADCAST = 0;
  static readonly TARGET_PEER_SERVER = 1;

  readonly peerConnected = new Signal<[id: number]>();
  readonly peerDisconnected = new Signal<[id: number]>();

  protected readonly rng: Rng;
  #transferMode: TransferMode = TransferMode.RELIABLE;
  #transferChannel = 0;
  #refuseNewConnections = false;

  constructor(options: MultiplayerPeerOptions = {}) {
    super();
    this.rng = options.rng ?? cryptoRng;
  }

  /** Godot property `transfer_mode`: mode of the following `putPacket` calls. */
  get transferMode(): TransferMode {
    return this.#transferMode;
  }
  set transferMode(mode: TransferMode) {
    this.#transferMode = mode;
  }

  /** Godot property `transfer_channel`: channel of the following `putPacket` calls. */
  get transferChannel(): number {
    return this.#transferChannel;
  }
  set transferChannel(channel: number) {
    this.#transferChannel = channel;
  }

  /** Godot property `refuse_new_connections`. */
  get refuseNewConnections(): boolean {
    return this.#refuseNewConnections;
  }
  set refuseNewConnections(refuse: boolean) {
    this.#refuseNewConnections = refuse;
  }

  /** Target of the following `putPacket` calls: a peer id, 0 for all, or `-id` for all but `id`. */
  abstract setTargetPeer(id: number): void;
  /** Sender of the next packet. */
  abstract getPacketPeer(): number;
  /** Transfer mode of the next packet. */
  abstract getPacketMode(): TransferMode;
  /** Transfer channel of the next packet. */
  abstract getPacketChannel(): number;
  // getAvailablePacketCount, getMaxPacketSize, getPacket and putPacket: abstract in PacketPeerBase.
  /** Godot: disconnect_peer(peer, force). `force` drops at once, without notifying the remote. */
  abstract disconnectPeer(id: number, force?: boolean): void;
  abstract isServer(): boolean;
  abstract poll(): void;
  abstract close(): void;
  abstract getUniqueId(): number;
  abstract getConnectionStatus(): ConnectionStatus;

  /** Whether SceneMultiplayer may relay through this peer's server. */
  isServerRelaySupported(): boolean {
    return false;
  }

  /** Godot: MultiplayerPeer::generate_unique_id. A positive int32, never 0 or 1. */
  generateUniqueId(): number {
    for (;;) {
      const id = this.rng.nextUint32() & 0x7fffffff;
      if (id > 1) return id;
    }
  }
}

/** True for a valid client peer id: an integer in [2, 2^31 - 1]. */
export function isClientPeerId(id: number): boolean {
  return Number.isInteger(id) && id >= 2 && id <= 0x7fffffff;
}
