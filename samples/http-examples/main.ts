/**
 * Godot's two HTTP doc examples, runnable headless against a local server
 * (`node --import tsx samples/http-examples/main.ts …`).
 *
 *   --example client|request|all   the HTTPClient example (a chunked page), the HTTPRequest example
 *                                   (GET a JSON document, POST JSON with headers), or both (default)
 *   --url http://HOST:PORT          use that server instead of starting the local one
 *   --frames N                      give up after N frames (default 600)
 *   --fps F                         frames per second (default 60)
 *
 * Exit code: 0 when every chosen example got its answer, 1 otherwise, 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import { SceneTree } from '../../scenetree/index.js';
import { ExampleServer } from './example-server.js';
import { FrameWaiter } from './frames.js';
import { httpClientExample, type Print } from './http-client-example.js';
import { ReleaseChecker } from './http-request-example.js';

interface Options {
  readonly example: 'client' | 'request' | 'all';
  readonly url: string | undefined;
  readonly frames: number;
  readonly fps: number;
}

/** Runs the examples with command-line arguments; resolves with the exit code. */
export async function main(argv: string[], print: Print = (line) => console.log(line)): Promise<number> {
  const o = parseOptions(argv);
  if (typeof o === 'string') {
    console.error(o);
    return 2;
  }
  const server = o.url === undefined ? new ExampleServer() : null;
  const base = server !== null ? `http://127.0.0.1:${await server.listen(0)}` : o.url!.replace(/\/$/, '');
  const tree = new SceneTree();
  const frames = new FrameWaiter(tree);
  const run = tree.run({ fps: o.fps, frames: o.frames });
  // Out of frames: an example still waiting for one fails instead of waiting forever.
  void run.then(() => frames.stop());
  let ok = true;
  try {
    if (o.example !== 'request') ok = (await runClient(base, frames, print)) && ok;
    if (o.example !== 'client') ok = (await runRequest(base, tree, run, print)) && ok;
  } finally {
    tree.quit(0);
    await run;
    frames.stop();
    await server?.close();
  }
  print(ok ? 'http-examples: OK' : 'http-examples: FAILED');
  return ok ? 0 : 1;
}

async function runClient(base: string, frames: FrameWaiter, print: Print): Promise<boolean> {
  const url = new URL(base);
  const port = url.port === '' ? 80 : Number(url.port);
  try {
    const text = await httpClientExample(url.hostname, port, '/ChangeLog-5.php', frames, print);
    return text.length > 0;
  } catch (err) {
    print(`HTTPClient example failed: ${(err as Error).message}`);
    return false;
  }
}

async function runRequest(base: string, tree: SceneTree, run: Promise<number>, print: Print): Promise<boolean> {
  const checker = new ReleaseChecker(base, print);
  const finished = checker.finished.wait();
  tree.root.addChild(checker);
  const outcome = await Promise.race([finished, run.then(() => null)]);
  if (outcome === null) {
    print('HTTPRequest example: out of frames');
    return false;
  }
  const [name, echoed] = outcome;
  return name !== null && echoed !== null;
}

function parseOptions(argv: string[]): Options | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        example: { type: 'string', default: 'all' },
        url: { type: 'string' },
        frames: { type: 'string', default: '600' },
        fps: { type: 'string', default: '60' },
      },
      strict: true,
    }));
  } catch (err) {
    return (err as Error).message;
  }
  if (values.example !== 'client' && values.example !== 'request' && values.example !== 'all') return `unknown --example "${values.example}"`;
  if (values.url !== undefined && !/^http:\/\/[^/]+/.test(values.url)) return '--url must be http://HOST[:PORT]';
  const frames = Number(values.frames);
  const fps = Number(values.fps);
  if (!(Number.isInteger(frames) && frames > 0)) return `bad --frames ${values.frames}`;
  if (!(fps > 0)) return `bad --fps ${values.fps}`;
  return { example: values.example, url: values.url, frames, fps };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
