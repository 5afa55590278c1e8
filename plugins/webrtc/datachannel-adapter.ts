/**
 * The node-datachannel (libdatachannel) backend: the ONLY file that imports `node-datachannel`.
 *
 * Lifecycle: libdatachannel keeps native threads (and so the Node process) alive until its global
 * `cleanup()` runs. This adapter counts the connections it has open and calls `cleanup()` once none
 * has been open for `IDLE_CLEANUP_MS`, so a program or test that closes every connection exits by
 * itself. Not at once: libdatachannel does not survive many cleanup/re-initialize cycles (measured
 * with 0.33.4: data channels stop opening after the 7th), and tests open and close connections
 * back to back, so cleanup waits until the process has really stopped using WebRTC.
 */
import { cleanup, PeerConnection } from 'node-datachannel';
import type { DataChannel, DataChannelInitConfig, RtcConfig } from 'node-datachannel';
import type {
  RtcBackend,
  RtcChannelEvents,
  RtcChannelHandle,
  RtcChannelInit,
  RtcConfiguration,
  RtcConnectionEvents,
  RtcConnectionHandle,
  RtcConnectionStateName,
  RtcGatheringStateName,
  RtcIceServer,
  RtcSignalingStateName,
} from './rtc-backend.js';
import { WebRTCPeerConnection, type WebRTCPeerConnectionOptions } from './webrtc-peer-connection.js';

/** How long no connection may be open before the library is cleaned up. */
const IDLE_CLEANUP_MS = 300;

let openConnections = 0;
let nextName = 1;
let cleanupTimer: ReturnType<typeof setTimeout> | null = null;

/** Open native connections made through this adapter (for tests that check nothing leaks). */
export function openNativeConnectionCount(): number {
  return openConnections;
}

function release(): void {
  openConnections--;
  if (openConnections > 0) return;
  if (cleanupTimer !== null) clearTimeout(cleanupTimer);
  // Deliberately not unref()'d: the process should live the few ms it takes to clean up properly.
  cleanupTimer = setTimeout(cleanupIfIdle, IDLE_CLEANUP_MS);
}

function cleanupIfIdle(): void {
  cleanupTimer = null;
  if (openConnections !== 0) return;
  try {
    cleanup();
  } catch {
    // libdatachannel gave up waiting for its threads (it says "possible deadlock"); nothing else to do.
  }
}

/** Godot's `{ urls, username, credential }` → libdatachannel's URL strings (`turn:user:pass@host:port`). */
function iceServerUrls(server: RtcIceServer): string[] {
  const urls = typeof server.urls === 'string' ? [server.urls] : [...server.urls];
  if (server.username === undefined) return urls;
  const auth = `${encodeURIComponent(server.username)}:${encodeURIComponent(server.credential ?? '')}@`;
  return urls.map((url) => url.replace(/^(turns?:)(\/\/)?/, `$1${auth}`));
}

function toRtcConfig(config: RtcConfiguration): RtcConfig {
  return {
    iceServers: config.iceServers.flatMap(iceServerUrls),
    // Godot's API is explicit: createOffer() / setLocalDescription() are the application's calls.
    disableAutoNegotiation: true,
    ...(config.bindAddress !== undefined ? { bindAddress: config.bindAddress } : {}),
    ...(config.portRangeBegin !== undefined ? { portRangeBegin: config.portRangeBegin } : {}),
    ...(config.portRangeEnd !== undefined ? { portRangeEnd: config.portRangeEnd } : {}),
  };
}

function toInitConfig(init: RtcChannelInit): DataChannelInitConfig {
  const c: DataChannelInitConfig = { unordered: !init.ordered };
  if (init.negotiated) {
    c.negotiated = true;
    c.id = init.id;
  }
  if (init.maxPacketLifeTime >= 0) c.maxPacketLifeTime = init.maxPacketLifeTime;
  if (init.maxRetransmits >= 0) c.maxRetransmits = init.maxRetransmits;
  if (init.protocol !== '') c.protocol = init.protocol;
  return c;
}

/** What a received (in-band) channel reports: libdatachannel does not expose its reliability. */
const RECEIVED_INIT: RtcChannelInit = {
  negotiated: false,
  id: -1,
  ordered: true,
  maxPacketLifeTime: -1,
  maxRetransmits: -1,
  protocol: '',
};

