import {
  ByteWriter,
  ErrorCode,
  MultiplayerError,
  RPCMode,
  decodeUint16,
  decodeUint32,
  encodeUint32,
  isRawArguments,
  writeCompressedVariant,
  type Variant,
  type VariantType,
} from '../../core/index.js';
import { asDeclared } from '../declared-types.js';
import type { Node } from '../node.js';
import { Command, NodeIdCompression, PATH_FLAG, RpcMeta } from './commands.js';
import type { MultiplayerContext } from './multiplayer-context.js';
import { DropReason } from './drop-reason.js';
import { decodeRpcArguments } from './rpc-arguments.js';
import { buildRpcTable, type RpcEntry, type RpcTable } from './rpc-table.js';
import { readCString, type SceneCacheInterface } from './scene-cache-interface.js';

const encoder = new TextEncoder();
/** Bound on the path memo, so hostile peers cannot grow it without limit. */
const MAX_REMEMBERED_PATHS = 1024;

/** Options the RPC layer reads from SceneMultiplayer on every call. */
export interface RpcPolicy {
  readonly allowObjectDecoding: boolean;
  /** Whether `peer` may receive RPCs on `node` (replication visibility). Godot: SceneReplicationInterface::is_rpc_visible. */
  isRpcVisible(node: Node, peer: number): boolean;
}

/**
 * Godot: SceneRPCInterface (modules/multiplayer/scene_rpc_interface.cpp). Sends and receives
 * REMOTE_CALL packets (docs/wire/multiplayer.md §6), and performs local calls.
 */
export class SceneRPCInterface {
  readonly #mp: MultiplayerContext;
  readonly #policy: RpcPolicy;
  #cache!: SceneCacheInterface;
  // Godot caches a node's table on first use too; later rpcConfig() calls are not seen by it.
  readonly #tables = new WeakMap<Node, RpcTable>();
  #lastNode: Node | null = null;
  #lastTable: RpcTable | null = null;
  #localSender = 0;
  readonly #writer = new ByteWriter(256);
  /** Reused target list of `#send` (only its first entries are current); null while a send runs. */
  #targets: number[] | null = [];
  readonly #paths = new Map<string, Node>();
  readonly #encodedPaths = new Map<Node, Uint8Array>();

  constructor(mp: MultiplayerContext, policy: RpcPolicy) {
    this.#mp = mp;
    this.#policy = policy;
  }

  /** Wired after construction because the cache also needs this interface's checksums. */
  setCache(cache: SceneCacheInterface): void {
    this.#cache = cache;
  }

  /** The remote sender id during a `call_local` invocation (the caller's own id), else 0. */
  get localSender(): number {
    return this.#localSender;
  }

