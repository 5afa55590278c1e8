/**
 * The mesh client in a browser page: the same `MeshClient` on the browser's WebSocket and
 * RTCPeerConnection. Bundle this file for a page (esbuild/tsup, platform browser) and open it with
 * `?url=ws://HOST:PORT&lobby=CODE&expect=N&name=NAME`. It logs to the console; the last line is
 * `[NAME] done: …` once the whole mesh has exchanged its RPCs, or `[NAME] NOT done: …` on timeout.
 */
import { WebRTCMultiplayerPeer, WebRTCPeerConnection } from '../../plugins/webrtc/index.browser.js';
import { WebSocketPeer } from '../../plugins/websocket/index.browser.js';
import { MeshClient, type MeshPlatform } from './mesh-client.js';

/** The browser's classes for the mesh client. */
export const browserPlatform: MeshPlatform = {
  createSocket: () => new WebSocketPeer(),
  createConnection: () => new WebRTCPeerConnection(),
  createMultiplayerPeer: () => new WebRTCMultiplayerPeer(),
};

/** What the page was asked to do. */
export interface BrowserPeerOptions {
  readonly url: string;
  readonly lobby: string;
  readonly expect: number;
  readonly name: string;
  readonly fps?: number;
  readonly timeoutMs?: number;
}

/** Joins the lobby and runs frames until done (then lingers half a second and leaves) or the timeout. */
export function runBrowserPeer(options: BrowserPeerOptions, print: (line: string) => void = (l) => console.log(l)): Promise<boolean> {
  const client = new MeshClient(browserPlatform, { name: options.name, print });
  client.start(options.url, options.lobby);
  const fps = options.fps ?? 60;
  const deadline = performance.now() + (options.timeoutMs ?? 30_000);
  let doneAt = -1;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      client.frame(1 / fps);
      const now = performance.now();
      if (doneAt < 0 && client.isDone(options.expect)) {
        doneAt = now;
        print(`[${options.name}] done: ${client.stats()}`);
      }
      if ((doneAt >= 0 && now - doneAt > 500) || (doneAt < 0 && now > deadline)) {
        clearInterval(timer);
        if (doneAt < 0) print(`[${options.name}] NOT done: ${client.stats()}`);
        client.close();
        resolve(doneAt >= 0);
      }
    }, 1000 / fps);
  });
}

const params = typeof location === 'undefined' ? null : new URLSearchParams(location.search);
if (params?.has('url')) {
  void runBrowserPeer({
    url: params.get('url')!,
    lobby: params.get('lobby') ?? '',
    expect: Number(params.get('expect') ?? '2'),
    name: params.get('name') ?? 'browser',
  });
}
