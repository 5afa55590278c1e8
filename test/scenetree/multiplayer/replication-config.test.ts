import t from 'tap';
import { ErrorCode, MultiplayerError, NodePath, Vector2 } from '../../../core/index.js';
import {
  MultiplayerSpawner,
  MultiplayerSynchronizer,
  Node,
  ReplicationMode,
  SceneReplicationConfig,
  SceneTree,
} from '../../../scenetree/index.js';
import { getState, setState } from '../../../scenetree/multiplayer/replication-state.js';

const code = (c: ErrorCode) => ({ name: MultiplayerError.name, code: c });

t.test('SceneReplicationConfig: new properties spawn and sync ALWAYS; lists follow config order', (t) => {
  const c = new SceneReplicationConfig();
  c.addProperty('.:a');
  c.addProperty('.:b');
  c.addProperty('.:first', 0);
  t.same(c.getProperties().map(String), ['.:first', '.:a', '.:b']);
  t.equal(c.propertyGetIndex('.:a'), 1);
  t.equal(c.propertyGetIndex('.:missing'), -1);
  t.ok(c.propertyGetSpawn('.:a'));
  t.equal(c.propertyGetReplicationMode('.:a'), ReplicationMode.ALWAYS);
  c.propertySetSpawn('.:a', false);
  c.propertySetReplicationMode('.:b', ReplicationMode.ON_CHANGE);
  c.propertySetReplicationMode('.:first', ReplicationMode.NEVER);
  t.same(c.getSpawnProperties().map(String), ['.:first', '.:b']);
  t.same(c.getSyncProperties().map(String), ['.:a']);
  t.same(c.getWatchProperties().map(String), ['.:b']);
  c.removeProperty('.:a');
  c.removeProperty('.:not-there');
  t.notOk(c.hasProperty('.:a'));
  t.same(c.getSyncProperties(), []);
  t.end();
});

t.test('SceneReplicationConfig: deprecated sync/watch accessors map onto the mode', (t) => {
  const c = new SceneReplicationConfig();
  c.addProperty(new NodePath('.:x'));
  t.ok(c.propertyGetSync('.:x'));
  c.propertySetWatch('.:x', true);
  t.ok(c.propertyGetWatch('.:x'));
  t.notOk(c.propertyGetSync('.:x'));
  c.propertySetSync('.:x', false); // not ALWAYS: unchanged
  t.ok(c.propertyGetWatch('.:x'));
  c.propertySetWatch('.:x', false);
  t.equal(c.propertyGetReplicationMode('.:x'), ReplicationMode.NEVER);
  c.propertySetSync('.:x', true);
  c.propertySetSync('.:x', false);
  t.equal(c.propertyGetReplicationMode('.:x'), ReplicationMode.NEVER);
  t.end();
});

t.test('SceneReplicationConfig: misuse throws a typed error', (t) => {
  const c = new SceneReplicationConfig();
  c.addProperty('.:a');
  t.throws(() => c.addProperty('.:a'), code(ErrorCode.ERR_ALREADY_EXISTS), 'duplicate');
  t.throws(() => c.addProperty('position'), code(ErrorCode.ERR_INVALID_PARAMETER), 'a node path names no property');
  t.throws(() => c.addProperty('.:b', 5), code(ErrorCode.ERR_PARAMETER_RANGE_ERROR), 'index out of range');
  t.throws(() => c.propertySetSpawn('.:zz', true), code(ErrorCode.ERR_DOES_NOT_EXIST), 'unknown property');
  for (let i = 0; i < 64; i++) {
    c.addProperty(`.:w${i}`);
    c.propertySetReplicationMode(`.:w${i}`, ReplicationMode.ON_CHANGE);
  }
  t.throws(
    () => c.propertySetReplicationMode('.:a', ReplicationMode.ON_CHANGE),
    code(ErrorCode.ERR_OUT_OF_MEMORY),
    'the 65th watched property',
  );
  t.equal(c.getWatchProperties().length, 64);
  t.end();
});

