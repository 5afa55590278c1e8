/**
 * Runs Godot's minimal WebSocket demo headless: the tutorial's server (TCPServer + acceptStream) and
 * its client, each in its own SceneTree, in one process. The client presses "Ping" once connected,
 * the server "Pong" once it got it; both labels are printed.
 * `node --import tsx samples/docs/websocket-minimal.ts [--port 9080] [--bind '*'] [--frames 600]`
 *
 * Exit code: 0 when Ping and Pong both arrived within the frames, 1 otherwise, 2 for bad arguments.
 */
import { parseArgs } from 'node:util';
import { SceneTree } from '../../scenetree/index.js';
import { State } from '../../plugins/websocket/index.js';
import { Client } from './websocket-minimal-client.js';
import { PORT, Server } from './websocket-minimal-server.js';

const FPS = 60;

/** Runs the demo; resolves with the exit code. */
export async function main(argv: string[], print: (line: string) => void = (line) => console.log(line)): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: String(PORT) },
        bind: { type: 'string', default: '*' },
        frames: { type: 'string', default: '600' },
      },
      strict: true,
    }));
  } catch (err) {
    print((err as Error).message);
    return 2;
  }
  const port = Number(values.port);
  const frames = Number(values.frames);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || !Number.isInteger(frames) || frames < 1) {
    print('bad --port or --frames');
    return 2;
  }

  const serverTree = new SceneTree();
  const server = new Server('Server');
  server.port = port;
  server.bindAddress = values.bind;
  serverTree.root.addChild(server);
  for (let i = 0; i < frames && !server.tcpServer.isListening() && server.textServer.text === ''; i++) await frame(serverTree);
  if (!server.tcpServer.isListening()) {
    print(server.textServer.plain().trim());
    return 1;
  }

  const clientTree = new SceneTree();
  const client = new Client('Client');
  client.websocketUrl = `ws://127.0.0.1:${server.tcpServer.getLocalPort()}`;
  clientTree.root.addChild(client);

  let pinged = false;
  let ponged = false;
  let done = false;
  for (let i = 0; i < frames && !done; i++) {
    await frame(serverTree, clientTree);
    if (!pinged && client.socket.getReadyState() === State.OPEN) {
      client._onButtonPingPressed();
      pinged = true;
    }
    if (!ponged && server.textServer.text.includes('Ping')) {
      server._onButtonPongPressed();
      ponged = true;
    }
    done = client.textClient.text.includes('Pong');
  }
  print(`server: ${server.textServer.plain().trim()}`);
  print(`client: ${client.textClient.plain().trim()}`);
  clientTree.root.removeChild(client); // _exit_tree: socket.close()
  serverTree.root.removeChild(server); // _exit_tree: socket.close(); tcp_server.stop()
  return done ? 0 : 1;
}

/** One process frame of each tree, then a turn of the event loop for the sockets. */
async function frame(...trees: SceneTree[]): Promise<void> {
  for (const tree of trees) tree.processFrame(1 / FPS);
  await new Promise((resolve) => setTimeout(resolve, 1000 / FPS));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
