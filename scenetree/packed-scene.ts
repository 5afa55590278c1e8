import { ErrorCode, MultiplayerError } from '../core/index.js';
import type { Node } from './node.js';

/** Builds a fresh subtree each call: the stand-in for a `.tscn` file's contents. */
export type SceneFactory = () => Node;

/**
 * Godot: PackedScene (scene/resources/packed_scene.cpp), as a stand-in: instead of a serialized scene
 * it holds a factory that builds the subtree in code.
 */
export class PackedScene {
  /** Godot: Resource::resource_path (empty for a scene made in code). */
  readonly resourcePath: string;
  readonly #factory: SceneFactory;

  constructor(factory: SceneFactory, resourcePath = '') {
    this.#factory = factory;
    this.resourcePath = resourcePath;
  }

  /**
   * Godot: PackedScene::instantiate. The root gets `sceneFilePath` = this scene's path, and every
   * descendant without an owner is owned by the root, as nodes saved in a scene are.
   */
  instantiate(): Node {
    const root = this.#factory();
    if (root.getParent() !== null || root.isInsideTree()) {
      throw new MultiplayerError(
        ErrorCode.ERR_CANT_CREATE,
        `Scene factory for '${this.resourcePath}' returned a node that already has a parent.`,
      );
    }
    root.sceneFilePath = this.resourcePath;
    const own = (node: Node): void => {
      for (const child of node.getChildren()) {
        if (child.owner === null) child.owner = root;
        own(child);
      }
    };
    own(root);
    return root;
  }

  /** Godot: PackedScene::can_instantiate. */
  canInstantiate(): boolean {
    return true;
  }
}

/**
 * Scenes by path (`res://game.tscn` → factory): what `changeSceneToFile` and spawners load from. Each
 * SceneTree owns one (or shares one passed in its options); there is no global registry.
 * Godot: ResourceLoader::load for `.tscn` paths.
 */
export class SceneRegistry {
  readonly #scenes = new Map<string, PackedScene>();

  /** Registers `factory` under `path` (replacing any earlier one) and returns its PackedScene. */
  registerScene(path: string, factory: SceneFactory): PackedScene {
    if (path === '') throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, 'Scene path must not be empty.');
    const scene = new PackedScene(factory, path);
    this.#scenes.set(path, scene);
    return scene;
  }

  /** Removes the scene at `path`; true if there was one. */
  unregisterScene(path: string): boolean {
    return this.#scenes.delete(path);
  }

  /** Godot: ResourceLoader::exists. */
  has(path: string): boolean {
    return this.#scenes.has(path);
  }

  /** Godot: ResourceLoader::load: the scene at `path`, or null. */
  load(path: string): PackedScene | null {
    return this.#scenes.get(path) ?? null;
  }

  /** Every registered path, in registration order. */
  getPaths(): string[] {
    return [...this.#scenes.keys()];
  }
}
