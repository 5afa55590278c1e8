import { ErrorCode, MultiplayerAPI, OfflineMultiplayerPeer } from '../../core/index.js';
import type { MultiplayerPeer } from '../../core/index.js';

/** One call the SceneTree or a node made on a RecordingMultiplayerAPI. */
export type ApiCall =
  | { readonly kind: 'add' | 'remove'; readonly object: object | null; readonly config: string }
  | { readonly kind: 'poll' }
  | { readonly kind: 'rpcp'; readonly object: object; readonly peer: number; readonly method: string; readonly args: readonly unknown[] };

/**
 * A complete, minimal MultiplayerAPI that records what the SceneTree and nodes ask of it: the
 * configuration protocol (`objectConfigurationAdd/Remove`), polls and `rpcp` calls. It sends nothing;
 * `rpcp` returns `rpcResult`. Used to test the tree's side of the contract without SceneMultiplayer.
 */
export class RecordingMultiplayerAPI extends MultiplayerAPI {
  readonly calls: ApiCall[] = [];
  rpcResult: ErrorCode = ErrorCode.OK;
  #peer: MultiplayerPeer = new OfflineMultiplayerPeer();
  readonly #uniqueId: number;

  constructor(uniqueId = 1) {
    super();
    this.#uniqueId = uniqueId;
  }

  get multiplayerPeer(): MultiplayerPeer {
    return this.#peer;
  }
  set multiplayerPeer(peer: MultiplayerPeer | null) {
    this.#peer = peer ?? new OfflineMultiplayerPeer();
  }

  poll(): ErrorCode {
    this.calls.push({ kind: 'poll' });
    return ErrorCode.OK;
  }
  getUniqueId(): number {
    return this.#uniqueId;
  }
  getPeers(): number[] {
    return [];
  }
  isServer(): boolean {
    return this.#uniqueId === 1;
  }
  getRemoteSenderId(): number {
    return 0;
  }
  rpcp(object: object, peer: number, method: string, args: readonly unknown[]): ErrorCode {
    this.calls.push({ kind: 'rpcp', object, peer, method, args });
    return this.rpcResult;
  }
  objectConfigurationAdd(object: object | null, config: unknown): ErrorCode {
    this.calls.push({ kind: 'add', object, config: String(config) });
    return ErrorCode.OK;
  }
  objectConfigurationRemove(object: object | null, config: unknown): ErrorCode {
    this.calls.push({ kind: 'remove', object, config: String(config) });
    return ErrorCode.OK;
  }

  /** The calls of one kind, in order. */
  callsOf<K extends ApiCall['kind']>(kind: K): Extract<ApiCall, { kind: K }>[] {
    return this.calls.filter((c): c is Extract<ApiCall, { kind: K }> => c.kind === kind);
  }
}
