import type { ErrorCode } from './error-code.js';
import type { MultiplayerPeer } from './multiplayer-peer.js';
import { Signal } from './signal.js';

/** Godot: MultiplayerAPI::RPCMode. */
export const RPCMode = { DISABLED: 0, ANY_PEER: 1, AUTHORITY: 2 } as const;
export type RPCMode = (typeof RPCMode)[keyof typeof RPCMode];

/**
 * Godot: MultiplayerAPI (scene/main/multiplayer_api.h): the high-level API a SceneTree polls.
 * `object` parameters are scene nodes; core does not know the Node class.
 */
export abstract class MultiplayerAPI {
  readonly peerConnected = new Signal<[id: number]>();
  readonly peerDisconnected = new Signal<[id: number]>();
  readonly connectedToServer = new Signal();
  readonly connectionFailed = new Signal();
  readonly serverDisconnected = new Signal();

  /** Godot property `multiplayer_peer`. */
  abstract get multiplayerPeer(): MultiplayerPeer;
  abstract set multiplayerPeer(peer: MultiplayerPeer | null);

  abstract poll(): ErrorCode;
  abstract getUniqueId(): number;
  abstract getPeers(): number[];
  abstract isServer(): boolean;
  abstract getRemoteSenderId(): number;
  /**
   * Godot: MultiplayerAPI.rpc(peer, object, method, arguments = []). Sends `method(...args)` of `object`
   * to `peer` (0 all, `-id` all but that peer). Calls `rpcp`, which each API implements.
   */
  rpc(peer: number, object: object, method: string, args: readonly unknown[] = []): ErrorCode {
    return this.rpcp(object, peer, method, args);
  }
  /**
   * Godot: MultiplayerAPI::rpcp (the C++ virtual behind `rpc`): what an API implements. Callers use `rpc`.
   * @deprecated Call `rpc(peer, object, method, args)`: Godot's public name and argument order.
   */
  abstract rpcp(object: object, peer: number, method: string, args: readonly unknown[]): ErrorCode;
  /** Called by the SceneTree when a subtree root (config `null`) or a replication object is added. */
  abstract objectConfigurationAdd(object: object | null, config: unknown): ErrorCode;
  abstract objectConfigurationRemove(object: object | null, config: unknown): ErrorCode;

  /** Godot: has_multiplayer_peer. */
  hasMultiplayerPeer(): boolean {
    return true;
  }
}
