#!/usr/bin/env node
/**
 * `scenenet <command> [options]`: runs one of the headless samples, the game server or the load tester.
 * `scenenet --help` lists the commands, `scenenet <command> --help` shows one command's options with
 * their defaults and examples.
 *
 * The table below is the one place a command is declared: its name, a one-line summary and a lazy
 * loader of a module whose `main(argv)` uses cli/'s `runCommand` (see CONTRIBUTING.md, "Adding a CLI command").
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runProgram, type CommandTable } from '../cli/index.js';

export const COMMANDS: CommandTable = {
  demo: {
    summary: "Godot's lobby in one process: a server and 3 clients on a lossy virtual network",
    load: () => import('../samples/lobby/demo.js'),
  },
  lobby: {
    summary: "Godot's lobby over loopback, WebSocket or ENet, in one process or one role per process",
    load: () => import('../samples/lobby/main.js'),
  },
  chat: {
    summary: "Godot's WebSocket chat demo: a server and clients, in one process or several",
    load: () => import('../samples/websocket-chat/main.js'),
  },
  signaling: {
    summary: "Godot's WebRTC signaling demo: a signaling server and a full mesh of clients",
    load: () => import('../samples/webrtc-signaling/main.js'),
  },
  'server-list': {
    summary: 'An HTTP lobby service, game servers that register with it, and a player that joins one',
    load: () => import('../samples/server-list/main.js'),
  },
  http: {
    summary: "Godot's HTTPClient and HTTPRequest examples against a local HTTP server",
    load: () => import('../samples/http-examples/main.js'),
  },
  serve: {
    summary: 'A dedicated game server: rooms over WebSocket, ENet and WebRTC until SIGINT/SIGTERM',
    load: () => import('./serve.js'),
  },
  arena: {
    summary: 'A Phaser browser game with netcode (interpolation, prediction); prints the URL to open',
    load: () => import('../samples/arena/main.js'),
  },
  loadtest: {
    summary: 'Bots against any SceneMultiplayer WebSocket server; reports delivery and round trips',
    load: () => import('../samples/loadtest/main.js'),
  },
};

// Run when executed (directly, or through npm's bin link), not when a test imports the table.
if (process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runProgram('scenenet', COMMANDS, process.argv.slice(2)).then((code) => process.exit(code));
}