t.test('get/set state: own properties, descendants, plain-object fields; immutable values and missing names refused', (t) => {
  class Body extends Node {
    position = new Vector2(1, 2);
    stats = { hp: 5, tags: ['a'] };
    label = 'x';
  }
  const root = new Body('Body');
  const child = new Body('Child');
  root.addChild(child);
  const paths = ['.:position', 'Child:label', '.:stats:hp'].map((p) => new NodePath(p));
  t.same(getState(paths, root), [new Vector2(1, 2), 'x', 5]);
  t.equal(setState(paths, root, [new Vector2(3, 4), 'y', 9]), null);
  t.ok(root.position.equals(new Vector2(3, 4)));
  t.equal(child.label, 'y');
  t.equal(root.stats.hp, 9);
  t.match(getState([new NodePath('.:nope')], root), /Property '.:nope' not found/);
  t.match(getState([new NodePath('Missing:label')], root), /Node 'Missing' not found/);
  t.match(setState([new NodePath('.:position:x')], root, [7]), /immutable value/);
  t.match(setState([new NodePath('.:label')], root, [3]), /holds a string; refusing a number/);
  t.equal(root.label, 'x', 'a refused value is not assigned');
  t.end();
});

t.test('MultiplayerSynchronizer: intervals, visibility bookkeeping, root path default', (t) => {
  const s = new MultiplayerSynchronizer();
  t.equal(s.rootPath.toString(), '..');
  s.replicationInterval = 0.25;
  s.deltaInterval = 0.5;
  t.equal(s.replicationInterval, 0.25);
  t.equal(s.replicationIntervalMs, 250);
  t.equal(s.deltaIntervalMs, 500);
  t.throws(() => (s.replicationInterval = -1), code(ErrorCode.ERR_INVALID_PARAMETER));
  t.ok(s.publicVisibility);
  t.ok(s.isVisibleTo(5));
  s.publicVisibility = false;
  t.notOk(s.isVisibleTo(5));
  s.setVisibilityFor(5, true);
  t.ok(s.getVisibilityFor(5) && s.isVisibleTo(5));
  const onlyEven = (peer: number): boolean => peer % 2 === 0;
  s.publicVisibility = true;
  s.addVisibilityFilter(onlyEven);
  t.notOk(s.isVisibleTo(5), 'a filter can veto');
  t.ok(s.isVisibleTo(6));
  s.removeVisibilityFilter(onlyEven);
  t.ok(s.isVisibleTo(5));
  t.equal(s.getRootNode(), null, 'not started outside a tree');
  t.end();
});

t.test('MultiplayerSpawner: scene list and spawn() preconditions', (t) => {
  const tree = new SceneTree();
  t.teardown(() => tree.root.getChildren().forEach((c) => c.free()));
  const spawner = new MultiplayerSpawner('Spawner');
  spawner.addSpawnableScene('res://a.tscn');
  spawner.addSpawnableScene('res://b.tscn');
  t.equal(spawner.getSpawnableSceneCount(), 2);
  t.equal(spawner.getSpawnableScene(1), 'res://b.tscn');
  t.throws(() => spawner.getSpawnableScene(2), code(ErrorCode.ERR_PARAMETER_RANGE_ERROR));
  t.throws(() => spawner.spawn(1), code(ErrorCode.ERR_UNAUTHORIZED), 'outside a tree');
  tree.root.addChild(spawner);
  t.throws(() => spawner.spawn(1), code(ErrorCode.ERR_UNCONFIGURED), 'no spawn function');
  spawner.spawnFunction = (data) => new Node(`N${data as number}`);
  t.throws(() => spawner.spawn(1), code(ErrorCode.ERR_UNCONFIGURED), 'no spawn node');
  spawner.spawnPath = '..';
  const n = spawner.spawn(1);
  t.equal(n.getParent(), tree.root, 'offline (the server is the authority): spawned locally');
  spawner.spawnLimit = 1;
  t.throws(() => spawner.spawn(2), code(ErrorCode.ERR_OUT_OF_MEMORY), 'spawn limit');
  spawner.clearSpawnableScenes();
  t.equal(spawner.getSpawnableSceneCount(), 0);
  t.end();
});