/*
 * Sends are deferred to the end of the current task (a microtask), then made back to back.
 * libdatachannel pushes each message through SCTP, DTLS and a UDP send on the calling thread while
 * its congestion window is open, so messages put one by one between an application's own work (an
 * RPC encoded per call) go out as a packet and a system call each, where a burst lets SCTP bundle
 * them. Measured with `test/bench/webrtc.bench.ts`, 38-byte RPCs, three paired runs: process CPU per
 * message 1.4-2.6x raw node-datachannel's with the deferral, 2.1-2.9x without. Nothing waits for a
 * poll or a timer: the messages leave before the event loop turns.
 */

/** Binary messages up to this size are deferred (larger ones are sent at once, after what is deferred). */
const MAX_DEFERRED = 16 * 1024;
const SLAB_BYTES = 256 * 1024;
/**
 * Copies of the deferred messages, back to back; reused once they are sent (the native send copies).
 * Allocated on the first send, so a process that never sends over WebRTC does not pay for it.
 */
let slab: Uint8Array | null = null;
let slabUsed = 0;
/** The deferred messages, in the order they were put, and the channel of each. */
let deferred: Uint8Array[] = [];
let deferredTo: ChannelHandle[] = [];

/** Sends every deferred message; runs as a microtask once per task that deferred any. */
function flushDeferred(): void {
  const messages = deferred;
  const to = deferredTo;
  if (messages.length === 0) return;
  deferred = [];
  deferredTo = [];
  for (let i = 0; i < messages.length; i++) to[i]!.sendNow(messages[i]!);
  slabUsed = 0;
}

class ChannelHandle implements RtcChannelHandle {
  readonly label: string;
  readonly protocol: string;
  readonly init: RtcChannelInit;
  readonly #dc: DataChannel;
  #id: number;
  /** Bytes of this channel's deferred messages. */
  #deferredBytes = 0;
  #onError: ((message: string) => void) | null = null;

  constructor(dc: DataChannel, init: RtcChannelInit) {
    this.#dc = dc;
    this.label = dc.getLabel();
    this.protocol = dc.getProtocol();
    this.init = init;
    this.#id = init.id;
  }

  get id(): number {
    if (this.#id < 0) {
      try {
        const id = this.#dc.getId();
        if (id >= 0 && id <= 65535) this.#id = id;
      } catch {
        // Closed before the id was known.
      }
    }
    return this.#id;
  }

  listen(events: RtcChannelEvents): void {
    this.#onError = (message) => events.error(message);
    this.#dc.onOpen(() => events.open());
    this.#dc.onClosed(() => events.closed());
    this.#dc.onError((err) => events.error(err));
    this.#dc.onMessage((msg) => {
      if (typeof msg === 'string') events.message(msg);
      else if (msg instanceof ArrayBuffer) events.message(new Uint8Array(msg));
      else events.message(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    });
    // Received channels can already be open when handed over; no further onOpen comes then.
    if (this.#dc.isOpen()) events.open();
  }

  /**
   * Copies a binary message and sends it when the current task ends (see above: the caller may reuse
   * its buffer at once); text, and binary over MAX_DEFERRED, go at once after what is deferred, so
   * the channel's order holds. A deferred message the channel no longer takes is reported as an error.
   */
  send(data: Uint8Array | string): void {
    if (typeof data !== 'string' && data.byteLength <= MAX_DEFERRED) {
      if (deferred.length === 0) queueMicrotask(flushDeferred);
      if (slab === null || slabUsed + data.byteLength > slab.byteLength) {
        slab = new Uint8Array(SLAB_BYTES);
        slabUsed = 0;
      }
      const copy = slab.subarray(slabUsed, slabUsed + data.byteLength);
      copy.set(data);
      slabUsed += data.byteLength;
      deferred.push(copy);
      deferredTo.push(this);
      this.#deferredBytes += data.byteLength;
      return;
    }
    flushDeferred();
    if (typeof data === 'string') this.#dc.sendMessage(data);
    else this.#dc.sendMessageBinary(data);
  }

  /** @internal Sends one deferred message. */
  sendNow(data: Uint8Array): void {
    this.#deferredBytes -= data.byteLength;
    try {
      this.#dc.sendMessageBinary(data);
    } catch (err) {
      this.#onError?.(`a message was not sent: ${String(err)}`);
    }
  }

