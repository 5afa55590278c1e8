/**
 * Variant codec throughput for a typical RPC argument list (an int, a float, a Vector2, a short string),
 * against JSON in the same run. Run: `npx tsx test/bench/variant.bench.ts` (or `npm run bench -- variant`).
 *
 * Rows: plain `encodeVariant`/`decodeVariant` of the list as one Array; the compressed wrapper as the
 * RPC layer uses it (`encodeAndCompressVariants` / `decodeAndDecompressVariants`, no Array header);
 * `JSON.stringify`/`JSON.parse` of the same values (string only), and JSON plus the UTF-8 conversion a
 * transport needs to put it on the wire. Each figure is the median of 3 timed rounds.
 */
import {
  ByteWriter,
  Vector2,
  decodeAndDecompressVariants,
  decodeVariant,
  encodeAndCompressVariants,
  encodeVariant,
} from '../../core/index.js';
import type { Variant } from '../../core/index.js';

// Two argument lists: short round values (JSON's best case), and game-like values, where a Vector2's f32
// components print long in JSON and floats are not f32-exact.
const CASES: ReadonlyArray<{ name: string; args: unknown[] }> = [
  { name: 'round values', args: [42, 3.7, new Vector2(1.5, -2.25), 'hello'] },
  { name: 'game-like values', args: [1234, 0.35, new Vector2(312.7, -88.3), 'jump'] },
];
const ROUND_MS = 300;
const ROUNDS = 3;

let sink = 0;

function bench(run: () => number): number {
  for (let i = 0; i < 20_000; i++) sink += run(); // warm up the JIT
  const rates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let ops = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      for (let i = 0; i < 1000; i++) sink += run();
      ops += 1000;
      now = performance.now();
    }
    rates.push((ops * 1000) / (now - start));
  }
  return rates.sort((a, b) => a - b)[ROUNDS >> 1]!;
}

function bytesOf(b: Uint8Array | number): Uint8Array {
  if (typeof b === 'number') throw new Error(`encode failed: ${b}`);
  return b;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();
const writer = new ByteWriter(64);

function runCase(name: string, ARGS: unknown[]): void {
  const JSON_ARGS = JSON.parse(JSON.stringify(ARGS)) as unknown[]; // the Vector2 becomes {x, y}
  const arrayBytes = bytesOf(encodeVariant(ARGS as Variant));
  const compressedBytes = bytesOf(encodeAndCompressVariants(ARGS));
  const jsonText = JSON.stringify(JSON_ARGS);
  const jsonBytes = utf8.encode(jsonText);
  const count = ARGS.length;

  const rows: Array<[string, number, number]> = [
    ['encodeVariant(Array)', bench(() => bytesOf(encodeVariant(ARGS as Variant)).length), arrayBytes.length],
    ['decodeVariant(Array)', bench(() => decodeVariant(arrayBytes).length), arrayBytes.length],
    ['encodeAndCompressVariants (RPC, fresh array)', bench(() => bytesOf(encodeAndCompressVariants(ARGS)).length), compressedBytes.length],
    [
      'encodeAndCompressVariants (RPC, into a reused ByteWriter)',
      bench(() => {
        writer.reset();
        return bytesOf(encodeAndCompressVariants(ARGS, {}, writer)).length;
      }),
      compressedBytes.length,
    ],
    [
      'decodeAndDecompressVariants (RPC)',
      bench(() => decodeAndDecompressVariants(compressedBytes, 0, count).length),
      compressedBytes.length,
    ],
    ['JSON.stringify (string only)', bench(() => JSON.stringify(JSON_ARGS).length), jsonBytes.length],
    ['JSON.parse (string only)', bench(() => (JSON.parse(jsonText) as unknown[]).length), jsonBytes.length],
    ['JSON.stringify + UTF-8 encode', bench(() => utf8.encode(JSON.stringify(JSON_ARGS)).length), jsonBytes.length],
    ['UTF-8 decode + JSON.parse', bench(() => (JSON.parse(fromUtf8.decode(jsonBytes)) as unknown[]).length), jsonBytes.length],
  ];

  console.log(`\n${name}: ${jsonText}`);
  console.log(`${'operation'.padEnd(58)}${'ops/s'.padStart(12)}${'bytes'.padStart(8)}`);
  for (const [op, rate, size] of rows) {
    console.log(`${op.padEnd(58)}${Math.round(rate).toLocaleString('en-US').padStart(12)}${String(size).padStart(8)}`);
  }
  const rate = (op: string): number => rows.find((r) => r[0] === op)![1];
  console.log(
    `compressed encode / JSON.stringify: ${(rate('encodeAndCompressVariants (RPC, fresh array)') / rate('JSON.stringify (string only)')).toFixed(2)}×, ` +
      `compressed decode / JSON.parse: ${(rate('decodeAndDecompressVariants (RPC)') / rate('JSON.parse (string only)')).toFixed(2)}×, ` +
      `wire size ${compressedBytes.length} vs ${jsonBytes.length} bytes`,
  );
}

console.log(`Variant codec vs JSON (node ${process.version}); median of ${ROUNDS} rounds of ${ROUND_MS} ms each`);
for (const c of CASES) runCase(c.name, c.args);
if (sink === -1) console.log('unreachable');
