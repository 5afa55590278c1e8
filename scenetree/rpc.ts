import { ErrorCode, MultiplayerError, RPCMode, TransferMode, type VariantType } from '../core/index.js';
import { resolveDeclaredType, type DeclaredType } from './declared-types.js';
import type { Node } from './node.js';

/**
 * Godot's four RPC settings (the `rpc_mode`, `transfer_mode`, `call_local` and `channel` keys of
 * Node::rpc_config's dictionary and of GDScript's `@rpc` annotation).
 */
export interface RpcConfig {
  readonly rpcMode: RPCMode;
  readonly transferMode: TransferMode;
  readonly callLocal: boolean;
  readonly channel: number;
  /**
   * Declared argument types (not in Godot's dictionary: GDScript takes them from the function's
   * signature). Absent: untyped, any count. Present: calls must have exactly this many arguments,
   * each of its type (`null`: any type). Local policy only; the RPC checksum and the wire ignore it.
   */
  readonly args?: readonly (VariantType | null)[];
}

/** What `node.rpcConfig()` takes: `rpcMode` is required, the rest default as in Godot. */
export type RpcConfigInput = Partial<Omit<RpcConfig, 'args'>> & { readonly rpcMode: RPCMode; readonly args?: readonly DeclaredType[] };

/** The `@rpc` argument that declares argument types: `@rpc('any_peer', { args: ['int', 'float'] })`. */
export interface RpcArgTypes {
  readonly args: readonly DeclaredType[];
}

/** `@rpc` permission argument (`'disabled'` is ours: GDScript's annotation has no such word). */
export type RpcModeName = 'authority' | 'any_peer' | 'disabled';
/** `@rpc` locality argument. */
export type RpcLocalityName = 'call_local' | 'call_remote';
/** `@rpc` transfer-mode argument. */
export type RpcTransferName = 'reliable' | 'unreliable' | 'unreliable_ordered';
/** One argument of `@rpc(...)`: a word from the three groups above, the channel number, or `{ args: [...] }`. */
export type RpcAnnotationArg = RpcModeName | RpcLocalityName | RpcTransferName | number | RpcArgTypes;

/** A method decorator usable under both standard (TC39 2023) and legacy (`experimentalDecorators`) compilation. */
export interface RpcDecorator {
  (value: (this: any, ...args: any[]) => unknown, context: ClassMethodDecoratorContext): void;
  (target: object, propertyKey: string | symbol, descriptor?: PropertyDescriptor): void;
}

const MODES: Record<RpcModeName, RPCMode> = {
  authority: RPCMode.AUTHORITY,
  any_peer: RPCMode.ANY_PEER,
  disabled: RPCMode.DISABLED,
};
const TRANSFERS: Record<RpcTransferName, TransferMode> = {
  reliable: TransferMode.RELIABLE,
  unreliable: TransferMode.UNRELIABLE,
  unreliable_ordered: TransferMode.UNRELIABLE_ORDERED,
};

function invalid(message: string): never {
  throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, message);
}

/** Checks a config's values and fills Godot's defaults. */
function normalizeConfig(config: RpcConfigInput): RpcConfig {
  const { rpcMode, transferMode = TransferMode.RELIABLE, callLocal = false, channel = 0 } = config;
  if (!Object.values(RPCMode).includes(rpcMode)) invalid(`Invalid RPC mode: ${String(rpcMode)}.`);
  if (!Object.values(TransferMode).includes(transferMode)) invalid(`Invalid RPC transfer mode: ${String(transferMode)}.`);
  if (typeof callLocal !== 'boolean') invalid(`Invalid RPC call_local: ${String(callLocal)}.`);
  if (!Number.isInteger(channel) || channel < 0 || channel > 255) invalid(`Invalid RPC channel: ${String(channel)}.`);
  if (config.args === undefined) return Object.freeze({ rpcMode, transferMode, callLocal, channel });
  if (!Array.isArray(config.args) || config.args.length > 255) invalid('RPC argument types must be an array of at most 255 types.');
  const args = Object.freeze(config.args.map(resolveDeclaredType));
  return Object.freeze({ rpcMode, transferMode, callLocal, channel, args });
}

/**
 * Parses `@rpc` arguments as GDScript does: defaults `authority`, `call_remote`, `reliable`, channel 0;
 * each group at most once. Godot: GDScriptParser::rpc_annotation (modules/gdscript/gdscript_parser.cpp).
 */
