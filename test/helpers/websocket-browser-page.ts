/**
 * The page script of test/plugins/websocket/browser.test.ts (bundled for the browser, not a test file): a SceneTree whose
 * SceneMultiplayer runs on the browser build of WebSocketMultiplayerPeer (native WebSocket). It joins
 * the server given in `?server=`, calls `say` on the server, and logs what comes back.
 */
import { ConnectionStatus } from '../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.browser.js';
import { SceneTree } from '../../scenetree/index.js';
import { Chat } from './websocket-chat-node.js';

const server = new URLSearchParams(location.search).get('server') ?? '';
const tree = new SceneTree();
const chat = new Chat();
tree.root.addChild(chat);
const peer = new WebSocketMultiplayerPeer();
console.log(`create ${peer.createClient(server)} ${peer.getConnectionStatus() === ConnectionStatus.CONNECTING}`);
tree.getMultiplayer().multiplayerPeer = peer;
let reported = 0;
const mp = tree.getMultiplayer();
mp.connectedToServer.connect(() => {
  console.log(`connected id=${mp.getUniqueId()}`);
  console.log(`rpc ${chat.rpcId(1, 'say', `hello from ${navigator.userAgent.includes('Chrome') ? 'chromium' : 'browser'}`)}`);
});
mp.serverDisconnected.connect(() => console.log('server disconnected'));
const timer = setInterval(() => {
  tree.processFrame(1 / 60);
  while (reported < chat.heard.length) {
    const h = chat.heard[reported++]!;
    console.log(`heard ${h.method} from ${h.sender}: ${h.text}`);
    if (h.method === 'reply') {
      chat.rpcId(1, 'say', 'thanks');
    }
  }
  if (peer.getConnectionStatus() === ConnectionStatus.DISCONNECTED && reported > 0) {
    clearInterval(timer);
    console.log('done');
  }
}, 5);
