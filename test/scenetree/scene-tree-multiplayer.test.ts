import t from 'tap';
import { ErrorCode, MultiplayerError, NodePath } from '../../core/index.js';
import { Node, SceneTree } from '../../scenetree/index.js';
import { RecordingMultiplayerAPI } from '../helpers/recording-multiplayer-api.js';

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return MultiplayerError.is(err) ? err.code : -1;
  }
  return undefined;
}

class Player extends Node {
  takeDamage(amount: number, source: string): void {
    void amount;
    void source;
  }
  heal(): void {}
}

t.test('constructor: the default API is configured with (tree, /root)', (t) => {
  const api = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: api });
  t.same(api.callsOf('add'), [{ kind: 'add', object: tree, config: '/root' }]);
  t.equal(tree.getMultiplayer(), api);
  t.end();
});

t.test('setMultiplayer: replacing the default removes (tree, /root) from the old one and adds it to the new', (t) => {
  const first = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: first });
  const second = new RecordingMultiplayerAPI();
  tree.setMultiplayer(second);
  t.same(first.callsOf('remove'), [{ kind: 'remove', object: tree, config: '/root' }]);
  t.same(second.callsOf('add'), [{ kind: 'add', object: tree, config: '/root' }]);
  t.equal(tree.getMultiplayer(), second);
  t.equal(
    codeOf(() => tree.setMultiplayer(null)),
    ErrorCode.ERR_INVALID_PARAMETER,
    'the default cannot be null',
  );
  t.end();
});

t.test('setMultiplayer: a subtree root is configured, replaced (remove on the old) and unbound with null', (t) => {
  const tree = new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
  const a = new RecordingMultiplayerAPI();
  const b = new RecordingMultiplayerAPI();
  const root = new NodePath('/root/Game');
  tree.setMultiplayer(a, root);
  t.same(a.callsOf('add'), [{ kind: 'add', object: tree, config: '/root/Game' }]);
  tree.setMultiplayer(b, root);
  t.same(a.callsOf('remove'), [{ kind: 'remove', object: tree, config: '/root/Game' }]);
  t.same(b.callsOf('add'), [{ kind: 'add', object: tree, config: '/root/Game' }]);
  t.equal(tree.getMultiplayer(new NodePath('/root/Game/X')), b);
  tree.setMultiplayer(null, root);
  t.same(b.callsOf('remove'), [{ kind: 'remove', object: tree, config: '/root/Game' }]);
  t.equal(tree.getMultiplayer(new NodePath('/root/Game/X')), tree.getMultiplayer());
  t.end();
});

t.test('setMultiplayer: a relative root path throws ERR_INVALID_PARAMETER', (t) => {
  const tree = new SceneTree({ multiplayer: new RecordingMultiplayerAPI() });
  t.equal(
    codeOf(() => tree.setMultiplayer(new RecordingMultiplayerAPI(), new NodePath('Game'))),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

t.test('getMultiplayer: the longest configured root that prefixes the path wins (nesting allowed: divergence from Godot)', (t) => {
  const def = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: def });
  const game = new RecordingMultiplayerAPI();
  const level = new RecordingMultiplayerAPI();
  tree.setMultiplayer(level, new NodePath('/root/Game/Level'));
  tree.setMultiplayer(game, new NodePath('/root/Game'));
  const at = (p: string) => tree.getMultiplayer(new NodePath(p));
  t.equal(at('/root/Game/Level/Player'), level);
  t.equal(at('/root/Game/Level'), level, 'the root node itself');
  t.equal(at('/root/Game/Other'), game);
  t.equal(at('/root/Game'), game);
  t.equal(at('/root/GameOver'), def, 'names are compared whole, not as string prefixes');
  t.equal(at('/root'), def);
  t.equal(tree.getMultiplayer(), def, 'the empty path gives the default');
  t.end();
});

t.test('processFrame: polls the default API and each subtree API once per frame', (t) => {
  const def = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: def });
  const sub = new RecordingMultiplayerAPI();
  tree.setMultiplayer(sub, new NodePath('/root/A'));
  tree.setMultiplayer(sub, new NodePath('/root/B'));
  tree.processFrame(0.016);
  t.equal(def.callsOf('poll').length, 1);
  t.equal(sub.callsOf('poll').length, 1, 'an API serving two subtrees is polled once');
  t.end();
});

t.test('node.multiplayer: resolves through the node path; null outside a tree', (t) => {
  const def = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: def });
  const sub = new RecordingMultiplayerAPI();
  tree.setMultiplayer(sub, new NodePath('/root/Server'));
  const server = new Node('Server');
  const inner = new Node('Inner');
  const client = new Node('Client');
  server.addChild(inner);
  t.equal(inner.multiplayer, null);
  tree.root.addChild(server);
  tree.root.addChild(client);
  t.equal(inner.multiplayer, sub);
  t.equal(server.multiplayer, sub);
  t.equal(client.multiplayer, def);
  t.end();
});

