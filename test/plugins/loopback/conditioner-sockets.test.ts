/**
 * The network conditioner wraps any MultiplayerPeer, not only loopback ones: here a real WebSocket and
 * a real ENet server on loopback sockets, with the system clock. Reliable traffic stays exactly-once
 * and ordered under loss, duplication and jitter; unreliable traffic loses some; nothing arrives
 * before its latency has passed.
 */
import t from 'tap';
import { ConnectionStatus, ErrorCode, type MultiplayerPeer, SeededRng, TransferMode, isPacket, systemClock } from '../../../core/index.js';
import { ENetMultiplayerPeer } from '../../../plugins/enet/index.js';
import { ConditionedMultiplayerPeer } from '../../../plugins/loopback/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';

const LATENCY_MS = 40;
const COUNT = 150;

async function pollUntil(peers: MultiplayerPeer[], done: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    for (const p of peers) p.poll();
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

interface Received {
  readonly mode: TransferMode;
  readonly n: number;
  readonly atMs: number;
}

// WebSocket has one reliable, ordered path: what is sent UNRELIABLE arrives reported RELIABLE, so
// the conditioner treats it as reliable too (exactly once, in order).
const transports: Array<[string, boolean, () => Promise<{ server: MultiplayerPeer; client: MultiplayerPeer }>]> = [
  [
    'WebSocket',
    false,
    async () => {
      const server = new WebSocketMultiplayerPeer();
      if ((await server.createServer(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('listen failed');
      const client = new WebSocketMultiplayerPeer();
      client.createClient(`ws://127.0.0.1:${server.getLocalPort()}`);
      return { server, client };
    },
  ],
  [
    'ENet',
    true,
    async () => {
      const server = new ENetMultiplayerPeer();
      server.setBindIp('127.0.0.1');
      if ((await server.createServer(0, 4)) !== ErrorCode.OK) throw new Error('listen failed');
      const client = new ENetMultiplayerPeer();
      if (client.createClient('127.0.0.1', server.getHost()!.getLocalPort()) !== ErrorCode.OK) throw new Error('connect failed');
      return { server, client };
    },
  ],
];

for (const [name, hasUnreliable, make] of transports) {
  t.test(`${name}: a conditioned real server (latency ${LATENCY_MS} ms, 30 % loss, duplication, jitter)`, async (t) => {
    const { server: inner, client } = await make();
    const server = new ConditionedMultiplayerPeer(inner, {
      clock: systemClock,
      rng: new SeededRng(5),
      conditions: { latencyMs: LATENCY_MS, jitterMs: 20, loss: 0.3, duplicate: 0.1 },
    });
    t.teardown(() => {
      client.close();
      server.close();
    });
    let joined = 0;
    server.peerConnected.connect(() => joined++);
    await pollUntil([server, client], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED && joined === 1, 'connection');

    const received: Received[] = [];
    const sentAt = new Map<string, number>();
    const refused: ErrorCode[] = [];
    for (let n = 0; n < COUNT; n++) {
      for (const mode of [TransferMode.RELIABLE, TransferMode.UNRELIABLE]) {
        client.transferMode = mode;
        client.setTargetPeer(1);
        sentAt.set(`${mode}:${n}`, systemClock.nowMs());
        const err = client.putPacket(Uint8Array.of(mode, n));
        if (err !== ErrorCode.OK) refused.push(err);
      }
    }
    t.same(refused, [], 'every send was accepted');
    const reliableIn = (): number => received.filter((r) => r.mode === TransferMode.RELIABLE).length;
    await pollUntil(
      [server, client],
      () => {
        while (server.getAvailablePacketCount() > 0) {
          const p = server.getPacket();
          if (isPacket(p)) received.push({ mode: p[0] as TransferMode, n: p[1]!, atMs: systemClock.nowMs() });
        }
        return reliableIn() >= COUNT;
      },
      'every reliable packet',
    );
    // Let late unreliable ones (jitter) arrive too.
    const settle = systemClock.nowMs() + 200;
    await pollUntil(
      [server, client],
      () => {
        while (server.getAvailablePacketCount() > 0) {
          const p = server.getPacket();
          if (isPacket(p)) received.push({ mode: p[0] as TransferMode, n: p[1]!, atMs: systemClock.nowMs() });
        }
        return systemClock.nowMs() >= settle;
      },
      'settling',
    );

    const reliable = received.filter((r) => r.mode === TransferMode.RELIABLE).map((r) => r.n);
    t.same(
      reliable,
      Array.from({ length: COUNT }, (_, i) => i),
      'reliable: every packet once, in order',
    );
    const unreliable = received.filter((r) => r.mode === TransferMode.UNRELIABLE).map((r) => r.n);
    if (hasUnreliable) {
      t.ok(unreliable.length > 0, `unreliable: ${unreliable.length} of ${COUNT} arrived (duplicates included)`);
      t.ok(new Set(unreliable).size < COUNT, `unreliable: some were lost (${COUNT - new Set(unreliable).size})`);
    } else {
      t.same(
        unreliable,
        Array.from({ length: COUNT }, (_, i) => i),
        'sent unreliable over a reliable-only transport: once each, in order',
      );
    }
    const early = received.filter((r) => r.atMs - sentAt.get(`${r.mode}:${r.n}`)! < LATENCY_MS - 20);
    t.same(early, [], `nothing arrived sooner than latency − jitter (${LATENCY_MS - 20} ms)`);
  });
}
