import type { ErrorCode, Logger, NodePath, TransferMode, VariantType } from '../../core/index.js';
import type { Node } from '../node.js';
import type { DropReason } from './drop-reason.js';
import type { RpcTable } from './rpc-table.js';

/**
 * What SceneMultiplayer lends its helper interfaces (cache, RPC): Godot passes them the
 * `SceneMultiplayer*` itself; we pass this narrow view so each helper sees only what it uses.
 */
export interface MultiplayerContext {
  readonly log: Logger;
  readonly rootPath: NodePath;
  /** The node at `rootPath`, or null before the API has a tree or while the root is missing. */
  getRootNode(): Node | null;
  getUniqueId(): number;
  isConnectedPeer(id: number): boolean;
  getConnectedPeers(): Iterable<number>;
  getRemoteSenderId(): number;
  /** Godot: SceneMultiplayer::send_command, with the transfer mode and channel to use. */
  sendCommand(to: number, packet: Uint8Array, mode: TransferMode, channel: number): ErrorCode;
  /** A structurally invalid packet: log once and disconnect the sender (policy; no wire change). */
  rejectMalformed(from: number, reason: string): void;
  /** A well-formed packet or call refused by policy: counted under `reason`, and `message` logged unless null. */
  refuse(from: number, reason: DropReason, message: string | null): void;
  /** Like `refuse`, but `message` is logged only the first time this peer is refused for `reason`. */
  refuseOnce(from: number, reason: DropReason, message: string): void;
  /** Declared RPC argument types: null when `args` match (always, without the server policy), else what differs. */
  checkArguments(types: readonly (VariantType | null)[], args: readonly unknown[]): string | null;
  /** The error logged for an RPC checksum mismatch (names the methods with the server policy). */
  describeMismatch(path: string, table: RpcTable, remoteMd5: string | null): string;
}
