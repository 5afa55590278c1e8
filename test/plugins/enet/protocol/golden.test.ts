/**
 * Golden tests: CRC32 and range-coder vectors from libenet, the spec's worked examples, and the
 * reference captures (libenet 1.3.17 on loopback) decoded and replayed byte for byte.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { ManualClock } from '../../../../core/index.js';
import { crc32 } from '../../../../plugins/enet/protocol/crc32.js';
import { ENetHost, HostEventType } from '../../../../plugins/enet/protocol/host.js';
import { PacketFlag } from '../../../../plugins/enet/protocol/protocol.js';
import { rangeCoderCompress, rangeCoderDecompress } from '../../../../plugins/enet/protocol/range-coder.js';
import { rangeCoderCompressor } from '../../../../plugins/enet/protocol/compressor.js';
import { describeDatagram } from '../../../../plugins/enet/protocol/trace.js';
import { fixedRng, parseCapture, RecordingSocket } from '../../../helpers/enet-memory.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'enet');
const json = (name: string): { vectors: Array<Record<string, string>> } => JSON.parse(readFileSync(join(fixtures, name), 'utf8'));
const capture = (name: string): ReturnType<typeof parseCapture> =>
  parseCapture(readFileSync(join(fixtures, 'captures', `${name}.txt`), 'utf8'));
const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

t.test('crc32: every libenet vector, written big-endian', async (t) => {
  for (const v of json('crc32.json').vectors) {
    t.equal(crc32(bytes(v.input!)).toString(16).padStart(8, '0'), v.wire_bytes, v.name);
  }
});

t.test('rangeCoderCompress: every libenet vector byte-exact; rangeCoderDecompress round-trips', async (t) => {
  for (const v of json('range-coder.json').vectors) {
    const input = bytes(v.input!);
    const out = rangeCoderCompress(input, 2 * input.length + 64);
    t.equal(out === null ? '' : hexOf(out), v.compressed, `${v.name} compressed`);
    if (out !== null) t.same(rangeCoderDecompress(out, 8192), input, `${v.name} round trip`);
  }
});

t.test('rangeCoderCompress: output over the limit or empty input is "not compressible"', async (t) => {
  t.equal(rangeCoderCompress(new Uint8Array(0), 100), null);
  t.equal(rangeCoderCompress(bytes('a5a3c498884d1d29a711f8f8a015c669'), 16), null);
  t.equal(rangeCoderDecompress(bytes('ffffffffffffffff'), 4), null, 'overflowing output fails');
});

const CONNECT_24_1 = '8fff123482ff00010000ffff000005700001000000000002000000000000000000001388000000020000000211223344' + '00000000';

/** A client host on a recording socket, with the clock and connectID of docs/wire/enet.md §24.1. */
function client24(
  options: { checksum?: boolean; compression?: boolean } = {},
  start = 0x1234,
): { host: ENetHost; socket: RecordingSocket; clock: ManualClock } {
  const clock = new ManualClock(start);
  const socket = new RecordingSocket();
  const host = new ENetHost(socket, { clock, rng: fixedRng(0x11223344), peerCount: 1 });
  host.checksum = options.checksum ?? false;
  host.compressor = options.compression === true ? rangeCoderCompressor : null;
  return { host, socket, clock };
}

t.test('connect: CONNECT datagram of docs/wire/enet.md §24.1, plain, with CRC32, and range-coded', async (t) => {
  for (const [name, options, expected] of [
    ['plain', {}, CONNECT_24_1],
    [
      'CRC32',
      { checksum: true },
      '8fff123430d00a4982ff00010000ffff00000570000100000000000200000000000000000000138800000002000000021122334400000000',
    ],
    ['range coder', { compression: true }, 'cfff1234837b88b1fdf1df576b939eeefcbc0a3e8a642656d339c89a3378fc95725f'],
  ] as const) {
    const { host, socket } = client24(options);
    host.connect('10.0.0.2', 7001, 2, 0);
    host.service();
    t.same(socket.drain(), [expected], name);
  }
});

t.test(
  'service: a server in slot 5 answers docs/wire/enet.md §24.4 byte-exact; the client ACKs and sends "hello", then "hi"/"yo"',
  async (t) => {
    const clock = new ManualClock(0x2000);
    const socket = new RecordingSocket();
    const server = new ENetHost(socket, { clock, rng: fixedRng(1), peerCount: 8 });
    // Five other clients take slots 0–4 first.
    for (let i = 0; i < 5; i++) socket.inject(bytes(CONNECT_24_1), `10.0.1.${i}`, 7001);
    server.service();
    socket.drain();
    socket.inject(bytes(CONNECT_24_1));
    server.service();
    const verify = '8000200083ff0001000500000000057000010000000000020000000000000000000013880000000200000002' + '11223344';
    t.same(socket.drain(), [verify], 'VERIFY_CONNECT from slot 5');

    const c = client24({}, 0x2001);
    c.host.connect('10.0.0.1', 7000, 2, 0);
    c.host.service();
    c.socket.drain();
    c.socket.inject(bytes(verify), '10.0.0.1', 7000);
    c.clock.set(0x2005);
    t.equal(c.host.service()?.type, HostEventType.CONNECT);
    c.host.peers[0]!.send(0, new TextEncoder().encode('hello'), PacketFlag.RELIABLE);
    c.host.service();
    t.same(c.socket.drain(), ['8005200501ff000100012000860000010005' + '68656c6c6f'], 'ACK first, then SEND_RELIABLE');
    c.host.peers[0]!.send(1, new TextEncoder().encode('hi'), 0);
    c.host.peers[0]!.send(1, new TextEncoder().encode('yo'), PacketFlag.UNSEQUENCED);
    c.host.service();
    t.same(c.socket.drain(), ['0005070100000001000268694901000000010002796f'], 'unreliable + unsequenced, no sentTime');
  },
);

