import t from 'tap';
import { Simulation, renderTimeline, simulationTimeline, timelineOnFailure } from '../../plugins/loopback/index.js';

t.test('both clients get in over a lossy link', async (t) => {
  const sim = new Simulation({ seed: 4, clients: 2, conditions: { latencyMs: 60, jitterMs: 20, loss: 0.3 } });
  t.teardown(() => sim.close());
  timelineOnFailure(t, sim, { repro: 'seed=4' }); // fails? → .tap/timelines/<test>.html, path printed

  sim.note('waiting for both clients'); // annotations show at the side of the timeline
  await sim.until(() => sim.server.multiplayer.getPeers().length === 2);

  const html = renderTimeline(simulationTimeline(sim, { title: 'lossy handshake' })); // any run, any time
  t.match(html, /^<!doctype html>/);
});
