/**
 * The floor under the TypeScript ENet sender: how many ~1.3 KB datagrams per second `node:dgram`
 * itself can send on loopback (same options as plugins/enet/datagram-socket.ts: synchronous lookup,
 * no completion callback) to a receiver in another process. Used by the account in enet.bench.ts.
 *
 *   npx tsx test/bench/enet-dgram-floor.ts
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { buildEchoPeer } from '../helpers/enet-c-peer.js';

const SIZE = 1334; // a full datagram of 19 reliable 64-byte commands
const MS = 2000;

// The receiver is the C echo peer in sink mode, in its own process: it drops these (peer 0 is not
// connected), so none of its work is counted here.
const sink = spawn(buildEchoPeer(), ['server', '--port', '0', '--sink'], { stdio: ['pipe', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => {
  sink.stdout.setEncoding('utf8');
  sink.stdout.on('data', (line: string) => {
    const m = /LISTEN (\d+)/.exec(line);
    if (m) resolve(Number(m[1]));
  });
});
const socket = createSocket({
  type: 'udp4', sendBufferSize: 256 * 1024, lookup: (host, _o, cb) => cb(null, host, 4),
});
await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
const data = new Uint8Array(SIZE);
let sent = 0;
const cpu = process.cpuUsage();
const end = performance.now() + MS;
while (performance.now() < end) {
  for (let i = 0; i < 64; i++) socket.send(data, port, '127.0.0.1');
  sent += 64;
  await new Promise((resolve) => setImmediate(resolve));
}
const used = process.cpuUsage(cpu);
console.log(`dgram floor: ${(sent / (MS / 1000) / 1000).toFixed(1)} k datagrams/s, ${((used.user + used.system) / sent).toFixed(2)} µs CPU per send (user ${(used.user / sent).toFixed(2)}, system ${(used.system / sent).toFixed(2)})`);
socket.close();
sink.kill();
