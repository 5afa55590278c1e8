import t from 'tap';
import { ManualClock } from '../../core/index.js';
import { SceneMultiplayer, SceneTree } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';
import { RecordingMultiplayerPeer, Simulation } from '../../plugins/loopback/index.js';

t.test('record what a live WebSocket server received, replay it in-process', async (t) => {
  const clock = new ManualClock(performance.now()); // a frame clock: the loop sets it once per frame
  const tree = new SceneTree({ clock });
  const multiplayer = new SceneMultiplayer({ clock });
  tree.setMultiplayer(multiplayer);
  const ws = new WebSocketMultiplayerPeer();
  await ws.createServer(0, '127.0.0.1');
  const recorder = new RecordingMultiplayerPeer(ws, { clock });
  multiplayer.multiplayerPeer = recorder;
  const live: string[] = [];
  multiplayer.peerPacket.connect((id, data) => live.push(`${id}: ${[...data]}`));

  const client = new SceneTree();
  const clientApi = new SceneMultiplayer();
  client.setMultiplayer(clientApi);
  const peer = new WebSocketMultiplayerPeer();
  peer.createClient(`ws://127.0.0.1:${ws.getLocalPort()}`);
  clientApi.multiplayerPeer = peer;
  while (live.length === 0) {
    clock.set(performance.now());
    tree.processFrame(1 / 60);
    client.processFrame(1 / 60);
    if (clientApi.getPeers().includes(1)) clientApi.sendBytes(Uint8Array.of(1, 2, 3), 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  peer.close();
  ws.close();
  const file = recorder.toBytes(); // compact: keep it with fs.writeFileSync(…)

  const replayed: string[] = [];
  const replay = await Simulation.replay(file, (server) => {
    server.multiplayer.peerPacket.connect((id, data) => replayed.push(`${id}: ${[...data]}`));
  });
  t.same(replayed, live, 'the same packets reach the same code');
  t.equal(replay.divergence, null, 'and it sent exactly what the live server sent, frame by frame');
});
