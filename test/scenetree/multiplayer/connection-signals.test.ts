/**
 * MultiplayerAPI.connectionFailed and serverDisconnected (Godot: SceneMultiplayer::_update_status) on
 * every transport: a client the server refuses fails to connect; a connected client whose server
 * closes is disconnected. Real sockets on 127.0.0.1 (WebSocket, ENet, WebRTC with no ICE servers) and
 * the in-process loopback network on a manual clock.
 */
import t from 'tap';
import { ConnectionStatus, ErrorCode, ManualClock, SeededRng, type MultiplayerPeer } from '../../../core/index.js';
import { ENetMultiplayerPeer } from '../../../plugins/enet/index.js';
import { LoopbackMultiplayerPeer, VirtualNetwork } from '../../../plugins/loopback/index.js';
import { WebRTCMultiplayerPeer } from '../../../plugins/webrtc/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { SceneMultiplayer } from '../../../scenetree/index.js';
import { signaledClient } from '../../helpers/webrtc-signaling.js';

const WAIT_MS = 60_000;

interface Transport {
  readonly name: string;
  /** A started server peer. */
  server(): Promise<MultiplayerPeer>;
  /** A client aimed at `server` (CONNECTING). */
  client(server: MultiplayerPeer): MultiplayerPeer;
  /** Runs between poll rounds (advances a virtual clock). */
  tick?(): void;
}

const clock = new ManualClock();
const network = new VirtualNetwork({ clock, rng: new SeededRng(3) });
const closers: Array<() => void> = [];

const transports: Transport[] = [
  {
    name: 'loopback',
    async server() {
      const p = new LoopbackMultiplayerPeer();
      if (p.createServer(network, { address: network.allocateAddress('server') }) !== ErrorCode.OK) throw new Error('createServer');
      return p;
    },
    client(server) {
      const c = new LoopbackMultiplayerPeer();
      if (c.createClient(network, { address: (server as LoopbackMultiplayerPeer).address }) !== ErrorCode.OK)
        throw new Error('createClient');
      return c;
    },
    tick: () => clock.advance(5),
  },
  {
    name: 'websocket',
    async server() {
      const p = new WebSocketMultiplayerPeer();
      if ((await p.createServer(0, '127.0.0.1')) !== ErrorCode.OK) throw new Error('createServer');
      return p;
    },
    client(server) {
      const c = new WebSocketMultiplayerPeer();
      if (c.createClient(`ws://127.0.0.1:${(server as WebSocketMultiplayerPeer).getLocalPort()}`) !== ErrorCode.OK)
        throw new Error('createClient');
      return c;
    },
  },
  {
    name: 'enet',
    async server() {
      const p = new ENetMultiplayerPeer();
      p.setBindIp('127.0.0.1');
      if ((await p.createServer(0)) !== ErrorCode.OK) throw new Error('createServer');
      return p;
    },
    client(server) {
      const c = new ENetMultiplayerPeer();
      if (c.createClient('127.0.0.1', (server as ENetMultiplayerPeer).getLocalPort()) !== ErrorCode.OK) throw new Error('createClient');
      return c;
    },
  },
  {
    name: 'webrtc',
    async server() {
      const p = new WebRTCMultiplayerPeer();
      if (p.createServer() !== ErrorCode.OK) throw new Error('createServer');
      return p;
    },
    client: (server) =>
      signaledClient(server as WebRTCMultiplayerPeer, [], (a, b) =>
        closers.push(
          () => a.close(),
          () => b.close(),
        ),
      ),
  },
];

function api(peer: MultiplayerPeer): { mp: SceneMultiplayer; events: string[] } {
  const mp = new SceneMultiplayer();
  mp.multiplayerPeer = peer;
  const events: string[] = [];
  mp.connectedToServer.connect(() => events.push('connectedToServer'));
  mp.connectionFailed.connect(() => events.push('connectionFailed'));
  mp.serverDisconnected.connect(() => events.push('serverDisconnected'));
  return { mp, events };
}

async function until(apis: readonly SceneMultiplayer[], tx: Transport, done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${tx.name}: ${what} not reached in ${WAIT_MS} ms`);
    for (const a of apis) a.poll();
    tx.tick?.();
    await new Promise((r) => setTimeout(r, tx.tick ? 0 : 5));
  }
}

for (const tx of transports) {
  t.test(`${tx.name}: a refused client gets connectionFailed (and never connectedToServer)`, async (t) => {
    const server = await tx.server();
    t.teardown(() => server.close());
    server.refuseNewConnections = true;
    const host = api(server);
    const client = api(tx.client(server));
    t.teardown(() => client.mp.multiplayerPeer.close());
    t.equal(client.mp.multiplayerPeer.getConnectionStatus(), ConnectionStatus.CONNECTING);
    await until([host.mp, client.mp], tx, () => client.events.length > 0, 'connectionFailed');
    for (let i = 0; i < 5; i++) await until([host.mp, client.mp], tx, () => true, 'idle');
    t.same(client.events, ['connectionFailed']);
    t.same(host.events, [], 'the server emits none of the client-side signals');
  });

  t.test(`${tx.name}: a connected client gets serverDisconnected when the server closes`, async (t) => {
    const server = await tx.server();
    t.teardown(() => server.close());
    const host = api(server);
    const client = api(tx.client(server));
    t.teardown(() => client.mp.multiplayerPeer.close());
    await until(
      [host.mp, client.mp],
      tx,
      () => client.events.includes('connectedToServer') && host.mp.getPeers().length === 1,
      'connected',
    );
    server.close();
    await until([host.mp, client.mp], tx, () => client.events.length > 1, 'serverDisconnected');
    t.same(client.events, ['connectedToServer', 'serverDisconnected']);
    t.equal(client.mp.multiplayerPeer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
    t.same(client.mp.getPeers(), [], 'the client forgot its peers');
  });
}

t.teardown(() => {
  for (const close of closers) close();
});
