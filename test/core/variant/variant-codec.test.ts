import t from 'tap';
import type { Test } from 'tap';
import {
  AABB,
  Basis,
  Callable,
  Color,
  ContainerType,
  EncodedObject,
  EncodedObjectAsID,
  ErrorCode,
  NodePath,
  PackedStringArray,
  PackedVector2Array,
  Plane,
  Projection,
  Quaternion,
  RID,
  Rect2i,
  SignalRef,
  Transform2D,
  Transform3D,
  TypedArray,
  TypedDictionary,
  VariantType,
  Vector2,
  Vector3,
  Vector3i,
  Vector4,
  Vector4i,
  decodeVariant,
  encodeVariant,
} from '../../../core/index.js';
import type { Variant } from '../../../core/index.js';
import { hex, ok, show, unhex, variantEquals } from '../../helpers/variant.js';

function decodes(t: Test, h: string, want: Variant, options: { allowObjects?: boolean } = {}): void {
  const r = decodeVariant(unhex(h), 0, options);
  t.equal(r.error, ErrorCode.OK, `decodes ${h}`);
  t.ok(variantEquals(r.value, want), `decoded ${show(r.value)}, want ${show(want)}`);
}

function fails(t: Test, h: string, code: ErrorCode, name: string, options: { allowObjects?: boolean } = {}): void {
  const r = decodeVariant(unhex(h), 0, options);
  t.equal(r.error, code, name);
  t.equal(r.length, 0, `${name}: length 0`);
}

t.test('encode_variant INT: the 32-bit form for [-2^31, 2^31-1], the 64-bit flag outside, for numbers and bigints', (t) => {
  t.equal(hex(ok(encodeVariant(2147483647))), '02 00 00 00 ff ff ff 7f');
  t.equal(hex(ok(encodeVariant(-2147483649))), '02 00 01 00 ff ff ff 7f ff ff ff ff');
  t.equal(hex(ok(encodeVariant(7n))), '02 00 00 00 07 00 00 00', 'a small bigint takes the 32-bit form');
  t.equal(hex(ok(encodeVariant(Number.MAX_SAFE_INTEGER))), '02 00 01 00 ff ff ff ff ff ff 1f 00');
  t.equal(hex(ok(encodeVariant(Number.MIN_SAFE_INTEGER))), '02 00 01 00 01 00 00 00 00 00 e0 ff');
  t.equal(encodeVariant(1n << 63n), ErrorCode.ERR_INVALID_PARAMETER, 'a bigint outside int64 is not a Variant');
  t.end();
});

t.test('decode_variant INT: numbers when safe, bigints beyond; the 64-bit form of a small value is a number', (t) => {
  decodes(t, '02 00 01 00 05 00 00 00 00 00 00 00', 5);
  decodes(t, '02 00 01 00 00 00 00 00 00 00 20 00', 2n ** 53n);
  decodes(t, '02 00 01 00 ff ff ff ff ff ff 1f 00', Number.MAX_SAFE_INTEGER);
  decodes(t, '02 00 01 00 00 00 00 00 00 00 00 80', -(2n ** 63n));
  t.end();
});

t.test('encode_variant FLOAT: f32 when (double)(float)d == d, as Godot (NaN → f64, Infinity → f32, -0 stays FLOAT)', (t) => {
  t.equal(hex(ok(encodeVariant(1.5))), '03 00 00 00 00 00 c0 3f');
  t.equal(hex(ok(encodeVariant(NaN))), '03 00 01 00 00 00 00 00 00 00 f8 7f');
  t.equal(hex(ok(encodeVariant(Infinity))), '03 00 00 00 00 00 80 7f');
  t.equal(hex(ok(encodeVariant(-0))), '03 00 00 00 00 00 00 80');
  t.equal(hex(ok(encodeVariant(2 ** 60))), '03 00 00 00 00 00 80 5d', 'an unsafe integer number is a FLOAT');
  decodes(t, '03 00 00 00 00 00 00 80', -0);
  t.end();
});

t.test('decode_variant BOOL: any non-zero word is true', (t) => {
  decodes(t, '01 00 00 00 02 00 00 00', true);
  decodes(t, '01 00 00 00 00 00 00 00', false);
  t.end();
});

t.test("decode_variant STRING: stops at the first NUL and drops a leading BOM, as Godot's parse_utf8", (t) => {
  decodes(t, '04 00 00 00 04 00 00 00 61 00 62 63', 'a');
  decodes(t, '04 00 00 00 04 00 00 00 ef bb bf 78', 'x');
  decodes(t, '04 00 00 00 04 00 00 00 61 00 ff ff', 'a', { allowObjects: false });
  t.end();
});

