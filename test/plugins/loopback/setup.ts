import { ConnectionStatus, ManualClock, SeededRng, isPacket, type MultiplayerPeer, type TransferMode } from '../../../core/index.js';
import { LoopbackMultiplayerPeer, VirtualNetwork, type LinkConditions } from '../../../plugins/loopback/index.js';

/** A packet read from a peer. */
export interface Got {
  readonly from: number;
  readonly mode: TransferMode;
  readonly channel: number;
  readonly data: Uint8Array;
}

/** A ManualClock and a seeded network with the given default conditions. */
export function makeNetwork(seed: number, conditions: Partial<LinkConditions> = {}): { clock: ManualClock; network: VirtualNetwork } {
  const clock = new ManualClock();
  return { clock, network: new VirtualNetwork({ clock, rng: new SeededRng(seed), conditions }) };
}

/** Advances the clock by `ms` then polls every peer, `times` times. */
export function step(clock: ManualClock, peers: readonly MultiplayerPeer[], ms = 1, times = 1): void {
  for (let i = 0; i < times; i++) {
    clock.advance(ms);
    for (const peer of peers) peer.poll();
  }
}

/** Steps 1 ms at a time until `done()`; throws after `maxSteps`. */
export function stepUntil(clock: ManualClock, peers: readonly MultiplayerPeer[], done: () => boolean, maxSteps = 100_000): void {
  for (let i = 0; !done(); i++) {
    if (i >= maxSteps) throw new Error(`stepUntil: not done after ${maxSteps} steps`);
    step(clock, peers);
  }
}

/** Every readable packet of `peer`. */
export function drain(peer: MultiplayerPeer): Got[] {
  const out: Got[] = [];
  while (peer.getAvailablePacketCount() > 0) {
    const from = peer.getPacketPeer();
    const mode = peer.getPacketMode();
    const channel = peer.getPacketChannel();
    const data = peer.getPacket();
    if (isPacket(data)) out.push({ from, mode, channel, data });
  }
  return out;
}

/** A server and `n` connected clients on `network`. */
export function connect(
  clock: ManualClock,
  network: VirtualNetwork,
  n: number,
): { server: LoopbackMultiplayerPeer; clients: LoopbackMultiplayerPeer[] } {
  const server = new LoopbackMultiplayerPeer();
  server.createServer(network);
  const clients = Array.from({ length: n }, () => {
    const c = new LoopbackMultiplayerPeer();
    c.createClient(network);
    return c;
  });
  stepUntil(clock, [server, ...clients], () => clients.every((c) => c.getConnectionStatus() === ConnectionStatus.CONNECTED));
  return { server, clients };
}

/** Sets target, mode and channel, then `putPacket`. */
export function put(peer: MultiplayerPeer, target: number, data: Uint8Array, mode: TransferMode, channel = 0): number {
  peer.setTargetPeer(target);
  peer.transferMode = mode;
  peer.transferChannel = channel;
  return peer.putPacket(data);
}
