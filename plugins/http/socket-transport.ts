/**
 * HTTPClient's Node transport: name lookup, TCP (every resolved address in turn), the CONNECT tunnel
 * of an HTTPS proxy, TLS, then requests over that one socket, parsed by Node's own HTTP parser.
 * Callbacks only report to the client's events, which queue; HTTPClientCore.poll() acts on them.
 */
import http from 'node:http';
import net from 'node:net';
import { ErrorCode, type Logger, logFailure } from '../../core/index.js';
import { METHOD_NAMES, Method, PORT_HTTP, PORT_HTTPS, Status, requestHeaderPairs } from './http-client-base.js';
import type { BodyFlow, ConnectionEvents, HTTPConnection, HTTPTarget, HTTPTransport, ResponseEvents } from './http-transport.js';
import { OwnSocketAgent, openTcp, openTunnel, resolveHost, startTls, type HttpStream } from './node-socket.js';
import { readResponse, type ResponseReader } from './response-reader.js';

/** Connections over Node sockets. Godot: HTTPClientTCP (core/io/http_client_tcp.cpp) */
export class SocketTransport implements HTTPTransport {
  readonly decodesContent = false;
  readonly followsRedirects = false;

  /** `maxHeaderSize`: the largest response head Node's parser accepts (bytes). */
  constructor(readonly maxHeaderSize: number) {}

  connect(target: HTTPTarget, events: ConnectionEvents, log: Logger): HTTPConnection {
    const conn = new SocketConnection(target, events, log, this.maxHeaderSize);
    const server = target.proxy ?? target;
    if (net.isIP(server.host) !== 0) conn.openTcp([server.host]);
    else conn.resolve(server.host);
    return conn;
  }

  /** A connection over a socket the program connected itself (already TLS when `target.tls` is set). */
  adopt(socket: HttpStream, target: HTTPTarget, events: ConnectionEvents, log: Logger): HTTPConnection {
    const conn = new SocketConnection(target, events, log, this.maxHeaderSize);
    socket.on('error', () => undefined); // the close that follows reports it
    socket.once('close', () => events.closed('closed by the server'));
    conn.ready(socket);
    return conn;
  }
}

class SocketConnection implements HTTPConnection {
  status: Status = Status.CONNECTED;
  readonly #target: HTTPTarget;
  readonly #events: ConnectionEvents;
  readonly #log: Logger;
  readonly #maxHeaderSize: number;
  readonly #port: number;
  #closed = false;
  #tcp: net.Socket | null = null;
  #stream: HttpStream | null = null;
  #agent: OwnSocketAgent | null = null;
  #response: ResponseReader | null = null;
  #watched: net.Socket | null = null;

  constructor(target: HTTPTarget, events: ConnectionEvents, log: Logger, maxHeaderSize: number) {
    this.#target = target;
    this.#events = events;
    this.#log = log;
    this.#maxHeaderSize = maxHeaderSize;
    this.#port = target.proxy?.port ?? target.port;
  }

  resolve(host: string): void {
    this.status = Status.RESOLVING;
    resolveHost(host, (addresses) => {
      if (this.#closed) return;
      if (addresses === null) return this.#events.failed(Status.CANT_RESOLVE, `Can't resolve '${this.#target.host}'.`);
      this.#events.stage('connecting');
      this.openTcp(addresses);
    });
  }

  /** Tries each address in turn. */
  openTcp(addresses: string[]): void {
    this.status = Status.CONNECTING;
    const tcp = openTcp(addresses[0]!, this.#port, {
      opened: () => this.#onTcp(tcp),
      failed: (err) => {
        if (this.#closed) return;
        if (addresses.length > 1) return this.openTcp(addresses.slice(1));
        this.#events.failed(Status.CANT_CONNECT, `Can't connect to ${this.#target.host}:${this.#port}: ${err.message}.`);
      },
      closed: (err) => this.#events.closed(err?.message ?? 'closed by the server'),
    });
    this.#tcp = tcp;
  }

  /** The connection is up on `stream`: requests can run. */
  ready(stream: HttpStream): void {
    if (this.#closed) return;
    this.#stream = stream;
    this.#agent = new OwnSocketAgent(stream);
    this.#events.stage('connected');
  }

  send(method: Method, url: string, headers: readonly string[], body: Uint8Array, events: ResponseEvents): BodyFlow | ErrorCode {
    if (this.#agent === null) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_DATA, 'HTTPClient has no connection.');
    const { host, port, tls, proxy } = this.#target;
    const standardPort = port === (tls !== null ? PORT_HTTPS : PORT_HTTP);
    const uri = tls === null && proxy !== null ? `http://${host}:${port}${url}` : url;
    let req: http.ClientRequest;
    try {
      req = http.request({
        agent: this.#agent,
        host,
        port: this.#port,
        method: METHOD_NAMES[method]!,
        path: uri,
        setHost: false,
        // The Host header leaves the port out when it is the scheme's standard one.
        headers: requestHeaderPairs(headers, body.length, standardPort ? host : `${host}:${port}`),
        maxHeaderSize: this.#maxHeaderSize,
      });
    } catch (err) {
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid request: ${(err as Error).message}`);
    }
    this.#response = readResponse(req, method === Method.HEAD, events);
    // A socket taken over from a StreamPeer arrives paused; reading starts once Node's parser listens.
    req.once('socket', (socket: net.Socket) => {
      this.#watchArrivals(socket);
      socket.resume();
    });
    req.end(body.length > 0 ? body : undefined);
    return this.#response;
  }

  close(): void {
    this.#closed = true;
    this.#response?.abort();
    this.#agent?.destroy();
    this.#stream?.destroy();
    this.#tcp?.destroy();
  }

  #onTcp(tcp: net.Socket): void {
    if (this.#closed) return;
    const tls = this.#target.tls;
    if (tls === null) return this.ready(tcp);
    const startSecure = (): void => {
      if (this.#closed) return;
      this.#events.stage('handshaking');
      const secure = startTls(tcp, this.#target.host, tls, {
        opened: () => this.ready(secure),
        failed: (err) => this.#events.failed(Status.TLS_HANDSHAKE_ERROR, `TLS handshake failed: ${err.message}.`),
        closed: (err) => this.#events.closed(err?.message ?? 'closed by the server'),
      });
      this.#stream = secure;
    };
    if (this.#target.proxy === null) return startSecure();
    openTunnel(tcp, `${this.#target.host}:${this.#target.port}`, (ok, why) =>
      ok ? startSecure() : this.#events.failed(Status.CANT_CONNECT, `HTTPS proxy refused the tunnel: ${why}.`),
    );
  }

  /** Notes every arrival of bytes (head or body) on the connection, for the idle timeout; once per socket. */
  #watchArrivals(socket: net.Socket): void {
    if (this.#watched === socket) return;
    this.#watched = socket;
    socket.on('data', () => this.#events.arrived());
  }
}