t.test('decode_variant STRING: malformed UTF-8 is ERR_INVALID_DATA; truncation and negative lengths ERR_FILE_EOF', (t) => {
  fails(t, '04 00 00 00 02 00 00 00 c3 28 00 00', ErrorCode.ERR_INVALID_DATA, 'invalid continuation byte');
  fails(t, '04 00 00 00 03 00 00 00 ed a0 80 00', ErrorCode.ERR_INVALID_DATA, 'UTF-8-encoded surrogate');
  fails(t, '04 00 00 00 02 00 00 00 c0 80 00 00', ErrorCode.ERR_INVALID_DATA, 'overlong NUL');
  fails(t, '04 00 00 00 05 00 00 00 68 65 6c 6c 6f', ErrorCode.ERR_FILE_EOF, 'padding missing');
  fails(t, '04 00 00 00 ff ff ff ff', ErrorCode.ERR_FILE_EOF, 'negative length');
  fails(t, '04 00 00 00 ff ff ff 7f 00 00 00 00', ErrorCode.ERR_FILE_EOF, 'length 2^31-1 in 12 bytes');
  fails(t, '04 00 00 00 01 00', ErrorCode.ERR_INVALID_DATA, 'length word truncated');
  t.end();
});

t.test('encode_variant STRING: long and non-ASCII strings round-trip; lone surrogates become U+FFFD', (t) => {
  const long = 'señor 🎮 '.repeat(20);
  decodes(t, hex(ok(encodeVariant(long))), long);
  t.equal(hex(ok(encodeVariant('\ud800'))), '04 00 00 00 03 00 00 00 ef bf bd 00');
  t.end();
});

t.test('encode_variant math types: component order of every layout (Basis and Transform3D row-major)', (t) => {
  const f = (...n: number[]): string => hex(new Uint8Array(new Float32Array(n).buffer));
  const i = (...n: number[]): string => hex(new Uint8Array(new Int32Array(n).buffer));
  const basis = new Basis(new Vector3(1, 2, 3), new Vector3(4, 5, 6), new Vector3(7, 8, 9));
  const cases: Array<[string, Variant, string]> = [
    ['Rect2i', new Rect2i(1, 2, 3, 4), `08 00 00 00 ${i(1, 2, 3, 4)}`],
    ['Vector3i', new Vector3i(1, -2, 3), `0a 00 00 00 ${i(1, -2, 3)}`],
    [
      'Transform2D (columns x, y, origin)',
      new Transform2D(new Vector2(1, 2), new Vector2(3, 4), new Vector2(5, 6)),
      `0b 00 00 00 ${f(1, 2, 3, 4, 5, 6)}`,
    ],
    ['Vector4i', new Vector4i(1, 2, 3, 4), `0d 00 00 00 ${i(1, 2, 3, 4)}`],
    ['Plane', new Plane(new Vector3(0, 1, 0), 5), `0e 00 00 00 ${f(0, 1, 0, 5)}`],
    ['Quaternion', new Quaternion(1, 2, 3, 4), `0f 00 00 00 ${f(1, 2, 3, 4)}`],
    ['AABB', new AABB(new Vector3(1, 2, 3), new Vector3(4, 5, 6)), `10 00 00 00 ${f(1, 2, 3, 4, 5, 6)}`],
    ['Basis (rows on the wire)', basis, `11 00 00 00 ${f(1, 4, 7, 2, 5, 8, 3, 6, 9)}`],
    ['Transform3D', new Transform3D(basis, new Vector3(10, 11, 12)), `12 00 00 00 ${f(1, 4, 7, 2, 5, 8, 3, 6, 9, 10, 11, 12)}`],
    [
      'Projection (columns)',
      new Projection(new Vector4(1, 2, 3, 4), new Vector4(5, 6, 7, 8), new Vector4(9, 10, 11, 12), new Vector4(13, 14, 15, 16)),
      `13 00 00 00 ${f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)}`,
    ],
  ];
  for (const [name, value, want] of cases) {
    t.equal(hex(ok(encodeVariant(value))), want, name);
    decodes(t, want, value);
  }
  t.end();
});

