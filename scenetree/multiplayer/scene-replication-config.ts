import { ErrorCode, MultiplayerError, NodePath, type VariantType } from '../../core/index.js';
import { resolveDeclaredType, type DeclaredType } from '../declared-types.js';
import { declarePropertyTypes } from './replication-state.js';

/** How a property is kept in sync after the spawn. Godot: SceneReplicationConfig::ReplicationMode. */
export const ReplicationMode = {
  /** Only sent with the spawn (if `spawn` is set). */
  NEVER: 0,
  /** Sent unreliably every replication interval (SYNC packets). */
  ALWAYS: 1,
  /** Sent reliably when it changed, checked every delta interval (SYNC delta packets). */
  ON_CHANGE: 2,
} as const;
export type ReplicationMode = (typeof ReplicationMode)[keyof typeof ReplicationMode];

/** At most this many ON_CHANGE properties per config: the delta packet's change mask is 64 bits. */
export const MAX_WATCHED_PROPERTIES = 64;

interface ReplicationProperty {
  readonly path: NodePath;
  readonly key: string;
  spawn: boolean;
  mode: ReplicationMode;
  type: VariantType | null;
}

interface PropertyLists {
  readonly spawn: readonly NodePath[];
  readonly sync: readonly NodePath[];
  readonly watch: readonly NodePath[];
}

/**
 * Godot: SceneReplicationConfig (modules/multiplayer/scene_replication_config.cpp): the properties a
 * MultiplayerSynchronizer replicates, in order. A property is a NodePath relative to the
 * synchronizer's root node: `.:position` for the root's own property, `Sprite:modulate` for a
 * descendant's, `.:stats:hp` for a field of a plain-object property. Both peers must use the same config: the wire carries values
 * only, in this order. New properties are spawn properties in ALWAYS mode, as in Godot.
 */
export class SceneReplicationConfig {
  readonly #properties: ReplicationProperty[] = [];
  #lists: PropertyLists | null = null;

  /** Godot: get_properties. */
  getProperties(): NodePath[] {
    return this.#properties.map((p) => p.path);
  }

