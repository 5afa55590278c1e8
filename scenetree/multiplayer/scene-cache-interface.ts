import { TransferMode, decodeCString, decodeUint32, encodeUint32 } from '../../core/index.js';
import type { Node } from '../node.js';
import { Command } from './commands.js';
import type { MultiplayerContext } from './multiplayer-context.js';

/** `[01][32 hex md5][00][u32 id][path][00]`: the shortest acceptable SIMPLIFY_PATH. */
const SIMPLIFY_MIN_SIZE = 38;
const CONFIRM_SIZE = 6;
const MD5_HEX_LENGTH = 32;
/** Default bound of SIMPLIFY_PATHs per peer that wait for their node to enter the tree. */
export const DEFAULT_MAX_WAITING_PATHS = 64;

interface SentCache {
  readonly id: number;
  /** Peers the SIMPLIFY_PATH went to, and whether each confirmed it. */
  readonly peers: Map<number, boolean>;
}

/** A path id a remote peer announced: the node it resolved to, and the path to find it again. */
interface ReceivedPath {
  node: Node;
  readonly path: string;
}

/** Counters of SIMPLIFY_PATHs that named a node not in the tree yet (all peers together). */
export interface WaitingPathStats {
  /** SIMPLIFY_PATHs kept until their node enters the tree. */
  pathsWaiting: number;
  /** Of those, registered and confirmed once the node appeared. */
  pathsConfirmed: number;
  /** Refused because the peer already had the maximum waiting (each overflow episode logged once). */
  pathsDropped: number;
}

/** What the replication side hears from the cache. */
export interface CacheListener {
  readonly waiting: WaitingPaths;
  /** `from`'s path id `id` now resolves (a waiting SIMPLIFY_PATH met its node): held states may apply. */
  pathConfirmed(from: number, id: number): void;
}

import type { HeldStateStats } from './held-states.js';
import type { WaitingPaths } from './waiting-paths.js';

const encoder = new TextEncoder();

/** How the RPC layer reports checksums and mismatches to the cache (Godot: SceneRPCInterface). */
export interface RpcChecksums {
  getRpcMd5(node: Node): string;
  describeChecksumMismatch(node: Node, remoteMd5: string | null): string;
}

/**
 * Godot 4.3+: SceneCacheInterface (modules/multiplayer/scene_cache_interface.cpp). Gives each node the
 * local peer references a small id, announces id ↔ path to each remote peer once (SIMPLIFY_PATH), and
 * maps the ids remote peers announce back to nodes. Ids are scoped to the sender.
 */
export class SceneCacheInterface {
  readonly #mp: MultiplayerContext;
  readonly #rpc: RpcChecksums;
  #lastId = 0;
  readonly #sent = new Map<Node, SentCache>();
  readonly #sentById = new Map<number, Node>();
  readonly #received = new Map<number, Map<number, ReceivedPath>>();
  /** SIMPLIFY_PATHs waiting for their node (waiting-paths.ts), installed with replication; null: Godot's error. */
  #waiting: WaitingPaths | null = null;
  #listener: CacheListener | null = null;
  /**
   * Sync-before-spawn counters (`SceneMultiplayer.heldStateStats`): the path ones counted here, the rest
   * by the replication interface, which shares this object (it is made only once a spawner or
   * synchronizer exists, and a SIMPLIFY_PATH may wait before that).
   */
  readonly heldStats: HeldStateStats = {
    held: 0,
    applied: 0,
    dropped: 0,
    superseded: 0,
    stale: 0,
    spawnsHeld: 0,
    spawnsApplied: 0,
    spawnsCancelled: 0,
    pathsWaiting: 0,
    pathsConfirmed: 0,
    pathsDropped: 0,
  };
  /** Bound of waiting SIMPLIFY_PATHs per peer (0: Godot's behaviour, a missing node is an error). */
  maxWaitingPaths = DEFAULT_MAX_WAITING_PATHS;

  constructor(mp: MultiplayerContext, rpc: RpcChecksums) {
    this.#mp = mp;
    this.#rpc = rpc;
  }

