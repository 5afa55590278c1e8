/**
 * Godot's two HTTP doc examples, runnable headless against a local server (`npx scenenet http …` or
 * `node --import tsx samples/http-examples/main.ts …`). Every option, its default and an example:
 * `npx scenenet http --help`.
 */
import { choiceOption, defineCommand, integerOption, positiveOption, runCommand, UsageError } from '../../cli/index.js';
import { SceneTree } from '../../scenetree/index.js';
import { ExampleServer } from './example-server.js';
import { FrameWaiter } from './frames.js';
import { httpClientExample, type Print } from './http-client-example.js';
import { ReleaseChecker } from './http-request-example.js';

export const HTTP_COMMAND = defineCommand({
  name: 'http',
  description: `Godot's two HTTP doc examples: the HTTPClient example (a chunked page, polled by hand) and the
HTTPRequest example (GET a JSON document, POST JSON with headers), against a local server started
for the run (or the server at --url).
Exit code: 0 when every chosen example got its answer, 1 otherwise (or 0 on SIGINT/SIGTERM), 2 for
bad arguments.`,
  options: {
    example: { type: 'string', value: 'client|request|all', default: 'all', help: 'which example to run', example: '--example client' },
    url: {
      type: 'string',
      value: 'http://HOST:PORT',
      defaultText: 'a local server started for the run',
      help: 'use that server instead',
      example: '--url http://127.0.0.1:8080',
    },
    frames: { type: 'string', value: 'N', default: '600', help: 'give up after N frames', example: '--frames 1200' },
    fps: { type: 'string', value: 'F', default: '60', help: 'frames per second', example: '--fps 30' },
  },
  examples: ['scenenet http', 'scenenet http --example request'],
});

interface Options {
  readonly example: 'client' | 'request' | 'all';
  readonly url: string | undefined;
  readonly frames: number;
  readonly fps: number;
}

/** Runs the examples with command-line arguments; resolves with the exit code. */
export function main(argv: string[], print: Print = (line) => console.log(line)): Promise<number> {
  return runCommand(HTTP_COMMAND, argv, async (values, stop) => {
    if (values.url !== undefined && !/^http:\/\/[^/]+/.test(values.url)) throw new UsageError('--url must be http://HOST[:PORT]');
    const o: Options = {
      example: choiceOption(values.example, 'example', ['client', 'request', 'all']),
      url: values.url,
      frames: integerOption(values.frames, 'frames', 1),
      fps: positiveOption(values.fps, 'fps'),
    };
    return runExamples(o, stop, print);
  });
}

async function runExamples(o: Options, stop: AbortSignal, print: Print): Promise<number> {
  const server = o.url === undefined ? new ExampleServer() : null;
  const base = server !== null ? `http://127.0.0.1:${await server.listen(0)}` : o.url!.replace(/\/$/, '');
  const tree = new SceneTree();
  const frames = new FrameWaiter(tree);
  const run = tree.run({ fps: o.fps, frames: o.frames });
  const quit = (): void => tree.quit(0);
  stop.addEventListener('abort', quit, { once: true });
  // Out of frames: an example still waiting for one fails instead of waiting forever.
  void run.then(() => frames.stop());
  let ok = true;
  try {
    if (o.example !== 'request') ok = (await runClient(base, frames, print)) && ok;
    if (o.example !== 'client') ok = (await runRequest(base, tree, run, print)) && ok;
  } finally {
    stop.removeEventListener('abort', quit);
    tree.quit(0);
    await run;
    frames.stop();
    await server?.close();
  }
  if (stop.aborted) {
    print(`http-examples: stopped by ${String(stop.reason)}`);
    return 0;
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

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
