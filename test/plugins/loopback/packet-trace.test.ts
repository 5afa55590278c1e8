import t from 'tap';
import { ErrorCode, TransferMode } from '../../../core/index.js';
import { Simulation } from '../../../plugins/loopback/index.js';
import { PacketTrace } from '../../../plugins/loopback/packet-trace.js';

t.test('PacketTrace.record: unkept and unobserved entries still count and hash like kept ones', (t) => {
  const kept = new PacketTrace();
  const bare = new PacketTrace({ keepEntries: false });
  for (const trace of [kept, bare]) {
    for (let i = 0; i < 5; i++) {
      trace.record(i * 16, 'server', `client-${i % 2}`, 'data', TransferMode.RELIABLE, 0, 38, 0, 'delivered', i * 16 + 30);
    }
    trace.packet({
      timeMs: 99,
      from: 'a',
      to: 'b',
      message: 'connect',
      mode: TransferMode.RELIABLE,
      channel: 0,
      size: 0,
      attempt: 1,
      outcome: 'dropped',
      deliverAtMs: null,
    });
  }
  t.equal(bare.hash(), kept.hash());
  t.equal(bare.count, 6);
  t.equal(bare.entries.length, 0, 'nothing kept');
  t.equal(kept.entries.length, 6);
  const seen: unknown[] = [];
  bare.recorded.connect((e) => seen.push(e));
  const entry = bare.record(100, 'a', 'b', 'data', TransferMode.UNRELIABLE, 2, 4, 0, 'stale', null);
  t.match(
    seen,
    [{ type: 'packet', index: 6, timeMs: 100, channel: 2, outcome: 'stale', deliverAtMs: null }],
    'an observer still gets the entry',
  );
  t.equal(entry, seen[0]);
  t.end();
});

t.test('hashTrace: false takes the trace off the packet path; delivery and traffic are unchanged', (t) => {
  const run = (hashTrace: boolean) => {
    const sim = new Simulation({ seed: 7, clients: 3, keepTrace: false, hashTrace, conditions: { latencyMs: 20, jitterMs: 5, loss: 0.1 } });
    const got: number[] = [];
    sim.server.multiplayer.peerPacket.connect((from, packet) => got.push(from, packet[0]!));
    sim.step(20);
    for (let f = 0; f < 60; f++) {
      for (const c of sim.clients) c.multiplayer.sendBytes(Uint8Array.of(f), 1, { mode: TransferMode.UNRELIABLE });
      sim.step();
    }
    sim.step(10);
    return { sim, got };
  };
  const on = run(true);
  const off = run(false);
  t.same(off.got, on.got, 'the same packets arrive in the same order (the trace draws no randomness)');
  t.ok(on.got.length > 200 && on.got.length < 360, `10 % loss drops some of 180 (${on.got.length / 2} arrived)`);
  t.match(on.sim.traceHash(), /^[0-9a-f]{16}$/);
  t.throws(() => off.sim.traceHash(), { code: ErrorCode.ERR_UNAVAILABLE }, 'no hash was computed');
  t.equal(off.sim.trace.length, 0);
  const seen: unknown[] = [];
  off.sim.network.traced.connect((e) => seen.push(e));
  off.sim.clients[0]!.multiplayer.sendBytes(Uint8Array.of(1), 1);
  t.match(seen, [{ type: 'packet', message: 'data', size: 2 }], 'an observer still sees each packet');
  on.sim.close();
  off.sim.close();
  t.end();
});
