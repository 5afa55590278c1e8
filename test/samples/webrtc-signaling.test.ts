import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import WebSocket from 'ws';
import { main } from '../../samples/webrtc-signaling/main.js';
import { encodeMessage, MessageType, parseMessage, type SignalMessage } from '../../samples/webrtc-signaling/protocol.js';
import { SignalingServer } from '../../samples/webrtc-signaling/signaling-server.js';

type Tap = Parameters<Parameters<typeof t.test>[0]>[0];

const MAIN = fileURLToPath(new URL('../../samples/webrtc-signaling/main.ts', import.meta.url));

/** A raw signaling socket that records what the server sends. */
class RawSocket {
  readonly ws: WebSocket;
  readonly received: SignalMessage[] = [];

  constructor(port: number) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}`);
    this.ws.on('message', (raw) => {
      const msg = parseMessage(String(raw));
      if (msg !== null) this.received.push(msg);
    });
  }

  async open(): Promise<this> {
    if (this.ws.readyState !== WebSocket.OPEN) await once(this.ws, 'open');
    return this;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /** Waits until a message matching `pred` has arrived. */
  async next(pred: (m: SignalMessage) => boolean): Promise<SignalMessage> {
    for (let i = 0; i < 500; i++) {
      const found = this.received.find(pred);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no matching message; got ${JSON.stringify(this.received)}`);
  }
}

t.test('main: server and three mesh clients in one process finish (RPCs between every pair)', async (t) => {
  const lines: string[] = [];
  const code = await main(['--peers', '3', '--frames', '1800'], (line) => lines.push(line));
  t.equal(code, 0, 'exit code 0');
  const done = lines.filter((l) => / done: peers 2, hellos 2, pings 2$/.test(l));
  t.equal(done.length, 3, 'every client connected to both others and got a reliable hello and an unreliable ping from each');
  t.ok(
    lines.some((l) => /lobby \w+ sealed/.test(l)),
    'the host sealed the lobby',
  );
});

t.test('main: eight mesh clients in one process exchange reliable and unreliable RPCs between every pair', async (t) => {
  const lines: string[] = [];
  t.equal(await main(['--peers', '8', '--frames', '3600'], (line) => lines.push(line)), 0, 'exit code 0');
  t.equal(lines.filter((l) => / done: peers 7, hellos 7, pings 7$/.test(l)).length, 8, 'all 8 heard a hello and a ping from the 7 others');
});

t.test('main: bad arguments exit 2', async (t) => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => void errors.push(line);
  try {
    t.equal(await main(['--peers', '1']), 2);
    t.equal(await main(['--nonsense']), 2);
  } finally {
    console.error = original;
  }
  t.equal(errors.length, 2, 'each explained');
});

/** Spawns the sample as its own process; collects stdout lines. */
function spawnSample(t: Tap, args: string[]): { child: ChildProcess; lines: string[]; exit: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  // 'close', not 'exit': it comes after stdout has been read to the end.
  const exit = once(child, 'close').then(([code]) => code as number);
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  return { child, lines, exit };
}

async function waitForLine(lines: string[], re: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const line of lines) {
      const m = line.match(re);
      if (m !== null) return m;
    }
    if (Date.now() > deadline) throw new Error(`no line matching ${re}; got:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

t.test('main: server and three clients as separate processes form the mesh', async (t) => {
  const server = spawnSample(t, ['--server']);
  const port = (await waitForLine(server.lines, /listening on port (\d+)/))[1]!;
  const url = `ws://127.0.0.1:${port}`;
  const host = spawnSample(t, ['--client', url, '--name', 'host', '--expect', '3', '--seal', '--frames', '3600']);
  const lobby = (await waitForLine(host.lines, /joined lobby (\w+)/))[1]!;
  const guests = ['guest1', 'guest2'].map((name) =>
    spawnSample(t, ['--client', url, '--lobby', lobby, '--name', name, '--expect', '3', '--frames', '3600']),
  );
  const codes = await Promise.all([host.exit, ...guests.map((g) => g.exit)]);
  t.same(codes, [0, 0, 0], 'every client process exits 0');
  for (const p of [host, ...guests]) {
    t.ok(
      p.lines.some((l) => / done: peers 2, hellos 2, pings 2$/.test(l)),
      'client finished its RPC exchange',
      { lines: p.lines.slice(-5) },
    );
  }
  t.ok(
    host.lines.some((l) => l.includes('lobby sealed')),
    'the host sealed the lobby',
  );
  server.child.kill('SIGTERM');
  t.equal(await server.exit, 0, 'server exits 0 on SIGTERM');
});