t.test('describeDatagram: decodes every uncompressed captured datagram exactly as annotated', async (t) => {
  const names = [
    '01-reliable-basic',
    '02-unreliable',
    '03-unsequenced',
    '04-reliable-fragments',
    '05-unreliable-fragments',
    '06-checksum',
    '08-idle-ping',
    '09-bandwidth-limit',
    '10-disconnect-later',
    '11-disconnect-now',
  ];
  for (const name of names) {
    const datagrams = capture(name);
    let checked = 0;
    for (const d of datagrams) {
      if (d.compressed) continue;
      const trace = describeDatagram(bytes(d.hex), name === '06-checksum');
      t.same(trace?.commands, d.commands, `${name}: ${d.dir} ${d.hex.slice(0, 16)}…`);
      checked++;
    }
    t.ok(checked > 0, `${name}: ${checked} datagrams checked`);
  }
});

/**
 * Replays a capture against our host in the server role: injects every client datagram, echoes
 * what arrives (as the C echo server did), and compares each server datagram byte for byte.
 */
function replayServer(t: Test, name: string, options: { checksum?: boolean; compression?: boolean } = {}): void {
  const clock = new ManualClock(0);
  const socket = new RecordingSocket();
  const host = new ENetHost(socket, { clock, rng: fixedRng(1), peerCount: 32, mtu: 1400 });
  host.checksum = options.checksum ?? false;
  host.compressor = options.compression === true ? rangeCoderCompressor : null;
  const produced: string[] = [];
  const datagrams = capture(name);
  datagrams.forEach((d, i) => {
    if (d.dir === 'C->S') {
      socket.inject(bytes(d.hex));
      return;
    }
    if (produced.length === 0) {
      // The server's clock: the latest sentTime of this run of server datagrams.
      let time = clock.nowMs();
      for (let k = i; k < datagrams.length && datagrams[k]!.dir === 'S->C'; k++) time = Math.max(time, datagrams[k]!.sentTime ?? 0);
      clock.set(time);
      for (let e = host.service(); e !== null; e = host.service()) {
        if (e.type === HostEventType.RECEIVE) e.peer.send(e.channelID, e.packet!, e.flags);
      }
      produced.push(...socket.drain());
    }
    t.equal(produced.shift(), d.hex, `${name}: S->C ${d.commands[0] ?? '(compressed)'}`);
  });
}

t.test('service: replaying captures as the server reproduces every server datagram', async (t) => {
  replayServer(t, '01-reliable-basic');
  replayServer(t, '06-checksum', { checksum: true });
  replayServer(t, '07-compressed', { compression: true });
  for (const name of [
    '02-unreliable',
    '03-unsequenced',
    '04-reliable-fragments',
    '05-unreliable-fragments',
    '10-disconnect-later',
    '11-disconnect-now',
  ]) {
    replayServer(t, name);
  }
});

t.test('service: replaying capture 01 as the client reproduces every client datagram', async (t) => {
  const d = capture('01-reliable-basic');
  const clock = new ManualClock(d[0]!.sentTime!);
  const socket = new RecordingSocket();
  const host = new ENetHost(socket, { clock, rng: fixedRng(0x96e2d1cd), peerCount: 1, mtu: 1400 });
  const peer = host.connect('10.0.0.2', 7001, 2, 42)!;
  host.service();
  t.same(socket.drain(), [d[0]!.hex], 'CONNECT');
  socket.inject(bytes(d[1]!.hex), '10.0.0.2', 7001);
  clock.set(d[2]!.sentTime!);
  t.equal(host.service()?.type, HostEventType.CONNECT);
  peer.send(0, bytes('00000000767d848b9299'), PacketFlag.RELIABLE);
  peer.send(0, bytes('01000000959ca3aab1b8'), PacketFlag.RELIABLE);
  host.service();
  t.same(socket.drain(), [d[2]!.hex], 'ACK of VERIFY_CONNECT + two reliable packets');
  socket.inject(bytes(d[3]!.hex), '10.0.0.2', 7001);
  clock.set(d[5]!.sentTime! - 1);
  const received: string[] = [];
  for (let e = host.service(); e !== null; e = host.service()) received.push(hexOf(e.packet!));
  t.same(received, ['00000000767d848b9299', '01000000959ca3aab1b8'], 'echoes delivered in order');
  t.same(socket.drain(), [d[4]!.hex], 'ACK-only datagram without sentTime');
  clock.set(d[5]!.sentTime!);
  peer.disconnect(7);
  host.service();
  t.same(socket.drain(), [d[5]!.hex], 'reliable DISCONNECT with data 7');
  socket.inject(bytes(d[6]!.hex), '10.0.0.2', 7001);
  t.equal(host.service()?.type, HostEventType.DISCONNECT, 'the ACK completes the disconnect');
});
