/**
 * Interop with the reference C library (Debian libenet 1.3.17) over loopback UDP: our client ↔ C
 * server and C client ↔ our server, every delivery kind, several channels, 0 B … 1 MiB packets,
 * with and without CRC32 and the range coder, clean disconnects both ways and timeouts.
 */
import t, { type Test } from 'tap';
import { HostEventType } from '../../../../plugins/enet/protocol/host.js';
import { PacketFlag } from '../../../../plugins/enet/protocol/protocol.js';
import { CPeer, buildEchoPeer, pattern } from '../../../helpers/enet-c-peer.js';
import { pump, udpHost, type SeenEvent } from '../../../helpers/enet-udp.js';

buildEchoPeer();

const MTU_SIZED = 1392 - 28; // largest unfragmented payload at MTU 1392 (docs/wire/enet.md §12.1)
const CONFIGS = [
  { name: 'plain', args: [] as string[] },
  { name: 'CRC32', args: ['--checksum'] },
  { name: 'range coder', args: ['--compress'] },
  { name: 'CRC32 + range coder', args: ['--checksum', '--compress'] },
];

function hostFlags(args: string[]): { checksum: boolean; compression: boolean } {
  return { checksum: args.includes('--checksum'), compression: args.includes('--compress') };
}

async function cServer(t: Test, args: string[]): Promise<{ c: CPeer; port: number }> {
  const c = new CPeer(['server', '--port', '0', ...args]);
  t.teardown(() => c.stop());
  const port = Number((await c.waitFor(/^LISTEN (\d+)/))[1]);
  return { c, port };
}

const received = (seen: SeenEvent[]): SeenEvent[] => seen.filter((e) => e.type === HostEventType.RECEIVE);

for (const cfg of CONFIGS) {
  t.test(`connect/send: our client ↔ C server, reliable 0 B…1 MiB on 4 channels, byte-exact echoes (${cfg.name})`, async (t) => {
    const { c, port } = await cServer(t, cfg.args);
    const host = await udpHost(hostFlags(cfg.args));
    t.teardown(() => host.destroy());
    const seen: SeenEvent[] = [];
    const peer = host.connect('127.0.0.1', port, 4, 42)!;
    await pump([host], seen, () => seen.some((e) => e.type === HostEventType.CONNECT));
    t.match((await c.waitFor(/^CONNECT (\d+) (\d+)/)).slice(1), ['42', '4'], 'C server saw data 42 and 4 channels');
    // libenet crashes compressing an empty packet, so the C echo server skips those (docs/wire/enet.md §21.6).
    const sizes = cfg.args.includes('--compress') ? [1, MTU_SIZED, MTU_SIZED + 1, 1 << 20] : [0, 1, MTU_SIZED, MTU_SIZED + 1, 1 << 20];
    for (let ch = 0; ch < 4; ch++) sizes.forEach((size, i) => t.ok(peer.send(ch, pattern(size, ch * 64 + i), PacketFlag.RELIABLE)));
    await pump([host], seen, () => received(seen).length === 4 * sizes.length, 30000);
    const next = [0, 0, 0, 0];
    let exact = 0;
    for (const e of received(seen)) {
      const i = next[e.channelID]!++;
      if (e.flags === PacketFlag.RELIABLE && Buffer.from(e.packet!).equals(pattern(sizes[i]!, e.channelID * 64 + i))) exact++;
    }
    t.equal(exact, 4 * sizes.length, 'every echo is byte-exact, in order per channel, flagged reliable');
    peer.disconnect(5);
    await pump([host], seen, () => seen.some((e) => e.type === HostEventType.DISCONNECT));
    t.match((await c.waitFor(/^DISCONNECT (\d+)/))[1], '5', 'C server got our disconnect data');
  });
}

