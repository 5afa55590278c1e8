import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '../core/index.js';
import type { ServerMetrics } from './metrics.js';
import { monitorPage } from './monitor-page.js';

/** Options of the metrics endpoint. */
export interface MetricsHttpOptions {
  /** Required on every request (`?token=` or `Authorization: Bearer`); default: 24 random bytes, hex. */
  readonly token?: string;
}

/**
 * The admin HTTP endpoint of a game server: `/metrics` (Prometheus text, rendered by prom-client),
 * `/metrics.json` and `/monitor` (the live page). Every path needs the token: without it the answer
 * is 401 and carries no data.
 */
export class MetricsHttpServer {
  readonly token: string;
  readonly #metrics: ServerMetrics;
  readonly #server: Server;
  #port = 0;

  constructor(metrics: ServerMetrics, options: MetricsHttpOptions = {}) {
    this.#metrics = metrics;
    this.token = options.token ?? randomBytes(24).toString('hex');
    if (this.token.length === 0) throw new RangeError('The metrics token may not be empty.');
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('clientError', (_err, socket) => socket.destroy());
  }

  /** Listens on `host:port` (0 picks a free port); resolves OK or ERR_CANT_CREATE. */
  listen(port: number, host = '127.0.0.1'): Promise<ErrorCode> {
    return new Promise((resolve) => {
      const onError = (): void => resolve(ErrorCode.ERR_CANT_CREATE);
      this.#server.once('error', onError);
      this.#server.listen({ port, host }, () => {
        this.#server.off('error', onError);
        this.#port = (this.#server.address() as AddressInfo).port;
        resolve(ErrorCode.OK);
      });
    });
  }

  get port(): number {
    return this.#port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#server.listening) return resolve();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'method not allowed\n');
    if (!this.#authorized(req, url))
      return reply(res, 401, 'text/plain', 'unauthorized: pass ?token= or Authorization: Bearer\n', { 'www-authenticate': 'Bearer' });
    try {
      switch (url.pathname) {
        case '/metrics':
          return reply(res, 200, this.#metrics.registry.contentType, await this.#metrics.metrics());
        case '/metrics.json':
          return reply(res, 200, 'application/json', JSON.stringify(this.#metrics.snapshot()));
        case '/monitor': {
          const nonce = randomBytes(16).toString('base64');
          const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'`;
          return reply(res, 200, 'text/html; charset=utf-8', monitorPage(nonce), {
            'content-security-policy': csp,
            'referrer-policy': 'no-referrer',
          });
        }
        default:
          return reply(res, 404, 'text/plain', 'not found\n');
      }
    } catch (err) {
      return reply(res, 500, 'text/plain', `error: ${(err as Error).message}\n`);
    }
  }

  #authorized(req: IncomingMessage, url: URL): boolean {
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function reply(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
}
