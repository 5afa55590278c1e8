import t from 'tap';
import {
  ConnectionStatus,
  ErrorCode,
  ManualClock,
  SeededRng,
  TOKENS,
  coreModuleWith,
  createContainer,
  type PeerFactory,
} from '../../../core/index.js';
import { LoopbackMultiplayerPeer, VirtualNetwork, loopbackModule } from '../../../plugins/loopback/index.js';
import { stepUntil } from './fixtures/network.js';

t.test('loopbackModule: getAll(TOKENS.PeerFactory) includes "loopback"', (t) => {
  const container = createContainer(loopbackModule);
  t.teardown(() => container.unbindAll());
  const factories = container.getAll<PeerFactory>(TOKENS.PeerFactory);
  const loopback = factories.find((f) => f.name === 'loopback');
  t.ok(loopback, 'registered');
  t.ok(loopback!.create() instanceof LoopbackMultiplayerPeer);
  t.end();
});

t.test('loopbackModule: VirtualNetwork is a singleton on the container Clock and Rng; peers are transient', (t) => {
  const clock = new ManualClock();
  const container = createContainer(coreModuleWith({ clock, rng: new SeededRng(3) }), loopbackModule);
  t.teardown(() => container.unbindAll());
  const network = container.get(VirtualNetwork);
  t.equal(container.get(VirtualNetwork), network, 'one network');
  t.equal(network.clock, clock);
  const server = container.get(LoopbackMultiplayerPeer);
  const client = container.get(LoopbackMultiplayerPeer);
  t.not(server, client, 'a new peer per get');
  t.equal(server.createServer(network), ErrorCode.OK);
  t.equal(client.createClient(network), ErrorCode.OK);
  stepUntil(clock, [server, client], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED);
  t.pass('a container-made pair connects');
  t.end();
});

t.test('loopbackModule: unbindAll() closes every peer the container made', async (t) => {
  const clock = new ManualClock();
  const container = createContainer(coreModuleWith({ clock, rng: new SeededRng(4) }), loopbackModule);
  const network = container.get(VirtualNetwork);
  const server = container.get(LoopbackMultiplayerPeer);
  const factory = container.getAll<PeerFactory>(TOKENS.PeerFactory).find((f) => f.name === 'loopback')!;
  const client = factory.create() as LoopbackMultiplayerPeer;
  server.createServer(network);
  client.createClient(network);
  stepUntil(clock, [server, client], () => client.getConnectionStatus() === ConnectionStatus.CONNECTED);
  await container.unbindAll();
  t.equal(server.getConnectionStatus(), ConnectionStatus.DISCONNECTED, 'server closed');
  t.equal(client.getConnectionStatus(), ConnectionStatus.DISCONNECTED, 'factory-made client closed');
  t.notOk(network.hasEndpoint('server'), 'address released');
});
