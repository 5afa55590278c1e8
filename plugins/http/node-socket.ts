/**
 * The Node side of HTTPClient's connection: name lookup, TCP, the CONNECT tunnel of an HTTPS proxy,
 * TLS, and the keep-alive Agent that lets Node's own HTTP parser run over a socket we connected.
 * Every function here reports through a callback that only queues; HTTPClient.poll() acts on it.
 */
import { lookup } from 'node:dns';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { TLSOptions } from '../../core/index.js';

/** The stream HTTP runs over: plain TCP or TLS on top of it. */
export type HttpStream = net.Socket | tls.TLSSocket;

/** Resolves `host` to every address (IPv4 and IPv6). Godot: IP::resolve_hostname_queue_item. */
export function resolveHost(host: string, done: (addresses: string[] | null) => void): void {
  lookup(host, { all: true }, (err, addresses) => done(err !== null || addresses.length === 0 ? null : addresses.map((a) => a.address)));
}

/** Events of one socket (TCP, or TLS on it), reported once each; the handlers only queue. */
export interface SocketHandlers {
  /** Connected (TCP) or secured (TLS). */
  opened(): void;
  /** It never opened. */
  failed(error: Error): void;
  /** It closed after it opened. */
  closed(error: Error | null): void;
}

/** Reports `socket`'s life to `on`: `openEvent` opens it; an error or a close before that fails it. */
function watch(socket: net.Socket, openEvent: 'connect' | 'secureConnect', on: SocketHandlers, closedEarly: string): void {
  let opened = false;
  let lastError: Error | null = null;
  socket.once(openEvent, () => {
    opened = true;
    on.opened();
  });
  socket.on('error', (err) => {
    if (!opened && lastError === null) on.failed(err);
    lastError = err;
  });
  socket.once('close', () => {
    if (opened) on.closed(lastError);
    else if (lastError === null) on.failed(new Error(closedEarly));
  });
}

/** Opens a TCP connection. */
export function openTcp(ip: string, port: number, on: SocketHandlers): net.Socket {
  const socket = net.connect({ host: ip, port, noDelay: true });
  watch(socket, 'connect', on, 'Connection closed before it opened.');
  return socket;
}

/**
 * Asks an HTTPS proxy for a tunnel to `target` (`host:port`) with a CONNECT request, parsed by
 * Node's HTTP parser. `done(true)` once the proxy answered 200 and the socket is a raw tunnel.
 */
export function openTunnel(socket: net.Socket, target: string, done: (ok: boolean, detail: string) => void): void {
  let answered = false;
  const finish = (ok: boolean, detail: string): void => {
    if (answered) return;
    answered = true;
    done(ok, detail);
  };
  try {
    const req = http.request({
      method: 'CONNECT',
      path: target,
      setHost: false,
      headers: ['Host', target],
      createConnection: () => socket,
    });
    req.once('connect', (res: http.IncomingMessage, _socket: Duplex, head: Buffer) => {
      if (head.length > 0) socket.unshift(head);
      finish(res.statusCode === 200, `proxy answered ${res.statusCode ?? 0}`);
    });
    req.once('response', (res: http.IncomingMessage) => finish(false, `proxy answered ${res.statusCode ?? 0}`));
    req.once('error', (err) => finish(false, err.message));
    req.end();
  } catch (err) {
    finish(false, (err as Error).message);
  }
}

/**
 * Starts a TLS client handshake on `socket`. The server must present a certificate for
 * `options.getCommonNameOverride() || host`, signed by the trusted chain (or the system CAs),
 * unless the options are `clientUnsafe`.
 */
export function startTls(socket: net.Socket, host: string, options: TLSOptions, on: SocketHandlers): tls.TLSSocket {
  const name = options.getCommonNameOverride() || host;
  const chain = options.getTrustedCaChain();
  const unsafe = options.isUnsafeClient();
  const secure = tls.connect({
    socket,
    // RFC 6066 forbids an IP address as SNI name; verification below still checks IP SANs.
    ...(net.isIP(name) === 0 ? { servername: name } : {}),
    ...(chain !== null ? { ca: chain } : {}),
    rejectUnauthorized: !unsafe,
    checkServerIdentity: (_host, cert) => (unsafe ? undefined : tls.checkServerIdentity(name, cert)),
    ALPNProtocols: ['http/1.1'],
  });
  watch(secure, 'secureConnect', on, 'Connection closed during the TLS handshake.');
  return secure;
}

/**
 * An http.Agent holding exactly one socket, the one HTTPClient connected itself, and keeping it
 * alive between requests: Node's own parser reads every response on that connection.
 */
export class OwnSocketAgent extends http.Agent {
  #socket: HttpStream | null;

  constructor(socket: HttpStream) {
    super({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });
    this.#socket = socket;
  }

  /** Hands out our socket once; after it is gone the connection is over. */
  override createConnection(
    _options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null || socket.destroyed) {
      callback?.(new Error('The connection was closed.'), undefined as unknown as Duplex);
      return undefined;
    }
    return socket;
  }

  // Divergence from Node's default: no idle timeout of our own (Godot keeps a connection open until
  // the server or the user closes it); the idle socket is unref'd so it never holds the process open.
  override keepSocketAlive(socket: Duplex): boolean {
    (socket as net.Socket).unref();
    return true;
  }
}