// Divergence from Godot: the channel may stand anywhere (GDScript wants it 4th), and 'disabled' is accepted.
export function parseRpcAnnotation(args: readonly RpcAnnotationArg[]): RpcConfig {
  let rpcMode: RPCMode = RPCMode.AUTHORITY;
  let transferMode: TransferMode = TransferMode.RELIABLE;
  let callLocal = false;
  let channel = 0;
  let types: readonly DeclaredType[] | undefined;
  const seen = { mode: 0, locality: 0, transfer: 0, channel: 0, types: 0 };
  for (const arg of args) {
    if (typeof arg === 'object' && arg !== null) {
      seen.types++;
      types = arg.args;
    } else if (typeof arg === 'number') {
      seen.channel++;
      channel = arg;
    } else if (Object.hasOwn(MODES, arg)) {
      seen.mode++;
      rpcMode = MODES[arg as RpcModeName];
    } else if (arg === 'call_local' || arg === 'call_remote') {
      seen.locality++;
      callLocal = arg === 'call_local';
    } else if (Object.hasOwn(TRANSFERS, arg)) {
      seen.transfer++;
      transferMode = TRANSFERS[arg as RpcTransferName];
    } else {
      invalid(
        `Invalid RPC argument "${String(arg)}". Must be one of: "call_local"/"call_remote" (local calls), ` +
          `"any_peer"/"authority" (permission), "reliable"/"unreliable"/"unreliable_ordered" (transfer mode).`,
      );
    }
  }
  if (seen.locality > 1) invalid('Invalid RPC config. The locality ("call_local"/"call_remote") must be specified no more than once.');
  if (seen.mode > 1) invalid('Invalid RPC config. The permission ("any_peer"/"authority") must be specified no more than once.');
  if (seen.transfer > 1) {
    invalid('Invalid RPC config. The transfer mode ("reliable"/"unreliable"/"unreliable_ordered") must be specified no more than once.');
  }
  if (seen.channel > 1) invalid('Invalid RPC config. The channel must be specified no more than once.');
  if (seen.types > 1) invalid('Invalid RPC config. The argument types ({ args }) must be specified no more than once.');
  return normalizeConfig(
    types === undefined ? { rpcMode, transferMode, callLocal, channel } : { rpcMode, transferMode, callLocal, channel, args: types },
  );
}

// ---- script level: @rpc -------------------------------------------------------------------------

/** Legacy decorators know the prototype a method is declared on. */
const byPrototype = new WeakMap<object, Map<string, RpcConfig>>();
/** Standard decorators know only the method function and its name. */
const byFunction = new WeakMap<object, { readonly name: string; readonly config: RpcConfig }>();
/** Resolved configs per prototype (classes are complete before any instance exists). */
const resolved = new WeakMap<object, ReadonlyMap<string, RpcConfig>>();

/**
 * GDScript's `@rpc` annotation as a method decorator: `@rpc('any_peer', 'call_local', 'unreliable', 1)`.
 * Works under standard and legacy decorator compilation, and stores its config itself (no metadata).
 * Subclasses inherit their bases' configs and may override them.
 */
export function rpc(...args: RpcAnnotationArg[]): RpcDecorator {
  const config = parseRpcAnnotation(args);
  return function rpcDecorator(target: unknown, context: unknown): void {
    if (isMethodContext(context)) {
      if (context.kind !== 'method' || context.static || context.private || typeof context.name !== 'string') {
        invalid('@rpc applies to public, non-static, string-named methods only.');
      }
      byFunction.set(target as object, { name: context.name, config });
      return;
    }
    if (typeof target !== 'object' || target === null || typeof context !== 'string') {
      invalid('@rpc applies to public, non-static, string-named methods only.');
    }
    let configs = byPrototype.get(target);
    if (configs === undefined) byPrototype.set(target, (configs = new Map()));
    configs.set(context, config);
  } as RpcDecorator;
}

function isMethodContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/** The `@rpc` configs of `node`'s class chain, base classes first, subclass overrides winning. */
export function getScriptRpcConfigs(node: Node): ReadonlyMap<string, RpcConfig> {
  return configsOfPrototype(Object.getPrototypeOf(node) as object | null);
}

function configsOfPrototype(proto: object | null): ReadonlyMap<string, RpcConfig> {
  if (proto === null || proto === Object.prototype) return EMPTY;
  const cached = resolved.get(proto);
  if (cached !== undefined) return cached;
  const result = new Map(configsOfPrototype(Object.getPrototypeOf(proto) as object | null));
  for (const [name, config] of byPrototype.get(proto) ?? []) result.set(name, config);
  for (const name of Object.getOwnPropertyNames(proto)) {
    const value = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
    if (typeof value !== 'function') continue;
    const entry = byFunction.get(value);
    if (entry !== undefined && entry.name === name) result.set(name, entry.config);
  }
  const frozen: ReadonlyMap<string, RpcConfig> = result.size === 0 ? EMPTY : result;
  resolved.set(proto, frozen);
  return frozen;
}

const EMPTY: ReadonlyMap<string, RpcConfig> = new Map();

// ---- node level: rpcConfig ----------------------------------------------------------------------

const nodeConfigs = new WeakMap<Node, Map<string, RpcConfig>>();

/**
 * Sets (or with `null` removes) the node-level RPC config of `method`.
 * Godot: Node::rpc_config (scene/main/node.cpp).
 */
export function setNodeRpcConfig(node: Node, method: string, config: RpcConfigInput | null): void {
  if (typeof method !== 'string' || method === '') invalid('RPC method name must be a non-empty string.');
  let configs = nodeConfigs.get(node);
  if (config === null) {
    configs?.delete(method);
    return;
  }
  const normalized = normalizeConfig(config);
  if (configs === undefined) nodeConfigs.set(node, (configs = new Map()));
  configs.set(method, normalized);
}

/** The node-level RPC configs set with `rpcConfig()`. Godot: Node::get_node_rpc_config. */
export function getNodeRpcConfigs(node: Node): ReadonlyMap<string, RpcConfig> {
  return nodeConfigs.get(node) ?? EMPTY;
}
