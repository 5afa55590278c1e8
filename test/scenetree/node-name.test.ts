import t from 'tap';
import {
  generateSerialChildName,
  increaseNumericString,
  makeAutoName,
  matchesPattern,
  validateNodeName,
} from '../../scenetree/node-name.js';
import { INVALID_NODE_NAME_CHARACTERS } from '../../scenetree/index.js';

t.test("validateNodeName: each of Godot's invalid characters becomes _", (t) => {
  t.same(INVALID_NODE_NAME_CHARACTERS, ['.', ':', '@', '/', '"', '%']);
  for (const c of INVALID_NODE_NAME_CHARACTERS) t.equal(validateNodeName(`a${c}b`), 'a_b', JSON.stringify(c));
  t.equal(validateNodeName('Plain Name-1_ü'), 'Plain Name-1_ü', 'everything else is kept');
  t.end();
});

t.test('increaseNumericString: counts up keeping width, carrying into a new digit', (t) => {
  for (const [from, to] of [
    ['0', '1'],
    ['09', '10'],
    ['9', '10'],
    ['199', '200'],
    ['007', '008'],
  ]) {
    t.equal(increaseNumericString(from!), to, `${from} → ${to}`);
  }
  t.end();
});

t.test('generateSerialChildName: free name kept, undecorated → 2, trailing digits counted up, empty → class', (t) => {
  const taken = new Set(['Node', 'Node2', 'Enemy', 'Enemy09', 'Enemy10']);
  const isTaken = (n: string): boolean => taken.has(n);
  t.equal(generateSerialChildName('Free', 'Node', isTaken), 'Free');
  t.equal(generateSerialChildName('', 'Node', isTaken), 'Node3');
  t.equal(generateSerialChildName('Enemy', 'Node', isTaken), 'Enemy2');
  t.equal(generateSerialChildName('Enemy09', 'Node', isTaken), 'Enemy11');
  t.end();
});

t.test('makeAutoName: @Class@N', (t) => {
  t.equal(makeAutoName('Node', 2), '@Node@2');
  t.end();
});

t.test('matchesPattern: Godot String::match wildcards (* any run, ? one character), case-sensitive', (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['Player', 'Player', true],
    ['Player', 'player', false],
    ['Player2', 'Player*', true],
    ['Player', 'Player*', true],
    ['Player', '*', true],
    ['', '*', true],
    ['', '?', false],
    ['Enemy12', 'Enemy??', true],
    ['Enemy1', 'Enemy??', false],
    ['abcabd', '*ab?', true],
    ['abcabx', '*abd', false],
    ['Gob', 'G*b*', true],
  ];
  for (const [text, pattern, expected] of cases) t.equal(matchesPattern(text, pattern), expected, `${JSON.stringify(text)} ~ ${pattern}`);
  t.end();
});
