/**
 * Hostile input: truncated headers, bogus peer and session ids, bad fragment fields, oversize data,
 * floods, and ≥ 100,000 random and mutated datagrams. Each is dropped (or only the sender's own
 * connection suffers); the host never throws and other peers keep working.
 */
import fc from 'fast-check';
import t from 'tap';
import { LogLevel, MemoryLogger } from '../../../../core/index.js';
import { HostEventType } from '../../../../plugins/enet/protocol/host.js';
import { Command, FLAG_ACKNOWLEDGE, PacketFlag, PeerState } from '../../../../plugins/enet/protocol/protocol.js';
import { rangeCoderCompress, rangeCoderDecompress } from '../../../../plugins/enet/protocol/range-coder.js';
import { MemoryWorld } from '../../../helpers/enet-memory.js';
import { forgedConnect } from '../../../helpers/enet-forged.js';

/** A server with two connected clients on a clean in-memory network. */
function world(seed = 1): {
  w: MemoryWorld;
  log: MemoryLogger;
  server: ReturnType<MemoryWorld['host']>;
  a: ReturnType<MemoryWorld['host']>;
  b: ReturnType<MemoryWorld['host']>;
} {
  const w = new MemoryWorld(seed, { latencyMs: 1 });
  const log = new MemoryLogger();
  const server = w.host({ peerCount: 8, logger: log }, '10.0.0.1');
  const a = w.host({ peerCount: 1 }, '10.0.0.2');
  const b = w.host({ peerCount: 1 }, '10.0.0.3');
  a.connect('10.0.0.1', 7000, 4, 0);
  b.connect('10.0.0.1', 7000, 4, 0);
  if (!w.run(() => w.of(server, HostEventType.CONNECT).length === 2, 1000)) throw new Error('setup failed');
  return { w, log, server, a, b };
}

/** Sends a reliable packet from `b` and checks it arrives: the innocent peer still works. */
function bStillWorks(w: MemoryWorld, server: ReturnType<MemoryWorld['host']>, b: ReturnType<MemoryWorld['host']>): boolean {
  const before = w.of(server, HostEventType.RECEIVE).length;
  b.peers[0]!.send(0, new Uint8Array([1, 2, 3]), PacketFlag.RELIABLE);
  return w.run(() => w.of(server, HostEventType.RECEIVE).length > before, 2000) && b.peers[0]!.state === PeerState.CONNECTED;
}

/** Raw datagram from `host` to the server with its real peer id and session. */
function header(w: MemoryWorld, server: ReturnType<MemoryWorld['host']>, client: ReturnType<MemoryWorld['host']>): number[] {
  const p = client.peers[0]!;
  const word = p.outgoingPeerID | (p.outgoingSessionID << 12) | 0x8000;
  const time = w.clock.nowMs() & 0xffff;
  return [word >> 8, word & 0xff, time >> 8, time & 0xff];
}

const u32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
const u16 = (v: number): number[] => [(v >>> 8) & 0xff, v & 0xff];

t.test('receive: truncated headers, unknown peer ids, wrong sessions and spoofed sources are ignored', async (t) => {
  const { w, log, server, a, b } = world();
  t.teardown(() => w.destroy());
  const inject = (bytes: number[], from = '10.0.0.2'): void => {
    const s = w.network.bind(from, 0);
    s.send(new Uint8Array(bytes), '10.0.0.1', 7000);
    s.close();
  };
  const hdr = header(w, server, a);
  const ping = [Command.PING | FLAG_ACKNOWLEDGE, 0xff, 0, 9];
  inject([]);
  inject([0x80]);
  inject([0x80, 0x00, 0x12]);
  inject([0x87, 0xfe, 0, 0, ...ping]); // peer id 0x7fe: beyond the slots
  inject([hdr[0]! ^ 0x30, hdr[1]!, hdr[2]!, hdr[3]!, ...ping]); // wrong session
  inject([...hdr, ...ping], '10.9.9.9'); // right peer id, wrong source
  inject([0x0f, 0xff, Command.SEND_RELIABLE, 0, 0, 1, 0, 1, 0x55]); // data with no peer
  w.step(5);
  t.equal(server.peers[0]!.state, PeerState.CONNECTED);
  t.ok(bStillWorks(w, server, b));
  t.same(log.at(LogLevel.ERROR), [], 'no decoder error was logged');
});

