import { ErrorCode, type MultiplayerPeer } from '../../core/index.js';

/** Socket transports the lobby can run on. */
export type SocketTransportName = 'ws' | 'enet';

/** How the lobby makes a server and clients of one transport. */
export interface SocketTransport {
  createServer(port: number, maxClients: number): Promise<{ peer: MultiplayerPeer; port: number; err: ErrorCode }>;
  createClient(address: string): { peer: MultiplayerPeer; err: ErrorCode };
}

/** Loads a transport plugin on demand (so the loopback demo never loads socket code). */
export async function socketTransport(name: SocketTransportName): Promise<SocketTransport> {
  if (name === 'ws') {
    const { WebSocketMultiplayerPeer } = await import('../../plugins/websocket/index.js');
    return {
      async createServer(port) {
        const peer = new WebSocketMultiplayerPeer();
        const err = await peer.createServer(port, '127.0.0.1');
        return { peer, port: peer.getLocalPort(), err };
      },
      createClient(address) {
        const peer = new WebSocketMultiplayerPeer();
        return { peer, err: peer.createClient(`ws://${address}`) };
      },
    };
  }
  const { ENetMultiplayerPeer } = await import('../../plugins/enet/index.js');
  return {
    async createServer(port, maxClients) {
      const peer = new ENetMultiplayerPeer();
      peer.setBindIp('127.0.0.1');
      const err = await peer.createServer(port, maxClients);
      return { peer, port: peer.getLocalPort(), err };
    },
    createClient(address) {
      const peer = new ENetMultiplayerPeer();
      const colon = address.lastIndexOf(':');
      return { peer, err: peer.createClient(address.slice(0, colon), Number(address.slice(colon + 1))) };
    },
  };
}
