/**
 * The datagram transport under an ENet host: a small interface, its `node:dgram` adapter and
 * address helpers. Tests swap in `MemoryNetwork` sockets.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv4 } from 'node:net';

/** Receives one datagram. Implementations call it from socket callbacks; it must only queue. */
export type DatagramReceiver = (data: Uint8Array, address: string, port: number) => void;

/** A bound, unconnected datagram socket. */
export interface DatagramSocket {
  /** Local address the socket is bound to. */
  readonly address: string;
  /** Local port the socket is bound to. */
  readonly port: number;
  /** Address family of the socket. */
  readonly family: 'IPv4' | 'IPv6';
  /** Installs the single receiver (replaces any previous one). */
  setReceiver(receiver: DatagramReceiver | null): void;
  /**
   * Sends one datagram; errors are dropped (UDP is lossy anyway). Returns `false` when the socket is
   * done with `data` (handed to the OS or copied), so the caller may overwrite it at once; anything
   * else (`true`, or nothing from an implementation that predates this rule) means the socket may
   * still read `data` later and the caller must not reuse it.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: implementations written before this rule return nothing (void), which means "kept".
  send(data: Uint8Array, address: string, port: number): boolean | void;
  close(): void;
}

/** Options of `bindUdpSocket`. */
export interface BindOptions {
  /** Local address; '*' (default) binds the IPv6 wildcard dual-stack, falling back to IPv4. */
  readonly address?: string;
  /** Local port; 0 (default) picks a free port. */
  readonly port?: number;
}

/** Kernel send buffer: ENet's (ENET_HOST_SEND_BUFFER_SIZE). */
const SEND_BUFFER_SIZE = 256 * 1024;
/**
 * Kernel receive buffer: 8x ENet's 256 KiB. A JavaScript host stops reading for a GC pause or a
 * long application frame, and a sender's burst (an ENet sender puts its whole window on the wire
 * in one service) then overflows 256 KiB. A C client's unreliable 64-byte stream into our server
 * (enet.bench, 3 s, load 20): 99 k and 86 k packets delivered at 256 KiB, many of them held back
 * and dropped behind a lost epoch-opening reliable packet, 4.4 µs CPU per delivered packet; 372 k
 * and 214 k at 2 MiB, 1.1-2.3 µs. The kernel caps it at net.core.rmem_max and only uses what is
 * queued.
 */
const RECEIVE_BUFFER_SIZE = 2 * 1024 * 1024;

/** Binds a `node:dgram` socket. Resolves null when binding fails. */
export async function bindUdpSocket(options: BindOptions = {}): Promise<DatagramSocket | null> {
  const address = options.address ?? '*';
  const port = options.port ?? 0;
  if (address === '*') {
    return (await bindOne('udp6', '::', port)) ?? (await bindOne('udp4', '0.0.0.0', port));
  }
  const host = address === 'localhost' ? '127.0.0.1' : address;
  if (isIP(host) === 0) return null;
  return bindOne(isIPv4(host) ? 'udp4' : 'udp6', host, port);
}

function bindOne(type: 'udp4' | 'udp6', address: string, port: number): Promise<DatagramSocket | null> {
  return new Promise((resolve) => {
    const socket = createSocket({ type, recvBufferSize: RECEIVE_BUFFER_SIZE, sendBufferSize: SEND_BUFFER_SIZE, lookup: literalLookup });
    const onError = (): void => {
      socket.close();
      resolve(null);
    };
    socket.once('error', onError);
    socket.bind(port, address, () => {
      socket.off('error', onError);
      resolve(new UdpDatagramSocket(socket, type === 'udp6' ? 'IPv6' : 'IPv4'));
    });
  });
}

/**
 * A socket whose bind is still in flight: sends are queued until it is bound (dropped if the bind
 * fails). Lets synchronous Godot calls (`create_host`, `create_client`) start at once.
 */
export class DeferredDatagramSocket implements DatagramSocket {
  #socket: DatagramSocket | null = null;
  #receiver: DatagramReceiver | null = null;
  #queue: Array<[Uint8Array, string, number]> = [];
  #closed = false;
  /** True once the bind failed. */
  failed = false;