t.test('receive: bad fragment fields and oversize lengths stop the datagram; the sender stays, others unaffected', async (t) => {
  const { w, server, a, b } = world(2);
  t.teardown(() => w.destroy());
  const cases: Array<[string, number[]]> = [
    ['fragmentNumber >= fragmentCount', [...u16(1), ...u16(4), ...u32(2), ...u32(2), ...u32(8), ...u32(0)]],
    ['fragmentCount > 1 048 576', [...u16(1), ...u16(4), ...u32(0x200000), ...u32(0), ...u32(0x300000), ...u32(0)]],
    ['totalLength > maximum packet size', [...u16(1), ...u16(4), ...u32(2), ...u32(0), ...u32(0x7fffffff), ...u32(0)]],
    ['fragmentOffset >= totalLength', [...u16(1), ...u16(4), ...u32(2), ...u32(1), ...u32(8), ...u32(8)]],
    ['fragment runs past totalLength', [...u16(1), ...u16(4), ...u32(2), ...u32(1), ...u32(8), ...u32(6)]],
    ['totalLength < fragmentCount', [...u16(1), ...u16(4), ...u32(9), ...u32(0), ...u32(8), ...u32(0)]],
    ['dataLength past the datagram end', [...u16(1), ...u16(4000), ...u32(2), ...u32(0), ...u32(8), ...u32(0)]],
  ];
  for (const [, body] of cases) {
    // Sent from the real client's own socket, with its peer id and session.
    const datagram = new Uint8Array([...header(w, server, a), Command.SEND_FRAGMENT | FLAG_ACKNOWLEDGE, 0, 0, 50, ...body, 1, 2, 3, 4]);
    a.socket.send(datagram, '10.0.0.1', 7000);
  }
  w.step(5);
  t.equal(w.of(server, HostEventType.RECEIVE).length, 0, 'nothing was delivered');
  t.equal(server.peers[0]!.totalWaitingData, 0, 'no reassembly buffer kept');
  t.ok(bStillWorks(w, server, b));
  t.equal(server.peers[0]!.state, PeerState.CONNECTED, 'the sender keeps its connection');
});

t.test('receive: a CONNECT flood fills free slots only; established peers keep working; refusals are silent', async (t) => {
  const { w, server, b } = world(3);
  t.teardown(() => w.destroy());
  for (let i = 0; i < 500; i++) {
    const s = w.network.bind(`10.1.${i >> 8}.${i & 0xff}`, 0);
    s.send(forgedConnect(i), '10.0.0.1', 7000);
    s.close();
  }
  w.step(2);
  const used = server.peers.filter((p) => p.state !== PeerState.DISCONNECTED).length;
  t.equal(used, 8, 'only the 6 free slots were taken');
  t.ok(bStillWorks(w, server, b));
  t.ok(
    w.run(() => server.peers.filter((p) => p.state === PeerState.ACKNOWLEDGING_CONNECT).length === 0, 40000, 10),
    'half-open slots are reclaimed by timeout',
  );
});

t.test('receive: a data flood from one peer is bounded by maximumWaitingData; the other peer is unaffected', async (t) => {
  const { w, server, a, b } = world(4);
  t.teardown(() => w.destroy());
  server.maximumWaitingData = 64 * 1024;
  for (let i = 0; i < 400; i++) a.peers[0]!.send(1, new Uint8Array(1000), PacketFlag.RELIABLE);
  // The application does not read: step the network without draining the server's events.
  for (let i = 0; i < 200; i++) {
    w.clock.advance(1);
    w.network.deliver();
    a.service();
    server.service(); // at most one event is taken per call: the application reads slowly
  }
  t.ok(server.peers[0]!.totalWaitingData <= 64 * 1024 + 1000, `waiting data bounded (${server.peers[0]!.totalWaitingData})`);
  t.ok(bStillWorks(w, server, b));
});

