import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, Socket, type AddressInfo, type Server as NetServer } from 'node:net';
import { randomFillSync } from 'node:crypto';
import { checkServerIdentity, createServer as createTlsServer, type ConnectionOptions } from 'node:tls';
import { WebSocket, WebSocketServer } from 'ws';
import { ErrorCode, detachStream, type TLSOptions } from '../../core/index.js';
import type {
  HttpUpgrade,
  ListenOptions,
  ServerAcceptOptions,
  SocketHandle,
  SocketSink,
  StreamListener,
  WebSocketBackend,
} from './websocket-backend.js';

/** Close codes ws uses for protocol errors it detects, with Godot's reason texts. */
const FAILURES: Record<string, [number, string]> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: [1009, 'Message too big'],
  WS_ERR_INVALID_UTF8: [1007, 'Invalid frame payload data'],
};

/** The `ws`-based backend: clients, `acceptStream` on raw sockets, and TCP/TLS listeners. Node only. */
export const wsBackend: WebSocketBackend = {
  name: 'ws',
  connect(options, sink) {
    let ws: WebSocket;
    try {
      ws = new WebSocket(options.url, [...options.protocols], {
        headers: parseHeaders(options.headers),
        maxPayload: options.maxPayload,
        perMessageDeflate: false,
        ...tlsClientOptions(options.tls),
      });
    } catch (err) {
      return { error: ErrorCode.ERR_INVALID_PARAMETER, message: `Cannot connect: ${(err as Error).message}` };
    }
    const handle = new WsHandle(ws, null, true);
    ws.once('upgrade', (res: IncomingMessage) => {
      handle.socket = res.socket as Socket;
    });
    // ws itself fails the handshake when the server picks no sub-protocol, or one we did not offer.
    ws.once('open', () => sink.open(ws.protocol, handle.socket?.remoteAddress ?? '', handle.socket?.remotePort ?? 0));
    bindEvents(ws, sink);
    return handle;
  },
  accept(stream, options, sink) {
    if (isHttpUpgrade(stream)) {
      if (stream.socket.destroyed) return { error: ErrorCode.ERR_INVALID_PARAMETER, message: 'The stream is closed.' };
      return upgrader.acceptUpgrade(stream, options, sink);
    }
    const socket = socketOf(stream);
    if (socket === null) {
      return {
        error: ErrorCode.ERR_INVALID_PARAMETER,
        message: 'acceptStream needs a connected StreamPeerTCP or StreamPeerTLS (or a net.Socket / tls.TLSSocket).',
      };
    }
    if (socket.destroyed) return { error: ErrorCode.ERR_INVALID_PARAMETER, message: 'The stream is closed.' };
    return upgrader.accept(socket, options, sink);
  },
  listen,
  drop(stream) {
    if (isHttpUpgrade(stream)) stream.socket.destroy();
    else if (stream instanceof Socket) stream.destroy();
  },
};

/** An `HttpUpgrade` from Node's HTTP server, with the types this backend needs. */
interface NodeHttpUpgrade extends HttpUpgrade {
  readonly request: IncomingMessage;
  readonly socket: Socket;
  readonly head: Buffer;
}

function isHttpUpgrade(stream: unknown): stream is NodeHttpUpgrade {
  if (typeof stream !== 'object' || stream === null) return false;
  const { request, socket, head } = stream as Partial<HttpUpgrade>;
  return socket instanceof Socket && typeof request === 'object' && request !== null && head instanceof Uint8Array;
}

/**
 * The socket behind what `acceptStream` was given: a Node socket as it is, or the one a StreamPeerTCP /
 * StreamPeerTLS hands over (core's `detachStream`), with the bytes it had received put back in front.
 */
function socketOf(stream: unknown): Socket | null {
  if (stream instanceof Socket) return stream;
  const detached = detachStream(stream);
  if (typeof detached === 'number' || !(detached.socket instanceof Socket)) return null;
  if (detached.head.length > 0) detached.socket.unshift(Buffer.from(detached.head));
  return detached.socket;
}

/** Godot's `"Name: value"` header lines as an object. */
function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Maps TLSOptions to Node's TLS client options. Godot: StreamPeerTLS::connect_to_stream */
function tlsClientOptions(tls: TLSOptions | null): ConnectionOptions {
  if (tls === null) return {};
  const out: ConnectionOptions = {};
  const chain = tls.getTrustedCaChain();
  if (chain !== null) out.ca = chain;
  if (tls.isUnsafeClient()) out.rejectUnauthorized = false;
  const cn = tls.getCommonNameOverride();
  if (cn !== '') out.checkServerIdentity = (_host, cert) => checkServerIdentity(cn, cert);
  return out;
}

