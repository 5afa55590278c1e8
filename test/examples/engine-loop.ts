// Browser only (Phaser needs a window): npm run typecheck compiles this file; samples/arena/client.ts is the full game.
import Phaser from 'phaser';
import { Vector2 } from '../../core/index.js';
import { Node, SceneTree } from '../../scenetree/index.js';

class Ship extends Node {
  position = new Vector2(0, 0); // replicated state lives on the node
}

const tree = new SceneTree(); // give it a multiplayer peer and scenes as in the examples above
const sprites = new Map<Ship, Phaser.GameObjects.Arc>();

// Phaser: the engine's update is scenenet's frame.
class Game extends Phaser.Scene {
  create(): void {
    const ship = new Ship('Ship');
    tree.root.addChild(ship);
    sprites.set(ship, this.add.circle(0, 0, 12, 0x66ccff));
  }

  override update(_time: number, deltaMs: number): void {
    tree.processFrame(Math.min(deltaMs, 250) / 1000); // network, ticks, interpolation, prediction
    for (const [node, sprite] of sprites) sprite.setPosition(node.position.x, node.position.y);
  }
}

new Phaser.Game({ type: Phaser.CANVAS, width: 800, height: 600, scene: Game });
