import t from 'tap';
import { ErrorCode, MultiplayerError } from '../../core/index.js';
import { Node, PackedScene, SceneRegistry, SceneTree, isInstanceValid } from '../../scenetree/index.js';
import { RecordingMultiplayerAPI } from '../helpers/recording-multiplayer-api.js';

class Level extends Node {
  readyCount = 0;
  override _ready(): void {
    this.readyCount++;
  }
}

function buildLevel(name: string): Node {
  const level = new Level(name);
  const spawn = new Node('Spawn');
  const marker = new Node('Marker');
  level.addChild(spawn);
  spawn.addChild(marker);
  return level;
}

t.test('PackedScene.instantiate: a fresh subtree each call; root gets sceneFilePath, descendants get the root as owner', (t) => {
  const scene = new PackedScene(() => buildLevel('Level'), 'res://level.tscn');
  const a = scene.instantiate();
  const b = scene.instantiate();
  t.not(a, b);
  t.equal(a.sceneFilePath, 'res://level.tscn');
  t.equal(a.getNode('Spawn').owner, a);
  t.equal(a.getNode('Spawn/Marker').owner, a);
  t.equal(a.owner, null);
  t.equal(a.findChild('Mark*'), a.getNode('Spawn/Marker'), 'owned nodes are found by findChild');
  t.ok(scene.canInstantiate());
  t.end();
});

t.test('PackedScene.instantiate: a factory returning a node with a parent throws ERR_CANT_CREATE', (t) => {
  const holder = new Node('Holder');
  const child = new Node('Child');
  holder.addChild(child);
  const scene = new PackedScene(() => child, 'res://bad.tscn');
  let code: number | undefined;
  try {
    scene.instantiate();
  } catch (err) {
    code = MultiplayerError.is(err) ? err.code : -1;
  }
  t.equal(code, ErrorCode.ERR_CANT_CREATE);
  t.end();
});

t.test('SceneRegistry: registerScene/load/has/unregisterScene; each tree owns its own unless one is shared', (t) => {
  const registry = new SceneRegistry();
  const scene = registry.registerScene('res://game.tscn', () => buildLevel('Game'));
  t.equal(registry.load('res://game.tscn'), scene);
  t.equal(scene.resourcePath, 'res://game.tscn');
  t.ok(registry.has('res://game.tscn'));
  t.same(registry.getPaths(), ['res://game.tscn']);
  t.equal(registry.load('res://missing.tscn'), null);
  t.throws(() => registry.registerScene('', () => new Node()));
  const shared = new SceneTree({ multiplayer: new RecordingMultiplayerAPI(), scenes: registry });
  const own = new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
  t.equal(shared.scenes, registry);
  t.equal(own.scenes.load('res://game.tscn'), null, 'no global registry leaks between trees');
  t.ok(registry.unregisterScene('res://game.tscn'));
  t.notOk(registry.has('res://game.tscn'));
  t.end();
});

t.test('changeSceneToFile: the new scene is added under the root and becomes currentScene during the next frame', (t) => {
  const tree = new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
  tree.scenes.registerScene('res://a.tscn', () => buildLevel('A'));
  tree.scenes.registerScene('res://b.tscn', () => buildLevel('B'));
  let changed = 0;
  tree.sceneChanged.connect(() => void changed++);
  t.equal(tree.changeSceneToFile('res://a.tscn'), ErrorCode.OK);
  t.equal(tree.currentScene, null, 'nothing happens before the frame');
  tree.processFrame(0.016);
  const a = tree.currentScene as Level;
  t.equal(a.name, 'A');
  t.equal(a.getParent(), tree.root);
  t.equal(a.readyCount, 1);
  t.equal(changed, 1);

  t.equal(tree.changeSceneToFile('res://b.tscn'), ErrorCode.OK);
  t.notOk(a.isInsideTree(), 'the old scene leaves the tree at once');
  t.ok(isInstanceValid(a), '…and is freed during the next frame');
  t.equal(tree.currentScene, null);
  tree.processFrame(0.016);
  t.notOk(isInstanceValid(a));
  t.equal(tree.currentScene?.name, 'B');
  t.equal(tree.currentScene?.sceneFilePath, 'res://b.tscn');
  t.equal(changed, 2);
  t.end();
});

t.test('changeSceneToFile: an unknown path is ERR_CANT_OPEN and changes nothing', (t) => {
  const tree = new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
  t.equal(tree.changeSceneToFile('res://nope.tscn'), ErrorCode.ERR_CANT_OPEN);
  tree.processFrame(0);
  t.equal(tree.currentScene, null);
  t.end();
});

t.test('changeSceneToPacked / changeSceneToNode: null, a throwing factory and a node already in the tree are refused', (t) => {
  const tree = new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
  t.equal(tree.changeSceneToPacked(null), ErrorCode.ERR_INVALID_PARAMETER);
  const broken = new PackedScene(() => {
    throw new Error('factory failed');
  });
  t.equal(tree.changeSceneToPacked(broken), ErrorCode.ERR_CANT_CREATE);
  const inside = new Node('Inside');
  tree.root.addChild(inside);
  t.equal(tree.changeSceneToNode(inside), ErrorCode.ERR_UNCONFIGURED);
  t.end();
});

t.test('changeSceneToNode twice before a frame: the first pending scene is freed, the second wins', (t) => {
  const tree = new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
  const first = new Node('First');
  const second = new Node('Second');
  tree.changeSceneToNode(first);
  tree.changeSceneToNode(second);
  t.notOk(isInstanceValid(first));
  tree.processFrame(0);
  t.equal(tree.currentScene, second);
  t.end();
});

t.test('reloadCurrentScene / unloadCurrentScene / currentScene setter', (t) => {
  const tree = new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
  t.equal(tree.reloadCurrentScene(), ErrorCode.ERR_UNCONFIGURED);
  tree.scenes.registerScene('res://a.tscn', () => buildLevel('A'));
  tree.changeSceneToFile('res://a.tscn');
  tree.processFrame(0);
  const first = tree.currentScene!;
  t.equal(tree.reloadCurrentScene(), ErrorCode.OK);
  tree.processFrame(0);
  t.not(tree.currentScene, first);
  t.equal(tree.currentScene?.name, 'A');
  tree.unloadCurrentScene();
  t.equal(tree.currentScene, null);
  t.equal(tree.root.getChildCount(), 0);
  const manual = new Node('Manual');
  t.throws(() => (tree.currentScene = manual), 'must be a child of the root');
  tree.root.addChild(manual);
  tree.currentScene = manual;
  t.equal(tree.currentScene, manual);
  tree.root.removeChild(manual);
  t.equal(tree.currentScene, null, 'Godot: node_removed clears current_scene');
  t.end();
});
