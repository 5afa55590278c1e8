/** The timeline: packet kinds from the command byte, marks, the self-contained page, the tap helpers. */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TransferMode } from '../../../core/index.js';
import {
  PacketTrace,
  Simulation,
  assertExplore,
  packetKind,
  renderTimeline,
  simulationTimeline,
  timelineModel,
  timelineOnFailure,
  type TapLike,
} from '../../../plugins/loopback/index.js';
import { counterScenario } from '../../helpers/explore-scenarios.js';
import { timelineMatch } from '../../helpers/timeline-match.js';

t.test('packetKind: decoded from the SceneMultiplayer command in the first byte', (t) => {
  const kind = (head: number, message: 'data' | 'connect' = 'data') => packetKind({ message, head });
  t.same(
    [0, 1, 2, 3, 4, 5, 6, 7].map((h) => kind(h)),
    ['RPC', 'CACHE', 'CACHE', 'raw', 'SPAWN', 'DESPAWN', 'SYNC', 'SYS'],
  );
  t.equal(kind(0x60), 'RPC', 'RPC meta flags above bit 2 are ignored');
  t.equal(kind(0x16), 'SYNC', 'a delta SYNC');
  t.equal(kind(-1), 'raw', 'an empty payload');
  t.equal(kind(-1, 'connect'), 'NET');
  t.end();
});

t.test('model: a real match shows every kind, peers by name, drops, duplicates, reorders, events and notes', (t) => {
  const sim = timelineMatch();
  t.teardown(() => sim.close());
  const m = timelineModel(simulationTimeline(sim));
  const packets = sim.trace.filter((e) => e.type === 'packet');
  t.equal(m.packets.length, packets.length, 'one arrow per traced packet');
  t.same(
    m.packets.map((p) => p.index),
    packets.map((p) => p.index),
  );
  t.same(m.peers, ['server', 'client1', 'client2'], 'columns by peer name, server first');
  t.same([...new Set(m.packets.map((p) => p.kind))].sort(), ['CACHE', 'DESPAWN', 'NET', 'RPC', 'SPAWN', 'SYNC', 'SYS', 'raw']);
  for (const o of ['dropped', 'duplicated'] as const)
    t.ok(
      m.packets.some((p) => p.outcome === o),
      `some packet ${o}`,
    );
  t.ok(
    m.packets.some((p) => p.reordered),
    'some packet overtook an earlier one',
  );
  t.ok(m.packets.every((p) => !p.reordered || p.arriveMs !== null));
  t.ok(
    m.marks.some((k) => k.peer === null && k.text === 'client2 leaves'),
    'notes are marks',
  );
  t.ok(
    m.marks.some((k) => k.peer === 'server' && k.text.startsWith('peerDisconnected(')),
    'connection events are marks',
  );
  const cut = timelineModel(simulationTimeline(sim), { maxPackets: 10 });
  t.equal(cut.packets.length, 10);
  t.equal(cut.totalPackets, packets.length);
  t.end();
});

t.test('model: a reorder is a packet delivered before one sent earlier on its stream', (t) => {
  const trace = new PacketTrace();
  const base = { from: 'a', to: 'b', message: 'data', mode: TransferMode.UNRELIABLE, channel: 0, size: 3, attempt: 0, head: 0 } as const;
  trace.packet({ ...base, timeMs: 0, outcome: 'delivered', deliverAtMs: 50 });
  trace.packet({ ...base, timeMs: 10, outcome: 'delivered', deliverAtMs: 30 });
  trace.packet({ ...base, timeMs: 20, outcome: 'dropped', deliverAtMs: null });
  trace.packet({ ...base, timeMs: 30, channel: 1, outcome: 'delivered', deliverAtMs: 35 });
  trace.packet({ ...base, timeMs: 40, outcome: 'delivered', deliverAtMs: 60 });
  trace.note(45, 'hello');
  const m = timelineModel({ trace: trace.entries });
  t.same(
    m.packets.map((p) => p.reordered),
    [false, true, false, false, false],
  );
  t.same(m.peers, ['a', 'b']);
  t.same(m.marks, [{ timeMs: 45, peer: null, text: 'hello' }]);
  t.end();
});

