/** ClosingPool and the module helpers every plugin uses: unbinding a container closes what it made. */
import t from 'tap';
import { ContainerModule } from 'inversify';
import { createServer } from 'node:net';
import { ClosingPool, TOKENS, bindClosingPool, bindPeerPlugin, createContainer, type PeerFactory } from '../../core/index.js';
import { HTTPClient, httpModule } from '../../plugins/http/index.js';
import { LoopbackMultiplayerPeer } from '../../plugins/loopback/index.js';

class Resource {
  closed = 0;
  close(): void {
    this.closed++;
  }
}

t.test('ClosingPool: closes everything it made, once', (t) => {
  const pool = new ClosingPool(() => new Resource());
  const [a, b] = [pool.create(), pool.create()];
  pool.closeAll();
  pool.closeAll();
  t.same([a.closed, b.closed], [1, 1]);
  t.end();
});

t.test('bindClosingPool / bindPeerPlugin: transient objects, a named factory, closed by unbindAll', (t) => {
  const c = createContainer(
    new ContainerModule(({ bind }) => {
      bindClosingPool(bind, Resource, () => new Resource());
      bindPeerPlugin(bind, 'test-loopback', LoopbackMultiplayerPeer, (s) => new LoopbackMultiplayerPeer(s));
    }),
  );
  const r1 = c.get(Resource);
  const r2 = c.get(Resource);
  t.not(r1, r2, 'transient');
  const factory = c.getAll<PeerFactory>(TOKENS.PeerFactory).find((f) => f.name === 'test-loopback')!;
  const peer = factory.create();
  t.ok(peer instanceof LoopbackMultiplayerPeer);
  let closed = false;
  const close = peer.close.bind(peer);
  peer.close = () => {
    closed = true;
    close();
  };
  c.unbindAll();
  t.same([r1.closed, r2.closed], [1, 1]);
  t.ok(closed, 'the peer from the factory was closed');
  t.end();
});

t.test('httpModule: a resolved HTTPClient is closed by unbindAll', async (t) => {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const c = createContainer(httpModule);
  const client = c.get(HTTPClient);
  t.equal(client.connectToHost('127.0.0.1', port), 0);
  t.not(client.getStatus(), 0, 'resolving or connecting');
  c.unbindAll();
  t.equal(client.getStatus(), 0, 'DISCONNECTED after unbindAll');
});
