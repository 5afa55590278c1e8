/** Runs in headless Chromium (bundled by browser-chromium.test.ts): the browser build's HTTPRequest on fetch. */
import { HTTPClient, HTTPRequest, Method } from '../../../plugins/http/index.browser.js';
import { SceneTree } from '../../../scenetree/index.js';

const tree = new SceneTree();
const http = new HTTPRequest('HTTPRequest');
tree.root.addChild(http);

async function ask(url: string, headers: string[] = [], method: Method = Method.GET, body = ''): Promise<unknown> {
  let done: unknown = null;
  const off = http.requestCompleted.connect((result, code, h, b) => {
    done = { result, code, text: new TextDecoder().decode(b), type: h.find((l) => l.startsWith('content-type:')) ?? null };
  });
  const err = http.request(url, headers, method, body);
  while (done === null) {
    tree.processFrame(1 / 60);
    if (done === null) await new Promise((r) => setTimeout(r, 0));
  }
  off();
  return { err, ...(done as object) };
}

const out: Record<string, unknown> = {};
out.json = await ask(`${location.origin}/api/json`);
out.post = await ask(`${location.origin}/api/echo`, ['Content-Type: application/json', 'X-Token: abc'], Method.POST, '{"a":1}');
out.gzip = await ask(`${location.origin}/api/gzip`);
out.redirect = await ask(`${location.origin}/api/redirect`);
out.missing = await ask(`${location.origin}/api/missing`);
http.downloadFile = 'x.bin';
out.download = await ask(`${location.origin}/api/json`);
http.downloadFile = '';
out.refused = await ask('http://127.0.0.1:9/');
out.client = new HTTPClient().connectToHost('127.0.0.1', 80);
console.log(`result ${JSON.stringify(out)}`);
