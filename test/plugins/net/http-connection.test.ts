/**
 * HTTPClient's `connection` property with the net plugin's streams: a connected StreamPeerTCP (or a
 * StreamPeerTLS over one) is handed to the client, which runs its requests over that socket.
 */
import t from 'tap';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ErrorCode, StreamPeerBuffer, TLSOptions } from '../../../core/index.js';
import { HTTPClient, Method, Status } from '../../../plugins/http/index.js';
import { StreamPeerTCP, StreamPeerTLS, TCPStatus, TLSStatus } from '../../../plugins/net/index.js';
import { generateSelfSigned } from '../../../plugins/websocket/index.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

const WAIT = 20_000;

function handler(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.end(`${req.method} ${req.url} host=${req.headers.host}`);
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** GETs `path` twice (keep-alive) and returns the bodies. */
async function getTwice(client: HTTPClient, path: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < 2; i++) {
    if (client.request(Method.GET, path) !== ErrorCode.OK) throw new Error('request refused');
    let body = '';
    await pollUntil(
      [client],
      () => {
        if (client.getStatus() === Status.BODY) body += new TextDecoder().decode(client.readResponseBodyChunk());
        return client.getStatus() === Status.CONNECTED && client.hasResponse();
      },
      WAIT,
    );
    bodies.push(body);
  }
  return bodies;
}

t.test('connection = a connected StreamPeerTCP: requests run over it', async (t) => {
  const server = http.createServer(handler);
  const port = await listen(server);
  t.teardown(() => server.close());
  const tcp = new StreamPeerTCP();
  tcp.connectToHost('127.0.0.1', port);
  await pollUntil([tcp], () => tcp.getStatus() === TCPStatus.CONNECTED, WAIT);
  const client = new HTTPClient();
  t.teardown(() => client.close());
  t.equal(client.connection, null, 'no connection yet');
  client.connection = tcp;
  t.equal(client.getStatus(), Status.CONNECTED);
  t.equal(client.connection, tcp);
  t.equal(tcp.getStatus(), TCPStatus.NONE, 'the client owns the socket now');
  t.same(await getTwice(client, '/a'), [`GET /a host=127.0.0.1:${port}`, `GET /a host=127.0.0.1:${port}`]);
  client.close();
  t.equal(client.connection, null);
});

t.test('connection = a StreamPeerTLS: HTTPS over the stream the program set up', async (t) => {
  const { key, certificate } = await generateSelfSigned('localhost');
  const server = https.createServer({ key, cert: certificate }, handler);
  const port = await listen(server);
  t.teardown(() => server.close());
  const tcp = new StreamPeerTCP();
  tcp.connectToHost('127.0.0.1', port);
  await pollUntil([tcp], () => tcp.getStatus() === TCPStatus.CONNECTED, WAIT);
  const tls = new StreamPeerTLS();
  t.equal(tls.connectToStream(tcp, 'localhost', TLSOptions.client(certificate)), ErrorCode.OK);
  await pollUntil([tls], () => tls.getStatus() === TLSStatus.CONNECTED, WAIT);
  const client = new HTTPClient();
  t.teardown(() => client.close());
  t.equal(client.connectToHost('https://localhost', port, TLSOptions.client(certificate)), ErrorCode.OK, 'sets the Host header name');
  client.connection = tls;
  t.equal(client.getStatus(), Status.CONNECTED);
  t.same(await getTwice(client, '/secure'), [`GET /secure host=localhost:${port}`, `GET /secure host=localhost:${port}`]);
});

t.test('connection = something that cannot hand over a socket throws ERR_INVALID_PARAMETER', (t) => {
  const client = new HTTPClient();
  t.throws(() => (client.connection = new StreamPeerBuffer()), { code: ErrorCode.ERR_INVALID_PARAMETER });
  t.throws(() => (client.connection = new StreamPeerTCP()), { code: ErrorCode.ERR_INVALID_PARAMETER });
  t.equal(client.getStatus(), Status.DISCONNECTED);
  t.end();
});