  getRpcTable(node: Node): RpcTable {
    // RPCs come in runs for one node: remember the last one (let go in forgetPaths(), on node removal).
    if (node === this.#lastNode) return this.#lastTable!;
    let table = this.#tables.get(node);
    if (table === undefined) this.#tables.set(node, (table = buildRpcTable(node)));
    this.#lastNode = node;
    this.#lastTable = table;
    return table;
  }

  getRpcMd5(node: Node): string {
    return this.getRpcTable(node).md5;
  }

  describeChecksumMismatch(node: Node, remoteMd5: string | null): string {
    return this.#mp.describeMismatch(this.#mp.rootPath.relPathTo(node.getPath()).toString(), this.getRpcTable(node), remoteMd5);
  }

  /** Godot: SceneRPCInterface::rpcp. Status checks are done by the caller. */
  rpcp(node: Node, peerId: number, method: string, args: readonly unknown[]): ErrorCode {
    const entry = this.getRpcTable(node).byName.get(method);
    if (entry === undefined) {
      this.#mp.log.error(
        `Unable to get the RPC configuration for the function "${method}" at path: "${node.getPath()}". ` +
          'This happens when the method is missing or not marked for RPCs in the local script.',
      );
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
    const self = this.#mp.getUniqueId();
    if (peerId === self && !entry.config.callLocal) {
      this.#mp.log.error(`RPC '${method}' on yourself is not allowed by selected mode.`);
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
    const callLocal = entry.config.callLocal && (peerId === 0 || peerId === self || (peerId < 0 && peerId !== -self));
    if (peerId !== self) {
      const err = this.#send(node, peerId, entry, args);
      if (err !== ErrorCode.OK) return err;
    }
    if (callLocal) this.#invoke(node, entry, args, self, true);
    return ErrorCode.OK;
  }

  /** Godot: SceneRPCInterface::_send_rpc. */
  #send(node: Node, to: number, entry: RpcEntry, args: readonly unknown[]): ErrorCode {
    if (args.length > 255) {
      this.#mp.log.error('Too many arguments (>255).');
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
    if (to !== 0 && !this.#mp.isConnectedPeer(Math.abs(to))) {
      this.#mp.log.error(`Attempt to call RPC with unknown peer ID: ${to}.`);
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
    if (to > 0 && !this.#policy.isRpcVisible(node, to)) {
      this.#mp.log.error(`Attempt to call RPC '${entry.name}' on "${node.getPath()}" to peer ${to}, which cannot see this node.`);
      return ErrorCode.ERR_INVALID_PARAMETER;
    }
    const types = entry.config.args;
    if (types !== undefined) {
      const problem = this.#mp.checkArguments(types, args);
      if (problem !== null) {
        this.#mp.log.error(`RPC '${entry.name}' on "${node.getPath()}": ${problem}; not sent.`);
        return ErrorCode.ERR_INVALID_PARAMETER;
      }
    }
    // A re-entrant send (from a peer or policy callback) gets its own array.
    const targets = this.#targets ?? [];
    this.#targets = null;
    try {
      return this.#sendTo(node, to, entry, args, targets);
    } finally {
      this.#targets = targets;
    }
  }

  /** `#send` once `to` is known to be valid, collecting the targets in `targets` (stale entries past the count). */
  #sendTo(node: Node, to: number, entry: RpcEntry, args: readonly unknown[], targets: number[]): ErrorCode {
    let allConfirmed = true;
    let count = 0;
    if (to > 0) {
      targets[count++] = to;
      allConfirmed = this.#cache.sendObjectCache(node, to);
    } else {
      for (const p of this.#mp.getConnectedPeers()) {
        if ((to < 0 && p === -to) || !this.#policy.isRpcVisible(node, p)) continue;
        targets[count++] = p;
        allConfirmed = this.#cache.sendObjectCache(node, p) && allConfirmed;
      }
    }
    if (count === 0) return ErrorCode.OK;
    const cacheId = this.#cache.ensureId(node);
    const { transferMode, channel } = entry.config;
    // Until every target confirmed the node, the id is always 4 bytes (docs/wire/multiplayer.md §6.2).
    const compression = allConfirmed ? compressionFor(cacheId) : NodeIdCompression.BITS_32;
    const packet = this.#buildPacket(cacheId, compression, entry.id, args, entry.config.args);
    if (typeof packet === 'number') {
      this.#mp.log.error(`RPC '${entry.name}' on "${node.getPath()}": an argument cannot be encoded as a Variant.`);
      return packet;
    }
    for (let i = 0; i < count; i++) {
      const p = targets[i]!;
      const confirmed = allConfirmed || this.#cache.isCacheConfirmed(node, p);
      this.#mp.sendCommand(p, confirmed ? packet : withPath(packet, this.#pathBytes(node)), transferMode, channel);
    }
    return ErrorCode.OK;
  }

  /**
   * `[meta][node id][method id][argc]?[args]` (docs/wire/multiplayer.md §6.2), written into one reused writer and
   * copied out once. The node target is the cache id; `withPath` turns a copy into the path form.
   */
  #buildPacket(
    cacheId: number,
    compression: number,
    methodId: number,
    args: readonly unknown[],
    types: readonly (VariantType | null)[] | undefined,
  ): Uint8Array | ErrorCode {
    const raw = isRawArguments(args);
    const w = this.#writer;
    w.reset();
    w.u8(
      Command.REMOTE_CALL |
        (compression << RpcMeta.NODE_ID_SHIFT) |
        (methodId > 0xff ? RpcMeta.NAME_ID_MASK : 0) |
        (raw ? RpcMeta.NO_ARGS_OR_RAW : 0),
    );
    if (compression === NodeIdCompression.BITS_8) w.u8(cacheId);
    else if (compression === NodeIdCompression.BITS_16) w.u16(cacheId);
    else w.u32(cacheId);
    if (methodId > 0xff) w.u16(methodId);
    else w.u8(methodId);
    if (!raw) w.u8(args.length);
    // encodeAndCompressVariants(args, { raw: true, fullObjects }, w), without its options object and result view.
    try {
      if (!raw) {
        const fullObjects = this.#policy.allowObjectDecoding;
        if (types === undefined) for (let i = 0; i < args.length; i++) writeCompressedVariant(w, args[i] as Variant, fullObjects);
        else for (let i = 0; i < args.length; i++) writeCompressedVariant(w, asDeclared(types[i]!, args[i]), fullObjects);
      } else if (args.length === 1) {
        w.bytes(args[0] as Uint8Array);
      }
    } catch (err) {
      if (!MultiplayerError.is(err)) throw err;
      return err.code;
    }
    return w.toPacket();
  }

  /** Godot: SceneRPCInterface::process_rpc. */
  processRpc(from: number, packet: Uint8Array): void {
    const meta = packet[0]!;
    const nodeIdBits = (meta & RpcMeta.NODE_ID_MASK) >> RpcMeta.NODE_ID_SHIFT;
    if (nodeIdBits === 3) return this.#mp.rejectMalformed(from, 'Invalid RPC packet: node id size 3.');
    const nodeIdSize = 1 << nodeIdBits;
    const nameIdSize = meta & RpcMeta.NAME_ID_MASK ? 2 : 1;
    let offset = 1 + nodeIdSize + nameIdSize;
    if (packet.length < offset) return this.#mp.rejectMalformed(from, 'Invalid RPC packet: size too small.');
    const target = readUint(packet, 1, nodeIdSize);
    const methodId = readUint(packet, 1 + nodeIdSize, nameIdSize);
    let end = packet.length;
    let node: Node | null;
    if (nodeIdSize === 4 && target & PATH_FLAG) {
      end = target & 0x7fffffff;
      if (end >= packet.length || end < offset) {
        return this.#mp.rejectMalformed(from, 'Invalid RPC packet: path offset outside the packet.');
      }
      const path = readCString(packet, end);
      if (path === null) return this.#mp.rejectMalformed(from, 'Invalid RPC packet: node path is not UTF-8.');
      node = this.#resolvePath(path);
      if (node === null) return this.#mp.log.error(`RPC from peer ${from} for unknown node "${path}": dropped.`);
    } else {
      node = this.#cache.getCachedObject(from, target);
      if (node === null) return this.#mp.log.error(`RPC from peer ${from} for unknown cache id ${target}: dropped.`);
    }
    const entry = this.getRpcTable(node).byId.get(methodId);
    if (entry === undefined) {
      return this.#mp.log.error(`RPC from peer ${from} on "${node.getPath()}": unknown method id ${methodId}; dropped.`);
    }
    if (!this.#allowed(node, entry, from)) return;
    const raw = (meta & RpcMeta.NO_ARGS_OR_RAW) !== 0;
    let argc: number;
    if (raw) {
      argc = offset < end ? 1 : 0;
    } else {
      if (offset >= end) return this.#mp.rejectMalformed(from, 'Invalid RPC packet: missing argument count.');
      argc = packet[offset++]!;
    }
    const body = end === packet.length ? packet : packet.subarray(0, end);
    const args = decodeRpcArguments(body, offset, argc, raw, this.#policy.allowObjectDecoding);
    if (typeof args === 'number') {
      return this.#mp.rejectMalformed(from, `Invalid RPC '${entry.name}' on "${node.getPath()}": arguments do not decode.`);
    }
    const types = entry.config.args;
    if (types !== undefined) {
      const problem = this.#mp.checkArguments(types, args);
      if (problem !== null) {
        return this.#mp.refuseOnce(from, DropReason.BAD_ARGUMENTS, `${describeCall(node, entry, from)}: ${problem}; dropped.`);
      }
    }
    this.#invoke(node, entry, args, from, false);
  }

  /** Forgets resolved paths: the tree changed (a node left, was renamed, or the root moved). */
  forgetPaths(): void {
    this.#paths.clear();
    this.#encodedPaths.clear();
    this.#lastNode = null;
    this.#lastTable = null;
  }

  /** The node's path relative to the multiplayer root, UTF-8, as path-form RPCs carry it. */
  #pathBytes(node: Node): Uint8Array {
    let bytes = this.#encodedPaths.get(node);
    if (bytes === undefined) {
      bytes = encoder.encode(this.#mp.rootPath.relPathTo(node.getPath()).toString());
      if (this.#encodedPaths.size >= MAX_REMEMBERED_PATHS) this.#encodedPaths.clear();
      this.#encodedPaths.set(node, bytes);
    }
    return bytes;
  }

  // Until a target confirms a node, every RPC for it carries the path: resolve each path text once.
  #resolvePath(path: string): Node | null {
    let node = this.#paths.get(path);
    if (node === undefined || !node.isInsideTree()) {
      node = this.#mp.getRootNode()?.getNodeOrNull(path) ?? undefined;
      if (node === undefined) return null;
      if (this.#paths.size >= MAX_REMEMBERED_PATHS) this.#paths.clear();
      this.#paths.set(path, node);
    }
    return node;
  }

  #allowed(node: Node, entry: RpcEntry, from: number): boolean {
    const mode = entry.config.rpcMode;
    if (mode === RPCMode.ANY_PEER) return true;
    if (mode === RPCMode.AUTHORITY && from === node.getMultiplayerAuthority()) return true;
    this.#mp.refuse(
      from,
      DropReason.UNAUTHORIZED,
      `RPC '${entry.name}' is not allowed on node ${node.getPath()} from: ${from}. ` +
        `Mode is ${mode}, authority is ${node.getMultiplayerAuthority()}.`,
    );
    return false;
  }

  /** Calls the method; a throwing or mismatched call is logged and never escapes into the poll loop. */
  #invoke(node: Node, entry: RpcEntry, args: readonly unknown[], sender: number, local: boolean): void {
    const fn = (node as unknown as Record<string, unknown>)[entry.name];
    if (typeof fn !== 'function') return this.#mp.log.error(`${describeCall(node, entry, sender)}: the node has no such method.`);
    if (args.length < fn.length) {
      return this.#mp.log.error(`${describeCall(node, entry, sender)}: expects ${fn.length} arguments, got ${args.length}; dropped.`);
    }
    const previous = this.#localSender;
    if (local) this.#localSender = sender;
    try {
      fn.apply(node, args);
    } catch (err) {
      this.#mp.log.error(`${describeCall(node, entry, sender)} threw: ${err instanceof Error ? err.message : String(err)}`, err);
    } finally {
      this.#localSender = previous;
    }
  }
}

function describeCall(node: Node, entry: RpcEntry, sender: number): string {
  return `RPC '${entry.name}' on "${node.getPath()}" from ${sender}`;
}

function compressionFor(cacheId: number): number {
  if (cacheId <= 0xff) return NodeIdCompression.BITS_8;
  if (cacheId <= 0xffff) return NodeIdCompression.BITS_16;
  return NodeIdCompression.BITS_32;
}

/** The path form of a 4-byte-id packet: target `0x80000000 | ofs`, then the path and a NUL at `ofs`. */
function withPath(packet: Uint8Array, path: Uint8Array): Uint8Array {
  const out = new Uint8Array(packet.length + path.length + 1);
  out.set(packet);
  encodeUint32((PATH_FLAG | packet.length) >>> 0, out, 1);
  out.set(path, packet.length);
  return out;
}

function readUint(bytes: Uint8Array, offset: number, size: number): number {
  if (size === 1) return bytes[offset]!;
  return size === 2 ? decodeUint16(bytes, offset) : decodeUint32(bytes, offset);
}
