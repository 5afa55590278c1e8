/**
 * The floors under TypeScript ENet: how many ~1.3 KB datagrams per second `node:dgram` itself can
 * send on loopback (same options as plugins/enet/datagram-socket.ts: synchronous lookup, no
 * completion callback) to a receiver in another process, and the CPU a `node:dgram` receiver spends
 * per datagram with nothing done in its 'message' handler. enet.bench.ts measures both in its run.
 *
 *   npx tsx test/bench/enet-dgram-floor.ts
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import { buildEchoPeer } from '../helpers/enet-c-peer.js';

const SIZE = 1334; // a full datagram of 19 reliable 64-byte commands
const MS = 2000;

/** Datagrams per second one `node:dgram` socket sends, and the CPU µs each send costs. */
export async function dgramSendFloor(): Promise<{ perSecond: number; cpuUs: number; userUs: number; systemUs: number }> {
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
    type: 'udp4',
    sendBufferSize: 256 * 1024,
    lookup: (host, _o, cb) => cb(null, host, 4),
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
  socket.close();
  sink.kill();
  return {
    perSecond: sent / (MS / 1000),
    cpuUs: (used.user + used.system) / sent,
    userUs: used.user / sent,
    systemUs: used.system / sent,
  };
}

/**
 * CPU µs per datagram of a `node:dgram` receiver (this process, 2 MiB receive buffer as the ENet
 * adapter's) that only counts, while a sender in another process sends 1334-byte datagrams in bursts
 * of 16 for 2 s; and the datagrams per second it received.
 */
export async function dgramReceiveFloor(): Promise<{ perSecond: number; cpuUs: number }> {
  const socket = createSocket({ type: 'udp4', recvBufferSize: 2 * 1024 * 1024 });
  let n = 0;
  let first = 0;
  let last = 0;
  let cpu = process.cpuUsage();
  socket.on('message', () => {
    if (n++ === 0) {
      first = performance.now();
      cpu = process.cpuUsage();
    }
    last = performance.now();
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const sender = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--send-to', String(socket.address().port)], {
    stdio: 'inherit',
  });
  await new Promise((resolve) => sender.on('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const used = process.cpuUsage(cpu);
  socket.close();
  return { perSecond: n / ((last - first) / 1000), cpuUs: (used.user + used.system) / n };
}

async function sendFor(port: number): Promise<void> {
  const socket = createSocket({ type: 'udp4', lookup: (host, _o, cb) => cb(null, host, 4) });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const data = new Uint8Array(SIZE);
  const end = performance.now() + MS;
  while (performance.now() < end) {
    for (let i = 0; i < 16; i++) socket.send(data, port, '127.0.0.1');
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  socket.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const to = process.argv.indexOf('--send-to');
  if (to > 0) {
    await sendFor(Number(process.argv[to + 1]));
  } else {
    const f = await dgramSendFloor();
    console.log(
      `dgram send floor: ${(f.perSecond / 1000).toFixed(1)} k datagrams/s, ${f.cpuUs.toFixed(2)} µs CPU per send (user ${f.userUs.toFixed(2)}, system ${f.systemUs.toFixed(2)})`,
    );
    const r = await dgramReceiveFloor();
    console.log(
      `dgram receive floor: ${(r.perSecond / 1000).toFixed(1)} k datagrams/s received, ${r.cpuUs.toFixed(2)} µs CPU per datagram`,
    );
  }
}
