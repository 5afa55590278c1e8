/** Test helper: ENet hosts on an in-memory network driven by a manual clock. */
import { ManualClock, SeededRng } from '../../core/index.js';
import type { DatagramReceiver, DatagramSocket } from '../../plugins/enet/datagram-socket.js';
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

/** A socket that records what a host sends and lets a test inject datagrams. */
export class RecordingSocket implements DatagramSocket {
  readonly address = '10.0.0.1';
  readonly port = 7000;
  readonly family = 'IPv4' as const;
  readonly sent: Array<{ data: Uint8Array; address: string; port: number }> = [];
  #receiver: DatagramReceiver | null = null;

  setReceiver(receiver: DatagramReceiver | null): void {
    this.#receiver = receiver;
  }
  send(data: Uint8Array, address: string, port: number): void {
    this.sent.push({ data, address, port });
  }
  close(): void {
    this.#receiver = null;
  }
  /** Delivers a datagram as if it came from `address:port`. */
  inject(data: Uint8Array, address = '10.0.0.2', port = 7001): void {
    this.#receiver?.(data, address, port);
  }
  /** Hex of every datagram sent since the last call. */
  drain(): string[] {
    return this.sent.splice(0).map((s) => Buffer.from(s.data).toString('hex'));
  }
}

/** An Rng that returns the given values in turn (then repeats the last). */
export function fixedRng(...values: number[]): { nextUint32(): number } {
  let i = 0;
  return { nextUint32: () => values[Math.min(i++, values.length - 1)]! >>> 0 };
}

/** One datagram of a reference capture. */
export interface CapturedDatagram {
  readonly dir: 'C->S' | 'S->C';
  readonly hex: string;
  readonly sentTime: number | null;
  readonly compressed: boolean;
  readonly commands: string[];
}

/** Parses a capture file of test/fixtures/enet/captures. */
export function parseCapture(text: string): CapturedDatagram[] {
  const out: Array<{ dir: 'C->S' | 'S->C'; hex: string; sentTime: number | null; compressed: boolean; commands: string[] }> = [];
  for (const line of text.split('\n')) {
    const head = line.match(/^\s+\d+ms (C->S|S->C) len=\d+ peer=\d+ sess=\d+( COMPRESSED)?(?: sentTime=(\d+))?/);
    if (head) {
      out.push({
        dir: head[1] as 'C->S' | 'S->C',
        hex: '',
        sentTime: head[3] ? Number(head[3]) : null,
        compressed: !!head[2],
        commands: [],
      });
      continue;
    }
    const cur = out[out.length - 1];
    if (!cur) continue;
    const hex = line.match(/^\s+hex=([0-9a-f]+)/);
    if (hex) cur.hex = hex[1]!;
    else if (/^\s{4}[A-Z_]+ ack=/.test(line)) cur.commands.push(line.trim());
  }
  return out;
}
