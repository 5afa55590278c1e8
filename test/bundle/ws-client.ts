/**
 * The WebSocket client budget (≤ 30 KB gzipped, .size-limit.js): the Chromium page of
 * test/plugins/websocket/browser.test.ts (SceneTree + SceneMultiplayer + the browser WebSocketMultiplayerPeer
 * making RPCs), measured as a whole program and loaded bundled by test/bundle/browser.test.ts.
 */
import '../helpers/websocket-browser-page.js';
