/**
 * ENet compressors (range coder, Godot's FastLZ and zlib framings): the Compressor contract, the
 * 16-byte FastLZ padding rule, zlib's wrapper, hostile bodies, and two hosts talking through each
 * mode with reliable, unreliable and fragmented packets.
 */
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import t from 'tap';
import { LogLevel, MemoryLogger } from '../../../../core/index.js';
import { fastlzCompressor, rangeCoderCompressor, zlibCompressor, type Compressor } from '../../../../plugins/enet/protocol/compressor.js';
import { fastlzCompress } from '../../../../plugins/enet/protocol/fastlz.js';
import { HostEventType } from '../../../../plugins/enet/protocol/host.js';
import {
  HEADER_FLAG_COMPRESSED,
  HEADER_FLAG_SENT_TIME,
  HEADER_SESSION_SHIFT,
  PacketFlag,
  PeerState,
} from '../../../../plugins/enet/protocol/protocol.js';
import { counting } from '../../../helpers/enet-counting-compressor.js';
import { MemoryWorld } from '../../../helpers/enet-memory.js';

const hexOf = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));
const LIMIT = 4096 - 4;

t.test(
  'fastlzCompressor: bodies under 16 bytes are zero-padded to 16 (Godot Compression::compress MODE_FASTLZ) and decode as 16 bytes',
  async (t) => {
    const body = Uint8Array.from([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    const packed = fastlzCompressor.compress(body);
    t.ok(
      packed !== null && packed.length < body.length,
      `12 repetitive bytes (+4 zeros) compress to ${packed?.length} < 12: Godot would send this`,
    );
    t.equal(
      hexOf(fastlzCompressor.decompress(packed!, LIMIT)),
      hexOf(body) + '00000000',
      'the receiver gets the body plus the 4 padding zeros',
    );
    t.equal(
      hexOf(packed),
      hexOf(fastlzCompress(Uint8Array.from([...body, 0, 0, 0, 0]), 1)),
      'the stream is FastLZ level 1 of the padded block',
    );
    t.equal(fastlzCompressor.compress(Uint8Array.from([0x86, 0, 0, 1])), null, 'a 4-byte body (17 bytes packed) is sent uncompressed');
    const text = new TextEncoder().encode('abcdefgh'.repeat(100));
    t.equal(hexOf(fastlzCompressor.decompress(fastlzCompressor.compress(text)!, LIMIT)), hexOf(text), 'a long body round-trips unpadded');
    t.equal(
      fastlzCompressor.compress(Uint8Array.from({ length: 200 }, (_, i) => (i * 97 + 13) % 251)),
      null,
      'incompressible bodies are sent as is',
    );
  },
);

t.test('zlibCompressor: zlib-wrapped deflate (window bits 15) as Godot MODE_DEFLATE; raw deflate and gzip are refused', async (t) => {
  const z = zlibCompressor();
  const body = new TextEncoder().encode('hello zlib '.repeat(50));
  const packed = z.compress(body)!;
  t.equal(packed[0], 0x78, 'CMF 0x78: deflate, 32 KiB window');
  t.equal(((packed[0]! << 8) | packed[1]!) % 31, 0, 'FCHECK makes CMF·256 + FLG a multiple of 31');
  t.equal(packed[1]! & 0x20, 0, 'no preset dictionary');
  t.equal(hexOf(z.decompress(packed, LIMIT)), hexOf(body), 'round trip');
  t.equal(
    hexOf(z.decompress(deflateSync(body, { level: 9 }), LIMIT)),
    hexOf(body),
    "any level decodes (Godot's level is a project setting)",
  );
  t.equal(
    hexOf(z.decompress(Buffer.concat([packed, Buffer.from([1, 2, 3])]), LIMIT)),
    hexOf(body),
    'bytes after the stream end are ignored (inflate stops at Z_STREAM_END)',
  );
  t.equal(z.decompress(deflateRawSync(body), LIMIT), null, 'raw deflate has no zlib header: refused');
  t.equal(z.decompress(gzipSync(body), LIMIT), null, 'gzip is refused');
  t.equal(z.compress(Uint8Array.from({ length: 40 }, (_, i) => (i * 97 + 13) % 251)), null, 'incompressible bodies are sent as is');
  t.equal(zlibCompressor(9).decompress(zlibCompressor(1).compress(body)!, LIMIT)?.length, body.length, 'levels interoperate');
});

t.test('zlibCompressor.decompress: hostile input never throws and never exceeds the limit', async (t) => {
  const z = zlibCompressor();
  const body = new TextEncoder().encode('hello zlib '.repeat(50));
  const packed = z.compress(body)!;
  t.equal(z.decompress(packed.subarray(0, packed.length - 3), LIMIT), null, 'truncated stream');
  t.equal(z.decompress(new Uint8Array(0), LIMIT), null, 'empty body');
  t.equal(z.decompress(packed, body.length - 1), null, 'output one byte over the limit');
  t.equal(z.decompress(packed, body.length)?.length, body.length, 'output exactly at the limit');
  const bomb = deflateSync(new Uint8Array(1 << 20));
  t.ok(bomb.length < 1100, `a 1 MiB bomb fits in ${bomb.length} bytes (one datagram)`);
  t.equal(z.decompress(bomb, LIMIT), null, 'decompression bomb refused at the limit');
  t.equal(z.decompress(deflateSync(body, { dictionary: Buffer.from('hello') }), LIMIT), null, 'stream needing a preset dictionary');
  const bad = Uint8Array.from(packed);
  bad[bad.length - 1]! ^= 0xff;
  t.equal(z.decompress(bad, LIMIT), null, 'wrong Adler-32');
  let over = 0;
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean(), (input, header) => {
      if (header) input.set([0x78, 0x9c].slice(0, input.length));
      const out = z.decompress(input, 512);
      if (out !== null && out.length > 512) over++;
      return true;
    }),
    { numRuns: 3000 },
  );
  t.equal(over, 0, '3,000 random bodies (half with a valid zlib header): none throws or exceeds the limit');
});

