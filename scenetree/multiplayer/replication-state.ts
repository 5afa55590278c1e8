import { NodePath, isPlainObject, variantTypeOf, type Variant, type VariantType } from '../../core/index.js';
import { asDeclared, describeDeclaredType, describeValueType, matchesDeclaredType } from '../declared-types.js';
import type { Node } from '../node.js';

// Declared types of a config's property lists (absent: every property untyped).
const declaredTypes = new WeakMap<readonly NodePath[], readonly (VariantType | null)[]>();

/** Registers the declared types of a property list (SceneReplicationConfig calls it when it builds one). */
export function declarePropertyTypes(properties: readonly NodePath[], types: readonly (VariantType | null)[]): void {
  declaredTypes.set(properties, types);
}

/** A property path split once: the node part (null for the root itself) and the property chain. */
interface CompiledProperty {
  readonly path: NodePath;
  readonly node: NodePath | null;
  readonly chain: readonly string[];
}

// Keyed by the config's property lists, which are rebuilt whenever the config changes.
const compiledLists = new WeakMap<readonly NodePath[], readonly CompiledProperty[]>();

function compile(properties: readonly NodePath[]): readonly CompiledProperty[] {
  let compiled = compiledLists.get(properties);
  if (compiled === undefined) {
    compiled = properties.map((path) => {
      const names = path.getNames();
      const self = !path.isAbsolute() && names.every((n) => n === '.');
      return { path, node: self ? null : NodePath.fromParts(names, [], path.isAbsolute()), chain: path.getSubnames() };
    });
    compiledLists.set(properties, compiled);
  }
  return compiled;
}

/** The object a property path reads from: the root, or the node its names lead to. Godot: _get_prop_target. */
function target(root: Node, p: CompiledProperty): Record<string, unknown> | string {
  if (p.node === null) return root as unknown as Record<string, unknown>;
  const found = root.getNodeOrNull(p.node);
  return found === null ? `Node '${p.node.toString()}' not found.` : (found as unknown as Record<string, unknown>);
}

/**
 * The current values of `properties` under `root`, or a message naming the first one that cannot be
 * read. Godot: MultiplayerSynchronizer::get_state.
 */
export function getState(properties: readonly NodePath[], root: Node): Variant[] | string {
  const compiled = compile(properties);
  const types = declaredTypes.get(properties);
  const values = new Array<Variant>(compiled.length);
  for (let i = 0; i < compiled.length; i++) {
    const p = compiled[i]!;
    const obj = target(root, p);
    if (typeof obj === 'string') return obj;
    let v: unknown = obj;
    for (const name of p.chain) {
      if (v === null || typeof v !== 'object' || !(name in v)) return `Property '${p.path.toString()}' not found.`;
      v = (v as Record<string, unknown>)[name];
    }
    values[i] = types === undefined ? (v as Variant) : asDeclared(types[i]!, v);
  }
  return values;
}

/**
 * Assigns `values[i]` to `properties[i]` under `root`. A value whose Variant type differs from the
 * property's current one (ints and floats count as one: both are JS numbers) is refused, so a peer
 * cannot turn a Vector2 into a string under game code. Returns null, or a message naming what was
 * refused (the other properties are still assigned). Godot: MultiplayerSynchronizer::set_state.
 */
export function setState(properties: readonly NodePath[], root: Node, values: readonly Variant[]): string | null {
  const compiled = compile(properties);
  const types = declaredTypes.get(properties);
  let problem: string | null = null;
  for (let i = 0; i < compiled.length; i++) {
    const type = types?.[i] ?? null;
    const err = matchesDeclaredType(type, values[i])
      ? writeProperty(root, compiled[i]!, values[i]!)
      : `Property '${compiled[i]!.path.toString()}' is declared ${describeDeclaredType(type)}; refusing ${describeValueType(values[i])}.`;
    if (err !== null) problem ??= err;
  }
  return problem;
}

// Divergence from Godot: Godot converts or silently ignores a mismatched type; we refuse and report it.
function writeProperty(root: Node, p: CompiledProperty, value: Variant): string | null {
  const obj = target(root, p);
  if (typeof obj === 'string') return obj;
  const { chain, path } = p;
  if (chain.length === 1) return assign(obj, chain[0]!, value, path);
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
  const err = assign(containers[containers.length - 1]!, chain[chain.length - 1]!, value, path);
  if (err !== null) return err;
  // Reassign each container to its parent, so accessors on the node see the change.
  for (let i = containers.length - 2; i >= 0; i--) containers[i]![chain[i]!] = containers[i + 1];
  return null;
}

function assign(holder: Record<string, unknown>, name: string, value: Variant, path: NodePath): string | null {
  if (!(name in holder)) return `Property '${path.toString()}' not found.`;
  const current = holder[name];
  if (!sameKind(current, value)) return `Property '${path.toString()}' holds ${describe(current)}; refusing ${describe(value)}.`;
  holder[name] = value;
  return null;
}

function sameKind(current: unknown, next: unknown): boolean {
  if (current === null || current === undefined) return true;
  if (typeof current === 'number' || typeof current === 'bigint') return typeof next === 'number' || typeof next === 'bigint';
  return variantTypeOf(current) === variantTypeOf(next);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
  if (typeof v !== 'object') return `a ${typeof v}`;
  return `a ${(v as object).constructor?.name ?? 'object'}`;
}
