import { pathToFileURL } from 'node:url';
import { ContainerModule } from 'inversify';
import { type ErrorCode, TOKENS, createContainer, type MultiplayerPeer, type PeerFactory } from '../../core/index.js';

/** Socket transports the lobby can run on. */
export type SocketTransportName = 'ws' | 'enet';

/** How the lobby makes a server and clients of one transport. */
export interface SocketTransport {
  createServer(port: number, maxClients: number): Promise<{ peer: MultiplayerPeer; port: number; err: ErrorCode }>;
  createClient(address: string): { peer: MultiplayerPeer; err: ErrorCode };
}

/**
 * A plugin transport from a module file (`--transport-module <path>`): its default export is the
 * plugin's ContainerModule, and `name` picks its PeerFactory. Its peers follow the common socket
 * shape: `createServer(port, bindAddress)` (may be async), `createClient(host, port)`, `getLocalPort()`.
 */
interface SocketPeer extends MultiplayerPeer {
  createServer(port: number, bindAddress: string): ErrorCode | Promise<ErrorCode>;
  createClient(host: string, port: number): ErrorCode;
  getLocalPort(): number;
}

export async function moduleTransport(path: string, name: string): Promise<SocketTransport> {
  const plugin = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
  if (!(plugin instanceof ContainerModule)) throw new Error(`${path}: its default export is not a ContainerModule`);
  const factories = createContainer(plugin).getAll<PeerFactory>(TOKENS.PeerFactory);
  const factory = factories.find((f) => f.name === name);
  if (factory === undefined) throw new Error(`${path} has no "${name}" transport (it has: ${factories.map((f) => f.name).join(', ')})`);
  const create = (): SocketPeer => factory.create() as SocketPeer;
  return {
    async createServer(port) {
      const peer = create();
      const err = await peer.createServer(port, '127.0.0.1');
      return { peer, port: peer.getLocalPort(), err };
    },
    createClient(address) {
      const peer = create();
      const colon = address.lastIndexOf(':');
      return { peer, err: peer.createClient(address.slice(0, colon), Number(address.slice(colon + 1))) };
    },
  };
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