  bufferedAmount(): number {
    return this.#dc.bufferedAmount() + this.#deferredBytes;
  }

  maxMessageSize(): number {
    return this.#dc.maxMessageSize();
  }

  close(): void {
    flushDeferred();
    this.#dc.close();
  }
}

/**
 * One native connection.
 *
 * The offerer holds its local candidates until the remote answer has been applied, then hands them
 * out. This works around a race in libdatachannel (0.24, node-datachannel 0.33): once the answerer
 * knows the offerer's candidates, its ICE checks can complete and its DTLS ClientHello can reach the
 * offerer before the offerer has stored the answer's certificate fingerprint; the offerer's DTLS
 * then rejects the handshake ("unknown CA") and the connection ends `failed`. It shows under CPU
 * starvation (measured: mesh and alias tests beside two CPU hogs). Without the offerer's candidates
 * the answerer cannot reach it before the answer is in place. The answerer's candidates are not held:
 * its DTLS already has the offer's fingerprint when it creates the answer.
 */
class ConnectionHandle implements RtcConnectionHandle {
  readonly #pc: PeerConnection;
  readonly #events: RtcConnectionEvents;
  #open = true;
  /** The offerer's local candidates while it waits for the answer; null when not holding. */
  #held: Array<[mid: string, name: string]> | null = null;

  constructor(config: RtcConfiguration, events: RtcConnectionEvents) {
    this.#pc = new PeerConnection(`scenenet-${nextName++}`, toRtcConfig(config));
    this.#events = events;
    openConnections++;
    const pc = this.#pc;
    pc.onLocalDescription((sdp, type) => events.localDescription(type, sdp));
    // libdatachannel hands out "a=candidate:…"; browsers and Godot use the bare "candidate:…" form.
    pc.onLocalCandidate((candidate, mid) => {
      const name = candidate.replace(/^a=/, '');
      if (this.#held !== null) this.#held.push([mid, name]);
      else events.localCandidate(mid, 0, name);
    });
    pc.onStateChange((s) => events.stateChange(s as RtcConnectionStateName));
    pc.onGatheringStateChange((s) => events.gatheringStateChange(s as RtcGatheringStateName));
    pc.onSignalingStateChange((s) => events.signalingStateChange(s as RtcSignalingStateName));
    pc.onDataChannel((dc) => events.dataChannel(new ChannelHandle(dc, RECEIVED_INIT)));
  }

  createDataChannel(label: string, init: RtcChannelInit): RtcChannelHandle {
    return new ChannelHandle(this.#pc.createDataChannel(label, toInitConfig(init)), init);
  }

  createOffer(): void {
    // Callbacks arrive on later event-loop turns, so holding starts before the first candidate.
    this.#held ??= [];
    this.#pc.setLocalDescription('offer');
  }

  // libdatachannel applies its own description when it creates it (as Godot's webrtc-native plugin
  // notes, "it's already set automatically"), so there is nothing left to do here.
  setLocalDescription(_type: string, _sdp: string): void {}

  setRemoteDescription(type: string, sdp: string): void {
    this.#pc.setRemoteDescription(sdp, type as 'offer' | 'answer');
    if (type === 'offer') this.#pc.setLocalDescription('answer');
    else if (type === 'answer') this.#releaseCandidates();
  }

  addIceCandidate(media: string, _index: number, name: string): void {
    this.#pc.addRemoteCandidate(name, media);
  }

  #releaseCandidates(): void {
    const held = this.#held;
    this.#held = null;
    for (const [mid, name] of held ?? []) this.#events.localCandidate(mid, 0, name);
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#held = null;
    try {
      this.#pc.close();
    } finally {
      release();
    }
  }
}

/** The node-datachannel backend. */
export const nodeDataChannelBackend: RtcBackend = {
  name: 'node-datachannel',
  createConnection: (config, events) => new ConnectionHandle(config, events),
};

/**
 * Godot: WebRTCPeerConnection, on node-datachannel (Godot's webrtc-native plugin also wraps
 * libdatachannel). Exported as `WebRTCPeerConnection` by the Node entry.
 */
export class WebRTCPeerConnectionNative extends WebRTCPeerConnection {
  constructor(options: WebRTCPeerConnectionOptions = {}) {
    super(nodeDataChannelBackend, options);
  }
}
