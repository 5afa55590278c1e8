import t from 'tap';
import { NodePath } from '../../core/variant/node-path.js';

const parseCases: Array<[input: string, abs: boolean, names: string[], subnames: string[], str: string]> = [
  ['', false, [], [], ''],
  ['/root/Game/Player', true, ['root', 'Game', 'Player'], [], '/root/Game/Player'],
  ['Sprite2D:modulate:a', false, ['Sprite2D'], ['modulate', 'a'], 'Sprite2D:modulate:a'],
  ['../Sibling', false, ['..', 'Sibling'], [], '../Sibling'],
  ['.', false, ['.'], [], '.'],
  [':position', false, [], ['position'], ':position'],
  ['/', true, [], [], '/'],
  ['a//b/', false, ['a', 'b'], [], 'a/b'],
];

for (const [input, abs, names, subnames, str] of parseCases) {
  t.test(`parse ${JSON.stringify(input)}`, (t) => {
    const p = new NodePath(input);
    t.equal(p.isAbsolute(), abs);
    t.same(p.getNames(), names);
    t.same(p.getSubnames(), subnames);
    t.equal(p.getNameCount(), names.length);
    t.equal(p.getSubnameCount(), subnames.length);
    t.equal(p.toString(), str);
    t.end();
  });
}

t.test('isEmpty, getName/getSubname bounds, concatenations', (t) => {
  t.ok(NodePath.EMPTY.isEmpty());
  t.notOk(new NodePath('/').isEmpty());
  const p = new NodePath('/root/Game:position:x');
  t.equal(p.getName(1), 'Game');
  t.equal(p.getSubname(1), 'x');
  t.throws(() => p.getName(3), RangeError);
  t.throws(() => p.getSubname(2), RangeError);
  t.equal(p.getConcatenatedNames(), '/root/Game');
  t.equal(p.getConcatenatedSubnames(), 'position:x');
  t.equal(p.getAsPropertyPath().toString(), ':root:Game:position:x');
  t.end();
});

t.test('relPathTo: Godot rel_path_to', (t) => {
  const root = new NodePath('/root');
  t.equal(root.relPathTo(new NodePath('/root/Game/Player')).toString(), 'Game/Player');
  t.equal(root.relPathTo(root).toString(), '.');
  t.equal(new NodePath('/root/A/B').relPathTo(new NodePath('/root/C')).toString(), '../../C');
  t.throws(() => root.relPathTo(new NodePath('Game')), RangeError);
  t.end();
});

t.test('startsWith, equals, from, fromParts, copy constructor', (t) => {
  const p = new NodePath('/root/Game/Player');
  t.ok(p.startsWith(new NodePath('/root')));
  t.ok(p.startsWith(p));
  t.notOk(p.startsWith(new NodePath('/root/Gam')));
  t.notOk(p.startsWith(new NodePath('root')));
  t.notOk(new NodePath('/root').startsWith(p));
  t.ok(p.equals(NodePath.from('/root/Game/Player')));
  t.equal(NodePath.from(p), p);
  t.equal(NodePath.fromParts(['a', 'b'], ['c'], true).toString(), '/a/b:c');
  t.ok(new NodePath(p).equals(p));
  t.end();
});

t.test('fromParts: keeps names as given (no re-parse), so wire names survive exactly', (t) => {
  const p = NodePath.fromParts(['a/b', 'c:d'], ['e'], true);
  t.same(p.getNames(), ['a/b', 'c:d']);
  t.same(p.getSubnames(), ['e']);
  t.ok(p.isAbsolute());
  t.same(NodePath.fromParts(['', 'x']).getNames(), ['', 'x'], 'empty names are kept');
  t.end();
});

t.test('relPathTo, startsWith, equals: a string argument is parsed as a NodePath (as GDScript converts)', (t) => {
  const p = new NodePath('/root/Game/Player');
  t.equal(new NodePath('/root').relPathTo('/root/Game/Player').toString(), 'Game/Player');
  t.ok(p.startsWith('/root/Game'));
  t.notOk(p.startsWith('/root/Gam'));
  t.ok(p.equals('/root/Game/Player'));
  t.notOk(p.equals('/root/Game'));
  t.end();
});
