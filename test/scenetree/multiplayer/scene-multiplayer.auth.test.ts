/** Authentication (docs/wire/multiplayer.md §4.3.1): the handshake, its bytes, refusal and the timeout. */
import t from 'tap';
import { ErrorCode } from '../../../core/index.js';
import { Simulation, type SimPeer } from '../../../plugins/loopback/simulation.js';
import { RecordingPeer } from '../../helpers/recording-peer.js';

const text = (s: string) => new TextEncoder().encode(s);

/** Server accepts the secret "secret"; the client sends it when the server asks. */
function authSim(secret: string, options: { clientCompletes?: boolean } = {}) {
  const recorders = new Map<string, RecordingPeer>();
  const seen: string[] = [];
  const setup = (p: SimPeer): void => {
    const mp = p.multiplayer;
    mp.authCallback = (id, data) => {
      const msg = new TextDecoder().decode(data);
      seen.push(`${p.name}<-${id}:${msg}`);
      if (p.index === 0) {
        if (msg === 'secret') mp.completeAuth(id);
        else mp.disconnectPeer(id);
      } else if (msg === 'who?') {
        mp.sendAuth(id, text(secret));
        if (options.clientCompletes !== false) mp.completeAuth(id);
      }
    };
    if (p.index === 0) mp.peerAuthenticating.connect((id) => mp.sendAuth(id, text('who?')));
  };
  const sim = new Simulation({
    seed: 5,
    clients: 1,
    setup,
    wrapPeer: (peer, name) => {
      const r = new RecordingPeer(peer);
      recorders.set(name, r);
      return r;
    },
  });
  return { sim, seen, rec: (n: string) => recorders.get(n)! };
}

t.test('auth: both sides complete, the peer is admitted, and the bytes are 07 00 …', async (t) => {
  const { sim, seen, rec } = authSim('secret');
  t.teardown(() => sim.close());
  await sim.until(() => sim.clients[0]!.multiplayer.getPeers().length === 1 && sim.server.multiplayer.getPeers().length === 1);
  const id = sim.clients[0]!.multiplayer.getUniqueId();
  t.same(seen, [`client1<-1:who?`, `server<-${id}:secret`]);
  t.same(rec('client1').hex(), ['07 00 73 65 63 72 65 74', '07 00'], 'AUTH data "secret", then AUTH complete');
  t.same(rec('server').hex().slice(0, 2), ['07 00 77 68 6f 3f', '07 00']);
  t.same(
    sim.events
      .filter((e) => e.event !== 'peerAuthenticating')
      .map((e) => `${e.peer}:${e.event}`)
      .sort(),
    ['client1:connectedToServer', 'client1:peerConnected', 'server:peerConnected'].sort(),
  );
});

t.test('auth: a wrong secret is refused and the peer never connects', async (t) => {
  const { sim } = authSim('wrong');
  t.teardown(() => sim.close());
  await sim.until(() => sim.events.some((e) => e.peer === 'server' && e.event === 'peerAuthenticationFailed'));
  t.same(sim.server.multiplayer.getPeers(), []);
  t.notOk(sim.events.some((e) => e.event === 'peerConnected'));
});

t.test('auth: a peer that never completes times out after authTimeout (virtual clock)', async (t) => {
  const { sim } = authSim('secret', { clientCompletes: false });
  t.teardown(() => sim.close());
  sim.server.multiplayer.authTimeout = 1.5;
  const started = sim.clock.nowMs();
  await sim.until(() => sim.events.some((e) => e.peer === 'server' && e.event === 'peerAuthenticationFailed'));
  t.ok(sim.clock.nowMs() - started >= 1500, 'not before the timeout');
  t.ok(sim.clock.nowMs() - started < 1600, 'soon after it');
  t.same(sim.server.multiplayer.getAuthenticatingPeers(), []);
});

t.test('auth: sendAuth/completeAuth return codes', async (t) => {
  const { sim } = authSim('secret');
  t.teardown(() => sim.close());
  const mp = sim.server.multiplayer;
  t.equal(mp.completeAuth(99), ErrorCode.ERR_INVALID_PARAMETER, 'not authenticating');
  await sim.until(() => mp.getAuthenticatingPeers().length === 1);
  const id = mp.getAuthenticatingPeers()[0]!;
  t.equal(mp.sendAuth(id, new Uint8Array(0)), ErrorCode.ERR_INVALID_PARAMETER, 'empty data');
  t.throws(() => (mp.authTimeout = -1));
  await sim.until(() => mp.getPeers().includes(id));
  t.equal(mp.sendAuth(id, text('late')), ErrorCode.ERR_INVALID_PARAMETER, 'already admitted');
});