t.test('send: our client ↔ C server, unreliable, unsequenced and unreliable-fragment packets keep their flags', async (t) => {
  const { port } = await cServer(t, []);
  const host = await udpHost();
  t.teardown(() => host.destroy());
  const seen: SeenEvent[] = [];
  const peer = host.connect('127.0.0.1', port, 3, 0)!;
  await pump([host], seen, () => seen.some((e) => e.type === HostEventType.CONNECT));
  const sent = [
    { ch: 0, flags: 0, data: pattern(100, 1) },
    { ch: 1, flags: PacketFlag.UNSEQUENCED, data: pattern(1, 2) },
    { ch: 2, flags: PacketFlag.UNRELIABLE_FRAGMENT, data: pattern(5000, 3) },
    { ch: 1, flags: PacketFlag.UNSEQUENCED, data: pattern(0, 4) },
  ];
  for (const s of sent) peer.send(s.ch, s.data, s.flags);
  await pump([host], seen, () => received(seen).length === sent.length);
  for (const s of sent) {
    const echo = received(seen).find((e) => e.channelID === s.ch && e.packet!.length === s.data.length);
    t.ok(echo && Buffer.from(echo.packet!).equals(s.data), `channel ${s.ch} ${s.data.length} B echoed byte-exact`);
    t.equal(echo?.flags, s.flags, `flags ${s.flags} preserved`);
  }
});

t.test('disconnect: the C server disconnects our client; we see its data', async (t) => {
  const { c, port } = await cServer(t, []);
  const host = await udpHost();
  t.teardown(() => host.destroy());
  const seen: SeenEvent[] = [];
  host.connect('127.0.0.1', port, 2, 0);
  await pump([host], seen, () => seen.some((e) => e.type === HostEventType.CONNECT));
  c.command('disconnect 9');
  await pump([host], seen, () => seen.some((e) => e.type === HostEventType.DISCONNECT));
  t.equal(seen.find((e) => e.type === HostEventType.DISCONNECT)!.data, 9);
});

t.test('timeout: our client notices a C server that vanished (SIGKILL)', async (t) => {
  const { c, port } = await cServer(t, []);
  const host = await udpHost();
  t.teardown(() => host.destroy());
  const seen: SeenEvent[] = [];
  const peer = host.connect('127.0.0.1', port, 2, 0)!;
  await pump([host], seen, () => seen.some((e) => e.type === HostEventType.CONNECT));
  peer.setTimeout(32, 300, 1000);
  c.kill();
  await pump([host], seen, () => seen.some((e) => e.type === HostEventType.DISCONNECT), 5000);
  t.equal(seen.find((e) => e.type === HostEventType.DISCONNECT)!.data, 0, 'timeout disconnect carries data 0');
});

/** Returns a function that echoes every not yet echoed RECEIVE in `seen`; it always returns true. */
function echoer(seen: SeenEvent[]): () => boolean {
  let echoed = 0;
  return () => {
    for (const e of received(seen).slice(echoed)) {
      echoed++;
      e.peer.send(e.channelID, e.packet!, e.flags);
    }
    return true;
  };
}

/** Runs our echo server until `done()`. */
async function echoServer(
  t: Test,
  args: string[],
  done: (c: CPeer) => boolean,
  client: string[],
): Promise<{ c: CPeer; seen: SeenEvent[] }> {
  const host = await udpHost({ ...hostFlags(args), peerCount: 4 });
  t.teardown(() => host.destroy());
  const c = new CPeer(['client', '--port', String(host.socket.port), ...args, ...client]);
  t.teardown(() => c.stop());
  const seen: SeenEvent[] = [];
  const echo = echoer(seen);
  await pump([host], seen, () => echo() && done(c), 30000);
  return { c, seen };
}

