/**
 * A load tester for any server that speaks Godot 4's SceneMultiplayer over WebSocket: scenenet's
 * game server, or a Godot server with its default `server_relay`. It needs no knowledge of the game's
 * scene: bots talk in raw SceneMultiplayer packets (`send_bytes`), which every such server relays.
 *
 * Each bot is a real client (WebSocketMultiplayerPeer + SceneMultiplayer). Bots are spread over
 * `rooms` URLs (`{room}` in the URL is replaced by the room's number) and, `rate` times a second,
 * broadcast a small "position" packet (unreliable) that the server relays to the bot's room mates;
 * once a second each bot also pings one room mate (reliable, relayed), which echoes it: that round
 * trip client → server → client → server → client is the RTT reported. Delivery is what room mates
 * received of what was broadcast, counted after a drain once sending stops.
 */
import { ConnectionStatus, ErrorCode, NodePath, TransferMode } from '../../core/index.js';
import { SceneMultiplayer } from '../../scenetree/index.js';
import { WebSocketMultiplayerPeer } from '../../plugins/websocket/index.js';

/** What `runLoadTest` does. */
export interface LoadTestOptions {
  /** Server URL; `{room}` is replaced by each bot's room number (0-based, plus `roomOffset`). */
  readonly url: string;
  readonly clients: number;
  /** How many rooms the clients are spread over (bot i joins room i mod rooms). Default 1. */
  readonly rooms?: number;
  /** Added to room numbers, so several load-test processes can fill disjoint rooms. Default 0. */
  readonly roomOffset?: number;
  /** Broadcasts per second per client. Default 20. */
  readonly rate?: number;
  /** Seconds of sending once every client is connected. Default 10. */
  readonly duration?: number;
  /** Bytes per broadcast packet (at least 13). Default 32. */
  readonly payload?: number;
  /** Seconds allowed for every client to connect. Default 30. */
  readonly connectTimeout?: number;
  /** Stops connecting or sending early (SIGINT in the CLI); the summary covers what ran. */
  readonly signal?: AbortSignal;
  /** Called once, when every bot is connected (or the connect timeout passed) and sending begins. */
  readonly onSending?: () => void;
  /** Called about once a second with a progress line. */
  readonly onProgress?: (line: string) => void;
}

/** What a load test measured. */
export interface LoadTestSummary {
  readonly clients: number;
  readonly connected: number;
  /** Clients that never connected, or dropped before the end. */
  readonly errors: number;
  readonly sent: number;
  readonly received: number;
  /** Broadcasts sent per second, all clients together. */
  readonly sentPerSec: number;
  /** Packets received per second, all clients together. */
  readonly receivedPerSec: number;
  /** received ÷ what the room mates of every sender should have received, in %. */
  readonly deliveryPct: number;
  readonly rttP50Ms: number;
  readonly rttP99Ms: number;
  readonly rttSamples: number;
  readonly seconds: number;
}

const POSITION = 1;
const PING = 2;
const PONG = 3;
const HEADER = 13; // kind (1) + sender slot (4) + timestamp (8)

