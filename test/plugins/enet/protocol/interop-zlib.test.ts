/**
 * Interop of Godot's COMPRESS_ZLIB framing with the reference C library: libenet 1.3.17 with an
 * ENetCompressor built on the real zlib exactly as Godot's ENetConnection::Compressor uses it
 * (test/fixtures/enet/godot-zlib.c), against our zlibCompressor, both directions, every delivery kind.
 */
import t, { type Test } from 'tap';
import { zlibCompressor } from '../../../../plugins/enet/protocol/compressor.js';
import { HostEventType } from '../../../../plugins/enet/protocol/host.js';
import { PacketFlag } from '../../../../plugins/enet/protocol/protocol.js';
import { CPeer, buildEchoPeer, pattern } from '../../../helpers/enet-c-peer.js';
import { counting, type CountingCompressor } from '../../../helpers/enet-counting-compressor.js';
import { pump, udpHost, type SeenEvent } from '../../../helpers/enet-udp.js';

buildEchoPeer('zlib');

const MTU_SIZED = 1392 - 28;

const received = (seen: SeenEvent[]): SeenEvent[] => seen.filter((e) => e.type === HostEventType.RECEIVE);

/** The C peer's compressor counters, printed when it exits. */
async function cStats(c: CPeer): Promise<{ packed: number; unpacked: number; failed: number }> {
  const m = await c.waitFor(/^ZLIB packed=(\d+) unpacked=(\d+) failed=(\d+)/);
  return { packed: Number(m[1]), unpacked: Number(m[2]), failed: Number(m[3]) };
}

async function cServer(t: Test): Promise<{ c: CPeer; port: number }> {
  const c = new CPeer(['server', '--port', '0', '--zlib'], 'zlib');
  t.teardown(() => c.stop());
  const port = Number((await c.waitFor(/^LISTEN (\d+)/))[1]);
  return { c, port };
}

t.test(
  "compress(ZLIB): our client ↔ C server with Godot's zlib compressor, reliable/unreliable/fragmented echoes byte-exact",
  async (t) => {
    const { c, port } = await cServer(t);
    const zlib = counting(zlibCompressor());
    const host = await udpHost({ compressor: zlib });
    t.teardown(() => host.destroy());
    const seen: SeenEvent[] = [];
    const peer = host.connect('127.0.0.1', port, 3, 5)!;
    await pump([host], seen, () => seen.some((e) => e.type === HostEventType.CONNECT));
    const sent = [
      ...[1, 100, MTU_SIZED, MTU_SIZED + 1, 100000].map((n, i) => ({ ch: 0, flags: PacketFlag.RELIABLE, data: pattern(n, i) })),
      { ch: 1, flags: 0, data: pattern(700, 10) },
      { ch: 1, flags: PacketFlag.UNSEQUENCED, data: pattern(300, 11) },
      { ch: 2, flags: PacketFlag.UNRELIABLE_FRAGMENT, data: pattern(5000, 12) },
    ];
    for (const s of sent) t.ok(peer.send(s.ch, s.data, s.flags), `queued ${s.data.length} B on channel ${s.ch}`);
    await pump([host], seen, () => received(seen).length === sent.length, 20000);
    for (const s of sent) {
      const echo = received(seen).find((e) => e.channelID === s.ch && e.packet!.length === s.data.length);
      t.ok(
        echo !== undefined && Buffer.from(echo.packet!).equals(s.data) && echo.flags === s.flags,
        `channel ${s.ch}, ${s.data.length} B, flags ${s.flags}`,
      );
    }
    peer.disconnect(3);
    await pump([host], seen, () => seen.some((e) => e.type === HostEventType.DISCONNECT));
    await c.stop();
    const stats = await cStats(c);
    t.ok(zlib.packed > 0 && stats.unpacked > 0, `we compressed ${zlib.packed} datagrams; C inflated ${stats.unpacked}`);
    t.ok(stats.packed > 0 && zlib.unpacked > 0, `C deflated ${stats.packed} datagrams; we inflated ${zlib.unpacked}`);
    t.equal(stats.failed, 0, 'C never failed to inflate our datagrams');
  },
);

/** Our echo server (zlib) and a C client (zlib) running `client` arguments to completion. */
async function echoServer(t: Test, client: string[], checksum = false): Promise<{ c: CPeer; zlib: CountingCompressor }> {
  const zlib = counting(zlibCompressor());
  const host = await udpHost({ compressor: zlib, peerCount: 4, checksum });
  t.teardown(() => host.destroy());
  const c = new CPeer(['client', '--port', String(host.socket.port), '--zlib', ...(checksum ? ['--checksum'] : []), ...client], 'zlib');
  t.teardown(() => c.stop());
  const seen: SeenEvent[] = [];
  let echoed = 0;
  await pump(
    [host],
    seen,
    () => {
      for (const e of received(seen).slice(echoed)) {
        echoed++;
        e.peer.send(e.channelID, e.packet!, e.flags);
      }
      return c.exited || c.lines.some((l) => l.startsWith('ZLIB'));
    },
    30000,
  );
  return { c, zlib };
}

t.test("compress(ZLIB): C client with Godot's zlib compressor ↔ our server, C verifies every echo", async (t) => {
  for (const [flags, sizes, count] of [
    ['r', `0,1,${MTU_SIZED},${MTU_SIZED + 1},200000`, 10],
    ['u', '1,500,1000', 6],
    ['f', '1,5000,20000', 6],
  ] as const) {
    const { c, zlib } = await echoServer(t, ['--channels', '2', '--sizes', sizes, '--flags', flags]);
    const [, ok, bad] = await c.waitFor(/^ECHO ok=(\d+) bad=(\d+)/);
    t.equal(bad, '0', `flag ${flags}: no bad echo`);
    t.equal(Number(ok), count, `flag ${flags}: every echo verified by C`);
    const stats = await cStats(c);
    t.ok(
      stats.packed > 0 && zlib.unpacked > 0 && zlib.packed > 0 && stats.unpacked > 0 && stats.failed === 0,
      `flag ${flags}: compressed both ways (C ${stats.packed}/${stats.unpacked}, ours ${zlib.packed}/${zlib.unpacked})`,
    );
  }
});

t.test('compress(ZLIB) with CRC32 on both ends: C client ↔ our server (the checksum covers the uncompressed datagram)', async (t) => {
  const { c, zlib } = await echoServer(t, ['--channels', '2', '--sizes', `1,${MTU_SIZED},50000`, '--flags', 'r'], true);
  const [, ok, bad] = await c.waitFor(/^ECHO ok=(\d+) bad=(\d+)/);
  t.equal(bad, '0');
  t.equal(ok, '6', 'every echo verified by C');
  const stats = await cStats(c);
  t.ok(stats.packed > 0 && zlib.unpacked > 0 && zlib.packed > 0 && stats.unpacked > 0, 'compressed both ways');
});