/** A server and one client on an in-memory network, both with `compressor`. */
function pairWith(
  compressor: () => Compressor,
  serverCompressor = compressor,
  logger = new MemoryLogger(),
): {
  w: MemoryWorld;
  server: ReturnType<MemoryWorld['host']>;
  client: ReturnType<MemoryWorld['host']>;
  log: MemoryLogger;
} {
  const w = new MemoryWorld(7, { latencyMs: 2 });
  const server = w.host({ peerCount: 4, logger }, '10.0.0.1');
  const client = w.host({ peerCount: 1 }, '10.0.0.2');
  server.compressor = serverCompressor();
  client.compressor = compressor();
  client.connect('10.0.0.1', 7000, 2, 0);
  if (!w.run(() => w.of(server, HostEventType.CONNECT).length === 1 && w.of(client, HostEventType.CONNECT).length === 1, 2000)) {
    throw new Error('connect failed');
  }
  return { w, server, client, log: logger };
}

const MODES: Array<[string, () => Compressor]> = [
  ['range coder', () => rangeCoderCompressor],
  ['FastLZ', () => fastlzCompressor],
  ['zlib', () => zlibCompressor()],
];

for (const [name, make] of MODES) {
  t.test(
    `host send/receive with ${name} on both ends: reliable, unreliable, unsequenced and fragmented packets arrive intact`,
    async (t) => {
      const sc = counting(make());
      const cc = counting(make());
      const { w, server, client } = pairWith(
        () => cc,
        () => sc,
      );
      t.teardown(() => w.destroy());
      const text = (n: number, k: number): Uint8Array => new TextEncoder().encode(`packet ${k} says hello; `.repeat(n)).subarray(0, n);
      const sent: Array<{ channel: number; data: Uint8Array; flags: number }> = [
        { channel: 0, data: text(100, 1), flags: PacketFlag.RELIABLE },
        { channel: 1, data: text(60, 2), flags: 0 },
        { channel: 1, data: text(30, 3), flags: PacketFlag.UNSEQUENCED },
        { channel: 0, data: text(5000, 4), flags: PacketFlag.RELIABLE },
        { channel: 1, data: text(3000, 5), flags: PacketFlag.UNRELIABLE_FRAGMENT },
        { channel: 0, data: Uint8Array.from({ length: 3000 }, (_, i) => ((i * 7919) >>> 3) & 0xff), flags: PacketFlag.RELIABLE },
      ];
      for (const p of sent) t.ok(client.peers[0]!.send(p.channel, p.data, p.flags));
      t.ok(
        w.run(() => w.of(server, HostEventType.RECEIVE).length === sent.length, 3000),
        'all packets arrive',
      );
      const got = w.of(server, HostEventType.RECEIVE);
      for (const p of sent) {
        t.ok(
          got.some((e) => e.channelID === p.channel && hexOf(e.packet) === hexOf(p.data)),
          `${p.data.length} bytes, flags ${p.flags}`,
        );
      }
      server.peers.find((p) => p.state === PeerState.CONNECTED)!.send(0, text(2000, 9), PacketFlag.RELIABLE);
      t.ok(
        w.run(() => w.of(client, HostEventType.RECEIVE).length === 1, 3000),
        'the server answers through the same compressor',
      );
      t.ok(cc.packed > 0 && sc.unpacked > 0, `client compressed ${cc.packed} datagrams, the server decompressed ${sc.unpacked}`);
      t.ok(sc.packed > 0 && cc.unpacked > 0, `server compressed ${sc.packed} datagrams, the client decompressed ${cc.unpacked}`);
    },
  );
}

