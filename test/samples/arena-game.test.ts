import t from 'tap';
import { Vector2 } from '../../core/index.js';
import { Simulation } from '../../plugins/loopback/index.js';
import { type Player, addArena, hostArena } from '../../samples/arena/arena-game.js';

// The arena's game logic in the Simulation (the browser test covers Phaser and real sockets).
t.test('arena game: a shot at what the shooter sees scores at 150 ms; a shot at where the target really is does not', async (t) => {
  const sim = new Simulation({
    seed: 77,
    clients: 2,
    conditions: { latencyMs: 150, jitterMs: 10 },
    setup: (p) => void (p.index === 0 ? hostArena(p.tree) : addArena(p.tree)),
  });
  t.teardown(() => sim.close());
  const player = (on: (typeof sim.peers)[number], of: (typeof sim.clients)[number]) =>
    on.root.getNodeOrNull(`World/Players/${of.multiplayer.getUniqueId()}`) as Player | null;
  const [shooter, target] = sim.clients as [(typeof sim.clients)[number], (typeof sim.clients)[number]];
  await sim.until(() => sim.clients.every((c) => sim.clients.every((o) => player(c, o) !== null)), { maxFrames: 300 });
  sim.step(sim.fps); // clocks settle
  player(target, target)!.held = new Vector2(1, 0);
  sim.step(36);
  const seen = player(shooter, target)!.position;
  const truth = player(sim.server, target)!.position;
  t.ok(truth.x - seen.x > 24, `the shooter sees the target ${(truth.x - seen.x).toFixed(1)} units behind the server`);
  player(shooter, shooter)!.fire(seen);
  sim.step(30);
  t.equal(player(sim.server, shooter)!.score, 1, 'the shot at what it saw hits');
  player(shooter, shooter)!.fire(player(sim.server, target)!.position);
  sim.step(30);
  t.equal(player(sim.server, shooter)!.score, 1, 'the shot at where it could not have seen the target misses');
  await sim.until(() => player(shooter, shooter)!.score === 1, { maxFrames: 60 });
  t.pass('the score is replicated back to the shooter');
});
