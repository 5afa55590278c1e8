import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ErrorCode } from '../core/index.js';

/** An upgrade request as Node's HTTP server hands it over. */
export interface UpgradeArgs {
  readonly request: IncomingMessage;
  readonly socket: Socket;
  readonly head: Buffer;
}

/** What the front door does with each kind of request. */
export interface HttpFrontHandlers {
  upgrade(args: UpgradeArgs): void;
  /** Plain HTTP requests; by default 426 Upgrade Required. */
  request?(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * One HTTP server on one port: the game server's front door. WebSocket upgrades go to `upgrade`
 * (which routes them to a room, or refuses them with a close code); plain requests to `request`.
 */
export class HttpFront {
  readonly #server: Server;
  /** Completes handshakes that are refused, so the refusal can carry a WebSocket close code. */
  readonly #refuser = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false, maxPayload: 1024 });
  #port = 0;
  /** Every connection this port accepted and that is still open (upgraded ones included). */
  readonly #sockets = new Set<Socket>();

  constructor(handlers: HttpFrontHandlers) {
    this.#server = createServer((req, res) => {
      if (handlers.request !== undefined) return handlers.request(req, res);
      res.writeHead(426, { connection: 'close', 'content-type': 'text/plain' }).end('WebSocket only\n');
    });
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    this.#server.on('clientError', (_err, socket) => socket.destroy());
    this.#server.on('upgrade', (request: IncomingMessage, socket: Socket, head: Buffer) => {
      // Errors on a socket nobody owns yet must not crash the process.
      socket.on('error', () => socket.destroy());
      handlers.upgrade({ request, socket, head });
    });
  }

  /** Listens on `host:port` (0 picks a free port); resolves OK, or ERR_CANT_CREATE with the reason logged by the caller. */
  listen(port: number, host: string): Promise<{ error: ErrorCode; message: string }> {
    return new Promise((resolve) => {
      const onError = (err: Error): void => resolve({ error: ErrorCode.ERR_CANT_CREATE, message: err.message });
      this.#server.once('error', onError);
      this.#server.listen({ port, host }, () => {
        this.#server.off('error', onError);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve({ error: ErrorCode.OK, message: '' });
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  /** Completes the handshake and closes at once with `code` and `reason`: how a join is refused. */
  refuse({ request, socket, head }: UpgradeArgs, code: number, reason: string): void {
    if (socket.destroyed) return;
    this.#refuser.handleUpgrade(request, socket, head, (ws) => ws.close(code, reason));
  }

  /** Completes the handshake and hands the open WebSocket to `take` (for a service speaking its own protocol). */
  handOver({ request, socket, head }: UpgradeArgs, server: WebSocketServer, take: (ws: WebSocket) => void): void {
    if (socket.destroyed) return;
    server.handleUpgrade(request, socket, head, take);
  }

  /**
   * Destroys every connection still open (the end of a drain: whatever did not finish its closing
   * handshake within the grace, e.g. a peer that never answers a close frame, must not keep the
   * process alive).
   */
  destroyConnections(): void {
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  /** Stops listening; open connections stay (the rooms own them) until `destroyConnections`. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
      this.#server.closeIdleConnections();
    });
  }
}
