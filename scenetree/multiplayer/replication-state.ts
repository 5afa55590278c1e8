import { NodePath, variantTypeOf, type Variant } from '../../core/index.js';
import type { Node } from '../node.js';

/** A property path split once: the node part (null for the root itself) and the property chain. */
interface ParsedProperty {
  readonly node: NodePath | null;
  readonly chain: readonly string[];
}

const parsed = new WeakMap<NodePath, ParsedProperty>();

function parse(path: NodePath): ParsedProperty {
  let p = parsed.get(path);
  if (p === undefined) {
    const names = path.getNames();
    const node = names.length === 0 ? null : NodePath.fromParts(names, [], path.isAbsolute());
    parsed.set(path, (p = { node, chain: path.getSubnames() }));
  }
  return p;
}

/** The object a property path reads from: the root, or the node its names lead to. Godot: _get_prop_target. */
function target(root: Node, path: NodePath): Record<string, unknown> | string {
  const { node } = parse(path);
  if (node === null) return root as unknown as Record<string, unknown>;
  const found = root.getNodeOrNull(node);
  return found === null ? `Node '${node.toString()}' not found.` : (found as unknown as Record<string, unknown>);
}

function readChain(obj: Record<string, unknown>, chain: readonly string[], path: NodePath): unknown {
  let v: unknown = obj;
  for (const name of chain) {
    if (v === null || typeof v !== 'object' || !(name in v)) return new PropertyError(`Property '${path.toString()}' not found.`);
    v = (v as Record<string, unknown>)[name];
  }
  return v;
}

/** A failed read, distinguishable from any property value. */
class PropertyError {
  constructor(readonly message: string) {}
}

/**
 * The current values of `properties` under `root`, or a message naming the first one that cannot be
 * read. Godot: MultiplayerSynchronizer::get_state.
 */
export function getState(properties: readonly NodePath[], root: Node): Variant[] | string {
  const values = new Array<Variant>(properties.length);
  for (let i = 0; i < properties.length; i++) {
    const v = readProperty(root, properties[i]!);
    if (v instanceof PropertyError) return v.message;
    values[i] = v as Variant;
  }
  return values;
}

/** One property's value, or a PropertyError. */
export function readProperty(root: Node, path: NodePath): unknown {
  const obj = target(root, path);
  if (typeof obj === 'string') return new PropertyError(obj);
  return readChain(obj, parse(path).chain, path);
}

/** Whether `v` is the result of a failed `readProperty`. */
export function isPropertyError(v: unknown): v is { readonly message: string } {
  return v instanceof PropertyError;
}

/**
 * Assigns `values[i]` to `properties[i]` under `root`. A value whose Variant type differs from the
 * property's current one (ints and floats count as one: both are JS numbers) is refused, so a peer
 * cannot turn a Vector2 into a string under game code. Returns null, or a message naming what was
 * refused (the other properties are still assigned). Godot: MultiplayerSynchronizer::set_state.
 */
export function setState(properties: readonly NodePath[], root: Node, values: readonly Variant[]): string | null {
  let problem: string | null = null;
  for (let i = 0; i < properties.length; i++) {
    const err = writeProperty(root, properties[i]!, values[i]!);
    if (err !== null) problem ??= err;
  }
  return problem;
}

// Divergence from Godot: Godot converts or silently ignores a mismatched type; we refuse and report it.
function writeProperty(root: Node, path: NodePath, value: Variant): string | null {
  const obj = target(root, path);
  if (typeof obj === 'string') return obj;
  const chain = parse(path).chain;
  // Containers from the root's property down to the one holding the last name.
  const containers: Record<string, unknown>[] = [obj];
  for (let i = 0; i < chain.length - 1; i++) {
    const next = containers[i]![chain[i]!];
    if (next === null || typeof next !== 'object') return `Property '${path.toString()}' not found.`;
    if (!Array.isArray(next) && !isPlainObject(next)) {
      return `Property '${path.toString()}' cannot be set: '${chain[i]}' holds an immutable value; replicate the whole value instead.`;
    }
    containers.push(next as Record<string, unknown>);
  }
  const last = chain[chain.length - 1]!;
  const holder = containers[containers.length - 1]!;
  if (!(last in holder)) return `Property '${path.toString()}' not found.`;
  if (!sameKind(holder[last], value)) {
    return `Property '${path.toString()}' holds ${describe(holder[last])}; refusing ${describe(value)}.`;
  }
  holder[last] = value;
  // Reassign each container to its parent, so accessors on the node see the change.
  for (let i = containers.length - 2; i >= 0; i--) containers[i]![chain[i]!] = containers[i + 1];
  return null;
}

function sameKind(current: unknown, next: unknown): boolean {
  if (current === null || current === undefined) return true;
  if (typeof current === 'number' || typeof current === 'bigint') return typeof next === 'number' || typeof next === 'bigint';
  return variantTypeOf(current) === variantTypeOf(next);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
  if (typeof v !== 'object') return `a ${typeof v}`;
  return `a ${(v as object).constructor?.name ?? 'object'}`;
}
