import { netModuleFor } from './net-module-for.js';
import { PacketPeerUDP, StreamPeerTCP, StreamPeerTLS, TCPServer, UDPServer } from './net-unavailable.js';

/** The browser build's netModule: binds the stand-ins (every socket operation is ERR_UNAVAILABLE). */
export const netModule = netModuleFor({ StreamPeerTCP, StreamPeerTLS, TCPServer, PacketPeerUDP, UDPServer });
