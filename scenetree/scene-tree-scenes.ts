import { ErrorCode, MultiplayerError } from '../core/index.js';
import type { Logger } from '../core/index.js';
import type { Node } from './node.js';
import { isInstanceValid } from './node.js';
import { freeNode } from './node-lifecycle.js';
import type { PackedScene, SceneRegistry } from './packed-scene.js';

/**
 * A SceneTree's current scene and scene changes. Godot: SceneTree::change_scene_to_* and
 * _flush_scene_change (scene/main/scene_tree.cpp): the old scene leaves the tree at once, and during
 * the next process frame it is freed and the new scene is added under the root.
 */
export class SceneSwitcher {
  readonly #root: Node;
  readonly #scenes: SceneRegistry;
  readonly #log: Logger;
  readonly #changed: () => void;
  current: Node | null = null;
  #pending: Node | null = null;
  #previous: Node | null = null;

  constructor(root: Node, scenes: SceneRegistry, log: Logger, changed: () => void) {
    this.#root = root;
    this.#scenes = scenes;
    this.#log = log;
    this.#changed = changed;
  }

  /** Godot: SceneTree::set_current_scene. */
  setCurrent(scene: Node | null): void {
    if (scene !== null && scene.getParent() !== this.#root) {
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'The current scene must be a child of the root.');
    }
    this.current = scene;
  }

  /** Godot: SceneTree::change_scene_to_file. */
  changeToFile(path: string): ErrorCode {
    const scene = this.#scenes.load(path);
    if (scene === null) {
      this.#log.error(`changeSceneToFile: no scene registered at '${path}'.`);
      return ErrorCode.ERR_CANT_OPEN;
    }
    return this.changeToPacked(scene);
  }

  /** Godot: SceneTree::change_scene_to_packed. */
  changeToPacked(scene: PackedScene | null): ErrorCode {
    if (scene === null) return ErrorCode.ERR_INVALID_PARAMETER;
    let node: Node;
    try {
      node = scene.instantiate();
    } catch (err) {
      this.#log.error(`changeSceneToPacked: instantiating '${scene.resourcePath}' failed.`, err);
      return ErrorCode.ERR_CANT_CREATE;
    }
    return this.changeToNode(node);
  }

  /** Godot: SceneTree::change_scene_to_node. */
  changeToNode(node: Node): ErrorCode {
    if (node.isInsideTree()) return ErrorCode.ERR_UNCONFIGURED;
    if (this.#pending !== null) freeNode(this.#pending);
    this.#pending = null;
    const current = this.current;
    if (current !== null) {
      this.#previous = current;
      this.#root.removeChild(current);
    }
    this.#pending = node;
    return ErrorCode.OK;
  }

  /** Godot: SceneTree::reload_current_scene. */
  reload(): ErrorCode {
    if (this.current === null) return ErrorCode.ERR_UNCONFIGURED;
    return this.changeToFile(this.current.sceneFilePath);
  }

  /** Godot: SceneTree::unload_current_scene. */
  unload(): void {
    const scene = this.current;
    if (scene === null) return;
    this.current = null;
    scene.free();
  }

  /** A node left the tree (Godot: SceneTree::node_removed clears current_scene). */
  onNodeRemoved(node: Node): void {
    if (this.current === node) this.current = null;
  }

  /** Godot: SceneTree::_flush_scene_change, when a change is pending. */
  flush(): void {
    if (this.#pending === null && this.#previous === null) return;
    const previous = this.#previous;
    this.#previous = null;
    if (previous !== null && isInstanceValid(previous)) freeNode(previous);
    const next = this.#pending;
    this.#pending = null;
    if (next === null) return;
    this.current = next;
    this.#root.addChild(next);
    this.#changed();
  }
}
