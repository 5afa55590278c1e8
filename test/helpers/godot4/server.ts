/**
 * The scenenet side of a Godot interop test: a SceneTree holding main.tscn's nodes whose
 * SceneMultiplayer runs a WebSocketMultiplayerPeer server on 127.0.0.1 (port 0), pumped at ~60 fps.
 */
import type { Test } from 'tap';
import { ErrorCode } from '../../../core/index.js';
import { WebSocketMultiplayerPeer } from '../../../plugins/websocket/index.js';
import { SceneTree, type SceneMultiplayer } from '../../../scenetree/index.js';
import type { GodotEngine } from './engine.js';
import { addMainScene, FramePump, type MainScene } from './nodes.js';

export class ScenenetServer {
  readonly tree = new SceneTree();
  readonly scene: MainScene = addMainScene(this.tree);
  readonly peer = new WebSocketMultiplayerPeer();
  readonly pump = new FramePump([this.tree]);
  /** Ids from `peerConnected` / `peerDisconnected`, in order. */
  readonly joined: number[] = [];
  readonly left: number[] = [];

  private constructor() {
    this.mp.peerConnected.connect((id) => this.joined.push(id));
    this.mp.peerDisconnected.connect((id) => this.left.push(id));
  }

  get mp(): SceneMultiplayer {
    return this.tree.getMultiplayer() as SceneMultiplayer;
  }

  /** `ws://127.0.0.1:<port>` */
  get url(): string {
    return `ws://127.0.0.1:${this.peer.getLocalPort()}`;
  }

  /** Listens and installs the peer; closes everything at `t`'s teardown. */
  static async start(t: Test): Promise<ScenenetServer> {
    const server = new ScenenetServer();
    t.teardown(() => server.close());
    const err = await server.peer.createServer(0, '127.0.0.1');
    if (err !== ErrorCode.OK) throw new Error(`scenenet WebSocket server: createServer failed with ${err}`);
    server.mp.multiplayerPeer = server.peer;
    return server;
  }

  /**
   * Has Godot connect (`connect_ws`) and returns its peer id once both sides agree: Godot printed its
   * `nth` CONNECTED line and scenenet emitted `peerConnected` for that id.
   */
  async connect(t: Test, godot: GodotEngine, nth = 1): Promise<number> {
    await godot.send('connect_ws', this.url);
    t.equal((await godot.waitForAll(/^CREATE /, nth))[nth - 1], 'CREATE 0', 'Godot: create_client returns OK');
    const line = (await godot.waitForAll(/^CONNECTED /, nth))[nth - 1]!;
    const id = Number(line.split(' ')[1]);
    await this.pump.until(() => this.joined.includes(id), 'scenenet sees the Godot peer');
    t.ok(id > 1, `Godot got id ${id} from the scenenet server`);
    return id;
  }

  close(): void {
    this.pump.stop();
    this.peer.close();
  }
}
