import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { ErrorCode } from '../../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { SceneTree } from '../../../scenetree/index.js';
import { openPage, serveFiles } from '../../helpers/browser.js';
import { Chat } from '../../helpers/websocket-chat-node.js';
import { pollUntil } from '../../helpers/websocket-poll.js';

// Headless Debian chromium joins a Node WebSocketMultiplayerPeer server with the browser build of the
// plugin (the `browser` entry, native WebSocket), and the two exchange RPCs through SceneMultiplayer.
t.test('browser: chromium joins a Node server through index.browser.ts and RPCs flow both ways', async (t) => {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('../../helpers/websocket-browser-page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    metafile: true,
  });
  const inputs = Object.keys(bundle.metafile.inputs);
  t.notOk(
    inputs.some((i) => i.includes('node_modules/ws/') || i.startsWith('node:') || i.includes('ws-backend')),
    'no ws, no node:* on the browser path',
  );
  const files = {
    '/index.html': '<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>',
    '/page.js': bundle.outputFiles[0]!.text,
    '/favicon.ico': new Uint8Array(0),
  };
  const http = await serveFiles(files);
  t.teardown(() => http.close());

  const tree = new SceneTree();
  const chat = new Chat();
  tree.root.addChild(chat);
  const peer = new WebSocketMultiplayerPeer();
  t.teardown(() => peer.close());
  t.equal(await peer.createServer(0, '127.0.0.1'), ErrorCode.OK);
  tree.getMultiplayer().multiplayerPeer = peer;
  const joined: number[] = [];
  tree.getMultiplayer().peerConnected.connect((id) => joined.push(id));
  const frames = { poll: () => tree.processFrame(1 / 60) };

  const page = await openPage(`${http.url}/index.html?server=ws://127.0.0.1:${peer.getLocalPort()}`);
  t.teardown(() => page.close());
  t.equal(await page.waitForConsole((l) => l.startsWith('create ')), 'create 0 true', 'createClient OK, CONNECTING');

  await pollUntil([frames], () => chat.heard.length >= 1, 15000);
  const browserId = joined[0]!;
  t.equal(joined.length, 1);
  t.same(chat.heard[0], { method: 'say', text: 'hello from chromium', sender: browserId }, 'browser → node RPC, sender is the browser');
  const line = await page.waitForConsole((l) => l.startsWith('connected id='));
  t.equal(line, `connected id=${browserId}`, 'the browser learnt the id the server assigned');

  t.equal(chat.rpcId(browserId, 'reply', 'hello from node'), ErrorCode.OK);
  const heard = page.waitForConsole((l) => l.startsWith('heard reply'));
  await pollUntil([frames], () => chat.heard.length >= 2, 15000);
  t.equal(await heard, 'heard reply from 1: hello from node', 'node → browser RPC, sender is 1');
  t.same(chat.heard[1], { method: 'say', text: 'thanks', sender: browserId });

  peer.disconnectPeer(browserId);
  await pollUntil([frames], () => page.console.includes('done'), 15000);
  t.ok(page.console.includes('server disconnected'), 'the browser saw the server leave');
  t.same(
    page.console.filter((l) => l.startsWith('pageerror') || l.startsWith('error')),
    [],
    'no page errors',
  );
});
