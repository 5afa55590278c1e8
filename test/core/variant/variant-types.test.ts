import t from 'tap';
import {
  AABB,
  Basis,
  ByteWriter,
  Callable,
  Color,
  ContainerType,
  EncodedObject,
  EncodedObjectAsID,
  type Float,
  NodePath,
  PackedStringArray,
  PackedVector2Array,
  Plane,
  Projection,
  Quaternion,
  RID,
  Rect2,
  Rect2i,
  SignalRef,
  StringName,
  Transform2D,
  Transform3D,
  TypedArray,
  TypedDictionary,
  VariantType,
  Vector2,
  Vector2i,
  Vector3,
  Vector3i,
  Vector4,
  Vector4i,
  float,
  variantTypeName,
  variantTypeOf,
} from '../../../core/index.js';

t.test('toString: value types print as Godot prints them', (t) => {
  const cases: Array<[unknown, string]> = [
    [new Vector2(1, 2), '(1.0, 2.0)'],
    [new Vector2(0.1, -2.5), '(0.1, -2.5)'],
    [new Vector2i(3, -4), '(3, -4)'],
    [new Vector3(1, 2, 3), '(1.0, 2.0, 3.0)'],
    [new Vector3i(1, 2, 3), '(1, 2, 3)'],
    [new Vector4(1, 2, 3, 4), '(1.0, 2.0, 3.0, 4.0)'],
    [new Vector4i(1, 2, 3, 4), '(1, 2, 3, 4)'],
    [new Rect2(0, 0, 640, 480), '[P: (0.0, 0.0), S: (640.0, 480.0)]'],
    [new Rect2i(1, 2, 3, 4), '[P: (1, 2), S: (3, 4)]'],
    [Transform2D.IDENTITY, '[X: (1.0, 0.0), Y: (0.0, 1.0), O: (0.0, 0.0)]'],
    [new Plane(new Vector3(0, 1, 0), 2), '[N: (0.0, 1.0, 0.0), D: 2.0]'],
    [Quaternion.IDENTITY, '(0.0, 0.0, 0.0, 1.0)'],
    [new AABB(Vector3.ZERO, new Vector3(1, 1, 1)), '[P: (0.0, 0.0, 0.0), S: (1.0, 1.0, 1.0)]'],
    [Basis.IDENTITY, '[X: (1.0, 0.0, 0.0), Y: (0.0, 1.0, 0.0), Z: (0.0, 0.0, 1.0)]'],
    [Transform3D.IDENTITY, '[X: (1.0, 0.0, 0.0), Y: (0.0, 1.0, 0.0), Z: (0.0, 0.0, 1.0), O: (0.0, 0.0, 0.0)]'],
    [Projection.IDENTITY, '[X: (1.0, 0.0, 0.0, 0.0), Y: (0.0, 1.0, 0.0, 0.0), Z: (0.0, 0.0, 1.0, 0.0), W: (0.0, 0.0, 0.0, 1.0)]'],
    [new Color(1, 0, 0), '(1.0, 0.0, 0.0, 1.0)'],
    [new Vector2(NaN, Infinity), '(nan, inf)'],
    [new StringName('position'), 'position'],
    [new RID(42n), 'RID(42)'],
    [new EncodedObjectAsID(42n), '<EncodedObjectAsID#42>'],
    [new EncodedObject('Node2D', {}, 7n), '<Node2D#7>'],
    [Callable.EMPTY, 'null::null'],
    [new SignalRef(1n, 'hit'), 'null::hit'],
    [float(2), '2.0'],
    [new PackedStringArray(['a', 'b']), '["a", "b"]'],
    [new PackedVector2Array([new Vector2(1, 2)]), '[(1.0, 2.0)]'],
  ];
  for (const [value, want] of cases) t.equal(String(value), want, want);
  t.end();
});

t.test('constructors: real_t components are rounded to f32, int components to int32, Color to f32', (t) => {
  t.equal(new Vector2(0.1, 0).x, Math.fround(0.1));
  t.equal(new Vector3i(2 ** 31, 1.9, -1.9).x, -(2 ** 31), 'int32 wrap-around as in C++');
  t.same([new Vector3i(2 ** 31, 1.9, -1.9).y, new Vector3i(0, 1.9, -1.9).z], [1, -1], 'truncation toward zero');
  t.equal(new Color(0.1, 0, 0).r, Math.fround(0.1));
  t.equal(new Color().a, 1, 'alpha defaults to 1');
  t.equal(new Quaternion().w, 1, 'identity by default');
  t.equal(new RID(-1n).id, 0xffffffffffffffffn, 'ids are unsigned 64-bit');
  t.end();
});

