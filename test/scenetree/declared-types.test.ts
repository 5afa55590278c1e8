import t from 'tap';
import { VariantType } from '../../core/index.js';
import { GODOT_TYPE_NAMES } from '../../scenetree/index.js';

t.test('GODOT_TYPE_NAMES: every Variant type but NIL under its GDScript spelling, and Variant for any', (t) => {
  t.equal(Object.keys(GODOT_TYPE_NAMES).length, 39);
  t.equal(GODOT_TYPE_NAMES.Variant, null);
  const spot: Array<[keyof typeof GODOT_TYPE_NAMES, number]> = [
    ['bool', VariantType.BOOL],
    ['int', VariantType.INT],
    ['float', VariantType.FLOAT],
    ['String', VariantType.STRING],
    ['Vector2i', VariantType.VECTOR2I],
    ['Transform2D', VariantType.TRANSFORM2D],
    ['Transform3D', VariantType.TRANSFORM3D],
    ['AABB', VariantType.AABB],
    ['RID', VariantType.RID],
    ['StringName', VariantType.STRING_NAME],
    ['NodePath', VariantType.NODE_PATH],
    ['PackedInt32Array', VariantType.PACKED_INT32_ARRAY],
    ['PackedVector4Array', VariantType.PACKED_VECTOR4_ARRAY],
  ];
  for (const [name, id] of spot) t.equal(GODOT_TYPE_NAMES[name], id, name);
  t.same(new Set(Object.values(GODOT_TYPE_NAMES)).size, 39, 'each type once');
  t.end();
});