t.test('SignalingServer: malformed and out-of-lobby messages get an error reply and reach no other lobby', async (t) => {
  const server = new SignalingServer();
  const port = await server.listen(0);
  const sockets: RawSocket[] = [];
  const open = async (): Promise<RawSocket> => {
    const s = await new RawSocket(port).open();
    sockets.push(s);
    return s;
  };
  t.teardown(async () => {
    for (const s of sockets) s.ws.terminate();
    await server.close();
  });

  // Lobby A: a and b. Lobby B: c.
  const a = await open();
  a.send(encodeMessage(MessageType.JOIN, 0, ''));
  const codeA = (await a.next((m) => m.type === MessageType.JOIN)).data;
  const idA = (await a.next((m) => m.type === MessageType.ID)).id;
  const b = await open();
  b.send(encodeMessage(MessageType.JOIN, 0, codeA));
  const idB = (await b.next((m) => m.type === MessageType.ID)).id;
  t.equal((await a.next((m) => m.type === MessageType.PEER_CONNECT)).id, idB, 'a hears of b');
  t.equal((await b.next((m) => m.type === MessageType.PEER_CONNECT)).id, idA, 'b hears of a');
  const c = await open();
  c.send(encodeMessage(MessageType.JOIN, 0, ''));
  const codeC = (await c.next((m) => m.type === MessageType.JOIN)).data;
  t.not(codeC, codeA, 'a second lobby');
  const idC = (await c.next((m) => m.type === MessageType.ID)).id;

  const bad = [
    'not json',
    '[1,2,3]',
    JSON.stringify({ type: 99, id: 0, data: '' }),
    JSON.stringify({ type: MessageType.OFFER, id: -5, data: '' }),
    JSON.stringify({ type: MessageType.OFFER, id: idB, data: 42 }),
    'x'.repeat(20_000),
  ];
  for (const text of bad) a.send(text);
  await a.next((m) => m.type === MessageType.ERROR && a.received.filter((x) => x.type === MessageType.ERROR).length >= bad.length - 1);
  a.send(encodeMessage(MessageType.OFFER, idC, 'v=0 offer for another lobby'));
  await a.next((m) => m.type === MessageType.ERROR && m.data.includes(String(idC)));
  c.send(encodeMessage(MessageType.CANDIDATE, idA, '0\n0\ncandidate:x'));
  await c.next((m) => m.type === MessageType.ERROR && m.data.includes(String(idA)));
  const stranger = await open();
  stranger.send(encodeMessage(MessageType.ANSWER, idA, 'v=0'));
  await stranger.next((m) => m.type === MessageType.ERROR && m.data === 'not in a lobby');
  stranger.send(encodeMessage(MessageType.JOIN, 0, 'NOSUCH'));
  await stranger.next((m) => m.type === MessageType.ERROR && m.data.startsWith('no lobby'));
  b.send(encodeMessage(MessageType.SEAL, 0));
  await b.next((m) => m.type === MessageType.ERROR && m.data.includes('only the host'));

  // A legitimate relay inside lobby A still works, and carries the sender's id.
  a.send(encodeMessage(MessageType.OFFER, idB, 'v=0 real offer'));
  const offer = await b.next((m) => m.type === MessageType.OFFER);
  t.same(offer, { type: MessageType.OFFER, id: idA, data: 'v=0 real offer' }, 'relayed within the lobby, id = sender');
  t.notOk(
    c.received.some((m) => m.type === MessageType.OFFER || m.type === MessageType.ANSWER || m.type === MessageType.CANDIDATE),
    'lobby B received nothing relayed',
  );
  t.notOk(
    b.received.some((m) => m.type === MessageType.CANDIDATE),
    'nothing from lobby B reached lobby A',
  );

  // Sealing: the host seals; joins are refused; a member leaving is announced.
  a.send(encodeMessage(MessageType.SEAL, 0));
  await b.next((m) => m.type === MessageType.SEAL);
  const late = await open();
  late.send(encodeMessage(MessageType.JOIN, 0, codeA));
  await late.next((m) => m.type === MessageType.ERROR && m.data === 'lobby is sealed');
  b.ws.close();
  t.equal((await a.next((m) => m.type === MessageType.PEER_DISCONNECT)).id, idB, 'a hears b leave');
  t.same(server.lobbies().get(codeA), [idA]);
});