t.test('equals: exact, NaN equals NaN, different values differ', (t) => {
  t.ok(new Vector2(NaN, 1).equals(new Vector2(NaN, 1)));
  t.notOk(new Vector2(1, 2).equals(new Vector2(2, 1)));
  t.ok(new Rect2(1, 2, 3, 4).equals(Rect2.from(new Vector2(1, 2), new Vector2(3, 4))));
  t.ok(
    Basis.fromRows(new Vector3(1, 2, 3), new Vector3(4, 5, 6), new Vector3(7, 8, 9)).equals(
      new Basis(new Vector3(1, 4, 7), new Vector3(2, 5, 8), new Vector3(3, 6, 9)),
    ),
  );
  t.ok(Basis.IDENTITY.row(1).equals(new Vector3(0, 1, 0)));
  t.notOk(new SignalRef(1n, 'a').equals(new SignalRef(2n, 'a')));
  t.ok(new PackedStringArray(['a']).equals(new PackedStringArray(['a'])));
  t.notOk(new PackedStringArray(['a']).equals(new PackedStringArray(['b'])));
  t.ok(float(NaN).equals(float(NaN)));
  t.ok(ContainerType.builtin(VariantType.NIL).equals(ContainerType.NONE));
  t.ok(ContainerType.ofScript('res://a.gd').equals(new ContainerType(VariantType.OBJECT, '', 'res://a.gd')));
  t.end();
});

t.test('Float: behaves as a number in arithmetic', (t) => {
  const f: Float = float(2);
  t.equal((f as unknown as number) * 3, 6);
  t.end();
});

t.test('packed arrays and typed containers: length, iteration, at, get', (t) => {
  const p = new PackedStringArray(new Set(['x', 'y']));
  t.equal(p.length, 2);
  t.same([...p], ['x', 'y']);
  t.equal(p.at(-1), 'y');
  const a = new TypedArray(VariantType.INT, [1, 2]);
  t.equal(a.length, 2);
  t.same([...a], [1, 2]);
  t.ok(a.elementType.equals(ContainerType.builtin(VariantType.INT)));
  const d = new TypedDictionary(VariantType.STRING, VariantType.INT, new Map([['hp', 3]]));
  t.equal(d.size, 1);
  t.equal(d.get('hp'), 3);
  t.equal(new EncodedObject('Node', { hp: 1 }).get('hp'), 1);
  t.end();
});

t.test('variantTypeOf: the Godot type each JavaScript value encodes as; undefined for non-Variants', (t) => {
  class Mine extends Vector3 {}
  const cases: Array<[unknown, number | undefined]> = [
    [null, VariantType.NIL],
    [undefined, VariantType.NIL],
    [true, VariantType.BOOL],
    [1, VariantType.INT],
    [-0, VariantType.FLOAT],
    [2 ** 53, VariantType.FLOAT],
    [1.5, VariantType.FLOAT],
    [1n, VariantType.INT],
    [1n << 63n, undefined],
    [float(1), VariantType.FLOAT],
    ['s', VariantType.STRING],
    [new Mine(), VariantType.VECTOR3],
    [new NodePath('a'), VariantType.NODE_PATH],
    [{}, VariantType.DICTIONARY],
    [new Map(), VariantType.DICTIONARY],
    [[], VariantType.ARRAY],
    [new TypedArray(VariantType.INT), VariantType.ARRAY],
    [new Uint8Array(0), VariantType.PACKED_BYTE_ARRAY],
    [new Float64Array(0), VariantType.PACKED_FLOAT64_ARRAY],
    [new Uint16Array(0), undefined],
    [() => 0, undefined],
    [Symbol('x'), undefined],
    [new ByteWriter(), undefined],
  ];
  for (const [value, want] of cases)
    t.equal(variantTypeOf(value), want, `${String(typeof value === 'symbol' ? 'symbol' : value)} → ${variantTypeName(want ?? -1)}`);
  t.equal(variantTypeName(VariantType.PACKED_VECTOR4_ARRAY), 'PACKED_VECTOR4_ARRAY');
  t.equal(variantTypeName(39), 'UNKNOWN(39)');
  t.end();
});

t.test('ByteWriter: grows, patches, truncates, views and copies', (t) => {
  const w = new ByteWriter(1);
  for (let i = 0; i < 100; i++) w.u8(i);
  w.u16(0x1234);
  w.setU8(0, 0xff);
  w.u32(0);
  w.setU32(102, 0xdeadbeef);
  t.equal(w.length, 106);
  t.same([...w.view(100, 106)], [0x34, 0x12, 0xef, 0xbe, 0xad, 0xde]);
  t.equal(w.toBytes()[0], 0xff);
  w.truncate(2);
  t.equal(w.length, 2);
  w.truncate(50);
  t.equal(w.length, 2, 'truncate never extends');
  t.end();
});
