import { netModuleFor } from './net-module-for.js';
import { PacketPeerUDP } from './packet-peer-udp.js';
import { StreamPeerTCP } from './stream-peer-tcp.js';
import { StreamPeerTLS } from './stream-peer-tls.js';
import { TCPServer } from './tcp-server.js';
import { UDPServer } from './udp-server.js';

/** Registers StreamPeerTCP, StreamPeerTLS, TCPServer, PacketPeerUDP and UDPServer (Node sockets). */
export const netModule = netModuleFor({ StreamPeerTCP, StreamPeerTLS, TCPServer, PacketPeerUDP, UDPServer });
