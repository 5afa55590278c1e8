/** SceneTree helpers for HTTPRequest tests (not a test file). */
import { ManualClock } from '../../../core/index.js';
import type { HTTPRequestBase, Result } from '../../../plugins/http/index.js';
import { SceneTree } from '../../../scenetree/index.js';
import { tick, type Teardown } from './servers.js';

/** What `requestCompleted` carried. */
export interface Completed {
  readonly result: Result;
  readonly code: number;
  readonly headers: string[];
  readonly body: Uint8Array;
  readonly text: string;
}

/** A tree on a manual clock holding `node`; torn down with the test. */
export function treeWith<T extends HTTPRequestBase>(t: Teardown, node: T): { tree: SceneTree; clock: ManualClock; node: T } {
  const clock = new ManualClock();
  const tree = new SceneTree({ clock });
  tree.root.addChild(node);
  t.teardown(() => {
    node.cancelRequest();
    if (node.isInsideTree()) tree.root.removeChild(node);
  });
  return { tree, clock, node };
}

/** Runs frames (with a turn of the event loop between them) until `requestCompleted` fires. */
export async function completion(tree: SceneTree, node: HTTPRequestBase, timeoutMs = 5000): Promise<Completed> {
  let done: Completed | null = null;
  const off = node.requestCompleted.connect((result, code, headers, body) => {
    done = { result, code, headers, body, text: Buffer.from(body).toString('utf8') };
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (done === null) {
      tree.processFrame(1 / 60);
      if (done !== null) break;
      if (Date.now() > deadline) throw new Error('requestCompleted did not fire in time');
      await tick();
    }
  } finally {
    off();
  }
  return done;
}

/** First value of header `name` (case-insensitive) in Godot-style lines. */
export function header(headers: readonly string[], name: string): string | undefined {
  const line = headers.find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(line.indexOf(':') + 1).trim();
}