t.test('page: self-contained HTML with the model inline, safe against markup in names and notes', (t) => {
  const trace = new PacketTrace();
  trace.note(0, '</script><script>alert(1)</script>');
  trace.packet({
    from: '<b>',
    to: 'x',
    message: 'data',
    mode: TransferMode.RELIABLE,
    channel: 2,
    size: 9,
    attempt: 0,
    timeMs: 1,
    outcome: 'delivered',
    deliverAtMs: 2,
    head: 4,
  });
  const html = renderTimeline({ trace: trace.entries, title: 'a <title>', repro: 'seed=1 & more' });
  t.match(html, /^<!doctype html>/);
  t.notMatch(html, /<script[^>]*src=|<link|<img|(src|href)=["']?https?:|url\(|@import/, 'no external resource');
  t.equal(html.match(/<\/script>/g)!.length, 2, 'only the page’s own two scripts close');
  t.match(html, /a &#60;title&#62;/);
  t.match(html, /seed=1 &#38; more/);
  const json = /<script type="application\/json" id="timeline-data">(.*?)<\/script>/s.exec(html)![1]!;
  const model = JSON.parse(json);
  t.equal(model.packets[0].kind, 'SPAWN');
  t.equal(model.marks[0].text, '</script><script>alert(1)</script>');
  t.end();
});

/** A stand-in test object, as the helpers see one (they are duck-typed). */
function fakeTap(passing: boolean) {
  const teardowns: Array<() => void | Promise<void>> = [];
  const log: string[] = [];
  const fake: TapLike = {
    name: 'my test',
    teardown: (fn) => void teardowns.push(fn),
    passing: () => passing,
    comment: (...m) => void log.push(`# ${m.join(' ')}`),
    pass: (m) => log.push(`ok ${m}`),
    fail: (m) => log.push(`not ok ${m}`),
  };
  return {
    fake,
    log,
    end: async () => {
      for (const fn of teardowns) await fn();
    },
  };
}

t.test('timelineOnFailure: writes the page next to the test output and prints its path and repro, only on failure', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scenenet-timeline-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sim = new Simulation({ clients: 1 });
  sim.step(10);
  sim.close();
  const ok = fakeTap(true);
  timelineOnFailure(ok.fake, sim, { dir, repro: 'seed=1' });
  await ok.end();
  t.same(ok.log, [], 'a passing test writes nothing');
  const bad = fakeTap(false);
  timelineOnFailure(bad.fake, sim, { dir, repro: 'seed=1' });
  await bad.end();
  const m = /^# timeline: (.*\.html)\nrepro: seed=1$/.exec(bad.log[0] ?? '');
  t.ok(m, bad.log.join('\n'));
  t.ok(m![1]!.startsWith(dir));
  t.match(m![1]!, /timeline\.test-my-test\.html$/, 'named after the test file and test');
  t.match(readFileSync(m![1]!, 'utf8'), /seed=1/, 'the page shows the repro');
});

t.test('assertExplore: passes a clean search; a failing one fails with the repro line and the timeline path', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'scenenet-timeline-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const good = fakeTap(true);
  t.ok(assertExplore(good.fake, Simulation.explore(counterScenario({ planted: false, frames: 60 }), { seeds: 2 }), { dir }));
  t.same(good.log, ['ok explore: 2 worlds, no invariant broken']);
  const bad = fakeTap(true);
  const result = Simulation.explore(counterScenario({ planted: true, frames: 300 }), { seeds: 20 });
  t.notOk(assertExplore(bad.fake, result, { dir, name: 'planted' }));
  const line = bad.log[0]!;
  t.match(line, /^not ok explore: seed \d+ broke "replicated state never goes back" at frame \d+: /);
  t.match(line, new RegExp(`\\n  repro: ${result.failure!.repro.replace(/[.]/g, '\\.')}\\n  timeline: `));
  const file = join(dir, 'planted.html');
  t.ok(existsSync(file));
  t.match(readFileSync(file, 'utf8'), /invariant broken: replicated state never goes back/, 'the page marks where it broke');
  t.end();
});