  /**
   * Godot: add_property. `index` -1 appends. Throws on a duplicate path, a bad index, or a path that
   * names no property (`position` is a child node named "position"; the property is `.:position`).
   */
  addProperty(path: NodePath | string, index = -1): void {
    const p = NodePath.from(path);
    const key = p.toString();
    // Divergence from Godot: Godot accepts such a path and fails when it reads the state.
    if (p.getSubnames().length === 0) {
      throw new MultiplayerError(
        ErrorCode.ERR_INVALID_PARAMETER,
        `Replicated property path '${key}' names no property; write '.:${key}' for the root's own property.`,
      );
    }
    if (this.#find(key) !== undefined) {
      throw new MultiplayerError(ErrorCode.ERR_ALREADY_EXISTS, `Property '${key}' is already in the replication config.`);
    }
    const property: ReplicationProperty = { path: p, key, spawn: true, mode: ReplicationMode.ALWAYS, type: null };
    if (index < 0 || index === this.#properties.length) this.#properties.push(property);
    else if (index > this.#properties.length) {
      throw new MultiplayerError(
        ErrorCode.ERR_PARAMETER_RANGE_ERROR,
        `Index ${index} is out of range (${this.#properties.length} properties).`,
      );
    } else this.#properties.splice(index, 0, property);
    this.#lists = null;
  }

  /** Godot: remove_property (no-op when absent). */
  removeProperty(path: NodePath | string): void {
    const key = NodePath.from(path).toString();
    const at = this.#properties.findIndex((p) => p.key === key);
    if (at === -1) return;
    this.#properties.splice(at, 1);
    this.#lists = null;
  }

  /** Godot: has_property. */
  hasProperty(path: NodePath | string): boolean {
    return this.#find(NodePath.from(path).toString()) !== undefined;
  }

  /** Godot: property_get_index; -1 when absent. */
  propertyGetIndex(path: NodePath | string): number {
    const key = NodePath.from(path).toString();
    return this.#properties.findIndex((p) => p.key === key);
  }

  /** Godot: property_get_spawn. */
  propertyGetSpawn(path: NodePath | string): boolean {
    return this.#get(path).spawn;
  }

  /** Godot: property_set_spawn: whether the value travels in the SPAWN packet. */
  propertySetSpawn(path: NodePath | string, enabled: boolean): void {
    this.#get(path).spawn = enabled;
    this.#lists = null;
  }

  /** Godot: property_get_replication_mode. */
  propertyGetReplicationMode(path: NodePath | string): ReplicationMode {
    return this.#get(path).mode;
  }

  /** Godot: property_set_replication_mode. Throws when it would make a 65th ON_CHANGE property. */
  propertySetReplicationMode(path: NodePath | string, mode: ReplicationMode): void {
    const property = this.#get(path);
    if (property.mode === mode) return;
    if (mode === ReplicationMode.ON_CHANGE && this.getWatchProperties().length >= MAX_WATCHED_PROPERTIES) {
      // Divergence from Godot: Godot accepts it and ignores the property with an error later.
      throw new MultiplayerError(
        ErrorCode.ERR_OUT_OF_MEMORY,
        `Reached limit of ${MAX_WATCHED_PROPERTIES} properties with ON_CHANGE mode per synchronizer; '${property.key}' cannot be added.`,
      );
    }
    property.mode = mode;
    this.#lists = null;
  }

  /** Godot: property_get_sync (deprecated): the mode is ALWAYS. */
  propertyGetSync(path: NodePath | string): boolean {
    return this.#get(path).mode === ReplicationMode.ALWAYS;
  }

  /** Godot: property_set_sync (deprecated): ALWAYS, or NEVER when it was ALWAYS. */
  propertySetSync(path: NodePath | string, enabled: boolean): void {
    if (enabled) this.propertySetReplicationMode(path, ReplicationMode.ALWAYS);
    else if (this.propertyGetSync(path)) this.propertySetReplicationMode(path, ReplicationMode.NEVER);
  }

  /** Godot: property_get_watch (deprecated): the mode is ON_CHANGE. */
  propertyGetWatch(path: NodePath | string): boolean {
    return this.#get(path).mode === ReplicationMode.ON_CHANGE;
  }

  /** Godot: property_set_watch (deprecated): ON_CHANGE, or NEVER when it was ON_CHANGE. */
  propertySetWatch(path: NodePath | string, enabled: boolean): void {
    if (enabled) this.propertySetReplicationMode(path, ReplicationMode.ON_CHANGE);
    else if (this.propertyGetWatch(path)) this.propertySetReplicationMode(path, ReplicationMode.NEVER);
  }

  /**
   * Declares the property's Variant type (not in Godot's config: GDScript knows a property's type from
   * the script). A declared float is sent as FLOAT even when its value is integral; a received value
   * that does not match is refused. `null` (the default) or `'Variant'`: any type.
   */
  propertySetType(path: NodePath | string, type: DeclaredType): void {
    this.#get(path).type = resolveDeclaredType(type);
    this.#lists = null;
  }

  /** The declared type of the property (null: any). */
  propertyGetType(path: NodePath | string): VariantType | null {
    return this.#get(path).type;
  }

  /** Godot: get_spawn_properties: what a SPAWN carries, in config order. */
  getSpawnProperties(): readonly NodePath[] {
    return this.#update().spawn;
  }

  /** Godot: get_sync_properties: the ALWAYS properties, in config order. */
  getSyncProperties(): readonly NodePath[] {
    return this.#update().sync;
  }

  /** Godot: get_watch_properties: the ON_CHANGE properties; bit i of a delta mask is entry i. */
  getWatchProperties(): readonly NodePath[] {
    return this.#update().watch;
  }

  #find(key: string): ReplicationProperty | undefined {
    return this.#properties.find((p) => p.key === key);
  }

  #get(path: NodePath | string): ReplicationProperty {
    const key = NodePath.from(path).toString();
    const property = this.#find(key);
    if (property === undefined)
      throw new MultiplayerError(ErrorCode.ERR_DOES_NOT_EXIST, `Property '${key}' is not in the replication config.`);
    return property;
  }

  /** Godot: _update. */
  #update(): PropertyLists {
    if (this.#lists !== null) return this.#lists;
    const spawn: ReplicationProperty[] = [];
    const sync: ReplicationProperty[] = [];
    const watch: ReplicationProperty[] = [];
    for (const p of this.#properties) {
      if (p.spawn) spawn.push(p);
      if (p.mode === ReplicationMode.ALWAYS) sync.push(p);
      else if (p.mode === ReplicationMode.ON_CHANGE) watch.push(p);
    }
    return (this.#lists = { spawn: paths(spawn), sync: paths(sync), watch: paths(watch) });
  }
}

/** The paths of a property list, with their declared types registered for the replication state code. */
function paths(properties: readonly ReplicationProperty[]): readonly NodePath[] {
  const list = properties.map((p) => p.path);
  if (properties.some((p) => p.type !== null))
    declarePropertyTypes(
      list,
      properties.map((p) => p.type),
    );
  return list;
}
