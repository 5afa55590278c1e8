import dgram from 'node:dgram';
import net from 'node:net';
import { ErrorCode, silentLogger, logFailure, type Logger, PacketPeerBase, PacketQueue } from '../../core/index.js';
import { PACKET_BUFFER_SIZE } from './status.js';
import {
  interfaceAddress,
  ipLiteral,
  isMulticast,
  localAddressProblem,
  mappedIp,
  normalizeAddress,
  udpBindTarget,
  whenListening,
} from './net-address.js';

/** Bytes Godot's ring buffer spends per packet besides its data (address, port, size). */
const PACKET_OVERHEAD = 24;
/** The largest payload of one IPv4 UDP datagram. */
const MAX_DATAGRAM = 65507;

/**
 * Received datagrams, bounded like Godot's ring buffer: a datagram that would take the queue past
 * `budget` bytes (24 per datagram included) is dropped. Nothing is preallocated.
 *
 * On core's PacketQueue (one packet queue for every transport): the port rides in the sender slot
 * and the source address as a small number in the mode slot, an index into a table of the
 * addresses queued since the queue was last empty, so queueing a datagram allocates no object.
 * The table is emptied with the queue, and rebuilt from what is queued when it outgrows
 * `ADDRESS_TABLE_LIMIT` (a queue never drained to empty while many senders come and go).
 */
export class DatagramQueue {
  readonly #budget: number;
  #packets = new PacketQueue();
  #ids = new Map<string, number>();
  #ips: string[] = [];

  constructor(budget = PACKET_BUFFER_SIZE) {
    this.#budget = budget;
  }

  get count(): number {
    return this.#packets.size;
  }

  /** Queues a datagram; false (dropped) when it does not fit. */
  push(data: Uint8Array, ip: string, port: number): boolean {
    const packets = this.#packets;
    if (packets.bytes + (packets.size + 1) * PACKET_OVERHEAD + data.length > this.#budget) return false;
    if (this.#ips.length >= ADDRESS_TABLE_LIMIT && !this.#ids.has(ip)) this.#renumber();
    this.#packets.push(data, port, this.#id(ip));
    return true;
  }

  /** The next datagram's source address ('' when none is queued); read it before `shift()`. */
  peekIp(): string {
    return this.#packets.size > 0 ? this.#ips[this.#packets.peekMode(0)]! : '';
  }

  /** The next datagram's source port (0 when none is queued). */
  peekPort(): number {
    return this.#packets.peekFrom(0);
  }

  /** Removes the next datagram and returns its bytes, or undefined when none is queued. */
  shift(): Uint8Array | undefined {
    const data = this.#packets.shift();
    if (this.#packets.size === 0 && this.#ips.length > 0) this.#forgetAddresses();
    return data;
  }

  clear(): void {
    this.#packets.clear();
    this.#forgetAddresses();
  }

  #id(ip: string): number {
    let id = this.#ids.get(ip);
    if (id === undefined) {
      id = this.#ips.length;
      this.#ids.set(ip, id);
      this.#ips.push(ip);
    }
    return id;
  }

  #forgetAddresses(): void {
    this.#ids.clear();
    this.#ips.length = 0;
  }

  /** Requeues what is queued under a table of only its own addresses. */
  #renumber(): void {
    const old = this.#packets;
    const ips = this.#ips;
    this.#packets = new PacketQueue();
    this.#ips = [];
    this.#ids.clear();
    for (let n = old.size; n > 0; n--) {
      const ip = ips[old.peekMode(0)]!;
      const port = old.peekFrom(0);
      this.#packets.push(old.shift()!, port, this.#id(ip));
    }
  }
}

/** Addresses a DatagramQueue's table holds before it is rebuilt from the queued datagrams. */
const ADDRESS_TABLE_LIMIT = 4096;

