import t from 'tap';
import { ErrorCode, MultiplayerError, NodePath } from '../../core/index.js';
import { Node, SceneTree, isInstanceValid } from '../../scenetree/index.js';
import { RecordingMultiplayerAPI } from '../helpers/recording-multiplayer-api.js';

function newTree(): SceneTree {
  return new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
}

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return MultiplayerError.is(err) ? err.code : -1;
  }
  return undefined;
}

class Enemy extends Node {}

/** Records every virtual and signal of itself into a shared log. */
class Logged extends Node {
  constructor(
    name: string,
    readonly log: string[],
  ) {
    super(name);
    this.treeEntered.connect(() => log.push(`treeEntered ${this.name}`));
    this.ready.connect(() => log.push(`ready-signal ${this.name}`));
    this.treeExiting.connect(() => log.push(`treeExiting ${this.name}`));
    this.treeExited.connect(() => log.push(`treeExited ${this.name}`));
    this.childEnteredTree.connect((c) => log.push(`childEnteredTree ${this.name}<-${c.name}`));
    this.childExitingTree.connect((c) => log.push(`childExitingTree ${this.name}<-${c.name}`));
  }
  override _enterTree(): void {
    this.log.push(`_enterTree ${this.name}`);
  }
  override _ready(): void {
    this.log.push(`_ready ${this.name}`);
  }
  override _exitTree(): void {
    this.log.push(`_exitTree ${this.name}`);
  }
}

