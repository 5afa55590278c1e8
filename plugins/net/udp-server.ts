import dgram from 'node:dgram';
import { ErrorCode, MultiplayerError, silentLogger, type Logger, logFailure } from '../../core/index.js';
import { localAddressProblem, mappedIp, normalizeAddress, udpBindTarget, whenListening } from './net-address.js';
import { DEFAULT_MAX_PENDING_CONNECTIONS, PACKET_BUFFER_SIZE } from './status.js';
import { DatagramQueue, PacketPeerUDP, type SharedSocket } from './packet-peer-udp.js';

/** Datagrams waiting for the next `poll()`, in bytes (the kernel's receive buffer does this in Godot). */
const SERVER_QUEUE_BYTES = 4 * PACKET_BUFFER_SIZE;

function keyOf(ip: string, port: number): string {
  return `${ip}|${port}`;
}

/**
 * Godot: UDPServer (core/io/udp_server.cpp): one UDP socket that turns each new sender into a
 * "connection". `poll()` reads what arrived: datagrams from a known peer go to its PacketPeerUDP;
 * the first datagram of a new sender makes a pending peer (at most `maxPendingConnections`, the rest
 * are dropped). `takeConnection()` hands out a pending peer, connected to its sender and sending
 * through the server's socket.
 */
export class UDPServer {
  readonly #log: Logger;
  #socket: dgram.Socket | null = null;
  #dualStack = false;
  #port = 0;
  #incoming = new DatagramQueue(SERVER_QUEUE_BYTES);
  #peers = new Map<string, PacketPeerUDP>();
  #pending = new Map<string, PacketPeerUDP>();
  #maxPending = DEFAULT_MAX_PENDING_CONNECTIONS;
  #dropped = false;

  readonly #shared: SharedSocket = {
    send: (data, ip, port) => {
      const socket = this.#socket;
      if (socket === null) return;
      socket.send(Buffer.from(data), port, this.#dualStack ? mappedIp(ip) : ip, (err) => {
        if (err) this.#log.warn(`UDPServer: sending to ${ip}:${port} failed: ${err.message}`);
      });
    },
    localPort: () => this.#port,
    remove: (peer) => {
      for (const map of [this.#peers, this.#pending]) {
        for (const [key, p] of map) if (p === peer) map.delete(key);
      }
    },
  };

  constructor(options: { readonly logger?: Logger } = {}) {
    this.#log = options.logger ?? silentLogger;
  }

  /** Godot property `max_pending_connections`: senders that may wait to be taken (default 16). */
  get maxPendingConnections(): number {
    return this.#maxPending;
  }
  set maxPendingConnections(count: number) {
    if (!Number.isInteger(count) || count < 0)
      throw new MultiplayerError(ErrorCode.ERR_INVALID_PARAMETER, `max_pending_connections must be >= 0, got ${count}.`);
    this.#maxPending = count;
  }

  /**
   * Listens on `port` (0 picks one) at `bindAddress` ('*' for every interface). Resolves OK,
   * ERR_ALREADY_IN_USE when listening, ERR_UNAVAILABLE when the address cannot be bound.
   * Divergence from Godot: asynchronous (Node binds asynchronously). Godot: UDPServer::listen
   */
  async listen(port: number, bindAddress = '*'): Promise<ErrorCode> {
    if (this.#socket !== null) return logFailure(this.#log, 'UDPServer', ErrorCode.ERR_ALREADY_IN_USE, 'The server is already listening.');
    const problem = localAddressProblem(port, bindAddress);
    if (problem !== null) return logFailure(this.#log, 'UDPServer', ErrorCode.ERR_INVALID_PARAMETER, problem);
    const { type, address } = udpBindTarget(bindAddress);
    const socket = dgram.createSocket({ type, ipv6Only: false });
    this.#socket = socket;
    this.#dualStack = type === 'udp6';
    const error = await whenListening(socket, (done) => socket.bind({ port, address }, done));
    if (this.#socket !== socket) return ErrorCode.ERR_UNCONFIGURED; // stopped while binding
    if (error !== null) {
      this.#socket = null;
      socket.close();
      return logFailure(this.#log, 'UDPServer', ErrorCode.ERR_UNAVAILABLE, `Cannot listen on ${bindAddress}:${port}: ${error.message}`);
    }
    socket.on('error', (err) => this.#log.warn(`UDPServer: ${err.message}`));
    socket.on('message', (data, rinfo) => {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
      if (this.#socket === socket && !this.#incoming.push(bytes, normalizeAddress(rinfo.address), rinfo.port))
        this.#drop('the receive queue is full');
    });
    this.#port = socket.address().port;
    return ErrorCode.OK;
  }

  /**
   * Hands what arrived since the last call to the peers, and makes pending peers of new senders.
   * ERR_UNCONFIGURED when not listening. Godot: UDPServer::poll
   */
  poll(): ErrorCode {
    if (this.#socket === null) return ErrorCode.ERR_UNCONFIGURED;
    const incoming = this.#incoming;
    while (incoming.count > 0) {
      const ip = incoming.peekIp();
      const port = incoming.peekPort();
      this.#dispatch(incoming.shift()!, ip, port);
    }
    return ErrorCode.OK;
  }

  /** Godot: UDPServer::is_connection_available. */
  isConnectionAvailable(): boolean {
    return this.#socket !== null && this.#pending.size > 0;
  }

  /** The oldest pending peer, now connected to its sender, or null. Godot: UDPServer::take_connection */
  takeConnection(): PacketPeerUDP | null {
    if (!this.isConnectionAvailable()) return null;
    const [key, peer] = this.#pending.entries().next().value!;
    this.#pending.delete(key);
    this.#peers.set(key, peer);
    return peer;
  }

  /** Godot: UDPServer::get_local_port. 0 when not listening. */
  getLocalPort(): number {
    return this.#port;
  }

  /** Godot: UDPServer::is_listening. */
  isListening(): boolean {
    return this.#socket !== null && this.#port !== 0;
  }

  /** Closes the socket; every peer it handed out is closed too. Godot: UDPServer::stop */
  stop(): void {
    const socket = this.#socket;
    this.#socket = null;
    this.#port = 0;
    socket?.close();
    const peers = [...this.#peers.values(), ...this.#pending.values()];
    this.#peers.clear();
    this.#pending.clear();
    this.#incoming.clear();
    for (const peer of peers) peer.close();
  }

  #dispatch(data: Uint8Array, ip: string, port: number): void {
    const key = keyOf(ip, port);
    const known = this.#peers.get(key) ?? this.#pending.get(key);
    if (known !== undefined) {
      known.storePacket(data, ip, port);
      return;
    }
    if (this.#pending.size >= this.#maxPending) {
      this.#drop('too many pending connections');
      return;
    }
    const peer = PacketPeerUDP.fromServer(this.#shared, ip, port, this.#log);
    peer.storePacket(data, ip, port);
    this.#pending.set(key, peer);
  }

  #drop(why: string): void {
    if (!this.#dropped) this.#log.warn(`UDPServer: dropping datagrams: ${why}.`);
    this.#dropped = true;
  }
}