/** How a PacketPeerUDP taken from a UDPServer sends and leaves (the server owns the socket). */
export interface SharedSocket {
  send(data: Uint8Array, ip: string, port: number): void;
  localPort(): number;
  remove(peer: PacketPeerUDP): void;
}

/** Options of `new PacketPeerUDP()`; all optional. */
export interface PacketPeerUDPOptions {
  readonly logger?: Logger;
}

/**
 * Godot: PacketPeerUDP (core/io/packet_peer_udp.cpp) on `node:dgram`. `bind` to receive (polled:
 * datagrams wait in a bounded queue until `getPacket()`), `setDestAddress` or `connectToHost` to send,
 * broadcast and multicast. A peer from `UDPServer.takeConnection()` shares the server's socket and
 * receives what the server's `poll()` hands it.
 */
export class PacketPeerUDP extends PacketPeerBase {
  readonly #log: Logger;
  #socket: dgram.Socket | null = null;
  #socketType: 'udp4' | 'udp6' = 'udp4';
  #shared: SharedSocket | null = null;
  #queue = new DatagramQueue();
  #connected = false;
  #destIp = '';
  #destPort = 0;
  #packetIp = '';
  #packetPort = 0;
  #broadcast = false;
  #dropped = false;
  #sendFailed = false;

  constructor(options: PacketPeerUDPOptions = {}) {
    super();
    this.#log = options.logger ?? silentLogger;
  }

  /** @internal A peer on a UDPServer's socket, connected to `ip:port`. Godot: connect_shared_socket */
  static fromServer(shared: SharedSocket, ip: string, port: number, logger: Logger): PacketPeerUDP {
    const peer = new PacketPeerUDP({ logger });
    peer.#shared = shared;
    peer.#connected = true;
    peer.#destIp = ip;
    peer.#destPort = port;
    return peer;
  }

  /** @internal Queues a datagram the server received for this peer. Godot: store_packet */
  storePacket(data: Uint8Array, ip: string, port: number): void {
    this.#store(data, ip, port);
  }