t.test('decode_variant math types: the 64-bit flag (double-precision sender) is honoured; Color ignores it', (t) => {
  const d = (...n: number[]): string => hex(new Uint8Array(new Float64Array(n).buffer));
  decodes(t, `05 00 01 00 ${d(1.5, -2)}`, new Vector2(1.5, -2));
  decodes(t, `12 00 01 00 ${d(1, 0, 0, 0, 1, 0, 0, 0, 1, 7, 8, 9)}`, new Transform3D(Basis.IDENTITY, new Vector3(7, 8, 9)));
  decodes(t, '14 00 01 00 00 00 80 3f 00 00 00 00 00 00 00 00 00 00 80 3f', new Color(1, 0, 0, 1));
  fails(t, `05 00 01 00 ${d(1.5)}`, ErrorCode.ERR_INVALID_DATA, 'a 64-bit Vector2 needs 16 bytes');
  decodes(t, `23 00 01 00 01 00 00 00 ${d(1, 2)}`, new PackedVector2Array([new Vector2(1, 2)]));
  t.end();
});

t.test('decode_variant NODE_PATH: the old format is refused; flags bit 1 reads one extra subname; pad bytes are ignored', (t) => {
  fails(t, '16 00 00 00 03 00 00 00 61 62 63 00', ErrorCode.ERR_INVALID_DATA, 'old format (bit 31 clear)');
  fails(t, '16 00 00 00 01 00 00 80 00 00 00 00', ErrorCode.ERR_INVALID_DATA, 'new format needs 12 bytes');
  decodes(t, '16 00 00 00 01 00 00 80 00 00 00 00 02 00 00 00 01 00 00 00 61 00 00 00 01 00 00 00 62 00 00 00', new NodePath('a:b'));
  decodes(t, '16 00 00 00 01 00 00 80 00 00 00 00 01 00 00 00 01 00 00 00 61 de ad be', new NodePath('/a'));
  fails(t, '16 00 00 00 ff ff ff ff 00 00 00 00 00 00 00 00', ErrorCode.ERR_INVALID_DATA, '2^31-1 names in 16 bytes');
  t.equal(hex(ok(encodeVariant(NodePath.EMPTY))), '16 00 00 00 00 00 00 80 00 00 00 00 00 00 00 00', 'empty path');
  t.end();
});

t.test('decode_variant OBJECT: ids decode to EncodedObjectAsID (0 → null); full objects need allowObjects', (t) => {
  decodes(t, '18 00 01 00 00 00 00 00 00 00 00 00', null);
  decodes(t, '18 00 01 00 ff ff ff ff ff ff ff ff', new EncodedObjectAsID(0xffffffffffffffffn));
  const full = '18 00 00 00 06 00 00 00 4e 6f 64 65 32 44 00 00 01 00 00 00 04 00 00 00 6e 61 6d 65 04 00 00 00 01 00 00 00 61 00 00 00';
  fails(t, full, ErrorCode.ERR_UNAUTHORIZED, 'full object refused by default');
  decodes(t, full, new EncodedObject('Node2D', { name: 'a' }), { allowObjects: true });
  decodes(t, '18 00 00 00 00 00 00 00', null, { allowObjects: true });
  const badScript = '18 00 00 00 04 00 00 00 4e 6f 64 65 01 00 00 00 06 00 00 00 73 63 72 69 70 74 00 00 02 00 00 00 01 00 00 00';
  fails(t, badScript, ErrorCode.ERR_INVALID_DATA, 'script property must be a res:// path', { allowObjects: true });
  t.end();
});

t.test('encode_variant OBJECT: ids by default, full objects only with fullObjects', (t) => {
  const obj = new EncodedObject('Node2D', { name: 'a' }, 0x42n);
  t.equal(hex(ok(encodeVariant(obj))), '18 00 01 00 42 00 00 00 00 00 00 00');
  t.equal(
    hex(ok(encodeVariant(obj, { fullObjects: true }))),
    '18 00 00 00 06 00 00 00 4e 6f 64 65 32 44 00 00 01 00 00 00 04 00 00 00 6e 61 6d 65 04 00 00 00 01 00 00 00 61 00 00 00',
  );
  t.equal(hex(ok(encodeVariant(new EncodedObject(''), { fullObjects: true }))), '00 00 00 00', 'a null object is NIL');
  t.equal(hex(ok(encodeVariant(new EncodedObjectAsID(5n), { fullObjects: true }))), '18 00 01 00 05 00 00 00 00 00 00 00');
  t.end();
});

