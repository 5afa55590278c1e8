import { ConnectionStatus, ErrorCode, MultiplayerPeer, TransferMode } from '../../core/index.js';
import type { PeerFixture } from './fixture.js';
import { Harness, bytesEqual, pattern, send, type ReceivedPacket } from './harness.js';
import type { Assertions, TestRunner } from '../runner.js';

const SERVER = MultiplayerPeer.TARGET_PEER_SERVER;

/** Cases 6–9 and 13: reliable delivery, targeting, channels, unreliable modes, ordering within a poll. */
export function runDeliveryCases<P extends MultiplayerPeer>(runner: TestRunner, fx: PeerFixture<P>): void {
  runner.test(`${fx.name}: 6. reliable: packets arrive byte-exact and in order, each way, with sender/mode/channel`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    const [client] = await h.connectedClients(server, 1);
    const id = client!.getUniqueId();
    const max = Math.min(server.getMaxPacketSize(), client!.getMaxPacketSize(), fx.capabilities.maxTestedPacketSize ?? Infinity);
    t.ok(max > 0, `getMaxPacketSize() is positive (testing up to ${max} bytes)`);
    const sizes = [0, 1, 3, 256, 1000, 1200, 4096, max];
    const payloads = sizes.map((size, i) => pattern(size, i));
    for (const data of payloads) {
      t.equal(send(client!, SERVER, data), ErrorCode.OK, `client putPacket(${data.length} bytes)`);
      t.equal(send(server, id, data), ErrorCode.OK, `server putPacket(${data.length} bytes)`);
    }
    await h.until(
      () => h.packets(server).length >= payloads.length && h.packets(client!).length >= payloads.length,
      'all reliable packets delivered',
    );
    await h.idle(3);
    checkExact(t, 'server', h.packets(server), payloads, id);
    checkExact(t, 'client', h.packets(client!), payloads, SERVER);
  });

  runner.test(`${fx.name}: 7. targeting: broadcast reaches every client; -id excludes that client`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    const [a, b] = await h.connectedClients(server, 2);
    const idA = a!.getUniqueId();
    const [excl, all, onlyA, end] = [1, 2, 3, 4].map((k) => pattern(8, k));
    t.equal(send(server, -idA, excl!), ErrorCode.OK, 'put to -A');
    t.equal(send(server, MultiplayerPeer.TARGET_PEER_BROADCAST, all!), ErrorCode.OK, 'put to all');
    t.equal(send(server, idA, onlyA!), ErrorCode.OK, 'put to A');
    t.equal(send(server, MultiplayerPeer.TARGET_PEER_BROADCAST, end!), ErrorCode.OK, 'put end marker to all');
    // Reliable delivery is ordered, so once the end marker arrives anything misrouted would be visible.
    const got = (peer: P, data: Uint8Array) => h.packets(peer).some((p) => bytesEqual(p.data, data));
    await h.until(() => got(a!, end!) && got(b!, end!), 'end marker on both clients');
    t.same(
      h.packets(a!).map((p) => p.data[0]),
      [all![0], onlyA![0], end![0]],
      'A: all, onlyA, end (not the -A packet)',
    );
    t.same(
      h.packets(b!).map((p) => p.data[0]),
      [excl![0], all![0], end![0]],
      'B: -A packet, all, end (not the A packet)',
    );
    t.ok(
      [...h.packets(a!), ...h.packets(b!)].every((p) => p.from === SERVER),
      'every packet is from the server',
    );
    // A client may broadcast too: target 0 reaches the server.
    t.equal(send(a!, MultiplayerPeer.TARGET_PEER_BROADCAST, all!), ErrorCode.OK, 'client broadcast accepted');
    await h.until(() => h.packets(server).length > 0, 'server got the client broadcast');
    t.equal(h.packets(server)[0]!.from, idA);
  });

  if (fx.capabilities.channels === 1) {
    runner.test(
      `${fx.name}: 8. channels (single-channel transport): a packet put on any channel arrives, reporting channel 0`,
      async (t) => {
        const h = new Harness(t, fx);
        const server = await h.server();
        const [client] = await h.connectedClients(server, 1);
        for (let c = 0; c < 3; c++) {
          t.equal(send(client!, SERVER, Uint8Array.of(c, 1), TransferMode.RELIABLE, c), ErrorCode.OK, `client on channel ${c}`);
          t.equal(
            send(server, client!.getUniqueId(), Uint8Array.of(c, 2), TransferMode.RELIABLE, c),
            ErrorCode.OK,
            `server on channel ${c}`,
          );
        }
        await h.until(() => h.packets(server).length >= 3 && h.packets(client!).length >= 3, 'three packets each way');
        for (const [side, peer] of [
          ['server', server],
          ['client', client!],
        ] as const) {
          t.same(
            h.packets(peer).map((p) => [p.data[0], p.channel]),
            [
              [0, 0],
              [1, 0],
              [2, 0],
            ],
            `${side}: all arrive in order on channel 0`,
          );
        }
      },
    );
  } else {
    runner.test(`${fx.name}: 8. channels: the channel index is preserved`, async (t) => {
      const h = new Harness(t, fx);
      const server = await h.server();
      const [client] = await h.connectedClients(server, 1);
      const channels = Math.min(fx.capabilities.channels, 16);
      for (let c = 0; c < channels; c++) {
        t.equal(send(client!, SERVER, Uint8Array.of(c, 1), TransferMode.RELIABLE, c), ErrorCode.OK, `client on channel ${c}`);
        t.equal(send(server, client!.getUniqueId(), Uint8Array.of(c, 2), TransferMode.RELIABLE, c), ErrorCode.OK, `server on channel ${c}`);
      }
      await h.until(() => h.packets(server).length >= channels && h.packets(client!).length >= channels, 'one packet per channel each way');
      for (const [side, peer] of [
        ['server', server],
        ['client', client!],
      ] as const) {
        const seen = h.packets(peer).map((p) => [p.channel, p.data[0]]);
        t.ok(
          seen.every(([channel, tag]) => channel === tag),
          `${side}: getPacketChannel() matches the sending channel`,
        );
        t.same(new Set(seen.map(([c]) => c)).size, channels, `${side}: every channel seen`);
      }
    });
  }

  if (!fx.capabilities.unreliable) {
    runner.test(`${fx.name}: 9. unreliable modes (reliable-only transport): accepted, delivered reliably and in order`, async (t) => {
      const h = new Harness(t, fx);
      const server = await h.server();
      const [client] = await h.connectedClients(server, 1);
      const modes = [TransferMode.UNRELIABLE, TransferMode.UNRELIABLE_ORDERED] as const;
      for (let i = 0; i < 32; i++) {
        t.equal(send(client!, SERVER, unreliablePayload(modes[i % 2]!, i)), ErrorCode.OK);
        t.equal(send(server, client!.getUniqueId(), unreliablePayload(modes[i % 2]!, i)), ErrorCode.OK);
      }
      await h.until(() => h.packets(server).length >= 32 && h.packets(client!).length >= 32, 'all 32 each way');
      for (const [side, peer] of [
        ['server', server],
        ['client', client!],
      ] as const) {
        const got = h.packets(peer);
        t.same(
          got.map((p) => p.data[1]),
          Array.from({ length: 32 }, (_, i) => i),
          `${side}: none lost, in order`,
        );
        t.ok(
          got.every((p) => p.mode === TransferMode.RELIABLE),
          `${side}: reported as RELIABLE, as they were really sent`,
        );
        t.ok(
          got.every((p, i) => bytesEqual(p.data, unreliablePayload(modes[i % 2]!, i))),
          `${side}: bytes intact`,
        );
      }
    });
  } else {
    runner.test(`${fx.name}: 9. unreliable modes: accepted, never misrouted, never corrupted`, async (t) => {
      const h = new Harness(t, fx);
      const server = await h.server();
      const [a, b] = await h.connectedClients(server, 2);
      const idA = a!.getUniqueId();
      const modes = [TransferMode.UNRELIABLE, TransferMode.UNRELIABLE_ORDERED] as const;
      let accepted = 0;
      for (let i = 0; i < 32; i++) {
        for (const mode of modes) {
          accepted += Number(send(a!, SERVER, unreliablePayload(mode, i)) === ErrorCode.OK);
          accepted += Number(send(server, idA, unreliablePayload(mode, i)) === ErrorCode.OK);
        }
      }
      t.equal(accepted, 128, 'putPacket returned OK for every unreliable packet');
      const end = pattern(5, 99);
      send(a!, SERVER, end);
      send(server, MultiplayerPeer.TARGET_PEER_BROADCAST, end);
      const got = (peer: P) => h.packets(peer).some((p) => p.mode === TransferMode.RELIABLE && bytesEqual(p.data, end));
      await h.until(() => got(server) && got(a!) && got(b!), 'reliable end markers');
      await h.idle();
      checkUnreliable(t, 'server', h.packets(server), idA);
      checkUnreliable(t, 'client A', h.packets(a!), SERVER);
      t.same(
        h.packets(b!).map((p) => p.mode),
        [TransferMode.RELIABLE],
        'client B received only the broadcast marker',
      );
    });
  }

  runner.test(`${fx.name}: 13. peerConnected(x) is emitted before any packet from x is readable`, async (t) => {
    const h = new Harness(t, fx);
    const server = await h.server();
    const early: string[] = [];
    server.peerConnected.connect((id) => {
      if (server.getAvailablePacketCount() > 0 && server.getPacketPeer() === id) early.push(`server: packet from ${id}`);
      send(server, id, pattern(6, 1));
      if (fx.capabilities.unreliable) send(server, id, pattern(6, 2), TransferMode.UNRELIABLE);
    });
    const clients = [await h.client(server), await h.client(server)];
    for (const client of clients) {
      client.peerConnected.connect((id) => {
        if (client.getAvailablePacketCount() > 0 && client.getPacketPeer() === id) early.push(`client: packet from ${id}`);
        send(client, SERVER, pattern(6, 3));
        if (fx.capabilities.unreliable) send(client, SERVER, pattern(6, 4), TransferMode.UNRELIABLE);
      });
    }
    // Besides the sends from inside the signals, each side also sends every round as soon as it can
    // (a server broadcast reaches a client whose accept it has just sent; a client sends once its
    // status says CONNECTED), so a transport that signals late is caught too.
    h.afterPoll = (peer) => {
      if (peer.getConnectionStatus() !== ConnectionStatus.CONNECTED) return;
      if (peer === server) send(server, MultiplayerPeer.TARGET_PEER_BROADCAST, pattern(6, 5));
      else send(peer, SERVER, pattern(6, 6));
    };
    await h.until(
      () =>
        h.packets(server).filter((p) => p.mode === TransferMode.RELIABLE).length >= 4 &&
        clients.every((c) => h.packets(c).filter((p) => p.mode === TransferMode.RELIABLE).length >= 2),
      'reliable packets both ways',
    );
    h.afterPoll = null;
    t.same(early, [], 'no packet from x was queued when peerConnected(x) fired');
    for (const peer of [server, ...clients]) {
      const line = h.timeline(peer);
      for (const [i, e] of line.entries()) {
        if (e.kind !== 'packet') continue;
        const connectedAt = line.findIndex((s) => s.kind === 'connected' && s.id === e.id);
        if (connectedAt < 0 || connectedAt > i) t.fail(`packet from ${e.id} became readable before peerConnected(${e.id})`);
      }
    }
    t.pass('timelines checked');
  });
}

