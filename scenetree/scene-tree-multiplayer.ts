import { ErrorCode, MultiplayerError, NodePath } from '../core/index.js';
import type { MultiplayerAPI } from '../core/index.js';

/** The default root every tree's default MultiplayerAPI is configured with (Godot: `"/" + root->get_name()`). */
export const ROOT_PATH = new NodePath('/root');

interface CustomRoot {
  readonly path: NodePath;
  readonly key: string;
  readonly api: MultiplayerAPI;
}

/**
 * The MultiplayerAPIs of one SceneTree: a default one and any number bound to subtrees.
 * Godot: SceneTree::set_multiplayer / get_multiplayer and `custom_multiplayers` (scene/main/scene_tree.cpp).
 *
 * The protocol with each API: it learns its tree and root through `objectConfigurationAdd(tree, path)`
 * and forgets them through `objectConfigurationRemove(tree, path)`.
 */
// Divergence from Godot: Godot passes a null object (it has a SceneTree singleton); we pass the tree.
export class TreeMultiplayers {
  readonly #tree: object;
  #default: MultiplayerAPI | null = null;
  /** Sorted deepest root first, so the first prefix match is the longest. */
  #custom: CustomRoot[] = [];

  constructor(tree: object) {
    this.#tree = tree;
  }

  /** Godot: SceneTree::set_multiplayer. An empty `rootPath` replaces the default; `null` unbinds a subtree. */
  set(api: MultiplayerAPI | null, rootPath: NodePath): void {
    if (rootPath.isEmpty()) return this.#setDefault(api);
    if (!rootPath.isAbsolute()) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `Multiplayer root path must be absolute: '${rootPath.toString()}'.`);
    }
    const key = rootPath.getConcatenatedNames();
    const existing = this.#custom.find((c) => c.key === key);
    if (existing !== undefined) {
      this.#custom = this.#custom.filter((c) => c !== existing);
      existing.api.objectConfigurationRemove(this.#tree, existing.path);
    }
    if (api === null) return;
    // Divergence from Godot: Godot refuses a root below an already configured one; we allow nesting
    // and the longest matching root wins.
    this.#custom = [...this.#custom, { path: rootPath, key, api }].sort((a, b) => b.path.getNameCount() - a.path.getNameCount());
    api.objectConfigurationAdd(this.#tree, rootPath);
  }

  /** Godot: SceneTree::get_multiplayer: the API whose root is the longest prefix of `forPath`, else the default. */
  get(forPath: NodePath): MultiplayerAPI {
    if (!forPath.isEmpty()) {
      const names = forPath.getNames();
      for (const custom of this.#custom) if (isPrefix(custom.path.getNames(), names)) return custom.api;
    }
    if (this.#default === null) throw new MultiplayerError(ErrorCode.ERR_BUG, 'The SceneTree has no default MultiplayerAPI.');
    return this.#default;
  }

  /** True when some subtree has its own API (only then does a node's path decide its API). */
  hasCustom(): boolean {
    return this.#custom.length > 0;
  }

  /** Every distinct API, the default first: what the tree polls each frame. */
  all(): MultiplayerAPI[] {
    const apis = new Set<MultiplayerAPI>();
    if (this.#default !== null) apis.add(this.#default);
    for (const custom of this.#custom) apis.add(custom.api);
    return [...apis];
  }

  #setDefault(api: MultiplayerAPI | null): void {
    if (api === null) throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'The default MultiplayerAPI cannot be null.');
    this.#default?.objectConfigurationRemove(this.#tree, ROOT_PATH);
    this.#default = api;
    api.objectConfigurationAdd(this.#tree, ROOT_PATH);
  }
}

/** Godot compares names only (absolute or not). */
function isPrefix(prefix: readonly string[], names: readonly string[]): boolean {
  if (prefix.length > names.length) return false;
  return prefix.every((n, i) => names[i] === n);
}
