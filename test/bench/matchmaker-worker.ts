/**
 * One matchmaker process of test/bench/matchmaker.bench.ts (not a bench itself):
 *   matchmaker-worker.ts <redisUrl> <count> <concurrency>
 * For each `go <prefix> <mode>` line on stdin (mode `seat`: `joinOrCreate('arena')`; mode `incr`:
 * one plain Redis INCR, the round-trip baseline), runs `count` operations with `concurrency` in
 * flight and prints `done <failures>`.
 */
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { Matchmaker, RedisPresence } from '../../server/presence/index.js';

const [url, count, concurrency] = process.argv.slice(2) as [string, string, string];
const raw = new Redis(url);
const presences = new Map<string, Matchmaker>();
console.log('ready');
for await (const line of createInterface({ input: process.stdin })) {
  const [word, prefix, mode] = line.trim().split(' ');
  if (word === 'quit') break;
  if (word !== 'go' || prefix === undefined) continue;
  let matchmaker = presences.get(prefix);
  if (matchmaker === undefined) {
    const presence = new RedisPresence({ url, prefix });
    await presence.ready();
    matchmaker = new Matchmaker(presence, { seatTtlMs: 120_000 });
    presences.set(prefix, matchmaker);
  }
  let next = 0;
  let failures = 0;
  const one = mode === 'incr' ? () => raw.incr(`${prefix}bench-counter`) : () => matchmaker.joinOrCreate('arena');
  const lane = async (): Promise<void> => {
    while (next < Number(count)) {
      next++;
      await one().catch((err: Error) => {
        if (failures++ === 0) console.error(`first failure: ${err.message}`);
      });
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, lane));
  console.log(`done ${failures}`);
}
process.exit(0);
