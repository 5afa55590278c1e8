/**
 * A drain ends within its grace even when a client never answers the close frame (a hung or hostile
 * peer): whatever is still open when the grace is over is cut, so `shutdown` resolves and the HTTP
 * server closes. Without that, Node's server.close() waited for the socket (ws gives up on a close
 * handshake only after 30 s, a room's peer never).
 */
import t from 'tap';
import { connect } from 'node:net';
import { ErrorCode } from '../../core/index.js';
import { GameServer } from '../../server/index.js';

t.test('shutdown({ graceMs }) cuts a client that never answers the close frame', async (t) => {
  const server = new GameServer({ fps: 60 });
  server.define('arena', { maxClients: 4, setup: () => undefined });
  t.equal(await server.listen(0, '127.0.0.1'), ErrorCode.OK);
  server.start();
  // A raw TCP client: completes the WebSocket handshake, then reads nothing and answers nothing.
  const socket = connect(server.getLocalPort(), '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.write(
    'GET /arena/hung HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  const response = await new Promise<string>((r) => socket.once('data', (d) => r(d.toString('latin1'))));
  t.match(response, /^HTTP\/1\.1 101 /, 'the handshake completed');
  socket.on('data', () => undefined); // read but never answer: the close frame stays unanswered
  const closed = new Promise((r) => socket.once('close', r));
  socket.on('error', () => undefined);
  const started = Date.now();
  await server.shutdown({ graceMs: 200 });
  const took = Date.now() - started;
  t.ok(took < 15_000, `shutdown resolved after ${took} ms (ws alone would wait 30 s for the close handshake)`);
  await closed;
  t.pass('the silent client was cut');
});