t.test('receive: ≥ 100,000 random and mutated datagrams never throw, never log a decoder error, never hurt another peer', async (t) => {
  const { w, log, server, a, b } = world(5);
  t.teardown(() => w.destroy());
  // Templates: real datagrams a client sends (reliable, unreliable, fragments, unsequenced, ping).
  const templates: Uint8Array[] = [];
  const capture = w.network.bind('10.0.0.9', 0);
  const realSend = a.socket.send.bind(a.socket);
  a.socket.send = (d: Uint8Array, addr: string, port: number): void => {
    templates.push(d.slice());
    realSend(d, addr, port);
  };
  const p = a.peers[0]!;
  p.send(0, new Uint8Array(30), PacketFlag.RELIABLE);
  p.send(1, new Uint8Array(20), 0);
  p.send(2, new Uint8Array(3000), PacketFlag.RELIABLE);
  p.send(3, new Uint8Array(3000), PacketFlag.UNRELIABLE_FRAGMENT);
  p.send(1, new Uint8Array(10), PacketFlag.UNSEQUENCED);
  p.ping();
  w.run(() => false, 30);
  a.socket.send = realSend;
  capture.close();
  t.ok(templates.length >= 5, `${templates.length} templates`);
  const attacker = w.network.bind('10.0.0.2', 7000 + 1); // same IP as a, other port
  const sources = [a.socket, attacker];
  let datagrams = 0;
  const mutated = fc
    .tuple(
      fc.nat(templates.length - 1),
      fc.array(fc.tuple(fc.nat(2000), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.option(fc.nat(1500), { nil: undefined }),
    )
    .map(([i, edits, cut]) => {
      const d = templates[i]!.slice(0, cut === undefined ? undefined : Math.max(0, cut));
      for (const [at, v] of edits) if (d.length > 0) d[at % d.length] = v;
      return d;
    });
  const random = fc.uint8Array({ maxLength: 600 });
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.oneof(mutated, random), fc.nat(1)), { minLength: 20, maxLength: 20 }), (batch) => {
      for (const [d, from] of batch) sources[from]!.send(d, '10.0.0.1', 7000);
      datagrams += batch.length;
      w.clock.advance(1);
      w.network.deliver();
      for (let e = server.service(); e !== null; e = server.service()) {
        if (![HostEventType.CONNECT, HostEventType.DISCONNECT, HostEventType.RECEIVE].includes(e.type as 1 | 2 | 3)) return false;
      }
      return true;
    }),
    { numRuns: 5000, seed: 42 },
  );
  attacker.close();
  t.ok(datagrams >= 100000, `${datagrams} datagrams injected`);
  t.same(log.at(LogLevel.ERROR), [], 'no decoder error');
  t.ok(bStillWorks(w, server, b), 'the innocent peer still works');
});

t.test('rangeCoderDecompress: random bytes never throw and never exceed the limit; compress round-trips', async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (input) => {
      const out = rangeCoderDecompress(input, 4092);
      return out === null || out.length <= 4092;
    }),
    { numRuns: 3000, seed: 7 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 1500 }), (input) => {
      const packed = rangeCoderCompress(input, 2 * input.length + 64);
      const back = packed === null ? null : rangeCoderDecompress(packed, 4096);
      return back !== null && Buffer.from(back).equals(Buffer.from(input));
    }),
    { numRuns: 500, seed: 8 },
  );
  t.pass('3,000 random inputs decoded safely; 500 random inputs round-tripped');
});
