/** Test helper: ENet hosts on an in-memory network driven by a manual clock. */
import { ManualClock, SeededRng } from '../../core/index.js';
import { MemoryNetwork, type LinkConditions } from '../../plugins/enet/memory-datagram-socket.js';
import { ENetHost, HostEventType, type HostEvent, type HostOptions } from '../../plugins/enet/protocol/host.js';

/** A manual clock, a seeded network and helpers to make hosts on it and step them. */
export class MemoryWorld {
  readonly clock = new ManualClock(1000);
  readonly rng: SeededRng;
  readonly network: MemoryNetwork;
  readonly hosts: ENetHost[] = [];
  readonly events: Array<HostEvent & { host: ENetHost }> = [];

  constructor(seed = 1, conditions: LinkConditions = {}) {
    this.rng = new SeededRng(seed);
    this.network = new MemoryNetwork({ clock: this.clock, rng: this.rng.fork(), conditions });
  }

  host(options: HostOptions = {}, address = `10.0.0.${this.hosts.length + 1}`): ENetHost {
    const h = new ENetHost(this.network.bind(address, 7000), { clock: this.clock, rng: this.rng.fork(), ...options });
    this.hosts.push(h);
    return h;
  }

  /** Advances time by `ms`, delivers due datagrams and services every host, collecting events. */
  step(ms = 1): void {
    this.clock.advance(ms);
    this.network.deliver();
    for (const h of this.hosts) {
      if (h.destroyed) continue;
      for (let e = h.service(); e !== null; e = h.service()) this.events.push({ ...e, host: h });
    }
  }

  /** Steps until `done()` or `maxSteps` steps. Returns whether `done()` held. */
  run(done: () => boolean, maxSteps = 10000, ms = 1): boolean {
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return true;
      this.step(ms);
    }
    return done();
  }

  /** Events of `type` seen by `host`. */
  of(host: ENetHost, type: number): Array<HostEvent & { host: ENetHost }> {
    return this.events.filter((e) => e.host === host && e.type === type);
  }

  destroy(): void {
    for (const h of this.hosts) h.destroy();
  }
}

export { HostEventType };
