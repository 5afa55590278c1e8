import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ExampleServer } from '../../samples/http-examples/example-server.js';
import { main } from '../../samples/http-examples/main.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

t.test('HTTPClient example: connects, sees a chunked response, reads the whole page', async (t) => {
  const lines: string[] = [];
  t.equal(await main(['--example', 'client'], (l) => lines.push(l)), 0, lines.join('\n'));
  t.ok(lines.includes('Connecting...'), 'polled while connecting, one frame at a time');
  t.ok(lines.includes('response? true'));
  t.ok(lines.includes('code: 200'));
  t.ok(lines.includes('Response is Chunked!'));
  t.ok(
    lines.some((l) => l.includes('"X-Seen-User-Agent": "Pirulo/1.0 (Godot)"')),
    'the custom User-Agent reached the server',
  );
  t.ok(lines.includes('bytes got: 88'));
  t.ok(lines.some((l) => l.startsWith('Text: PHP 5 ChangeLog')));
});

t.test('HTTPRequest example: GET a JSON document with a custom header; POST JSON with Content-Type', async (t) => {
  const lines: string[] = [];
  t.equal(await main(['--example', 'request'], (l) => lines.push(l)), 0, lines.join('\n'));
  t.ok(lines.includes('4.3-stable'), 'printed json["name"]');
  t.ok(lines.includes('POST answered 200: {"received":{"name":"Godette","score":42},"contentType":"application/json"}'));
});

t.test('main: against a server given with --url; out of frames exits 1; bad arguments exit 2', async (t) => {
  const server = new ExampleServer();
  const port = await server.listen(0);
  t.teardown(() => server.close());
  const lines: string[] = [];
  t.equal(await main(['--url', `http://127.0.0.1:${port}`], (l) => lines.push(l)), 0, lines.join('\n'));
  t.equal(await main(['--example', 'client', '--frames', '1'], () => {}), 1, 'one frame is not enough');
  t.equal(await main(['--example', 'nope'], () => {}), 2);
  t.equal(await main(['--url', 'ftp://x'], () => {}), 2);
});

t.test('main: runs as its own process', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'samples/http-examples/main.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 0, out);
  t.match(out, /http-examples: OK/);
});