interface Bot {
  readonly slot: number;
  readonly room: number;
  readonly peer: WebSocketMultiplayerPeer;
  readonly mp: SceneMultiplayer;
  /** Network ids of this bot's room mates, learned from peer_connected. */
  readonly mates: Set<number>;
  connected: boolean;
  dropped: boolean;
  sent: number;
  received: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs a load test; resolves with its summary once every bot is closed. */
export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestSummary> {
  const rooms = options.rooms ?? 1;
  const rate = options.rate ?? 20;
  const duration = options.duration ?? 10;
  const size = Math.max(HEADER, options.payload ?? 32);
  const progress = options.onProgress ?? (() => undefined);
  if (!Number.isInteger(options.clients) || options.clients < 1) throw new RangeError('clients must be a positive integer');
  if (!Number.isInteger(rooms) || rooms < 1) throw new RangeError('rooms must be a positive integer');
  if (!(rate > 0) || !(duration > 0)) throw new RangeError('rate and duration must be positive');

  const rtts: number[] = [];
  const bots: Bot[] = [];
  for (let slot = 0; slot < options.clients; slot++) {
    const room = (slot % rooms) + (options.roomOffset ?? 0);
    const peer = new WebSocketMultiplayerPeer();
    peer.handshakeTimeout = options.connectTimeout ?? 30;
    const mp = new SceneMultiplayer();
    // No scene: raw packets only. SceneMultiplayer still wants a root (Godot: set_root_path).
    mp.rootPath = new NodePath('/root');
    const bot: Bot = { slot, room, peer, mp, mates: new Set(), connected: false, dropped: false, sent: 0, received: 0 };
    mp.peerConnected.connect((id) => {
      if (id !== 1) bot.mates.add(id);
    });
    mp.peerDisconnected.connect((id) => bot.mates.delete(id));
    mp.connectedToServer.connect(() => {
      bot.connected = true;
    });
    mp.serverDisconnected.connect(() => {
      bot.dropped = true;
    });
    mp.peerPacket.connect((from, packet) => {
      if (packet.length < HEADER) return;
      const view = new DataView(packet.buffer, packet.byteOffset, packet.length);
      const kind = packet[0];
      if (kind === POSITION) bot.received++;
      else if (kind === PING) {
        packet[0] = PONG;
        mp.sendBytes(packet, from, { mode: TransferMode.RELIABLE });
      } else if (kind === PONG && view.getUint32(1) === slot) {
        rtts.push(performance.now() - view.getFloat64(5));
      }
    });
    if (peer.createClient(options.url.replaceAll('{room}', String(room))) !== ErrorCode.OK) bot.dropped = true;
    mp.multiplayerPeer = peer;
    bots.push(bot);
    // Spread the handshakes: a burst of thousands overruns a listen backlog.
    if (slot % 50 === 49) await pollFor(bots, 5);
  }

  const connectDeadline = performance.now() + (options.connectTimeout ?? 30) * 1000;
  let lastProgress = performance.now();
  while (
    !options.signal?.aborted &&
    performance.now() < connectDeadline &&
    bots.some((b) => !b.connected && !b.dropped && b.peer.getConnectionStatus() !== ConnectionStatus.DISCONNECTED)
  ) {
    await pollFor(bots, 10);
    if (performance.now() - lastProgress >= 1000) {
      lastProgress = performance.now();
      progress(`connecting: ${bots.filter((b) => b.connected).length}/${bots.length}`);
    }
  }
  // Room mates learn of each other through the server's relay notices; give them a moment.
  await pollFor(bots, 300);

  const packet = new Uint8Array(size);
  const view = new DataView(packet.buffer);
  options.onSending?.();
  const start = performance.now();
  const interval = 1000 / rate;
  let nextSend = start;
  let nextPing = start + 500;
  lastProgress = start;
  let sentTotal = 0;
  while (!options.signal?.aborted && performance.now() - start < duration * 1000) {
    const now = performance.now();
    if (now >= nextSend) {
      nextSend += interval;
      if (nextSend < now) nextSend = now + interval; // behind: skip, do not burst
      packet[0] = POSITION;
      for (const bot of bots) {
        if (!bot.connected || bot.dropped) continue;
        view.setUint32(1, bot.slot);
        view.setFloat64(5, performance.now());
        if (bot.mp.sendBytes(packet, 0, { mode: TransferMode.UNRELIABLE }) === ErrorCode.OK) {
          bot.sent++;
          sentTotal++;
        }
      }
    }
    if (now >= nextPing) {
      nextPing += 1000;
      for (const bot of bots) {
        const mate = bot.mates.values().next();
        if (!bot.connected || bot.dropped || mate.done) continue;
        const ping = new Uint8Array(HEADER);
        const pv = new DataView(ping.buffer);
        ping[0] = PING;
        pv.setUint32(1, bot.slot);
        pv.setFloat64(5, performance.now());
        bot.mp.sendBytes(ping, mate.value, { mode: TransferMode.RELIABLE });
      }
    }
    for (const b of bots) b.mp.poll();
    // Sleep until the next send is due (at most 10 ms): bots must not spin on the core they share.
    await sleep(Math.max(1, Math.min(10, Math.min(nextSend, nextPing) - performance.now())));
    if (now - lastProgress >= 1000) {
      lastProgress = now;
      const s = (now - start) / 1000;
      const received = bots.reduce((n, b) => n + b.received, 0);
      progress(
        `${s.toFixed(0)} s: ${bots.filter((b) => b.connected && !b.dropped).length} connected, ` +
          `${Math.round(sentTotal / s)} sent/s, ${Math.round(received / s)} received/s, rtt p50 ${percentile(
            [...rtts].sort((a, b) => a - b),
            50,
          ).toFixed(1)} ms`,
      );
    }
  }
  const seconds = (performance.now() - start) / 1000;
  await pollFor(bots, 1000); // drain what is in flight

  // What each bot should have received: the broadcasts of its room mates that were connected.
  const sentByRoom = new Map<number, number>();
  for (const b of bots) sentByRoom.set(b.room, (sentByRoom.get(b.room) ?? 0) + b.sent);
  let expected = 0;
  for (const b of bots) if (b.connected && !b.dropped) expected += sentByRoom.get(b.room)! - b.sent;
  const received = bots.reduce((n, b) => n + b.received, 0);
  const connected = bots.filter((b) => b.connected && !b.dropped).length;
  for (const b of bots) b.peer.close();
  const sorted = rtts.sort((a, b) => a - b);
  return {
    clients: bots.length,
    connected,
    errors: bots.length - connected,
    sent: sentTotal,
    received,
    sentPerSec: sentTotal / seconds,
    receivedPerSec: received / seconds,
    deliveryPct: expected === 0 ? 0 : (100 * received) / expected,
    rttP50Ms: percentile(sorted, 50),
    rttP99Ms: percentile(sorted, 99),
    rttSamples: sorted.length,
    seconds,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls every bot for about `ms` (at least once), every 2 ms. */
async function pollFor(bots: readonly Bot[], ms: number): Promise<void> {
  const until = performance.now() + ms;
  do {
    for (const b of bots) b.mp.poll();
    await sleep(2);
  } while (performance.now() < until);
}

/** The summary as the CLI prints it. */
export function formatSummary(s: LoadTestSummary): string {
  return [
    `connected ${s.connected}/${s.clients} (${s.errors} errors) over ${s.seconds.toFixed(1)} s`,
    `messages: ${Math.round(s.sentPerSec)} sent/s, ${Math.round(s.receivedPerSec)} received/s, delivery ${s.deliveryPct.toFixed(1)} %`,
    `rtt (client → server → client → server → client): p50 ${s.rttP50Ms.toFixed(1)} ms, p99 ${s.rttP99Ms.toFixed(1)} ms (${s.rttSamples} samples)`,
  ].join('\n');
}
