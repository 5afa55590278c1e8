import { ErrorCode, MultiplayerError } from '../core/index.js';
import type { Node } from './node.js';
import { ProcessMode } from './process-mode.js';
import type { SceneTree } from './scene-tree.js';

/**
 * A node's private state, Godot's `Node::Data` (scene/main/node.h). Internal: the Node class keeps it in
 * a `#private` field and lends it to the lifecycle and tree modules through `dataOf`; it is not exported
 * from the package.
 */
export interface NodeData {
  name: string;
  parent: Node | null;
  /** Children in order; `childByName` indexes the same nodes by name. */
  readonly children: Node[];
  readonly childByName: Map<string, Node>;
  tree: SceneTree | null;
  /** 1 for the root of a tree, parent's + 1 below it, -1 outside a tree. */
  depth: number;
  owner: Node | null;
  readonly owned: Set<Node>;
  readonly groups: Set<string>;
  process: boolean;
  physicsProcess: boolean;
  processMode: ProcessMode;
  processPriority: number;
  physicsProcessPriority: number;
  /** `_ready` has not run yet (or `requestReady()` asked for it again). */
  readyFirst: boolean;
  /** The node is in a tree and its ready propagation has run. */
  readyNotified: boolean;
  /** > 0 while the node iterates its children; adding or removing one then is refused. */
  blocked: number;
  queuedForDeletion: boolean;
  freed: boolean;
  multiplayerAuthority: number;
  /** Last serial used for `@Class@N` auto-names of this node's children. */
  autoNameSerial: number;
  sceneFilePath: string;
}

/** A fresh node's state, as Godot's Node constructor leaves it. */
export function createNodeData(): NodeData {
  return {
    name: '',
    parent: null,
    children: [],
    childByName: new Map(),
    tree: null,
    depth: -1,
    owner: null,
    owned: new Set(),
    groups: new Set(),
    process: false,
    physicsProcess: false,
    processMode: ProcessMode.INHERIT,
    processPriority: 0,
    physicsProcessPriority: 0,
    readyFirst: true,
    readyNotified: false,
    blocked: 0,
    queuedForDeletion: false,
    freed: false,
    multiplayerAuthority: 1,
    autoNameSerial: 1,
    sceneFilePath: '',
  };
}

let access: ((node: Node) => NodeData) | null = null;
let baseProto: Node | null = null;

/** Called once by the Node class (from a static block) to lend its private state. */
export function registerNodeInternals(accessor: (node: Node) => NodeData, proto: Node): void {
  access = accessor;
  baseProto = proto;
}

/** The private state of `node`. */
export function dataOf(node: Node): NodeData {
  if (access === null) throw new MultiplayerError(ErrorCode.ERR_BUG, 'Node internals are not registered.');
  return access(node);
}

/** True when `node`'s class overrides the virtual `name` (Godot: GDVIRTUAL_IS_OVERRIDDEN). */
export function isVirtualOverridden(node: Node, name: '_process' | '_physicsProcess'): boolean {
  return baseProto !== null && node[name] !== baseProto[name];
}
