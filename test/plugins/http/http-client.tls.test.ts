import http from 'node:http';
import net from 'node:net';
import t, { type Test } from 'tap';
import { ErrorCode, TLSOptions } from '../../../core/index.js';
import { HTTPClient, Method, Status } from '../../../plugins/http/index.js';
import { connect, fetchBody, selfSignedCert, startHttpServer, startHttpsServer } from './servers.js';

const { key, cert } = await selfSignedCert();
const other = await selfSignedCert();

function client(t: Test): HTTPClient {
  const c = new HTTPClient();
  t.teardown(() => c.close());
  return c;
}

t.test('connectToHost (TLS): a self-signed certificate trusted explicitly works, by name and by IP', async (t) => {
  const { port } = await startHttpsServer(t, key, cert, (req, res) => res.end(`secure ${req.url}`));
  for (const host of ['localhost', '127.0.0.1']) {
    const c = client(t);
    t.equal(c.connectToHost(host, port, TLSOptions.client(cert)), ErrorCode.OK);
    t.equal(await connect(c), Status.CONNECTED, host);
    c.request(Method.GET, '/a');
    t.equal(await fetchBody(c), 'secure /a');
    c.request(Method.GET, '/b');
    t.equal(await fetchBody(c), 'secure /b', 'keep-alive over TLS');
  }
});

t.test('connectToHost (TLS): an untrusted certificate is rejected with TLS_HANDSHAKE_ERROR', async (t) => {
  const { port } = await startHttpsServer(t, key, cert, (_req, res) => res.end('never'));
  const cases: Array<[string, TLSOptions | null, string]> = [
    ['system CAs', TLSOptions.client(), 'localhost'],
    ['https:// with no options means TLSOptions.client()', null, 'https://localhost'],
    ['another certificate as trusted chain', TLSOptions.client(other.cert), 'localhost'],
    ['trusted chain but the wrong common name', TLSOptions.client(cert, 'not-localhost.example'), 'localhost'],
  ];
  for (const [name, options, host] of cases) {
    const c = client(t);
    t.equal(c.connectToHost(host, port, options), ErrorCode.OK);
    t.equal(await connect(c), Status.TLS_HANDSHAKE_ERROR, name);
    t.equal(c.poll(), ErrorCode.ERR_CONNECTION_ERROR);
  }
});

t.test('connectToHost (TLS): commonNameOverride checks that name instead of the host', async (t) => {
  const { port } = await startHttpsServer(t, key, cert, (_req, res) => res.end('ok'));
  const c = client(t);
  c.connectToHost('127.0.0.1', port, TLSOptions.client(cert, 'localhost'));
  t.equal(await connect(c), Status.CONNECTED);
});

t.test('connectToHost (TLS): clientUnsafe accepts any certificate', async (t) => {
  const { port } = await startHttpsServer(t, key, cert, (_req, res) => res.end('unsafe but up'));
  const c = client(t);
  c.connectToHost('localhost', port, TLSOptions.clientUnsafe());
  t.equal(await connect(c), Status.CONNECTED);
  c.request(Method.GET, '/');
  t.equal(await fetchBody(c), 'unsafe but up');
});

t.test('connectToHost: http:// drops TLS options', async (t) => {
  const { port } = await startHttpServer(t, (_req, res) => res.end('plain'));
  const c = client(t);
  c.connectToHost(`http://127.0.0.1`, port, TLSOptions.client(cert));
  t.equal(await connect(c), Status.CONNECTED);
  c.request(Method.GET, '/');
  t.equal(await fetchBody(c), 'plain');
});

t.test('setHttpProxy: plain requests go to the proxy with an absolute URI', async (t) => {
  const seen: string[] = [];
  const proxy = await startHttpServer(t, (req, res) => {
    seen.push(`${req.url} host=${req.headers.host}`);
    res.end('via proxy');
  });
  const c = client(t);
  c.setHttpProxy('127.0.0.1', proxy.port);
  // The target name is never resolved: only the proxy is contacted.
  c.connectToHost('game-lobby.invalid', 8080);
  t.equal(c.getStatus(), Status.CONNECTING, 'the proxy is an IP, so no RESOLVING');
  t.equal(await connect(c), Status.CONNECTED);
  c.request(Method.GET, '/servers?x=1');
  t.equal(await fetchBody(c), 'via proxy');
  t.same(seen, ['http://game-lobby.invalid:8080/servers?x=1 host=game-lobby.invalid:8080']);
  c.setHttpProxy('', -1);
  c.connectToHost('127.0.0.1', proxy.port);
  await connect(c);
  c.request(Method.GET, '/direct');
  await fetchBody(c);
  t.equal(seen[1], `/direct host=127.0.0.1:${proxy.port}`, 'cleared proxy: direct again');
});

t.test('setHttpsProxy: TLS runs through a CONNECT tunnel; a refusing proxy gives CANT_CONNECT', async (t) => {
  const target = await startHttpsServer(t, key, cert, (_req, res) => res.end('tunnelled'));
  const connects: string[] = [];
  const proxyServer = http.createServer((_req, res) => res.end());
  proxyServer.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    connects.push(req.url ?? '');
    if (req.url?.startsWith('refused')) return void socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = net.connect(target.port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    socket.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        proxyServer.closeAllConnections();
        proxyServer.close(() => resolve());
      }),
  );
  const proxyPort = (proxyServer.address() as net.AddressInfo).port;
  const c = client(t);
  c.setHttpsProxy('127.0.0.1', proxyPort);
  c.connectToHost('localhost', target.port, TLSOptions.client(cert));
  t.equal(await connect(c), Status.CONNECTED);
  c.request(Method.GET, '/');
  t.equal(await fetchBody(c), 'tunnelled');
  t.same(connects, [`localhost:${target.port}`]);
  c.connectToHost('refused', 443, TLSOptions.client(cert));
  t.equal(await connect(c), Status.CANT_CONNECT);
});