/** What a connected `ws` reports to, kept on the socket so its listeners need no closures. */
interface Bound {
  readonly sink: SocketSink;
  /** The last error that was not a protocol failure, for the close's log line. */
  detail: string;
}
const kBound = Symbol('scenenet.sink');
type BoundWebSocket = WebSocket & { [kBound]: Bound };

// The listeners are shared by every socket (ws calls them with the socket as `this`): an idle server
// holds no closures per connection for them.
function boundOf(ws: WebSocket): Bound {
  return (ws as BoundWebSocket)[kBound];
}

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  boundOf(this).sink.message(data, !isBinary);
}

function onPong(this: WebSocket): void {
  boundOf(this).sink.pong();
}

function onError(this: WebSocket, err: Error & { code?: string }): void {
  const bound = boundOf(this);
  const failure = err.code !== undefined ? FAILURES[err.code] : undefined;
  if (failure !== undefined) bound.sink.failed(failure[0], failure[1], err.message);
  else if (err.code?.startsWith('WS_ERR_')) bound.sink.failed(1002, 'Protocol error', err.message);
  else bound.detail = err.message;
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const { sink, detail } = boundOf(this);
  const clean = code !== 1006 && detail === '';
  sink.closed(clean, code, reason.toString('utf8'), detail || (clean ? '' : 'connection closed without a close frame'));
}

function bindEvents(ws: WebSocket, sink: SocketSink): void {
  (ws as BoundWebSocket)[kBound] = { sink, detail: '' };
  ws.on('message', onMessage);
  ws.on('pong', onPong);
  ws.on('error', onError);
  ws.on('close', onClose);
}

/** Framed bytes that trigger an immediate write, so one tick cannot hide an unbounded backlog. */
const BATCH_FLUSH_BYTES = 16 * 1024;
/** Smallest batch: sized by the connection's previous batch (pooled by Node below 4 KiB), never below this. */
const BATCH_MIN_BYTES = 256;
/** Messages larger than this skip the batch (no copy): the batch is written, then ws frames the message. */
const BATCH_MAX_MESSAGE = 8 * 1024;
const EMPTY = new Uint8Array(0);
/** ws's readyState OPEN. */
const OPEN = 1;
/** `ws` send options, shared by every send (ws copies them). */
const BINARY = { binary: true } as const;
const TEXT = { binary: false } as const;

/** Random masking keys for client frames (RFC 6455 §5.3), drawn from a pool as ws does. */
const maskPool = Buffer.alloc(8192);
let maskAt = maskPool.length;

/**
 * One `ws` connection as a SocketHandle. The messages sent in one tick are framed (RFC 6455 §5.2:
 * FIN, opcode, length, and on a client a masking key) into one buffer that leaves in one socket write
 * on the next tick (or at once past BATCH_FLUSH_BYTES): no ws Sender, Buffer view, frame header or
 * stream entry per message. Framing copies the message, so the caller may reuse its bytes at once.
 * Nothing can reach the socket between a send and that write but ws's own control frames (a pong, a
 * ping), which may come between messages; `close` and `terminate` write the batch first. Batched
 * bytes are not "buffered" in Godot's sense: they are about to be written. A class, not an object of
 * closures: an idle server keeps one per client (and no batch: it is dropped once written).
 */
class WsHandle implements SocketHandle {
  /** Null on the server until the upgrade completes. */
  ws: WebSocket | null;
  /** Null on a client until the upgrade response names it. */
  socket: Socket | null;
  /** Client frames are masked. */
  readonly #client: boolean;
  #batch: Buffer | null = null;
  #length = 0;
  /** The previous batch's length: the next one starts at that size, so a steady connection rarely grows one. */
  #lastLength = 0;
  /** Messages in the batch, and the callback each reports to once it is written. */
  #count = 0;
  #onSent: (() => void) | undefined = undefined;

  constructor(ws: WebSocket | null, socket: Socket | null, client: boolean) {
    this.ws = ws;
    this.socket = socket;
    this.#client = client;
  }

  /** Writes the batch (dropped, its callbacks run, if the connection is no longer open). */
  flush(): void {
    const batch = this.#batch;
    if (batch === null) return;
    const length = this.#length;
    const count = this.#count;
    const onSent = this.#onSent;
    this.#batch = null;
    this.#lastLength = length;
    this.#length = 0;
    this.#count = 0;
    this.#onSent = undefined;
    const done =
      onSent === undefined
        ? undefined
        : (): void => {
            for (let i = 0; i < count; i++) onSent();
          };
    if (this.ws?.readyState !== OPEN || this.socket === null) done?.();
    else this.socket.write(length === batch.length ? batch : batch.subarray(0, length), done);
  }

