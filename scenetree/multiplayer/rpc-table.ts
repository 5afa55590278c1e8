import type { Node } from '../node.js';
import { getNodeRpcConfigs, getScriptRpcConfigs, type RpcConfig } from '../rpc.js';
import { md5Hex } from './md5.js';

/** One RPC method of a node, with its wire id. */
export interface RpcEntry {
  readonly name: string;
  /** Node-level (`rpcConfig`) ids have bit 15 set; script-level (`@rpc`) ids do not. */
  readonly id: number;
  readonly config: RpcConfig;
}

/** A node's RPC methods as Godot numbers them (docs/wire/multiplayer.md §5.4–5.5). */
export interface RpcTable {
  readonly byName: ReadonlyMap<string, RpcEntry>;
  readonly byId: ReadonlyMap<number, RpcEntry>;
  /** Method names in checksum order: node-level sorted, then script-level sorted. */
  readonly names: readonly string[];
  readonly md5: string;
}

/** Node-level RPC ids carry this bit. */
export const NODE_LEVEL_ID_BIT = 0x8000;

/**
 * Builds the RPC table of a node. Godot: SceneRPCInterface::_parse_rpc_config and _get_node_config
 * (modules/multiplayer/scene_rpc_interface.cpp). When a name is in both lists, the script-level entry
 * wins for sending because it is registered last; both count in the checksum.
 */
export function buildRpcTable(node: Node): RpcTable {
  const byName = new Map<string, RpcEntry>();
  const byId = new Map<number, RpcEntry>();
  const names: string[] = [];
  const add = (configs: ReadonlyMap<string, RpcConfig>, bit: number): void => {
    [...configs.keys()].sort(compareCodePoints).forEach((name, i) => {
      const entry: RpcEntry = { name, id: i | bit, config: configs.get(name)! };
      byName.set(name, entry);
      byId.set(entry.id, entry);
      names.push(name);
    });
  };
  add(getNodeRpcConfigs(node), NODE_LEVEL_ID_BIT);
  add(getScriptRpcConfigs(node), 0);
  return { byName, byId, names, md5: md5Hex(names.join('')) };
}

/** Godot's String ordering: by Unicode code point (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = ca.value.codePointAt(0)! - cb.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** Past this many methods, guessing which ones the remote lacks costs too much. */
const MAX_GUESS_METHODS = 12;

/**
 * A readable contract error for a checksum mismatch (Godot only says the checksums differ). When the
 * remote's checksum equals the checksum of a subset of our methods, the missing ones are named.
 */
export function describeMismatch(path: string, table: RpcTable, remoteMd5: string | null): string {
  const ours = `local RPC methods [${table.names.join(', ')}] (checksum ${table.md5})`;
  if (remoteMd5 === null) {
    return `RPC checksum mismatch for node "${path}": the remote peer's RPC methods differ from the ${ours}.`;
  }
  const missing = guessMissing(table.names, remoteMd5);
  const detail =
    missing === null
      ? 'the remote side declares methods this side does not have, or configures them differently'
      : `the remote side lacks [${missing.join(', ')}]`;
  return `RPC checksum mismatch for node "${path}": remote checksum ${remoteMd5} differs from the ${ours}; ${detail}.`;
}

function guessMissing(names: readonly string[], remoteMd5: string): string[] | null {
  if (names.length > MAX_GUESS_METHODS) return null;
  const full = (1 << names.length) - 1;
  for (let mask = full - 1; mask >= 0; mask--) {
    const kept = names.filter((_, i) => (mask >> i) & 1);
    if (md5Hex(kept.join('')) === remoteMd5) return names.filter((_, i) => !((mask >> i) & 1));
  }
  return null;
}