t.test('isMultiplayerAuthority: compares the authority with the API unique id', (t) => {
  const tree = new SceneTree({ multiplayer: new RecordingMultiplayerAPI(1) });
  tree.setMultiplayer(new RecordingMultiplayerAPI(42), new NodePath('/root/Client'));
  const server = new Node('Server');
  const client = new Node('Client');
  tree.root.addChild(server);
  tree.root.addChild(client);
  t.ok(server.isMultiplayerAuthority(), 'authority 1, unique id 1');
  t.notOk(client.isMultiplayerAuthority(), 'authority 1, unique id 42');
  client.setMultiplayerAuthority(42);
  t.ok(client.isMultiplayerAuthority());
  t.end();
});

t.test('rpc / rpcId: ERR_UNCONFIGURED outside a tree, without touching any API', (t) => {
  const def = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: def });
  const p = new Player('P');
  t.equal(p.rpc('takeDamage', 3, 'trap'), ErrorCode.ERR_UNCONFIGURED);
  t.equal(p.rpcId(2, 'heal'), ErrorCode.ERR_UNCONFIGURED);
  t.same(def.callsOf('rpcp'), []);
  t.equal(tree.getMultiplayer(), def);
  t.end();
});

t.test('rpc / rpcId: inside a tree they delegate to the node API rpcp and return its code', (t) => {
  const def = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: def });
  const sub = new RecordingMultiplayerAPI();
  tree.setMultiplayer(sub, new NodePath('/root/World'));
  const world = new Node('World');
  const p = new Player('P');
  world.addChild(p);
  tree.root.addChild(world);
  t.equal(p.rpc('takeDamage', 3, 'trap'), ErrorCode.OK);
  sub.rpcResult = ErrorCode.ERR_CONNECTION_ERROR;
  t.equal(p.rpcId(-5, 'heal'), ErrorCode.ERR_CONNECTION_ERROR);
  t.same(sub.callsOf('rpcp'), [
    { kind: 'rpcp', object: p, peer: 0, method: 'takeDamage', args: [3, 'trap'] },
    { kind: 'rpcp', object: p, peer: -5, method: 'heal', args: [] },
  ]);
  t.same(def.callsOf('rpcp'), [], 'the subtree API served the call');
  t.end();
});

t.test('setMultiplayer / getMultiplayer: a string root path works as a NodePath (GDScript converts String → NodePath)', (t) => {
  const def = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: def });
  const sub = new RecordingMultiplayerAPI();
  tree.setMultiplayer(sub, '/root/x');
  t.same(sub.callsOf('add'), [{ kind: 'add', object: tree, config: '/root/x' }]);
  t.equal(tree.getMultiplayer('/root/x/Player'), sub);
  t.equal(tree.getMultiplayer('/root/y'), def);
  t.equal(
    codeOf(() => tree.setMultiplayer(sub, 'x')),
    ErrorCode.ERR_INVALID_PARAMETER,
    'a relative string is refused like a relative NodePath',
  );
  tree.setMultiplayer(null, '/root/x');
  t.same(sub.callsOf('remove'), [{ kind: 'remove', object: tree, config: '/root/x' }]);
  t.equal(tree.getMultiplayer('/root/x/Player'), def);
  t.end();
});

t.test('getMultiplayer / node.multiplayer: the deepest root wins whatever order the roots were configured in', (t) => {
  const def = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: def });
  const game = new RecordingMultiplayerAPI();
  const level = new RecordingMultiplayerAPI();
  const room = new RecordingMultiplayerAPI();
  // Shallow first, then deeper: a first-match scan in insertion order would pick `game` everywhere.
  tree.setMultiplayer(game, '/root/Game');
  tree.setMultiplayer(level, '/root/Game/Level');
  tree.setMultiplayer(room, '/root/Game/Level/Room');
  t.equal(tree.getMultiplayer('/root/Game/Level/Room/Player'), room);
  t.equal(tree.getMultiplayer('/root/Game/Level/Player'), level);
  t.equal(tree.getMultiplayer('/root/Game/Player'), game);
  const gameNode = new Node('Game');
  const levelNode = new Node('Level');
  const roomNode = new Node('Room');
  const player = new Node('Player');
  tree.root.addChild(gameNode);
  gameNode.addChild(levelNode);
  levelNode.addChild(roomNode);
  roomNode.addChild(player);
  t.equal(player.multiplayer, room);
  t.equal(levelNode.multiplayer, level);
  // Unbinding the middle root hands its subtree to the next deepest one.
  tree.setMultiplayer(null, '/root/Game/Level');
  t.equal(levelNode.multiplayer, game);
  t.equal(player.multiplayer, room);
  t.end();
});