  constructor(pending: Promise<DatagramSocket | null>) {
    void pending.then((socket) => {
      if (socket === null) {
        this.failed = true;
        this.#queue = [];
        return;
      }
      if (this.#closed) return socket.close();
      this.#socket = socket;
      socket.setReceiver(this.#receiver);
      for (const [data, address, port] of this.#queue.splice(0)) socket.send(data, address, port);
    });
  }

  get address(): string {
    return this.#socket?.address ?? '';
  }
  get port(): number {
    return this.#socket?.port ?? 0;
  }
  get family(): 'IPv4' | 'IPv6' {
    return this.#socket?.family ?? 'IPv4';
  }

  setReceiver(receiver: DatagramReceiver | null): void {
    this.#receiver = receiver;
    this.#socket?.setReceiver(receiver);
  }

  // biome-ignore lint/suspicious/noConfusingVoidType: the wrapped socket's answer, which may be void (see DatagramSocket.send).
  send(data: Uint8Array, address: string, port: number): boolean | void {
    if (this.#closed || this.failed) return false;
    if (this.#socket !== null) return this.#socket.send(data, address, port);
    if (this.#queue.length < 1024) this.#queue.push([data.slice(), address, port]);
    return false;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#socket?.close();
  }
}

/**
 * `node:dgram`'s default lookup answers even an IP literal through `process.nextTick`, so every
 * `send` would wait for a tick and allocate a closure. Peers are addressed by IP literals, so
 * they are answered synchronously; names still go through `dns.lookup`.
 */
function literalLookup(hostname: string, options: LookupOneOptions, callback: LookupCallback): void {
  // Node asks once per send, mostly for the same peer address as last time: skip isIP's regex then.
  if (hostname === lastLiteral) return callback(null, hostname, lastLiteralFamily);
  const family = isIP(hostname);
  if (family === 0) return lookup(hostname, options, callback);
  lastLiteral = hostname;
  lastLiteralFamily = family;
  callback(null, hostname, family);
}

/** The IP literal `literalLookup` answered last, and its family. */
let lastLiteral = '';
let lastLiteralFamily = 0;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** How long `close()` waits at most for sends queued in the kernel-full case to leave. */
const CLOSE_DRAIN_MS = 1000;

/** `node:dgram` adapter. */
class UdpDatagramSocket implements DatagramSocket {
  readonly #socket: Socket;
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
  #receiver: DatagramReceiver | null = null;
  #closed = false;
  /** Last destination and its socket-family form (a server sends mostly to one address in a row). */
  #lastAddress = '';
  #lastTarget: string | null = null;
  /** Whether `#lastTarget` is an IP literal (a name is resolved asynchronously, so its data is kept). */
  #lastTargetLiteral = false;

  constructor(socket: Socket, family: 'IPv4' | 'IPv6') {
    this.#socket = socket;
    this.family = family;
    const local = socket.address();
    this.address = local.address;
    this.port = local.port;
    // IPv4-mapped sources are reported as plain IPv4, so addresses compare equal whichever socket
    // family saw them (send() maps them back).
    socket.on('message', (msg, rinfo) => this.#receiver?.(msg, displayAddress(rinfo.address), rinfo.port));
    // A send to an unreachable port can surface as an asynchronous socket error; UDP is lossy, so
    // it is ignored rather than allowed to crash the process.
    socket.on('error', () => {});
  }

  setReceiver(receiver: DatagramReceiver | null): void {
    this.#receiver = receiver;
  }

  send(data: Uint8Array, address: string, port: number): boolean {
    if (this.#closed) return false;
    if (address !== this.#lastAddress) {
      this.#lastAddress = address;
      this.#lastTarget = this.family === 'IPv6' ? (isIPv4(address) ? `::ffff:${address}` : address) : isIPv4(address) ? address : null;
      this.#lastTargetLiteral = this.#lastTarget !== null && isIP(this.#lastTarget) !== 0;
    }
    if (this.#lastTarget === null) return false;
    const socket = this.#socket;
    // Node first tries a synchronous send (uv_udp_try_send) and only when the kernel refuses it
    // (send buffer full, or earlier sends still queued) keeps `data` in its queue for later. A send
    // behind a non-empty queue is queued for sure, so it gets a copy and the caller keeps its buffer;
    // otherwise `data` is sent as is and reported kept only if it did get queued.
    if (socket.getSendQueueCount() > 0 || !this.#lastTargetLiteral) {
      socket.send(data.slice(), port, this.#lastTarget);
      return false;
    }
    // No completion callback: Node sends synchronously when the kernel takes the datagram and
    // would otherwise schedule a `process.nextTick` per send just to report that.
    socket.send(data, port, this.#lastTarget);
    return socket.getSendQueueCount() > 0;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#receiver = null;
    // Closing cancels queued sends; a final DISCONNECT must still leave, so wait for them.
    const socket = this.#socket;
    const deadline = performance.now() + CLOSE_DRAIN_MS;
    const drain = (): void => {
      if (socket.getSendQueueCount() === 0 || performance.now() > deadline) socket.close();
      else setTimeout(drain, 1);
    };
    drain();
  }
}

/** Strips the IPv4-mapped prefix so IPv4 peers read as IPv4 (as Godot prints them). */
export function displayAddress(address: string): string {
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}
