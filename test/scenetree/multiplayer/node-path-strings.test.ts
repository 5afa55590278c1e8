/** Every NodePath parameter of SceneMultiplayer and its nodes accepts a string, as GDScript converts one. */
import t from 'tap';
import { ErrorCode, MultiplayerError, NodePath } from '../../../core/index.js';
import { MultiplayerSpawner, MultiplayerSynchronizer, SceneMultiplayer, SceneTree } from '../../../scenetree/index.js';

t.test('SceneTree.setMultiplayer(api, string) configures a real SceneMultiplayer with that root', (t) => {
  const tree = new SceneTree();
  const api = new SceneMultiplayer();
  tree.setMultiplayer(api, '/root/x');
  t.ok(api.rootPath instanceof NodePath);
  t.equal(api.rootPath.toString(), '/root/x');
  t.equal(tree.getMultiplayer('/root/x/Player'), api);
  tree.setMultiplayer(null, '/root/x');
  t.ok(api.rootPath.isEmpty(), 'unbinding with a string removes the same root');
  t.end();
});

t.test('SceneMultiplayer.rootPath and objectConfigurationAdd/Remove take strings', (t) => {
  const api = new SceneMultiplayer();
  api.rootPath = '/root/game';
  t.ok(api.rootPath.equals('/root/game'));
  let code: number | undefined;
  try {
    api.rootPath = 'relative';
  } catch (err) {
    code = MultiplayerError.is(err) ? err.code : -1;
  }
  t.equal(code, ErrorCode.ERR_INVALID_PARAMETER, 'a relative string is refused');
  t.equal(api.objectConfigurationAdd(null, '/root/level'), ErrorCode.OK);
  t.equal(api.rootPath.toString(), '/root/level');
  t.equal(api.objectConfigurationRemove(null, '/root/level'), ErrorCode.OK);
  t.ok(api.rootPath.isEmpty());
  t.end();
});

t.test('spawner.spawnPath and synchronizer.rootPath take strings', (t) => {
  const spawner = new MultiplayerSpawner();
  spawner.spawnPath = '../World';
  t.ok(spawner.spawnPath.equals(new NodePath('../World')));
  const sync = new MultiplayerSynchronizer();
  sync.rootPath = '../Player';
  t.ok(sync.rootPath.equals(new NodePath('../Player')));
  t.end();
});
