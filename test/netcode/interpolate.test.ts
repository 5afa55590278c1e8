import t from 'tap';
import { Basis, Quaternion, Transform2D, Transform3D, Vector2, Vector3 } from '../../core/index.js';
import {
  interpolateTransform2D,
  interpolateTransform3D,
  interpolateVariant,
  lerpAngle,
  shortestAngle,
  slerp,
} from '../../netcode/index.js';

const close = (a: number, b: number, eps = 1e-5): boolean => Math.abs(a - b) < eps;
const deg = (d: number): number => (d * Math.PI) / 180;

t.test('lerpAngle: the short way across ±π and across 0/2π', (t) => {
  t.ok(close(lerpAngle(deg(350), deg(10), 0.5), deg(360)), '350° → 10° passes through 0°');
  t.ok(close(lerpAngle(deg(170), deg(-170), 0.5), deg(180)), '170° → -170° passes through 180°');
  t.ok(close(lerpAngle(deg(10), deg(30), 1.5), deg(40)), 'extrapolates');
  t.ok(close(shortestAngle(0, deg(190)), deg(-170)));
  t.end();
});

t.test('interpolateVariant: numbers, vectors, and a step for values that cannot be blended', (t) => {
  t.equal(interpolateVariant(2, 4, 0.25), 2.5);
  t.same(interpolateVariant(new Vector2(0, 0), new Vector2(10, -4), 0.5), new Vector2(5, -2));
  t.same(interpolateVariant(new Vector3(0, 0, 0), new Vector3(2, 4, 6), 0.5), new Vector3(1, 2, 3));
  t.equal(interpolateVariant('a', 'b', 0.5), 'a');
  t.equal(interpolateVariant('a', 'b', 1), 'b');
  t.equal(interpolateVariant(1, new Vector2(1, 1), 0.2), 1, 'mismatched kinds step');
  t.end();
});

t.test('interpolateTransform2D: rotation the short way, scale and origin linear', (t) => {
  const rot = (a: number, s: number, o: Vector2): Transform2D =>
    new Transform2D(new Vector2(Math.cos(a) * s, Math.sin(a) * s), new Vector2(-Math.sin(a) * s, Math.cos(a) * s), o);
  const mid = interpolateTransform2D(rot(deg(350), 1, new Vector2(0, 0)), rot(deg(10), 3, new Vector2(10, 20)), 0.5);
  t.ok(close(Math.atan2(mid.x.y, mid.x.x), 0, 1e-6), 'rotation 0°, not 180°');
  t.ok(close(Math.hypot(mid.x.x, mid.x.y), 2), 'scale 2');
  t.ok(close(Math.hypot(mid.y.x, mid.y.y), 2), 'scale 2 on y');
  t.same(mid.origin, new Vector2(5, 10));
  t.end();
});

t.test('interpolateTransform3D and slerp: rotation by the shorter arc, scale and origin linear', (t) => {
  const yaw = (a: number, s: number): Basis =>
    new Basis(new Vector3(Math.cos(a) * s, 0, -Math.sin(a) * s), new Vector3(0, s, 0), new Vector3(Math.sin(a) * s, 0, Math.cos(a) * s));
  const mid = interpolateTransform3D(
    new Transform3D(yaw(deg(-40), 1), new Vector3(0, 0, 0)),
    new Transform3D(yaw(deg(80), 3), new Vector3(2, 4, 6)),
    0.5,
  );
  const expected = yaw(deg(20), 2);
  for (const axis of ['x', 'y', 'z'] as const) {
    for (const c of ['x', 'y', 'z'] as const) t.ok(close(mid.basis[axis][c], expected[axis][c], 1e-5), `basis.${axis}.${c}`);
  }
  t.same(mid.origin, new Vector3(1, 2, 3));
  const q = slerp(new Quaternion(0, 0, 0, 1), new Quaternion(0, 0, 0, -1), 0.5);
  t.ok(close(Math.abs(q.w), 1), 'q and -q are the same rotation: no half-turn between them');
  t.end();
});
