import { ErrorCode } from '../core/index.js';
import type { Node } from './node.js';

/** Names of a node's own methods that `rpc`/`rpcId`/`rpcConfig` accept (Node's built-in methods excluded). */
export type RpcMethodName<T> = Exclude<{ [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T], keyof Node> &
  string;

/** The parameter list of method `K` of `T`. */
export type RpcArgs<T, K extends keyof T> = T[K] extends (...args: infer A) => unknown ? A : never;

/**
 * Godot: Node::rpcp (scene/main/node.cpp): ERR_UNCONFIGURED outside a tree, otherwise whatever the
 * node's MultiplayerAPI (`tree.getMultiplayer(node.getPath())`) returns from `rpcp`.
 */
export function callRpc(node: Node, peerId: number, method: string, args: readonly unknown[]): ErrorCode {
  const api = node.multiplayer;
  if (api === null) return ErrorCode.ERR_UNCONFIGURED;
  return api.rpc(peerId, node, method, args);
}