t.test('encode_variant RID, CALLABLE, SIGNAL', (t) => {
  t.equal(hex(ok(encodeVariant(new RID(0x0102n)))), '17 00 00 00 02 01 00 00 00 00 00 00');
  t.equal(hex(ok(encodeVariant(Callable.EMPTY))), '19 00 00 00');
  t.equal(hex(ok(encodeVariant(new SignalRef(9n, 'hit')))), '1a 00 00 00 03 00 00 00 68 69 74 00 09 00 00 00 00 00 00 00');
  decodes(t, '17 00 00 00 02 01 00 00 00 00 00 00', new RID(0x0102n));
  decodes(t, '19 00 00 00', Callable.EMPTY);
  decodes(t, '1a 00 00 00 03 00 00 00 68 69 74 00 09 00 00 00 00 00 00 00', new SignalRef(9n, 'hit'));
  t.end();
});

t.test('typed containers: object element types become EncodedObjectAsID without full objects', (t) => {
  const nodes = new TypedArray(ContainerType.ofClass('Node'), []);
  const asId = '1c 00 02 00 11 00 00 00 45 6e 63 6f 64 65 64 4f 62 6a 65 63 74 41 73 49 44 00 00 00 00 00 00 00';
  t.equal(hex(ok(encodeVariant(nodes))), asId);
  t.equal(hex(ok(encodeVariant(nodes, { fullObjects: true }))), '1c 00 02 00 04 00 00 00 4e 6f 64 65 00 00 00 00');
  const script = new TypedArray(ContainerType.ofScript('res://a.gd'), []);
  t.equal(hex(ok(encodeVariant(script))), asId, 'a script type degrades to the class-name kind');
  const full = '1c 00 03 00 0a 00 00 00 72 65 73 3a 2f 2f 61 2e 67 64 00 00 00 00 00 00';
  t.equal(hex(ok(encodeVariant(script, { fullObjects: true }))), full);
  decodes(t, full, script, { allowObjects: true });
  decodes(t, full, new TypedArray(ContainerType.ofClass('EncodedObjectAsID'), []));
  decodes(t, '1c 00 02 00 04 00 00 00 4e 6f 64 65 00 00 00 00', new TypedArray(ContainerType.ofClass('Node'), []), { allowObjects: true });
  decodes(t, '1c 00 01 00 18 00 00 00 00 00 00 00', new TypedArray(ContainerType.ofClass('EncodedObjectAsID'), []));
  fails(t, '1c 00 03 00 04 00 00 00 61 2e 67 64 00 00 00 00', ErrorCode.ERR_INVALID_DATA, 'script path must be res://', {
    allowObjects: true,
  });
  fails(t, '1c 00 01 00 27 00 00 00 00 00 00 00', ErrorCode.ERR_INVALID_DATA, 'element type id ≥ VARIANT_MAX');
  decodes(t, '1c 00 01 00 00 00 00 00 00 00 00 00', [], {});
  t.end();
});

t.test('typed dictionaries: one side typed, the other untyped (kind 0)', (t) => {
  const d = new TypedDictionary(ContainerType.NONE, VariantType.STRING, [[1, 'a']]);
  const h = '1b 00 04 00 04 00 00 00 01 00 00 00 02 00 00 00 01 00 00 00 04 00 00 00 01 00 00 00 61 00 00 00';
  t.equal(hex(ok(encodeVariant(d))), h);
  decodes(t, h, d);
  t.end();
});

t.test('decode_variant ARRAY/DICTIONARY: bit 31 of the count (obsolete "shared") is masked; later duplicate keys win', (t) => {
  decodes(t, '1c 00 00 00 01 00 00 80 00 00 00 00', [null]);
  decodes(
    t,
    '1b 00 00 00 02 00 00 00 02 00 00 00 01 00 00 00 00 00 00 00 02 00 00 00 01 00 00 00 01 00 00 00 01 00 00 00',
    new Map([[1, true]]),
  );
  t.end();
});

t.test('decode_variant PACKED_BYTE_ARRAY: padding may be missing, but the reported length includes it', (t) => {
  const r = decodeVariant(unhex('1d 00 00 00 01 00 00 00 07'));
  t.equal(r.error, ErrorCode.OK);
  t.equal(hex(r.value as Uint8Array), '07');
  t.equal(r.length, 12);
  fails(t, '1c 00 00 00 02 00 00 00 1d 00 00 00 01 00 00 00 07', ErrorCode.ERR_INVALID_DATA, 'nothing can follow it');
  t.end();
});

