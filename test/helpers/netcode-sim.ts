import type { Clock } from '../../core/index.js';
import { NetworkTime, type NetworkTimeOptions } from '../../netcode/index.js';
import { Simulation, type SimPeer, type SimulationOptions } from '../../plugins/loopback/index.js';

/** The network: 100 ± 30 ms one way, 5 % loss. */
export const WAN = { latencyMs: 100, jitterMs: 30, loss: 0.05 } as const;

/**
 * A client's local clock: the simulation's, shifted by seconds and running slightly fast or slow, so a
 * client cannot read the server's time off a shared clock and has to estimate it.
 */
export function skewedClock(sim: Simulation, index: number): Clock {
  const skewMs = index * 7_654.321 - 3_000;
  const rate = 1 + (index % 2 === 0 ? 4e-4 : -3e-4);
  return { nowMs: () => sim.clock.nowMs() * rate + skewMs };
}

/** A Simulation whose every peer has a NetworkTime at /root/NetworkTime (clients on skewed clocks). */
export function timedSimulation(
  options: SimulationOptions & { time?: NetworkTimeOptions; setupTimed?(p: SimPeer, time: NetworkTime, sim: Simulation): void },
): { sim: Simulation; times: Map<SimPeer, NetworkTime> } {
  const times = new Map<SimPeer, NetworkTime>();
  let simRef: Simulation | null = null;
  const sim = new Simulation({
    ...options,
    setup: (p) => {
      options.setup?.(p);
      const clock: Clock = p.index === 0 ? { nowMs: () => simRef!.clock.nowMs() } : { nowMs: () => skewedClock(simRef!, p.index).nowMs() };
      const time = new NetworkTime({ ...options.time, clock });
      p.root.addChild(time);
      times.set(p, time);
    },
  });
  simRef = sim;
  for (const p of sim.peers) options.setupTimed?.(p, times.get(p)!, sim);
  return { sim, times };
}