for (const cfg of CONFIGS) {
  t.test(`connect/send: C client ↔ our server, reliable 0 B…1 MiB on 3 channels, C verifies echoes (${cfg.name})`, async (t) => {
    const sizes = cfg.args.includes('--compress') ? `1,${MTU_SIZED},${MTU_SIZED + 1},1048576` : `0,1,${MTU_SIZED},${MTU_SIZED + 1},1048576`;
    const { c, seen } = await echoServer(t, cfg.args, (c) => c.lines.some((l) => l.startsWith('DISCONNECTED')), [
      '--channels',
      '3',
      '--data',
      '77',
      '--sizes',
      sizes,
      '--flags',
      'r',
    ]);
    const [, ok, bad, expected] = await c.waitFor(/^ECHO ok=(\d+) bad=(\d+) expected=(\d+)/);
    t.equal(bad, '0');
    t.equal(ok, expected);
    t.equal(Number(expected), 3 * sizes.split(',').length);
    t.equal(seen.find((e) => e.type === HostEventType.CONNECT)?.data, 77, 'CONNECT data reached our server');
    t.equal(seen.find((e) => e.type === HostEventType.DISCONNECT)?.data, 7, 'C client disconnected cleanly with data 7');
  });
}

for (const flags of ['u', 's', 'f']) {
  t.test(`send: C client ↔ our server, flag ${flags} packets on 2 channels echo byte-exact`, async (t) => {
    const { c } = await echoServer(t, [], (c) => c.lines.some((l) => l.startsWith('DISCONNECTED')), [
      '--channels',
      '2',
      '--sizes',
      flags === 'f' ? '1,5000,20000' : '0,1,500',
      '--flags',
      flags,
    ]);
    const [, ok, bad] = await c.waitFor(/^ECHO ok=(\d+) bad=(\d+)/);
    t.equal(bad, '0');
    t.equal(ok, '6');
  });
}

t.test('disconnect: our server disconnects the C client, which sees our data', async (t) => {
  const host = await udpHost();
  t.teardown(() => host.destroy());
  const c = new CPeer(['client', '--port', String(host.socket.port), '--sizes', '1', '--then', 'wait']);
  t.teardown(() => c.stop());
  const seen: SeenEvent[] = [];
  const echo = echoer(seen);
  await pump([host], seen, () => echo() && c.lines.some((l) => l.startsWith('ECHO')));
  t.match((await c.waitFor(/^ECHO ok=(\d+) bad=(\d+)/)).slice(1), ['4', '0']);
  received(seen)[0]!.peer.disconnect(3);
  await pump([host], seen, () => c.lines.some((l) => l.startsWith('DISCONNECTED')));
  t.match((await c.waitFor(/^DISCONNECTED (\d+)/))[1], '3');
  t.ok(
    seen.some((e) => e.type === HostEventType.DISCONNECT),
    'our side raised DISCONNECT once acknowledged',
  );
});

t.test('timeout: our server notices a C client that vanished; a C client notices our vanished server', async (t) => {
  const host = await udpHost();
  t.teardown(() => host.destroy());
  const c = new CPeer(['client', '--port', String(host.socket.port), '--sizes', '1', '--then', 'vanish']);
  t.teardown(() => c.stop());
  const seen: SeenEvent[] = [];
  const echo = echoer(seen);
  await pump(
    [host],
    seen,
    () => {
      seen.find((e) => e.type === HostEventType.CONNECT)?.peer.setTimeout(32, 300, 1000);
      return echo() && seen.some((e) => e.type === HostEventType.DISCONNECT);
    },
    8000,
  );
  await c.waitFor(/^VANISHED/);
  t.equal(seen.find((e) => e.type === HostEventType.DISCONNECT)!.data, 0);

  const host2 = await udpHost();
  const c2 = new CPeer(['client', '--port', String(host2.socket.port), '--sizes', '1', '--timeout', '500', '--then', 'wait']);
  t.teardown(() => c2.stop());
  const seen2: SeenEvent[] = [];
  await pump([host2], seen2, () => seen2.some((e) => e.type === HostEventType.CONNECT));
  host2.destroy();
  t.match((await c2.waitFor(/^DISCONNECTED (\d+)/, 10000))[1], '0', 'the C client timed out our silent server');
});
