/**
 * ENet compressor cost per datagram body: ENet's range coder (baseline, measured in the same run)
 * against Godot's FastLZ and zlib modes, on two MTU-sized bodies (JSON-like game state and
 * half-structured binary). Five rounds, each mode in turn; medians with ranges and the load average.
 *
 *   npx tsx test/bench/enet-compress.bench.ts      (about 10 s)
 */
import { loadavg } from 'node:os';
import { fastlzCompressor, rangeCoderCompressor, zlibCompressor, type Compressor } from '../../plugins/enet/protocol/compressor.js';

const SIZE = 1392 - 28;
const json = new TextEncoder().encode('{"pos":[1.5,2.25,3.0],"vel":[0,0,0],"hp":100} '.repeat(40)).subarray(0, SIZE);
const binary = Uint8Array.from({ length: SIZE }, (_, i) => (i % 97 < 40 ? (i * 7) & 0xff : 0));
const MODES: Array<[string, Compressor]> = [
  ['range coder', rangeCoderCompressor],
  ['FastLZ', fastlzCompressor],
  ['zlib', zlibCompressor()],
];
const ROUNDS = 5;
const ITERATIONS = 3000;

/** Microseconds per call of `fn`, over ITERATIONS calls. */
function time(fn: () => unknown): number {
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return ((performance.now() - start) / ITERATIONS) * 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]): string => `${median(xs).toFixed(1)} µs (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;

const load = loadavg()[0]!.toFixed(1);
const results = new Map<string, { size: number; compress: number[]; decompress: number[] }>();
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, c] of MODES) {
    for (const [dataName, body] of [
      ['json', json],
      ['binary', binary],
    ] as const) {
      const packed = c.compress(body)!;
      const key = `${name.padEnd(12)} ${dataName.padEnd(7)}`;
      const r = results.get(key) ?? { size: packed.length, compress: [], decompress: [] };
      r.compress.push(time(() => c.compress(body)));
      r.decompress.push(time(() => c.decompress(packed, 4092)));
      results.set(key, r);
    }
  }
}
console.log(
  `ENet compressors, ${SIZE}-byte bodies, ${ROUNDS} rounds × ${ITERATIONS} calls, load average ${load} → ${loadavg()[0]!.toFixed(1)}`,
);
for (const [key, r] of results) {
  console.log(`${key} ${SIZE} → ${String(r.size).padStart(4)} B   compress ${fmt(r.compress)}   decompress ${fmt(r.decompress)}`);
}
