/** The signaling protocol as Godot's webrtc_signaling demo speaks it: candidate text, JOIN's mesh flag, client/server visibility. */
import t from 'tap';
import { WebSocket } from 'ws';
import {
  encodeCandidate,
  encodeMessage,
  MessageType,
  parseCandidate,
  parseMessage,
  type SignalMessage,
} from '../../../samples/webrtc-signaling/protocol.js';
import { SignalingServer } from '../../../samples/webrtc-signaling/signaling-server.js';

const NAME = 'candidate:1 1 UDP 2122317823 127.0.0.1 50000 typ host';

t.test(
  'candidates: "\\nmid\\nindex\\nname" as the demo sends them; the leading newline is optional, as in its split("\\n", false)',
  async (t) => {
    t.equal(encodeCandidate('0', 0, NAME), `\n0\n0\n${NAME}`, 'encoded like send_candidate: "\\n%s\\n%d\\n%s"');
    t.same(parseCandidate(`\n0\n0\n${NAME}`), ['0', 0, NAME], "the demo's own form");
    t.same(parseCandidate(`data\n2\n${NAME}`), ['data', 2, NAME], 'without the leading newline');
    t.same(parseCandidate(encodeCandidate('audio', 1, NAME)), ['audio', 1, NAME], 'round trip');
    t.equal(parseCandidate(`\n0\n${NAME}`), null, 'two parts: refused');
    t.equal(parseCandidate(`\n0\nx\n${NAME}`), null, 'index not an integer: refused');
    t.equal(parseCandidate(`\n0\n-1\n${NAME}`), null, 'negative index: refused');
    t.equal(parseCandidate(`\n0\n0\n${NAME}\nextra`), null, 'four parts: refused');
  },
);

/** A raw WebSocket member of the signaling server that records every message. */
async function member(port: number): Promise<{
  send: (type: number, id: number, data?: string) => void;
  next: (pred: (m: SignalMessage) => boolean) => Promise<SignalMessage>;
  received: SignalMessage[];
  ws: WebSocket;
}> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: SignalMessage[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (raw) => {
    const msg = parseMessage(String(raw));
    if (msg !== null) received.push(msg);
    for (const w of [...waiters]) w();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws,
    received,
    send: (type, id, data = '') => ws.send(encodeMessage(type as MessageType, id, data)),
    next: (pred) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no such message; got ${JSON.stringify(received)}`)), 20_000);
        const check = (): void => {
          const found = received.find(pred);
          if (found === undefined) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      }),
  };
}

t.test('JOIN as the demo sends it: id 0 makes a mesh lobby, id 1 a client/server one where clients see only the server', async (t) => {
  const server = new SignalingServer();
  const port = await server.listen(0, '127.0.0.1');
  const sockets: WebSocket[] = [];
  t.teardown(async () => {
    for (const ws of sockets) ws.terminate();
    await server.close();
  });
  const join = async (
    flag: number,
    code: string,
  ): Promise<Awaited<ReturnType<typeof member>> & { id: number; code: string; mesh: boolean }> => {
    const m = await member(port);
    sockets.push(m.ws);
    m.send(MessageType.JOIN, flag, code);
    const id = await m.next((x) => x.type === MessageType.ID);
    const lobby = await m.next((x) => x.type === MessageType.JOIN);
    return Object.assign(m, { id: id.id, code: lobby.data, mesh: id.data === 'true' });
  };

  const meshHost = await join(0, '');
  t.ok(meshHost.mesh, 'JOIN id 0 → ID data "true" (mesh)');
  t.ok(meshHost.id > 1, 'mesh members get random ids, the creator too');
  const meshGuests = [await join(1, meshHost.code), await join(0, meshHost.code)];
  t.ok(
    meshGuests.every((g) => g.mesh),
    "joiners follow the lobby's mode whatever their flag",
  );
  await meshGuests[1]!.next((m) => m.type === MessageType.PEER_CONNECT && m.id === meshGuests[0]!.id);
  t.pass('in a mesh, members see each other');

  const host = await join(1, '');
  t.notOk(host.mesh, 'JOIN id 1 → ID data "" (client/server)');
  t.equal(host.id, 1, 'the creator of a client/server lobby is the server, id 1');
  const c1 = await join(1, host.code);
  const c2 = await join(1, host.code);
  t.equal((await c2.next((m) => m.type === MessageType.PEER_CONNECT)).id, 1, 'a client hears of the server');
  await host.next((m) => m.type === MessageType.PEER_CONNECT && m.id === c2.id);
  // A reply on each client's own socket after the joins: whatever the server sent it before has arrived.
  for (const c of [c1, c2]) {
    c.send(MessageType.SEAL, 0);
    await c.next((m) => m.type === MessageType.ERROR && m.data.includes('only the host'));
  }
  t.same(
    c1.received.filter((m) => m.type === MessageType.PEER_CONNECT).map((m) => m.id),
    [1],
    'client 1 sees only the server, never client 2',
  );
  t.same(
    c2.received.filter((m) => m.type === MessageType.PEER_CONNECT).map((m) => m.id),
    [1],
    'client 2 sees only the server',
  );
  t.same(
    host.received.filter((m) => m.type === MessageType.PEER_CONNECT).map((m) => m.id),
    [c1.id, c2.id],
    'the server sees both clients',
  );
});
