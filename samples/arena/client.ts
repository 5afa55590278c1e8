/**
 * The arena's browser client (bundled with esbuild: at build time into dist/arena-client.js, or by
 * samples/arena/server.ts from the sources): a Phaser 3 game on the
 * Canvas renderer that embeds scenenet. Phaser owns the frame: each `update` calls
 * `tree.processFrame(delta)`, then every sprite copies its Player node's position. The client's
 * WebSocket peer is wrapped in a ConditionedMultiplayerPeer, so the latency slider adds delay both
 * ways; the checkboxes switch interpolation and prediction. `window.arena` lets tests read the page.
 */
import Phaser from 'phaser';
import { SeededRng, Vector2 } from '../../core/index.js';
import { ConditionedMultiplayerPeer } from '../../plugins/loopback/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.browser.js';
import { SceneTree } from '../../scenetree/index.js';
import { ARENA_SIZE, Player, addArena, positions } from './arena-game.js';

const params = new URLSearchParams(location.search);
const tree = new SceneTree();
const { players } = addArena(tree);
// A room of the game server, by URL path: `<server>/arena/<room>` (created on first join).
const room = /^[A-Za-z0-9_-]{1,64}$/.test(params.get('room') ?? '') ? params.get('room')! : 'main';
const socket = new WebSocketMultiplayerPeer();
socket.createClient(`${params.get('server') ?? `ws://${location.hostname}:${Number(location.port) + 1}`}/arena/${room}`);
document.querySelector('#room')!.textContent = `room ${room} (set room=<name> in the URL for another match)`;
const peer = new ConditionedMultiplayerPeer(socket, {
  clock: tree.clock,
  rng: new SeededRng(Date.now() >>> 0),
  direction: 'both',
  keepTrace: false,
});
const mp = tree.getMultiplayer();
mp.multiplayerPeer = peer;

const control = {
  interpolation: document.querySelector<HTMLInputElement>('#interpolation')!,
  prediction: document.querySelector<HTMLInputElement>('#prediction')!,
  latency: document.querySelector<HTMLInputElement>('#latency')!,
  latencyText: document.querySelector<HTMLElement>('#latency-ms')!,
};
function applyLatency(): void {
  const oneWay = Number(control.latency.value) / 2; // the slider is the added round trip
  peer.setConditions({ latencyMs: oneWay, jitterMs: oneWay / 5 });
  control.latencyText.textContent = `${control.latency.value} ms`;
}
control.latency.value = params.get('latency') ?? '0';
control.latency.addEventListener('input', applyLatency);
applyLatency();

const sprites = new Map<string, Phaser.GameObjects.Arc>();
let frames = 0;
const labels = new Map<string, Phaser.GameObjects.Text>();

type Keys = Record<'up' | 'down' | 'left' | 'right' | 'w' | 'a' | 's' | 'd', Phaser.Input.Keyboard.Key>;

class ArenaScene extends Phaser.Scene {
  #keys: Keys | null = null;

  create(): void {
    this.add.rectangle(ARENA_SIZE.x / 2, ARENA_SIZE.y / 2, ARENA_SIZE.x, ARENA_SIZE.y, 0x202830);
    this.#keys = this.input.keyboard!.addKeys('up,down,left,right,w,a,s,d') as Keys;
    // Click to shoot where you see someone: the server rewinds to what you saw (lag compensation).
    this.input.on('pointerdown', (pointer: Phaser.Input.Pointer) => {
      (players.getNodeOrNull(String(mp.getUniqueId())) as Player | null)?.fire(new Vector2(pointer.x, pointer.y));
    });
  }

  override update(_time: number, delta: number): void {
    const me = players.getNodeOrNull(String(mp.getUniqueId())) as Player | null;
    const k = this.#keys;
    if (me !== null && k !== null) {
      me.held = new Vector2(
        Number(k.right.isDown || k.d.isDown) - Number(k.left.isDown || k.a.isDown),
        Number(k.down.isDown || k.s.isDown) - Number(k.up.isDown || k.w.isDown),
      );
    }
    for (const p of players.getChildren()) {
      if (!(p instanceof Player)) continue;
      if (p.prediction !== null) p.prediction.enabled = control.prediction.checked;
      if (p.interpolator !== null) p.interpolator.enabled = control.interpolation.checked;
    }
    tree.processFrame(Math.min(delta, 250) / 1000);
    frames++;
    const seen = new Set<string>();
    for (const p of players.getChildren()) {
      if (!(p instanceof Player)) continue;
      seen.add(p.name);
      let sprite = sprites.get(p.name);
      if (sprite === undefined) {
        sprite = this.add.circle(0, 0, 12, p.ownerId === mp.getUniqueId() ? 0x4caf50 : 0xe57373);
        sprites.set(p.name, sprite);
      }
      sprite.setPosition(p.position.x, p.position.y);
      let label = labels.get(p.name);
      if (label === undefined) {
        label = this.add.text(0, 0, '', { fontSize: '12px', color: '#ddd' }).setOrigin(0.5, 1.8);
        labels.set(p.name, label);
      }
      label.setText(String(p.score)).setPosition(p.position.x, p.position.y);
    }
    for (const [name, sprite] of sprites) {
      if (seen.has(name)) continue;
      sprite.destroy();
      labels.get(name)?.destroy();
      sprites.delete(name);
      labels.delete(name);
    }
  }
}

new Phaser.Game({
  type: Phaser.CANVAS, // draws without a GPU (headless Chromium)
  width: ARENA_SIZE.x,
  height: ARENA_SIZE.y,
  parent: 'game',
  backgroundColor: '#101418',
  audio: { noAudio: true },
  banner: false,
  scene: ArenaScene,
});

/** What tests read: the id, what the canvas shows (sprite positions) and what the nodes hold. */
(window as unknown as { arena: unknown }).arena = {
  id: () => mp.getUniqueId(),
  room: () => room,
  connected: () => mp.getPeers().includes(1),
  frames: () => frames,
  rendered: () => Object.fromEntries([...sprites].map(([name, s]) => [name, [s.x, s.y]])),
  nodes: () => positions(players),
  scores: () =>
    Object.fromEntries(
      players
        .getChildren()
        .filter((p): p is Player => p instanceof Player)
        .map((p) => [p.name, p.score]),
    ),
  setLatency: (ms: number) => {
    control.latency.value = String(ms);
    applyLatency();
  },
};