  /**
   * Binds to `port` (0 picks one) on `bindAddress` ('*' for every interface); `recvBufSize` sets the
   * OS receive buffer. Resolves OK, ERR_ALREADY_IN_USE when already bound, ERR_UNAVAILABLE when the
   * address cannot be bound. Divergence from Godot: asynchronous (Node binds asynchronously).
   * Godot: PacketPeerUDP::bind
   */
  async bind(port: number, bindAddress = '*', recvBufSize = PACKET_BUFFER_SIZE): Promise<ErrorCode> {
    if (this.#socket !== null || this.#shared !== null)
      return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_ALREADY_IN_USE, 'The socket is already bound.');
    const problem = localAddressProblem(port, bindAddress);
    if (problem !== null) return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_INVALID_PARAMETER, problem);
    const { type, address } = udpBindTarget(bindAddress);
    const socket = this.#open(type);
    this.#socket = socket;
    const error = await whenListening(socket, (done) => socket.bind({ port, address }, done));
    if (this.#socket !== socket) return ErrorCode.ERR_UNCONFIGURED; // closed while binding
    if (error !== null) {
      this.close();
      return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_UNAVAILABLE, `Cannot bind ${bindAddress}:${port}: ${error.message}`);
    }
    try {
      socket.setRecvBufferSize(recvBufSize);
    } catch (err) {
      this.#log.debug(`PacketPeerUDP: recv_buf_size not applied: ${(err as Error).message}`);
    }
    this.#applyBroadcast();
    return ErrorCode.OK;
  }

  /**
   * Sends to, and receives only from, `host:port` from now on (binding an ephemeral port first when
   * unbound). Godot: PacketPeerUDP::connect_to_host
   */
  connectToHost(host: string, port: number): ErrorCode {
    if (this.#shared !== null)
      return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_LOCKED, 'A UDPServer peer is already connected.');
    const ip = this.#checkAddress(host, port);
    if (typeof ip === 'number') return ip;
    this.#connected = true;
    this.#destIp = ip;
    this.#destPort = port;
    this.#ensureSocket(ip);
    // Godot connects the OS socket; we drop other senders' datagrams here, with the same effect.
    this.#queue.clear();
    return ErrorCode.OK;
  }

  /** Where `putPacket` sends. ERR_UNAVAILABLE on a connected socket. Godot: PacketPeerUDP::set_dest_address */
  setDestAddress(host: string, port: number): ErrorCode {
    if (this.#connected)
      return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_UNAVAILABLE, 'Destination address cannot be set for connected sockets.');
    const ip = this.#checkAddress(host, port);
    if (typeof ip === 'number') return ip;
    this.#destIp = ip;
    this.#destPort = port;
    return ErrorCode.OK;
  }

  /**
   * Sends one datagram to the destination (binding an ephemeral port first when unbound).
   * Divergence from Godot: Node reports send errors asynchronously, so a refused send (a broadcast
   * without `setBroadcastEnabled(true)`, say) returns OK and is logged once.
   * Godot: PacketPeerUDP::put_packet
   */
  putPacket(packet: Uint8Array): ErrorCode {
    if (this.#destPort === 0) return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_UNCONFIGURED, 'Destination address not set.');
    if (packet.length > MAX_DATAGRAM)
      return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_INVALID_PARAMETER, `A datagram carries at most ${MAX_DATAGRAM} bytes.`);
    if (this.#shared !== null) {
      this.#shared.send(packet, this.#destIp, this.#destPort);
      return ErrorCode.OK;
    }
    const socket = this.#ensureSocket(this.#destIp);
    const ip = this.#socketType === 'udp6' ? mappedIp(this.#destIp) : this.#destIp;
    socket.send(Buffer.from(packet), this.#destPort, ip, (err) => {
      if (err && !this.#sendFailed) {
        this.#sendFailed = true;
        this.#log.warn(`PacketPeerUDP: sending to ${this.#destIp}:${this.#destPort} failed: ${err.message}`);
      }
    });
    return ErrorCode.OK;
  }

  /** The next datagram, or ERR_UNAVAILABLE. Godot: PacketPeerUDP::get_packet */
  getPacket(): Uint8Array | ErrorCode {
    const ip = this.#queue.peekIp();
    const port = this.#queue.peekPort();
    const data = this.#queue.shift();
    if (data === undefined) return ErrorCode.ERR_UNAVAILABLE;
    this.#packetIp = ip;
    this.#packetPort = port;
    return data;
  }

  /** Godot: PacketPeerUDP::get_available_packet_count. */
  getAvailablePacketCount(): number {
    return this.#queue.count;
  }

  /** Godot: PacketPeerUDP::get_max_packet_size returns 512 (its comment: "uhm maybe not"); so do we. */
  getMaxPacketSize(): number {
    return 512;
  }

  /** Godot: get_packet_ip. The sender of the last packet returned. */
  getPacketIp(): string {
    return this.#packetIp;
  }

  /** Godot: get_packet_port. */
  getPacketPort(): number {
    return this.#packetPort;
  }

  /** Godot: get_local_port. 0 when not bound. */
  getLocalPort(): number {
    if (this.#shared !== null) return this.#shared.localPort();
    try {
      return this.#socket?.address().port ?? 0;
    } catch {
      return 0; // created, not bound yet
    }
  }

  /** Godot: is_bound. */
  isBound(): boolean {
    return this.#socket !== null || this.#shared !== null;
  }

  /** Godot: is_socket_connected. */
  isSocketConnected(): boolean {
    return this.#connected;
  }

  /** Godot: set_broadcast_enabled. Needed to send to a broadcast address (off by default). */
  setBroadcastEnabled(enabled: boolean): void {
    this.#broadcast = enabled;
    this.#applyBroadcast();
  }

  /**
   * Joins `multicastAddress` on interface `interfaceName` ('' for the default). The socket must be
   * bound. Divergence from Godot: Godot opens an unbound socket here; we return ERR_UNCONFIGURED.
   * Godot: PacketPeerUDP::join_multicast_group
   */
  joinMulticastGroup(multicastAddress: string, interfaceName: string): ErrorCode {
    return this.#membership(multicastAddress, interfaceName, true);
  }

  /** Godot: PacketPeerUDP::leave_multicast_group. */
  leaveMulticastGroup(multicastAddress: string, interfaceName: string): ErrorCode {
    return this.#membership(multicastAddress, interfaceName, false);
  }

  /** Closes the socket (or leaves the UDPServer) and forgets everything. Godot: PacketPeerUDP::close */
  close(): void {
    const socket = this.#socket;
    this.#socket = null;
    if (socket !== null) socket.close();
    const shared = this.#shared;
    this.#shared = null;
    shared?.remove(this);
    this.#queue.clear();
    this.#connected = false;
    this.#destIp = '';
    this.#destPort = 0;
    this.#dropped = false;
    this.#sendFailed = false;
  }

  #store(data: Uint8Array, ip: string, port: number): void {
    if (this.#connected && (ip !== this.#destIp || port !== this.#destPort)) return;
    if (this.#queue.push(data, ip, port)) return;
    if (!this.#dropped) this.#log.warn('PacketPeerUDP: Buffer full, dropping packets!');
    this.#dropped = true;
  }

  #open(type: 'udp4' | 'udp6'): dgram.Socket {
    const socket = dgram.createSocket({ type, ipv6Only: false });
    socket.on('message', (data, rinfo) => {
      if (this.#socket === socket)
        this.#store(new Uint8Array(data.buffer, data.byteOffset, data.length), normalizeAddress(rinfo.address), rinfo.port);
    });
    socket.on('error', (err) => this.#log.warn(`PacketPeerUDP: ${err.message}`));
    socket.on('listening', () => this.#applyBroadcast());
    this.#socketType = type;
    return socket;
  }

  /** The socket, created (and left for Node to bind to an ephemeral port on first send) if needed. */
  #ensureSocket(destIp: string): dgram.Socket {
    this.#socket ??= this.#open(net.isIPv6(destIp) ? 'udp6' : 'udp4');
    return this.#socket;
  }

  #applyBroadcast(): void {
    try {
      this.#socket?.setBroadcast(this.#broadcast);
    } catch {
      // not bound yet: applied on 'listening'
    }
  }

  #membership(group: string, interfaceName: string, join: boolean): ErrorCode {
    if (!isMulticast(group))
      return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_INVALID_PARAMETER, `'${group}' is not a multicast address.`);
    const socket = this.#socket;
    if (socket === null || this.getLocalPort() === 0)
      return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_UNCONFIGURED, 'Bind the socket first.');
    const iface = interfaceName === '' ? undefined : interfaceAddress(interfaceName, group);
    if (iface === null)
      return logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_INVALID_PARAMETER, `No interface '${interfaceName}' for ${group}.`);
    try {
      if (join) socket.addMembership(group, iface);
      else socket.dropMembership(group, iface);
    } catch (err) {
      return logFailure(
        this.#log,
        'PacketPeerUDP',
        ErrorCode.FAILED,
        `${join ? 'Joining' : 'Leaving'} ${group} failed: ${(err as Error).message}`,
      );
    }
    return ErrorCode.OK;
  }

  #checkAddress(host: string, port: number): string | ErrorCode {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      return logFailure(
        this.#log,
        'PacketPeerUDP',
        ErrorCode.ERR_INVALID_PARAMETER,
        'The remote port number must be between 1 and 65535 (inclusive).',
      );
    }
    const ip = typeof host === 'string' ? ipLiteral(host) : null;
    return ip ?? logFailure(this.#log, 'PacketPeerUDP', ErrorCode.ERR_CANT_RESOLVE, `Cannot resolve '${host}'.`);
  }
}