t.test('name: invalid characters . : @ / " % become _; empty throws ERR_INVALID_PARAMETER', (t) => {
  const n = new Node('a.b:c@d/e"f%g');
  t.equal(n.name, 'a_b_c_d_e_f_g');
  t.equal(
    codeOf(() => (n.name = '')),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

t.test('addChild: unnamed and duplicate children get @Class@N names (forceReadableName false)', (t) => {
  const parent = new Node('P');
  const a = new Node();
  const b = new Node();
  const e1 = new Enemy('Foe');
  const e2 = new Enemy('Foe');
  parent.addChild(a);
  parent.addChild(b);
  parent.addChild(e1);
  parent.addChild(e2);
  t.equal(a.name, '@Node@2');
  t.equal(b.name, '@Node@3');
  t.equal(e1.name, 'Foe');
  t.equal(e2.name, '@Enemy@4');
  t.end();
});

t.test('addChild: forceReadableName gives Class, Class2, and counts trailing digits up', (t) => {
  const parent = new Node('P');
  const names = [new Node(), new Node(), new Enemy('Enemy7'), new Enemy('Enemy7'), new Enemy('Enemy9'), new Enemy('Enemy9')];
  for (const n of names) parent.addChild(n, true);
  t.same(
    names.map((n) => n.name),
    ['Node', 'Node2', 'Enemy7', 'Enemy8', 'Enemy9', 'Enemy10'],
  );
  t.end();
});

t.test('name setter: renaming to a sibling name is made readable-unique; renamed fires only inside a tree', (t) => {
  const tree = newTree();
  const parent = new Node('P');
  const a = new Node('A');
  const b = new Node('B');
  parent.addChild(a);
  parent.addChild(b);
  let renamed = 0;
  b.renamed.connect(() => void renamed++);
  b.name = 'A';
  t.equal(b.name, 'A2');
  t.equal(renamed, 0, 'not in a tree yet');
  t.equal(parent.getNode('A2'), b);
  tree.root.addChild(parent);
  const seen: Node[] = [];
  tree.nodeRenamed.connect((n) => void seen.push(n));
  b.name = 'Bee';
  t.equal(renamed, 1);
  t.same(seen, [b]);
  t.equal(parent.getNodeOrNull('A2'), null);
  t.equal(b.getPath().toString(), '/root/P/Bee');
  t.end();
});

t.test('addChild: itself, a node with a parent, and a cycle each throw and change nothing', (t) => {
  const a = new Node('A');
  const b = new Node('B');
  const c = new Node('C');
  a.addChild(b);
  b.addChild(c);
  t.equal(
    codeOf(() => a.addChild(a)),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => c.addChild(b)),
    ErrorCode.ERR_ALREADY_IN_USE,
  );
  b.removeChild(c);
  t.equal(
    codeOf(() => c.addChild(a)),
    undefined,
    'a detached node may take an unrelated parent',
  );
  const x = new Node('X');
  const y = new Node('Y');
  x.addChild(y);
  t.equal(
    codeOf(() => y.addChild(x)),
    ErrorCode.ERR_CYCLIC_LINK,
  );
  t.equal(x.getParent(), null);
  t.equal(
    codeOf(() => a.removeChild(y)),
    ErrorCode.ERR_INVALID_PARAMETER,
    'removeChild of a non-child',
  );
  t.end();
});

t.test('lifecycle: enter top-down, ready bottom-up, exit bottom-up (last child first), then treeExited', (t) => {
  const tree = newTree();
  const log: string[] = [];
  const a = new Logged('A', log);
  const b = new Logged('B', log);
  const c = new Logged('C', log);
  const d = new Logged('D', log);
  a.addChild(b);
  a.addChild(c);
  b.addChild(d);
  tree.nodeAdded.connect((n) => void log.push(`nodeAdded ${n.name}`));
  tree.nodeRemoved.connect((n) => void log.push(`nodeRemoved ${n.name}`));
  tree.root.addChild(a);
  t.same(log, [
    '_enterTree A',
    'treeEntered A',
    'nodeAdded A',
    '_enterTree B',
    'treeEntered B',
    'nodeAdded B',
    'childEnteredTree A<-B',
    '_enterTree D',
    'treeEntered D',
    'nodeAdded D',
    'childEnteredTree B<-D',
    '_enterTree C',
    'treeEntered C',
    'nodeAdded C',
    'childEnteredTree A<-C',
    '_ready D',
    'ready-signal D',
    '_ready B',
    'ready-signal B',
    '_ready C',
    'ready-signal C',
    '_ready A',
    'ready-signal A',
  ]);
  log.length = 0;
  tree.root.removeChild(a);
  t.same(log, [
    '_exitTree C',
    'treeExiting C',
    'nodeRemoved C',
    'childExitingTree A<-C',
    '_exitTree D',
    'treeExiting D',
    'nodeRemoved D',
    'childExitingTree B<-D',
    '_exitTree B',
    'treeExiting B',
    'nodeRemoved B',
    'childExitingTree A<-B',
    '_exitTree A',
    'treeExiting A',
    'nodeRemoved A',
    'treeExited C',
    'treeExited D',
    'treeExited B',
    'treeExited A',
  ]);
  t.notOk(a.isInsideTree());
  t.notOk(d.isInsideTree());
  t.end();
});

t.test('_ready: runs once per node; requestReady makes the next entry run it again', (t) => {
  const tree = newTree();
  const log: string[] = [];
  const a = new Logged('A', log);
  tree.root.addChild(a);
  tree.root.removeChild(a);
  tree.root.addChild(a);
  t.equal(log.filter((l) => l === '_ready A').length, 1);
  t.ok(a.isNodeReady());
  tree.root.removeChild(a);
  a.requestReady();
  t.notOk(a.isNodeReady());
  tree.root.addChild(a);
  t.equal(log.filter((l) => l === '_ready A').length, 2);
  t.end();
});

t.test("_ready: a child added from a parent's _enterTree is entered once and ready before the parent", (t) => {
  const tree = newTree();
  const log: string[] = [];
  class Spawner extends Logged {
    override _enterTree(): void {
      super._enterTree();
      this.addChild(new Logged('Late', this.log));
    }
  }
  tree.root.addChild(new Spawner('S', log));
  t.same(
    log.filter((l) => l.startsWith('_')),
    ['_enterTree S', '_enterTree Late', '_ready Late', '_ready S'],
  );
  t.end();
});

t.test('addChild: adding to a parent that is iterating its children throws ERR_BUSY (Godot: "busy setting up children")', (t) => {
  const tree = newTree();
  const parent = new Node('P');
  let code: number | undefined;
  class Greedy extends Node {
    override _ready(): void {
      code = codeOf(() => this.getParent()!.addChild(new Node('Sibling')));
    }
  }
  parent.addChild(new Greedy('G'));
  tree.root.addChild(parent);
  t.equal(code, ErrorCode.ERR_BUSY);
  t.equal(parent.getChildCount(), 1);
  parent.addChild(new Node('Sibling'));
  t.equal(parent.getChildCount(), 2, 'the parent is not left blocked');
  t.end();
});

t.test('processing: overriding _process or _physicsProcess enables it at ready; setProcess toggles', (t) => {
  const tree = newTree();
  class P extends Node {
    override _process(): void {}
  }
  class F extends Node {
    override _physicsProcess(): void {}
  }
  const p = new P('P');
  const f = new F('F');
  const plain = new Node('N');
  t.notOk(p.isProcessing());
  tree.root.addChild(p);
  tree.root.addChild(f);
  tree.root.addChild(plain);
  t.ok(p.isProcessing());
  t.notOk(p.isPhysicsProcessing());
  t.ok(f.isPhysicsProcessing());
  t.notOk(plain.isProcessing());
  p.setProcess(false);
  t.notOk(p.isProcessing());
  t.end();
});

t.test('getNode / getNodeOrNull: relative, . and .., absolute; missing throws ERR_DOES_NOT_EXIST', (t) => {
  const tree = newTree();
  const game = new Node('Game');
  const players = new Node('Players');
  const p1 = new Enemy('P1');
  game.addChild(players);
  players.addChild(p1);
  t.equal(game.getNode('Players/P1'), p1);
  t.equal(p1.getNode('..'), players);
  t.equal(p1.getNode('./../..'), game);
  t.equal(game.getNodeOrNull('/root/Game'), null, 'absolute paths need a tree');
  tree.root.addChild(game);
  t.equal(p1.getNode('/root/Game'), game);
  t.equal(p1.getNode(new NodePath('/root/Game/Players/P1')), p1);
  t.equal(game.getNodeOrNull('Nope'), null);
  t.equal(game.getNodeOrNull(''), null);
  t.equal(game.getNodeOrNull('/other/Game'), null);
  t.ok(game.hasNode('Players'));
  t.equal(
    codeOf(() => game.getNode('Players/P2')),
    ErrorCode.ERR_DOES_NOT_EXIST,
  );
  t.equal(game.getNode('Players/P1', Enemy), p1, 'typed look-up');
  t.equal(
    codeOf(() => game.getNode('Players', Enemy)),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

t.test('getPath / getPathTo: /root/… inside a tree, empty outside; relative paths between nodes', (t) => {
  const tree = newTree();
  const a = new Node('A');
  const b = new Node('B');
  const c = new Node('C');
  a.addChild(b);
  a.addChild(c);
  t.ok(a.getPath().isEmpty());
  tree.root.addChild(a);
  t.equal(b.getPath().toString(), '/root/A/B');
  t.equal(tree.root.getPath().toString(), '/root');
  t.equal(b.getPathTo(c).toString(), '../C');
  t.equal(a.getPathTo(b).toString(), 'B');
  t.equal(b.getPathTo(b).toString(), '.');
  t.equal(
    codeOf(() => b.getPathTo(new Node('Elsewhere'))),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

t.test('findChild / findChildren: wildcard patterns; owned=true (Godot default) skips ownerless nodes', (t) => {
  const scene = new Node('Scene');
  const enemies = new Node('Enemies');
  const e1 = new Enemy('Goblin1');
  const e2 = new Enemy('Goblin2');
  scene.addChild(enemies);
  enemies.addChild(e1);
  enemies.addChild(e2);
  t.equal(scene.findChild('Goblin*'), null, 'no owners yet');
  t.equal(scene.findChild('Goblin*', true, false), e1);
  e1.owner = scene;
  e2.owner = scene;
  t.equal(scene.findChild('Gob?in2'), e2);
  t.equal(scene.findChild('Goblin*', false), null, 'not recursive');
  t.same(scene.findChildren('*', Enemy), [e1, e2]);
  t.same(scene.findChildren('', undefined, true, false), [enemies, e1, e2]);
  t.equal(e2.findParent('Sc*'), scene);
  t.equal(
    codeOf(() => scene.findChild('')),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

t.test('moveChild / getChild / getIndex: reorder, negative indices, childOrderChanged', (t) => {
  const p = new Node('P');
  const [a, b, c] = [new Node('A'), new Node('B'), new Node('C')];
  p.addChild(a);
  p.addChild(b);
  p.addChild(c);
  let changed = 0;
  p.childOrderChanged.connect(() => void changed++);
  p.moveChild(c, 0);
  t.same(
    p.getChildren().map((n) => n.name),
    ['C', 'A', 'B'],
  );
  p.moveChild(c, -1);
  t.same(
    p.getChildren().map((n) => n.name),
    ['A', 'B', 'C'],
  );
  p.moveChild(a, 3);
  t.same(
    p.getChildren().map((n) => n.name),
    ['B', 'C', 'A'],
    'the child count means last',
  );
  t.equal(changed, 3);
  t.equal(p.getChild(-1), a);
  t.equal(a.getIndex(), 2);
  t.equal(new Node().getIndex(), -1);
  t.equal(
    codeOf(() => p.moveChild(a, 4)),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => p.getChild(3)),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => p.moveChild(new Node(), 0)),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

t.test('owner: must be an ancestor; a subtree removed away from its owner forgets it', (t) => {
  const tree = newTree();
  const scene = new Node('Scene');
  const child = new Node('Child');
  const grand = new Node('Grand');
  scene.addChild(child);
  child.addChild(grand);
  t.equal(
    codeOf(() => (scene.owner = grand)),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  grand.owner = scene;
  t.equal(grand.owner, scene);
  tree.root.addChild(scene);
  scene.removeChild(child);
  t.equal(grand.owner, null, 'Godot: _propagate_after_exit_tree cleans a stale owner');
  grand.owner = child;
  grand.owner = null;
  t.equal(grand.owner, null);
  t.end();
});

t.test('reparent: moves the subtree and keeps owners; a cycle or no parent throws, leaving the tree intact', (t) => {
  const tree = newTree();
  const scene = new Node('Scene');
  const left = new Node('Left');
  const right = new Node('Right');
  const item = new Node('Item');
  const gem = new Node('Gem');
  scene.addChild(left);
  scene.addChild(right);
  left.addChild(item);
  item.addChild(gem);
  item.owner = scene;
  gem.owner = scene;
  tree.root.addChild(scene);
  item.reparent(right);
  t.equal(item.getParent(), right);
  t.equal(item.owner, scene);
  t.equal(gem.owner, scene);
  t.equal(gem.getPath().toString(), '/root/Scene/Right/Item/Gem');
  t.equal(
    codeOf(() => item.reparent(gem)),
    ErrorCode.ERR_CYCLIC_LINK,
  );
  t.equal(item.getParent(), right);
  t.equal(
    codeOf(() => new Node().reparent(scene)),
    ErrorCode.ERR_UNCONFIGURED,
  );
  t.equal(
    codeOf(() => item.reparent(item)),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

t.test('groups: membership follows the node in and out of the tree', (t) => {
  const tree = newTree();
  const a = new Node('A');
  const b = new Node('B');
  a.addToGroup('enemies');
  t.ok(a.isInGroup('enemies'));
  t.equal(tree.getNodeCountInGroup('enemies'), 0, 'not in the tree yet');
  tree.root.addChild(b);
  tree.root.addChild(a);
  b.addToGroup('enemies');
  t.same(tree.getNodesInGroup('enemies'), [b, a], 'tree order, not join order');
  t.same(a.getGroups(), ['enemies']);
  tree.root.removeChild(a);
  t.same(tree.getNodesInGroup('enemies'), [b]);
  b.removeFromGroup('enemies');
  t.notOk(tree.hasGroup('enemies'));
  t.equal(
    codeOf(() => a.addToGroup('')),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

t.test('free: detaches and frees the subtree, disconnects its signals; queueFree outside a tree frees now', (t) => {
  const tree = newTree();
  const a = new Node('A');
  const b = new Node('B');
  a.addChild(b);
  tree.root.addChild(a);
  let exited = 0;
  b.treeExited.connect(() => void exited++);
  a.free();
  t.equal(exited, 1);
  t.notOk(isInstanceValid(a));
  t.notOk(isInstanceValid(b));
  t.equal(tree.root.getChildCount(), 0);
  t.equal(b.treeExited.connectionCount, 0);
  t.equal(
    codeOf(() => tree.root.addChild(a)),
    ErrorCode.ERR_INVALID_PARAMETER,
    'a freed node cannot be added',
  );
  const loose = new Node('Loose');
  loose.queueFree();
  t.notOk(isInstanceValid(loose));
  t.equal(
    codeOf(() => tree.root.free()),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => tree.root.queueFree()),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.notOk(isInstanceValid(null));
  t.end();
});

t.test('getTree: the tree inside one; throws ERR_UNCONFIGURED outside', (t) => {
  const tree = newTree();
  const n = new Node('N');
  t.equal(
    codeOf(() => n.getTree()),
    ErrorCode.ERR_UNCONFIGURED,
  );
  tree.root.addChild(n);
  t.equal(n.getTree(), tree);
  t.end();
});

t.test('setMultiplayerAuthority: recursive by default, or only this node', (t) => {
  const a = new Node('A');
  const b = new Node('B');
  a.addChild(b);
  t.equal(a.getMultiplayerAuthority(), 1, 'default authority is the server');
  a.setMultiplayerAuthority(7);
  t.equal(b.getMultiplayerAuthority(), 7);
  a.setMultiplayerAuthority(9, false);
  t.equal(a.getMultiplayerAuthority(), 9);
  t.equal(b.getMultiplayerAuthority(), 7);
  t.notOk(a.isMultiplayerAuthority(), 'false outside a tree');
  t.end();
});

t.test('auto-names are a pure function of the tree history: two identical builds get identical names (per-parent serial)', (t) => {
  const build = (): string[] => {
    const tree = newTree();
    const a = new Node('A');
    const b = new Node('B');
    tree.root.addChild(a);
    tree.root.addChild(b);
    for (let i = 0; i < 3; i++) a.addChild(new Node());
    b.addChild(new Enemy());
    a.removeChild(a.getChild(0));
    a.addChild(new Node());
    return [...a.getChildren(), ...b.getChildren()].map((n) => n.getPath().toString());
  };
  const first = build();
  t.same(first, ['/root/A/@Node@3', '/root/A/@Node@4', '/root/A/@Node@5', '/root/B/@Enemy@2']);
  t.same(build(), first);
  t.end();
});
