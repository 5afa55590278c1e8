/** WebSocketPeer.ping() and getRoundTripTime() over a real loopback WebSocket (a scenenet addition, not in Godot). */
import t from 'tap';
import { ConnectionStatus, ErrorCode } from '../../../core/index.js';
import { WebSocketMultiplayerPeer, WebSocketPeer } from '../../../plugins/websocket/index.js';

async function until(done: () => boolean, poll: () => void, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    poll();
    await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
}

t.test('a ping answered by a pong gives a round-trip time, on either side; none before, none when closed', async (t) => {
  const server = new WebSocketMultiplayerPeer();
  t.equal(await server.createServer(0, '127.0.0.1'), ErrorCode.OK);
  const client = new WebSocketMultiplayerPeer();
  t.equal(client.createClient(`ws://127.0.0.1:${server.getLocalPort()}`), ErrorCode.OK);
  t.teardown(() => {
    client.close();
    server.close();
  });
  const pollBoth = () => {
    server.poll();
    client.poll();
  };
  let joined = 0;
  server.peerConnected.connect((id) => (joined = id));
  await until(() => client.getConnectionStatus() === ConnectionStatus.CONNECTED && joined !== 0, pollBoth);
  const toServer = client.getPeer(1)!;
  const toClient = server.getPeer(joined)!;
  t.equal(toServer.getRoundTripTime(), -1, 'no sample before the first pong');
  t.equal(toClient.getRoundTripTime(), -1);

  t.equal(toServer.ping(), true, 'the client pings');
  t.equal(toClient.ping(), true, 'the server pings');
  await until(() => toServer.getRoundTripTime() >= 0 && toClient.getRoundTripTime() >= 0, pollBoth);
  t.ok(toServer.getRoundTripTime() < 5000, `client RTT ${toServer.getRoundTripTime()} ms`);
  t.ok(toClient.getRoundTripTime() < 5000, `server RTT ${toClient.getRoundTripTime()} ms`);

  const idle = new WebSocketPeer();
  t.equal(idle.ping(), false, 'a peer that is not open cannot ping');
  t.equal(idle.getRoundTripTime(), -1);
});
