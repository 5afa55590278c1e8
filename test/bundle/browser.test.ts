import t from 'tap';
import { ErrorCode } from '../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { SceneTree } from '../../scenetree/index.js';
import { openPage, serveFiles } from '../helpers/browser.js';
import { Chat } from '../helpers/websocket-chat-node.js';
import { pollUntil } from '../helpers/websocket-poll.js';
import { BUDGETS, buildBudget } from './build.js';

// Headless Chromium runs the budgeted WebSocket client as size-limit measures it (one minified
// bundle, not the sources) and makes an RPC round trip with a Node server.
t.test('bundle: the budgeted WebSocket client, minified, makes an RPC round trip with a Node server', async (t) => {
  const { code } = await buildBudget(BUDGETS.find((b) => b.path === 'test/bundle/ws-client.ts')!);
  const http = await serveFiles({
    '/index.html': '<!doctype html><meta charset="utf-8"><script type="module" src="/client.js"></script>',
    '/client.js': code,
    '/favicon.ico': new Uint8Array(0),
  });
  t.teardown(() => http.close());

  const tree = new SceneTree();
  const chat = new Chat();
  tree.root.addChild(chat);
  const peer = new WebSocketMultiplayerPeer();
  t.teardown(() => peer.close());
  t.equal(await peer.createServer(0, '127.0.0.1'), ErrorCode.OK);
  tree.getMultiplayer().multiplayerPeer = peer;
  const frames = { poll: () => tree.processFrame(1 / 60) };

  const page = await openPage(`${http.url}/index.html?server=ws://127.0.0.1:${peer.getLocalPort()}`);
  t.teardown(() => page.close());
  await pollUntil([frames], () => chat.heard.length >= 1, 30_000);
  const browserId = chat.heard[0]!.sender;
  t.same(chat.heard[0], { method: 'say', text: 'hello from chromium', sender: browserId }, 'browser → node RPC');
  t.equal(chat.rpcId(browserId, 'reply', 'hello from node'), ErrorCode.OK);
  await pollUntil([frames], () => chat.heard.length >= 2, 30_000);
  t.equal(await page.waitForConsole((l) => l.startsWith('heard reply')), 'heard reply from 1: hello from node', 'node → browser RPC');
  t.same(chat.heard[1], { method: 'say', text: 'thanks', sender: browserId }, 'and the browser answered');
  t.same(
    page.console.filter((l) => l.startsWith('pageerror') || l.startsWith('error')),
    [],
    'no page errors',
  );
});