t.test('decode_variant PACKED_STRING_ARRAY: elements are cut at their NUL; a negative count is refused', (t) => {
  decodes(t, '22 00 00 00 01 00 00 00 03 00 00 00 61 00 62 00', new PackedStringArray(['a']));
  decodes(t, '22 00 00 00 01 00 00 00 02 00 00 00 61 62 00 00', new PackedStringArray(['ab']), {});
  fails(t, '22 00 00 00 ff ff ff ff', ErrorCode.ERR_INVALID_DATA, 'negative count (a divergence: Godot decodes an empty array)');
  t.end();
});

t.test('nesting: 1025 levels of Array decode, 1026 fail with ERR_OUT_OF_MEMORY (Godot: MAX_RECURSION_DEPTH)', (t) => {
  const nested = (levels: number): Uint8Array => {
    const out = new Uint8Array(levels * 8);
    for (let i = 0; i < levels; i++) out.set(unhex(i === levels - 1 ? '1c 00 00 00 00 00 00 00' : '1c 00 00 00 01 00 00 00'), i * 8);
    return out;
  };
  t.equal(decodeVariant(nested(1025)).error, ErrorCode.OK);
  t.equal(decodeVariant(nested(1026)).error, ErrorCode.ERR_OUT_OF_MEMORY);
  let deep: Variant = [];
  for (let i = 0; i < 1024; i++) deep = [deep];
  t.type(encodeVariant(deep), Uint8Array, '1025 levels encode');
  t.equal(encodeVariant([deep]), ErrorCode.ERR_OUT_OF_MEMORY, '1026 levels do not');
  t.end();
});

t.test('encode_variant: JavaScript values outside the Variant type are ERR_INVALID_PARAMETER', (t) => {
  class Thing {}
  for (const [name, v] of [
    ['function', () => 1],
    ['symbol', Symbol('s')],
    ['class instance', new Thing()],
    ['Date', new Date(0)],
  ] as const) {
    t.equal(encodeVariant(v as never), ErrorCode.ERR_INVALID_PARAMETER, name);
    t.equal(encodeVariant([1, { a: v }] as never), ErrorCode.ERR_INVALID_PARAMETER, `${name} nested`);
  }
  t.end();
});

t.test('encode_variant: undefined is NIL, plain objects are Dictionaries, subclasses keep their Godot type', (t) => {
  class Position extends Vector2 {}
  t.equal(hex(ok(encodeVariant(undefined))), '00 00 00 00');
  t.equal(hex(ok(encodeVariant({ hp: 100 }))), hex(ok(encodeVariant(new Map([['hp', 100]])))));
  t.equal(
    hex(ok(encodeVariant(Object.assign(Object.create(null) as object, { hp: 100 }) as Variant))),
    hex(ok(encodeVariant({ hp: 100 }))),
  );
  t.equal(hex(ok(encodeVariant(new Position(1, 2)))), '05 00 00 00 00 00 80 3f 00 00 00 40');
  t.equal(hex(ok(encodeVariant(Buffer.from([1])))), '1d 00 00 00 01 00 00 00 01 00 00 00', 'a Node Buffer is a PackedByteArray');
  t.end();
});

t.test('decodeVariant: a negative or fractional offset is ERR_INVALID_PARAMETER', (t) => {
  t.equal(decodeVariant(unhex('00 00 00 00'), -4).error, ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(decodeVariant(unhex('00 00 00 00'), 0.5).error, ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(decodeVariant(unhex('00 00 00 00'), 9).error, ErrorCode.ERR_INVALID_DATA, 'past the end: no data');
  t.end();
});

t.test('decodeVariant: a Node Buffer slice of a larger pool decodes into copies, not views of the pool', (t) => {
  const pool = Buffer.alloc(64, 0xee);
  const encoded = ok(encodeVariant([new Int32Array([1, -1]), new Uint8Array([7])]));
  pool.set(encoded, 8);
  const packet = pool.subarray(8, 8 + encoded.length);
  const r = decodeVariant(packet);
  t.equal(r.error, ErrorCode.OK);
  const [ints, bytes] = r.value as [Int32Array, Uint8Array];
  t.same([...ints], [1, -1]);
  t.equal(ints.buffer.byteLength, 8, 'its own buffer, not the pool');
  t.equal(bytes.constructor, Uint8Array, 'a plain Uint8Array, not a Buffer view');
  pool.fill(0);
  t.same([...ints, ...bytes], [1, -1, 7], 'unchanged when the pool is reused');
  t.end();
});