  send(data: Uint8Array, isString: boolean, onSent?: () => void): void {
    const w = this.ws;
    if (w === null) return;
    if (w.readyState !== OPEN || this.socket === null) {
      onSent?.(); // closing: dropped, as ws drops a send after close (without its error and tick)
      return;
    }
    if (data.byteLength > BATCH_MAX_MESSAGE) {
      this.flush();
      w.send(data, isString ? TEXT : BINARY, onSent);
      return;
    }
    this.#frame(data, isString ? 0x81 : 0x82, onSent);
  }

  /** Frames one message (FIN + `opcode`) into the tick's batch. */
  #frame(data: Uint8Array, opcode: number, onSent: (() => void) | undefined): void {
    const size = data.byteLength;
    const frame = (size < 126 ? 2 : 4) + (this.#client ? 4 : 0) + size;
    let batch = this.#batch;
    if (batch === null) {
      batch = this.#batch = Buffer.allocUnsafe(Math.max(BATCH_MIN_BYTES, frame, Math.min(BATCH_FLUSH_BYTES, this.#lastLength)));
      process.nextTick(flushHandle, this);
    } else if (this.#length + frame > batch.length) {
      if (this.#length + frame > BATCH_FLUSH_BYTES) {
        this.flush();
        this.#frame(data, opcode, onSent);
        return;
      }
      const grown = Buffer.allocUnsafe(Math.min(BATCH_FLUSH_BYTES, Math.max(batch.length * 2, this.#length + frame)));
      batch.copy(grown, 0, 0, this.#length);
      batch = this.#batch = grown;
    }
    let at = this.#length;
    batch[at++] = opcode;
    const masked = this.#client ? 0x80 : 0;
    if (size < 126) batch[at++] = masked | size;
    else {
      batch[at++] = masked | 126;
      batch[at++] = size >> 8;
      batch[at++] = size & 0xff;
    }
    if (this.#client) {
      if (maskAt === maskPool.length) {
        randomFillSync(maskPool);
        maskAt = 0;
      }
      const m0 = maskPool[maskAt++]!;
      const m1 = maskPool[maskAt++]!;
      const m2 = maskPool[maskAt++]!;
      const m3 = maskPool[maskAt++]!;
      batch[at] = m0;
      batch[at + 1] = m1;
      batch[at + 2] = m2;
      batch[at + 3] = m3;
      at += 4;
      let i = 0;
      for (; i + 3 < size; i += 4) {
        batch[at + i] = data[i]! ^ m0;
        batch[at + i + 1] = data[i + 1]! ^ m1;
        batch[at + i + 2] = data[i + 2]! ^ m2;
        batch[at + i + 3] = data[i + 3]! ^ m3;
      }
      for (; i < size; i++) batch[at + i] = data[i]! ^ maskPool[maskAt - 4 + (i & 3)]!;
    } else batch.set(data, at);
    this.#length = at + size;
    if (onSent !== undefined) {
      this.#count++;
      this.#onSent = onSent;
    }
  }

  get bufferedAmount(): number {
    return this.ws?.bufferedAmount ?? 0;
  }

  close(code: number, reason: string): void {
    this.flush();
    this.ws?.close(code, reason);
  }

  terminate(): void {
    this.flush(); // what was sent before a forced close still leaves, as with Godot's immediate writes
    if (this.ws !== null) this.ws.terminate();
    else this.socket?.destroy();
  }

  pause(): boolean {
    this.ws?.pause();
    return true;
  }

  resume(): void {
    this.ws?.resume();
  }

  setNoDelay(enabled: boolean): void {
    this.socket?.setNoDelay(enabled);
  }

  /** An empty ping frame, in the tick's batch: a server pinging every client costs no write per client. */
  ping(): boolean {
    const w = this.ws;
    if (w !== null && w.readyState === OPEN && this.socket !== null) this.#frame(EMPTY, 0x89, undefined);
    else w?.ping();
    return true;
  }
}

function flushHandle(handle: WsHandle): void {
  handle.flush();
}

interface Pending {
  readonly options: ServerAcceptOptions;
  readonly sink: SocketSink;
  readonly handle: WsHandle;
}

/**
 * Runs the HTTP upgrade on sockets that were accepted elsewhere: Node's HTTP parser reads the request
 * (`server.emit('connection', socket)`), and one `WebSocketServer` per inbound size completes it.
 */
class Upgrader {
  #http: HttpServer | null = null;
  #servers = new Map<number, WebSocketServer>();
  #pending = new WeakMap<Socket, Pending>();

  accept(socket: Socket, options: ServerAcceptOptions, sink: SocketSink): SocketHandle {
    const entry = this.#track(socket, options, sink);
    this.#httpServer().emit('connection', socket);
    // A socket handed over by a StreamPeerTCP (or accepted with pauseOnConnect) is paused; Node's HTTP
    // server only attaches its listeners, so reading starts here.
    socket.resume();
    return entry.handle;
  }

  /** Completes an upgrade whose request another HTTP server has read. */
  acceptUpgrade(upgrade: NodeHttpUpgrade, options: ServerAcceptOptions, sink: SocketSink): SocketHandle {
    const { request, socket, head } = upgrade;
    const entry = this.#track(socket, options, sink);
    this.#upgrade(request, socket, head);
    return entry.handle;
  }

  #track(socket: Socket, options: ServerAcceptOptions, sink: SocketSink): Pending {
    const entry: Pending = { options, sink, handle: new WsHandle(null, socket, false) };
    this.#pending.set(socket, entry);
    const onEarlyClose = (): void => sink.closed(false, 1006, '', 'the stream closed during the handshake');
    socket.once('close', onEarlyClose);
    socket.once('scenenet:upgraded', () => socket.removeListener('close', onEarlyClose));
    return entry;
  }

  #httpServer(): HttpServer {
    if (this.#http !== null) return this.#http;
    const http = createHttpServer();
    http.on('request', (_req, res) => res.writeHead(426, { connection: 'close' }).end());
    http.on('clientError', (_err, socket) => socket.destroy());
    http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.#upgrade(req, socket, head));
    this.#http = http;
    return http;
  }

  #wss(maxPayload: number): WebSocketServer {
    let wss = this.#servers.get(maxPayload);
    if (wss !== undefined) return wss;
    wss = new WebSocketServer({
      noServer: true,
      maxPayload,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (offered, req) =>
        pickProtocol([...offered], this.#pending.get(req.socket as Socket)?.options.protocols ?? []) ?? false,
    });
    wss.on('headers', (headers: string[], req: IncomingMessage) => {
      for (const line of this.#pending.get(req.socket as Socket)?.options.headers ?? []) headers.push(line);
    });
    this.#servers.set(maxPayload, wss);
    return wss;
  }

  #upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const entry = this.#pending.get(socket);
    if (entry === undefined) {
      socket.destroy();
      return;
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (entry.options.protocols.length > 0 && pickProtocol(offered, entry.options.protocols) === null) {
      // Godot: WSLPeer::_parse_client_request fails when no offered sub-protocol is supported.
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#wss(entry.options.maxPayload).handleUpgrade(req, socket, head, (ws) => {
      entry.handle.ws = ws;
      socket.emit('scenenet:upgraded');
      this.#pending.delete(socket);
      bindEvents(ws, entry.sink);
      entry.sink.open(ws.protocol, socket.remoteAddress ?? '', socket.remotePort ?? 0);
    });
  }
}

const upgrader = new Upgrader();

/** The first protocol the client offered that the server supports (Godot's order). */
function pickProtocol(offered: readonly string[], supported: readonly string[]): string | null {
  return offered.find((p) => supported.includes(p)) ?? null;
}

/** Listens for TCP or TLS streams. Godot: TCPServer::listen (core/io/tcp_server.cpp) */
async function listen(
  options: ListenOptions,
  onStream: (stream: unknown) => void,
): Promise<StreamListener | { error: ErrorCode; message: string }> {
  let server: NetServer;
  const tls = options.tls;
  if (tls !== null) {
    const tlsServer = createTlsServer({
      key: tls.getPrivateKey() ?? '',
      cert: tls.getOwnCertificate() ?? '',
      handshakeTimeout: options.handshakeTimeoutMs,
    });
    tlsServer.on('secureConnection', (socket) => onStream(socket));
    tlsServer.on('tlsClientError', (_err, socket) => socket.destroy());
    server = tlsServer;
  } else {
    server = createNetServer({ noDelay: true }, (socket) => onStream(socket));
  }
  const host = options.bindAddress === '*' || options.bindAddress === '' ? undefined : options.bindAddress;
  return new Promise((resolve) => {
    const onError = (err: Error): void => resolve({ error: ErrorCode.ERR_CANT_CREATE, message: `Cannot listen: ${err.message}` });
    server.once('error', onError);
    server.listen({ port: options.port, host }, () => {
      server.removeListener('error', onError);
      server.on('error', () => undefined);
      resolve({
        port: (server.address() as AddressInfo).port,
        drop: (stream) => (stream as Socket).destroy(),
        close: () => server.close(),
      });
    });
  });
}
