/**
 * The ccu bench's bots (test/bench/ccu.bench.ts): cheap clients that speak WebSocket and
 * SceneMultiplayer's relay bytes themselves over plain TCP, so the same bots drive our game server and
 * the raw `ws` relay, and two processes of them on one core are not what limits a step. Each bot reads
 * the server's unmasked frames, writes masked frames with a zero key (the payload goes as it is),
 * answers pings, learns its room mates from ADD_PEER/DEL_PEER, broadcasts a RAW packet in a RELAY and
 * pings one mate a second through the relay (the RTT).
 */
import { connect, type Socket } from 'node:net';

/** SceneMultiplayer bytes (docs/wire/multiplayer.md §4): SYS = 7 with ADD_PEER 1, DEL_PEER 2, RELAY 3; RAW = 3. */
export const SYS = 7;
export const ADD_PEER = 1;
export const DEL_PEER = 2;
export const RELAY = 3;
const RAW = 3;
export const SYS_CMD_SIZE = 6;
/** The bots' RAW payload: kind (1) + sender slot (4) + timestamp (8) + padding. */
const POSITION = 1;
const PING = 2;
const PONG = 3;

/** Bytes of a bot's RAW payload. */
const PAYLOAD = 32;

/** The `p`th percentile of sorted numbers (0 when empty). */
export function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One bot: a TCP socket that speaks WebSocket and SceneMultiplayer's relay bytes itself. */
class Bot {
  id = 0;
  dropped = false;
  sent = 0;
  received = 0;
  readonly mates = new Set<number>();
  #socket: Socket;
  #buf: Buffer = Buffer.alloc(0);
  #upgraded = false;
  constructor(
    readonly slot: number,
    readonly room: number,
    port: number,
    readonly rtts: number[],
  ) {
    const s = connect(port, '127.0.0.1');
    s.setNoDelay(true);
    s.write(
      `GET /arena/r${room} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    s.on('data', (d: Buffer) => this.#data(d));
    s.on('error', () => undefined);
    s.on('close', () => {
      this.dropped = true;
    });
    this.#socket = s;
  }

  get connected(): boolean {
    return this.id !== 0 && !this.dropped;
  }

  /** Sends one binary message: a masked client frame with a zero key (so the payload goes as it is). */
  send(payload: Uint8Array): void {
    const head = Buffer.from([0x82, 0x80 | payload.length, 0, 0, 0, 0]);
    this.#socket.write(Buffer.concat([head, payload]));
  }

  close(): void {
    this.#socket.destroy();
  }

  #data(d: Buffer): void {
    let buf = this.#buf.length === 0 ? d : Buffer.concat([this.#buf, d]);
    if (!this.#upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        this.#buf = buf;
        return;
      }
      if (!buf.subarray(0, 12).toString('latin1').includes(' 101')) {
        this.dropped = true;
        this.#socket.destroy();
        return;
      }
      this.#upgraded = true;
      buf = buf.subarray(end + 4);
    }
    let at = 0;
    while (buf.length - at >= 2) {
      const op = buf[at]! & 0x0f;
      let len = buf[at + 1]! & 0x7f;
      let head = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = buf.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = Number(buf.readBigUInt64BE(at + 2));
        head = 10;
      }
      if (buf.length - at < head + len) break;
      const msg = buf.subarray(at + head, at + head + len);
      at += head + len;
      if (op === 2) this.#message(msg);
      else if (op === 9) this.#socket.write(Buffer.concat([Buffer.from([0x8a, 0x80 | msg.length, 0, 0, 0, 0]), msg]));
      else if (op === 8) {
        this.dropped = true;
        this.#socket.destroy();
      }
    }
    this.#buf = at === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
  }

  #message(m: Buffer): void {
    if (this.id === 0) {
      if (m.length === 4) this.id = m.readInt32LE(0);
      return;
    }
    if (m.length < SYS_CMD_SIZE || m[0] !== SYS) return;
    const peer = m.readInt32LE(2);
    if (m[1] === ADD_PEER) this.mates.add(peer);
    else if (m[1] === DEL_PEER) this.mates.delete(peer);
    else if (m[1] === RELAY && m.length >= SYS_CMD_SIZE + 2 + 13 && m[SYS_CMD_SIZE] === RAW) {
      const kind = m[SYS_CMD_SIZE + 1];
      if (kind === POSITION) this.received++;
      else if (kind === PING) {
        const reply = Buffer.from(m);
        reply[SYS_CMD_SIZE + 1] = PONG; // back to its sender, through the relay
        this.send(reply);
      } else if (kind === PONG && m.readUInt32LE(SYS_CMD_SIZE + 2) === this.slot) {
        this.rtts.push(performance.now() - m.readDoubleLE(SYS_CMD_SIZE + 6));
      }
    }
  }
}

/** A RELAY packet to `target` (0: everyone) carrying a RAW packet of `kind` from `slot`, stamped now. */
function relayPacket(target: number, kind: number, slot: number): Uint8Array {
  const b = Buffer.alloc(SYS_CMD_SIZE + 1 + PAYLOAD);
  b[0] = SYS;
  b[1] = RELAY;
  b.writeInt32LE(target, 2);
  b[SYS_CMD_SIZE] = RAW;
  b[SYS_CMD_SIZE + 1] = kind;
  b.writeUInt32LE(slot, SYS_CMD_SIZE + 2);
  b.writeDoubleLE(performance.now(), SYS_CMD_SIZE + 6);
  return b;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What one bot process measured. */
export interface BotSummary {
  readonly connected: number;
  readonly received: number;
  /** What the connected bots' room mates broadcast while they were connected. */
  readonly expected: number;
  readonly rttP99: number;
  /** CPU time of the process while sending, in cores. */
  readonly cpu: number;
}

/** How the bots play: room size, broadcasts per second, time allowed to connect, and a call when sending starts. */
export interface BotOptions {
  readonly room: number;
  readonly rate: number;
  readonly connectTimeoutMs: number;
  readonly onSending: () => void;
}

/** `clients` bots in rooms from `roomOffset` at `port`: connect, broadcast for `seconds`, drain 1 s, close. */
export async function runBots(
  port: number,
  clients: number,
  roomOffset: number,
  seconds: number,
  options: BotOptions,
): Promise<BotSummary> {
  const { room: ROOM, rate: RATE, connectTimeoutMs: CONNECT_TIMEOUT_MS } = options;
  const rtts: number[] = [];
  const all: Bot[] = [];
  const rooms = Math.ceil(clients / ROOM);
  for (let slot = 0; slot < clients; slot++) {
    all.push(new Bot(slot, (slot % rooms) + roomOffset, port, rtts));
    if (slot % 50 === 49) await sleep(5); // a burst of thousands overruns a listen backlog
  }
  const deadline = performance.now() + CONNECT_TIMEOUT_MS;
  while (all.some((b) => !b.connected && !b.dropped) && performance.now() < deadline) await sleep(20);
  await sleep(300); // the ADD_PEER notices
  const cpu0 = process.cpuUsage();
  options.onSending();
  const start = performance.now();
  let nextPing = start + 500;
  for (let next = start; performance.now() - start < seconds * 1000; next += 1000 / RATE) {
    await sleep(Math.max(0, next - performance.now()));
    for (const b of all) {
      if (!b.connected) continue;
      b.send(relayPacket(0, POSITION, b.slot));
      b.sent++;
    }
    if (performance.now() >= nextPing) {
      nextPing += 1000;
      for (const b of all) {
        const mate = b.mates.values().next();
        if (b.connected && !mate.done) b.send(relayPacket(mate.value, PING, b.slot));
      }
    }
  }
  const busy = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  await sleep(1000); // drain what is in flight
  const sentByRoom = new Map<number, number>();
  for (const b of all) sentByRoom.set(b.room, (sentByRoom.get(b.room) ?? 0) + b.sent);
  let expected = 0;
  for (const b of all) if (b.connected) expected += sentByRoom.get(b.room)! - b.sent;
  const sorted = rtts.sort((a, b) => a - b);
  for (const b of all) b.close();
  return {
    connected: all.filter((b) => b.connected).length,
    received: all.reduce((n, b) => n + b.received, 0),
    expected,
    rttP99: pct(sorted, 99),
    cpu: (cpu.user + cpu.system) / 1000 / busy,
  };
}
