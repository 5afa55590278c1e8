import http from 'node:http';
import type net from 'node:net';

/** The pages the two Godot examples ask for, served locally (the docs use www.php.net and api.github.com). */
export class ExampleServer {
  #server: http.Server | null = null;

  /** Listens on 127.0.0.1 (port 0: any free one); resolves with the port. */
  async listen(port = 0): Promise<number> {
    const server = http.createServer((req, res) => route(req, res));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    this.#server = server;
    return (server.address() as net.AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const CHANGELOG = ['PHP 5 ChangeLog\n', 'Version 5.6.40\n', '  - Fixed bug #77369\n', 'Version 5.6.39\n', '  - Fixed bug #77020\n'];

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/ChangeLog-5.php') {
    // Chunked, as the page in Godot's HTTPClient example was: written piece by piece, no length.
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=ascii', 'X-Seen-User-Agent': req.headers['user-agent'] ?? '' });
    let i = 0;
    const next = (): void => {
      if (i < CHANGELOG.length) res.write(CHANGELOG[i++]!, () => setTimeout(next, 2));
      else res.end();
    };
    return next();
  }
  if (req.url === '/repos/godotengine/godot/releases/latest' && req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return void res.end(JSON.stringify({ name: '4.3-stable', tag_name: '4.3-stable', asked_by: req.headers['user-agent'] ?? '' }));
  }
  if (req.url === '/post' && req.method === 'POST') {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    return void req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ received: safeJson(body), contentType: req.headers['content-type'] ?? '' }));
    });
  }
  res.writeHead(404, { 'Content-Type': 'text/plain' });
  res.end('not found');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