t.test('host receive: mismatched compressors drop the compressed datagrams, count them and log once, never throw', async (t) => {
  const log = new MemoryLogger();
  const w = new MemoryWorld(3, { latencyMs: 2 });
  t.teardown(() => w.destroy());
  const server = w.host({ peerCount: 2, logger: log }, '10.0.0.1');
  const client = w.host({ peerCount: 1 }, '10.0.0.2');
  client.compressor = zlibCompressor();
  server.compressor = fastlzCompressor;
  client.connect('10.0.0.1', 7000, 2, 0);
  w.run(() => false, 300);
  t.equal(w.of(server, HostEventType.CONNECT).length, 0, 'the compressed CONNECT never gets through');
  t.ok(server.decompressFailures > 0, `${server.decompressFailures} datagrams dropped`);
  t.equal(
    log.records.filter((r) => r.level === LogLevel.WARN && /did not decompress with FastLZ/.test(r.message)).length,
    1,
    'logged once',
  );
});

t.test("host receive: a FastLZ body zero-padded to 16 bytes (Godot's rule) is delivered and its padding ignored", async (t) => {
  const { w, server, client } = pairWith(() => fastlzCompressor);
  t.teardown(() => w.destroy());
  const peer = client.peers[0]!;
  // SEND_UNSEQUENCED | UNSEQUENCED flag, channel 1, reliable seq 0, group 1, 2 bytes "hi": 10 bytes, padded to 16.
  const body = Uint8Array.from([0x49, 1, 0, 0, 0, 1, 0, 2, 0x68, 0x69, 0, 0, 0, 0, 0, 0]);
  const packed = fastlzCompress(body, 1);
  const header = [
    ((HEADER_FLAG_COMPRESSED | HEADER_FLAG_SENT_TIME | ((peer.outgoingSessionID << HEADER_SESSION_SHIFT) & 0x3000) | peer.outgoingPeerID) >>
      8) &
      0xff,
    peer.outgoingPeerID & 0xff,
    0x12,
    0x34,
  ];
  client.socket.send(Uint8Array.from([...header, ...packed]), '10.0.0.1', 7000);
  t.ok(
    w.run(() => w.of(server, HostEventType.RECEIVE).length === 1, 100),
    'delivered',
  );
  const e = w.of(server, HostEventType.RECEIVE)[0]!;
  t.equal(hexOf(e.packet), '6869', 'the unsequenced packet "hi" on channel 1');
  t.equal(e.channelID, 1);
  t.equal(server.decompressFailures, 0, 'no failure counted');
});

t.test('host receive: hostile compressed datagrams from a stranger are dropped; the connected peer keeps working', async (t) => {
  for (const [name, make] of MODES) {
    const { w, server, client, log } = pairWith(make);
    const attacker = w.network.bind('10.0.0.9', 7000);
    // Peer id 0xFFF (no peer yet): the body is decompressed before any peer check can drop it.
    const head = HEADER_FLAG_COMPRESSED | 0x0fff;
    let x = 12345;
    for (let i = 0; i < 500; i++) {
      const junk = new Uint8Array(2 + 2 + (i % 300));
      junk[0] = head >> 8;
      junk[1] = head & 0xff;
      for (let k = 2; k < junk.length; k++) junk[k] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
      if (i % 3 === 0 && name === 'zlib') junk.set([0x78, 0x9c], 2);
      if (i % 3 === 0 && name === 'FastLZ') junk[2] = junk[2]! & 0x3f;
      attacker.send(junk, '10.0.0.1', 7000);
    }
    w.run(() => false, 20);
    t.equal(log.records.filter((r) => r.level === LogLevel.ERROR).length, 0, `${name}: no decoder error escaped`);
    t.ok(
      server.decompressFailures > 0,
      `${name}: ${server.decompressFailures} of 500 junk datagrams failed to decompress (the rest parsed as junk commands)`,
    );
    const hello = new TextEncoder().encode('still here');
    client.peers[0]!.send(0, hello, PacketFlag.RELIABLE);
    t.ok(
      w.run(() => w.of(server, HostEventType.RECEIVE).some((e) => hexOf(e.packet) === hexOf(hello)), 500),
      `${name}: the connected peer still works`,
    );
    w.destroy();
    attacker.close();
  }
});
