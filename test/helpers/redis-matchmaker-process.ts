/**
 * A matchmaker process for the multi-process tests (run with `node --import tsx`):
 *   redis-matchmaker-process.ts <redisUrl> <prefix> <count> [type=arena]
 * Waits for a `go` line on stdin, fires `count` concurrent `joinOrCreate(type)`, and prints one
 * JSON line: `{ seats: [{ roomId, token, joinUrl, processId }], errors: [message] }`.
 */
import { createInterface } from 'node:readline';
import { Matchmaker, RedisPresence } from '../../server/presence/index.js';

const [url, prefix, count, type = 'arena'] = process.argv.slice(2);
const presence = new RedisPresence({ url: url!, prefix: prefix! });
await presence.ready();
const matchmaker = new Matchmaker(presence, { seatTtlMs: 60_000 });
console.log('ready');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const settled = await Promise.allSettled(Array.from({ length: Number(count) }, () => matchmaker.joinOrCreate(type)));
  const seats = settled.flatMap((s) =>
    s.status === 'fulfilled'
      ? [{ roomId: s.value.roomId, token: s.value.token, joinUrl: s.value.joinUrl, processId: s.value.processId }]
      : [],
  );
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [String((s.reason as Error).message)] : []));
  console.log(JSON.stringify({ seats, errors }));
  break;
}
lines.close();
await presence.close();
process.exit(0);
