#!/usr/bin/env node
/**
 * `scenenet <sample> [options]`: runs one of the headless samples.
 *   scenenet lobby [--transport loopback|ws|enet] [--mode host|dedicated] [--server | --client HOST:PORT]
 *   scenenet chat [--server] [--client URL]         (WebSocket chat)
 *   scenenet signaling [...]                        (WebRTC signaling server and mesh)
 *   scenenet server-list [...]                      (HTTP lobby service)
 *   scenenet serve [...]                            (game server: rooms over WebSocket and ENet)
 *   scenenet arena [--port P] [--ws-port W]         (Phaser browser game with netcode, GameServer rooms; prints the URL)
 *   scenenet loadtest --url URL [...]               (bots against any SceneMultiplayer WebSocket server)
 */
const SAMPLES: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  lobby: () => import('../samples/lobby/main.js'),
  chat: () => import('../samples/websocket-chat/main.js'),
  signaling: () => import('../samples/webrtc-signaling/main.js'),
  'server-list': () => import('../samples/server-list/main.js'),
  serve: () => import('./serve.js'),
  arena: () => import('../samples/arena/main.js'),
  loadtest: () => import('../samples/loadtest/main.js'),
};

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : SAMPLES[name];
  if (load === undefined) {
    console.error(`usage: scenenet <${Object.keys(SAMPLES).join('|')}> [options]`);
    return name === undefined || name === '--help' ? 0 : 2;
  }
  return (await load()).main(rest);
}

run(process.argv.slice(2)).then((code) => process.exit(code));