  /** The local cache id of `node`, assigned on first use. Godot: _track (4.3+ make_object_cache). */
  ensureId(node: Node): number {
    let entry = this.#sent.get(node);
    if (entry === undefined) {
      entry = { id: ++this.#lastId, peers: new Map() };
      this.#sent.set(node, entry);
      this.#sentById.set(entry.id, node);
    }
    return entry.id;
  }

  /**
   * Makes sure `peer` was told about `node`; returns whether it has confirmed.
   * Godot: SceneCacheInterface::send_object_cache.
   */
  sendObjectCache(node: Node, peer: number): boolean {
    const id = this.ensureId(node);
    const entry = this.#sent.get(node)!;
    const confirmed = entry.peers.get(peer);
    if (confirmed !== undefined) return confirmed;
    entry.peers.set(peer, false);
    this.#mp.sendCommand(peer, this.#simplifyPacket(node, id), TransferMode.RELIABLE, 0);
    return false;
  }

  /** Godot: is_cache_confirmed. */
  isCacheConfirmed(node: Node, peer: number): boolean {
    return this.#sent.get(node)?.peers.get(peer) === true;
  }

  /** Set once by the replication side. */
  setListener(listener: CacheListener): void {
    this.#listener = listener;
    this.#waiting = listener.waiting;
  }

  /**
   * The node `from` announced under `id`, if it is in the tree; one that left is looked up again by its
   * path (a level reloaded, a node re-created). Godot: get_cached_object, with its path fallback.
   */
  getCachedObject(from: number, id: number): Node | null {
    const entry = this.#received.get(from)?.get(id);
    if (entry === undefined) return null;
    if (entry.node.isInsideTree()) return entry.node;
    const node = this.#mp.getRootNode()?.getNodeOrNull(entry.path) ?? null;
    if (node !== null) entry.node = node;
    return node;
  }

  /** Whether `from` announced `id` and it waits for its node to enter the tree. */
  isWaiting(from: number, id: number): boolean {
    return this.#waiting?.has(from, id) === true;
  }

  /** A node entered the tree (waiting paths are looked up again at the next `resolveWaiting`). */
  onNodeAdded(): void {
    this.#waiting?.onNodeAdded();
  }

  /** Confirms the waiting SIMPLIFY_PATHs whose node is now in the tree (once per poll). */
  resolveWaiting(): void {
    this.#waiting?.resolve();
  }

  /** Godot: process_simplify_path. */
  processSimplifyPath(from: number, packet: Uint8Array): void {
    if (packet.length < SIMPLIFY_MIN_SIZE || packet[1 + MD5_HEX_LENGTH] !== 0) {
      return this.#mp.rejectMalformed(from, `Invalid SIMPLIFY_PATH packet (${packet.length} bytes).`);
    }
    const md5 = readAscii(packet, 1, MD5_HEX_LENGTH);
    const id = decodeUint32(packet, 34);
    const path = readCString(packet, SIMPLIFY_MIN_SIZE);
    if (md5 === null || path === null) {
      return this.#mp.rejectMalformed(from, 'Invalid SIMPLIFY_PATH packet: bad checksum or path text.');
    }
    if (this.#received.get(from)?.has(id) || this.isWaiting(from, id)) {
      this.#mp.log.error(`Peer ${from} sent a SIMPLIFY_PATH for cache id ${id}, which it already registered.`);
      return;
    }
    const node = this.#mp.getRootNode()?.getNodeOrNull(path) ?? null;
    if (node !== null) return this.register(from, id, node, path, md5);
    if (this.#waiting !== null) return this.#waiting.wait(from, id, path, md5);
    this.#mp.log.error(`Peer ${from} referenced node "${path}", which does not exist under ${this.#mp.rootPath}.`);
  }

  /** Maps `from`'s `id` to `node`, confirms it (checksum validity included), and lets held states apply. */
  register(from: number, id: number, node: Node, path: string, md5: string): void {
    const valid = this.#rpc.getRpcMd5(node) === md5;
    if (!valid) this.#mp.log.error(this.#rpc.describeChecksumMismatch(node, md5));
    let peerMap = this.#received.get(from);
    if (peerMap === undefined) this.#received.set(from, (peerMap = new Map()));
    peerMap.set(id, { node, path });
    const confirm = new Uint8Array(CONFIRM_SIZE);
    confirm[0] = Command.CONFIRM_PATH;
    confirm[1] = valid ? 1 : 0;
    encodeUint32(id, confirm, 2);
    this.#mp.sendCommand(from, confirm, TransferMode.RELIABLE, 0);
    this.#listener?.pathConfirmed(from, id);
  }

  /** Godot 4.3+: process_confirm_path (6-byte id form; the 4.0–4.2 path form is not accepted). */
  processConfirmPath(from: number, packet: Uint8Array): void {
    if (packet.length !== CONFIRM_SIZE) {
      return this.#mp.rejectMalformed(from, `Invalid CONFIRM_PATH packet (${packet.length} bytes, expected 6).`);
    }
    const valid = packet[1] !== 0;
    const id = decodeUint32(packet, 2);
    const node = this.#sentById.get(id);
    if (node === undefined) return; // The node left the tree since: Godot ignores it too.
    const entry = this.#sent.get(node)!;
    if (!entry.peers.has(from)) {
      this.#mp.log.error(`Peer ${from} confirmed cache id ${id}, which was never announced to it.`);
      return;
    }
    if (!valid) this.#mp.log.error(this.#rpc.describeChecksumMismatch(node, null) + ` (reported by peer ${from})`);
    entry.peers.set(from, true);
  }

  /** Godot: on_peer_change. */
  onPeerChange(peer: number, connected: boolean): void {
    if (connected) return;
    this.#received.delete(peer);
    this.#waiting?.forgetPeer(peer);
    for (const entry of this.#sent.values()) entry.peers.delete(peer);
  }

  /** A node left the tree: its id is retired, and a later reference gets a fresh one (4.3+). */
  onNodeRemoved(node: Node): void {
    const entry = this.#sent.get(node);
    if (entry === undefined) return;
    this.#sent.delete(node);
    this.#sentById.delete(entry.id);
  }

  /** Godot: clear. Ids restart at 1. */
  clear(): void {
    this.#lastId = 0;
    this.#sent.clear();
    this.#sentById.clear();
    this.#received.clear();
    this.#waiting?.clear();
  }

  #simplifyPacket(node: Node, id: number): Uint8Array {
    const path = encoder.encode(this.#mp.rootPath.relPathTo(node.getPath()).toString());
    const packet = new Uint8Array(SIMPLIFY_MIN_SIZE + path.length + 1);
    packet[0] = Command.SIMPLIFY_PATH;
    packet.set(encoder.encode(this.#rpc.getRpcMd5(node)), 1);
    encodeUint32(id, packet, 34);
    packet.set(path, SIMPLIFY_MIN_SIZE);
    return packet;
  }
}

/** Reads `length` bytes of lowercase hex; null if any byte is not [0-9a-f]. */
function readAscii(bytes: Uint8Array, offset: number, length: number): string | null {
  let out = '';
  for (let i = offset; i < offset + length; i++) {
    const c = bytes[i]!;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return null;
    out += String.fromCharCode(c);
  }
  return out;
}

/** UTF-8 text from `offset` up to the first NUL (or the end); null if it is not valid UTF-8. */
export const readCString: (bytes: Uint8Array, offset: number, end?: number) => string | null = decodeCString;