function checkExact(t: Assertions, side: string, got: ReceivedPacket[], sent: Uint8Array[], from: number): void {
  t.equal(got.length, sent.length, `${side}: exactly ${sent.length} packets, no duplicates`);
  for (const [i, data] of sent.entries()) {
    const p = got[i];
    if (p === undefined) break;
    t.ok(bytesEqual(p.data, data), `${side}: packet ${i} (${data.length} bytes) byte-exact and in order`);
    t.equal(p.from, from, `${side}: getPacketPeer() of packet ${i}`);
    t.equal(p.mode, TransferMode.RELIABLE, `${side}: getPacketMode() of packet ${i}`);
    t.equal(p.channel, 0, `${side}: getPacketChannel() of packet ${i}`);
  }
}

/** 64 bytes: the mode, the index, then a pattern derived from both, so corruption is detectable. */
function unreliablePayload(mode: TransferMode, index: number): Uint8Array {
  const bytes = pattern(64, mode * 100 + index);
  bytes[0] = mode;
  bytes[1] = index;
  return bytes;
}

function checkUnreliable(t: Assertions, side: string, got: ReceivedPacket[], from: number): void {
  const unreliable = got.filter((p) => p.mode !== TransferMode.RELIABLE);
  t.ok(
    unreliable.every((p) => p.from === from),
    `${side}: every unreliable packet is from ${from}`,
  );
  t.ok(
    unreliable.every((p) => p.data[0] === p.mode && p.channel === 0),
    `${side}: mode and channel as sent`,
  );
  t.ok(
    unreliable.every((p) => bytesEqual(p.data, unreliablePayload(p.mode, p.data[1]!))),
    `${side}: no unreliable packet is corrupted`,
  );
  const ordered = unreliable.filter((p) => p.mode === TransferMode.UNRELIABLE_ORDERED).map((p) => p.data[1]!);
  t.ok(
    ordered.every((v, i) => i === 0 || v > ordered[i - 1]!),
    `${side}: UNRELIABLE_ORDERED never goes backwards`,
  );
}
