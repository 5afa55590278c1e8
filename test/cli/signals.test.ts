/**
 * Long-running commands as child processes: SIGINT/SIGTERM close their peers and exit 0; a lobby client
 * in a second process needs no option but the address (it learns the round's size from the server).
 */
import t from 'tap';
import { startCli } from './cli-process.js';

t.setTimeout(600_000);

t.test('chat: SIGTERM closes the server (its client sees the server go) and exits 0; SIGINT ends the client, exit 0', async (t) => {
  const server = startCli(['chat', '--server']);
  const port = (await server.waitFor(/listening on port (\d+)/))[1];
  const client = startCli(['chat', '--client', `ws://127.0.0.1:${port}`, '--name', 'carol', '--say', 'hi all']);
  await client.waitFor(/\[client carol\] connected as \d+/);
  await server.waitFor(/^\[server\] \d+: hi all$/);
  server.child.kill('SIGTERM');
  t.equal(await server.exit, 0, 'the server exits 0 on SIGTERM');
  t.ok(
    server.stdout.some((l) => l === 'chat: stopped by SIGTERM'),
    'and says so',
  );
  await client.waitFor(/\[client carol\] server disconnected/);
  client.child.kill('SIGINT');
  t.equal(await client.exit, 0, 'the client exits 0 on SIGINT');
});

t.test('lobby: a ws server and a client in two processes with default options play a round; SIGINT stops a waiting server', async (t) => {
  const server = startCli(['lobby', '--transport', 'ws', '--server']);
  const address = (await server.waitFor(/listening on (127\.0\.0\.1:\d+), waiting for 1 client/))[1]!;
  const client = startCli(['lobby', '--transport', 'ws', '--client', address]);
  t.equal(await client.exit, 0, `client: ${client.stdout.slice(-3).join(' / ')}`);
  t.equal(await server.exit, 0, `server: ${server.stdout.slice(-3).join(' / ')}`);
  t.ok(
    client.stdout.some((l) => /the round has 2 players/.test(l)),
    'the client learned the round size from the server',
  );
  t.ok(client.stdout.some((l) => /^lobby: OK/.test(l)) && server.stdout.some((l) => /^lobby: OK/.test(l)), 'both report OK');

  const waiting = startCli(['lobby', '--transport', 'enet', '--server', '--clients', '2']);
  await waiting.waitFor(/listening on/);
  waiting.child.kill('SIGINT');
  t.equal(await waiting.exit, 0, 'a waiting server exits 0 on SIGINT');
  t.ok(waiting.stdout.includes('lobby: stopped by SIGINT'));
});

t.test('signaling and server-list servers: SIGTERM/SIGINT close them, exit 0', async (t) => {
  const signaling = startCli(['signaling', '--server']);
  const lobby = startCli(['server-list', '--lobby']);
  await signaling.waitFor(/listening on port \d+/);
  const lobbyPort = (await lobby.waitFor(/lobby listening on port (\d+)/))[1];
  const game = startCli(['server-list', '--game', '--lobby-url', `http://127.0.0.1:${lobbyPort}`]);
  await game.waitFor(/game server "Arena" listening on port \d+/);
  signaling.child.kill('SIGTERM');
  game.child.kill('SIGINT');
  t.equal(await signaling.exit, 0, 'signaling server: SIGTERM, exit 0');
  t.equal(await game.exit, 0, 'game server: SIGINT, exit 0');
  lobby.child.kill('SIGTERM');
  t.equal(await lobby.exit, 0, 'lobby service: SIGTERM, exit 0');
  t.ok(signaling.stdout.includes('signaling: stopped by SIGTERM'));
  t.ok(lobby.stdout.includes('server-list: stopped by SIGTERM'));
});

t.test('arena: SIGTERM closes its server and exits 0', async (t) => {
  const arena = startCli(['arena', '--port', '0']);
  const url = (await arena.waitFor(/^arena: open (http:\/\/\S+)/))[1]!;
  t.equal((await fetch(url)).status, 200, 'the page is served');
  arena.child.kill('SIGTERM');
  t.equal(await arena.exit, 0, 'exit 0 on SIGTERM');
  t.ok(arena.stdout.includes('arena: stopped by SIGTERM'));
});
