import { fileURLToPath } from 'node:url';
import t from 'tap';
import { MeshClient } from '../../../samples/webrtc-signaling/mesh-client.js';
import { nodePlatform } from '../../../samples/webrtc-signaling/main.js';
import { SignalingServer } from '../../../samples/webrtc-signaling/signaling-server.js';
import { bundleForBrowser, openScriptPage } from '../../helpers/webrtc-browser.js';

const ENTRY = fileURLToPath(new URL('../../../samples/webrtc-signaling/browser.ts', import.meta.url));
const EXPECT = 3;

t.test('headless chromium joins a mesh with two Node peers: RPCs flow between all three pairs, reliable and unreliable', async (t) => {
  const server = new SignalingServer();
  const port = await server.listen(0);
  const url = `ws://127.0.0.1:${port}`;
  const lines: string[] = [];
  const rtcConfig = { iceServers: [], bindAddress: '127.0.0.1' };
  const nodes = ['node1', 'node2'].map((name) => new MeshClient(nodePlatform, { name, rtcConfig, print: (l) => lines.push(l) }));
  let page: Awaited<ReturnType<typeof openScriptPage>> | null = null;
  t.teardown(async () => {
    for (const n of nodes) n.close();
    await page?.close();
    await server.close();
  });
  const script = await bundleForBrowser(ENTRY);

  let running = true;
  const doneAt = new Map<MeshClient, number>();
  const loop = (async () => {
    while (running) {
      for (const n of nodes) {
        n.frame(1 / 60);
        if (!doneAt.has(n) && n.isDone(EXPECT)) doneAt.set(n, Date.now());
      }
      await new Promise((resolve) => setTimeout(resolve, 16));
    }
  })();

  nodes[0]!.start(url, '');
  for (let i = 0; nodes[0]!.lobby === '' && i < 500; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  t.not(nodes[0]!.lobby, '', 'node1 created a lobby');
  nodes[1]!.start(url, nodes[0]!.lobby);
  page = await openScriptPage(
    script,
    new URLSearchParams({ url, lobby: nodes[0]!.lobby, expect: String(EXPECT), name: 'browser' }).toString(),
  );
  const verdict = await page.waitForConsole((l) => /^\[browser\] (NOT )?done/.test(l), 60_000);
  // The browser stays half a second after it is done; so do the Node peers here.
  for (let i = 0; doneAt.size < nodes.length && i < 1000; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 500));
  running = false;
  await loop;

  t.match(
    verdict,
    /^\[browser\] done: peers 2, hellos 2, pings 2$/,
    'browser: connected to both Node peers, got a reliable hello and an unreliable ping from each',
  );
  t.notOk(
    page.console.some((l) => l.startsWith('pageerror') || l.startsWith('error')),
    'no errors in the page',
    { console: page.console },
  );
  const browserId = Number(
    page.console
      .find((l) => l.startsWith('[browser] my id is'))
      ?.split(' ')
      .pop(),
  );
  t.ok(browserId > 1, `the browser got a peer id (${browserId})`);
  for (const n of nodes) {
    t.ok(doneAt.has(n), `${n.name}: done`, { lines: lines.filter((l) => l.startsWith(`[${n.name}]`)) });
    t.equal(n.game.hellos.get(browserId), 'browser', `${n.name}: reliable hello from the browser`);
    t.ok(n.game.pings.has(browserId), `${n.name}: unreliable ping from the browser`);
    const other = nodes.find((o) => o !== n)!;
    t.equal(n.game.hellos.get(other.id), other.name, `${n.name}: reliable hello from ${other.name}`);
    t.ok(n.game.pings.has(other.id), `${n.name}: unreliable ping from ${other.name}`);
  }
  for (const node of nodes) {
    t.ok(page.console.includes(`[browser] hello from ${node.name} (${node.id})`), `browser: hello from ${node.name}`);
    t.ok(page.console.includes(`[browser] ping from ${node.id}`), `browser: ping from ${node.name}`);
  }
});
