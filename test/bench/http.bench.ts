/**
 * Requests per second against a local Node http server (same process, loopback, keep-alive), one
 * request at a time, for: HTTPClient reusing one connection, the HTTPRequest node (a new connection
 * per request, as in Godot), and the baselines measured in the same run: Node's own `fetch`
 * (undici, pooled keep-alive) and `http.request` with a keep-alive Agent.
 *
 *   npx tsx test/bench/http.bench.ts [seconds per case, default 3]
 */
import http from 'node:http';
import type net from 'node:net';
import { HTTPClient, HTTPRequest, Method, Result, Status } from '../../plugins/http/index.js';
import { SceneTree } from '../../scenetree/index.js';

const seconds = Number(process.argv[2] ?? 3);
const body = 'x'.repeat(256);
const server = http.createServer((_req, res) => res.end(body));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as net.AddressInfo).port;
const url = `http://127.0.0.1:${port}/bench`;

function tick(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Runs `one()` back to back for `seconds`; returns requests per second. */
async function measure(one: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 50; i++) await one(); // warm-up
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < seconds * 1000) {
    await one();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

async function benchHttpClient(): Promise<number> {
  const client = new HTTPClient();
  client.connectToHost('127.0.0.1', port);
  while (client.getStatus() !== Status.CONNECTED) {
    client.poll();
    await tick();
  }
  const rps = await measure(async () => {
    if (client.request(Method.GET, '/bench') !== 0) throw new Error('request refused');
    let got = 0;
    for (;;) {
      client.poll();
      const status = client.getStatus();
      if (status === Status.BODY) got += client.readResponseBodyChunk().length;
      else if (status === Status.CONNECTED && got === body.length) return;
      else if (status !== Status.REQUESTING && status !== Status.CONNECTED) throw new Error(`status ${status}`);
      await tick();
    }
  });
  client.close();
  return rps;
}

async function benchHttpRequest(): Promise<number> {
  const tree = new SceneTree();
  const node = new HTTPRequest('Bench');
  tree.root.addChild(node);
  let done = false;
  node.requestCompleted.connect((result, _code, _h, b) => {
    if (result !== Result.SUCCESS || b.length !== body.length) throw new Error(`result ${result}`);
    done = true;
  });
  return measure(async () => {
    done = false;
    node.request(url);
    while (!done) {
      tree.processFrame(0);
      if (!done) await tick();
    }
  });
}

async function benchFetch(): Promise<number> {
  return measure(async () => {
    const res = await fetch(url);
    if ((await res.text()).length !== body.length) throw new Error('short body');
  });
}

async function benchNodeHttp(): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const rps = await measure(
    () =>
      new Promise<void>((resolve, reject) => {
        http
          .get(url, { agent }, (res) => {
            res.resume();
            res.on('end', resolve);
          })
          .on('error', reject);
      }),
  );
  agent.destroy();
  return rps;
}

const rows: Array<[string, number]> = [];
rows.push(['fetch (undici, keep-alive)        [baseline]', await benchFetch()]);
rows.push(['http.request + keep-alive Agent   [baseline]', await benchNodeHttp()]);
rows.push(['HTTPClient (keep-alive, polled)', await benchHttpClient()]);
rows.push(['HTTPRequest (new connection each)', await benchHttpRequest()]);
server.closeAllConnections();
server.close();

const base = rows[0]![1];
console.log(`http.bench: sequential GETs of ${body.length} B on loopback, ${seconds} s per case (npx tsx test/bench/http.bench.ts)`);
for (const [name, rps] of rows)
  console.log(`  ${name.padEnd(46)} ${rps.toFixed(0).padStart(7)} req/s  (${(rps / base).toFixed(2)}x fetch)`);
