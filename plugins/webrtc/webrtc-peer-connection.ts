import { ErrorCode, Signal, logFailure, silentLogger, type Logger } from '../../core/index.js';
import type {
  RtcBackend,
  RtcChannelHandle,
  RtcChannelInit,
  RtcConfiguration,
  RtcConnectionHandle,
  RtcConnectionStateName,
  RtcGatheringStateName,
  RtcIceServer,
  RtcSignalingStateName,
} from './rtc-backend.js';
import { WebRTCDataChannel } from './webrtc-data-channel.js';

/** Godot: WebRTCPeerConnection::ConnectionState. */
export const ConnectionState = { NEW: 0, CONNECTING: 1, CONNECTED: 2, DISCONNECTED: 3, FAILED: 4, CLOSED: 5 } as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** Godot: WebRTCPeerConnection::GatheringState. */
export const GatheringState = { NEW: 0, GATHERING: 1, COMPLETE: 2 } as const;
export type GatheringState = (typeof GatheringState)[keyof typeof GatheringState];

/** Godot: WebRTCPeerConnection::SignalingState. */
export const SignalingState = {
  STABLE: 0,
  HAVE_LOCAL_OFFER: 1,
  HAVE_REMOTE_OFFER: 2,
  HAVE_LOCAL_PRANSWER: 3,
  HAVE_REMOTE_PRANSWER: 4,
  CLOSED: 5,
} as const;
export type SignalingState = (typeof SignalingState)[keyof typeof SignalingState];

/** Godot's `initialize()` dictionary. Only `iceServers` is Godot's; the rest are Node-only extras. */
export interface WebRTCConfiguration {
  /** STUN/TURN servers. Default: none (host candidates only). */
  readonly iceServers?: readonly RtcIceServer[];
  /** Node only: bind ICE to this local address (tests use `127.0.0.1`). */
  readonly bindAddress?: string;
  /** Node only: UDP port range for ICE. */
  readonly portRangeBegin?: number;
  readonly portRangeEnd?: number;
}

/** Godot's `create_data_channel()` options dictionary. */
export interface WebRTCDataChannelInit {
  /** Negotiated out of band: both sides create the channel with the same `id`; no `dataChannelReceived`. */
  readonly negotiated?: boolean;
  /** SCTP stream id (0 … 65534); required when, and only when, `negotiated`. */
  readonly id?: number;
  /** Default true. */
  readonly ordered?: boolean;
  /** Milliseconds before giving up retransmission. Exclusive with `maxRetransmits`. */
  readonly maxPacketLifeTime?: number;
  /** Retransmission attempts. Exclusive with `maxPacketLifeTime`. */
  readonly maxRetransmits?: number;
  /** Sub-protocol name. */
  readonly protocol?: string;
}

/** Dependencies of a connection. */
export interface WebRTCPeerConnectionOptions {
  readonly logger?: Logger;
}

type ConnectionEvent =
  | { readonly kind: 'description'; readonly type: string; readonly sdp: string }
  | { readonly kind: 'candidate'; readonly media: string; readonly index: number; readonly name: string }
  | { readonly kind: 'state'; readonly state: ConnectionState }
  | { readonly kind: 'gathering'; readonly state: GatheringState }
  | { readonly kind: 'signaling'; readonly state: SignalingState }
  | { readonly kind: 'channel'; readonly handle: RtcChannelHandle }
  | { readonly kind: 'error'; readonly message: string };

const CONNECTION_STATES: Record<RtcConnectionStateName, ConnectionState> = {
  new: ConnectionState.NEW,
  connecting: ConnectionState.CONNECTING,
  connected: ConnectionState.CONNECTED,
  disconnected: ConnectionState.DISCONNECTED,
  failed: ConnectionState.FAILED,
  closed: ConnectionState.CLOSED,
};
const GATHERING_STATES: Record<RtcGatheringStateName, GatheringState> = {
  new: GatheringState.NEW,
  gathering: GatheringState.GATHERING,
  'in-progress': GatheringState.GATHERING,
  complete: GatheringState.COMPLETE,
};
const SIGNALING_STATES: Record<RtcSignalingStateName, SignalingState> = {
  stable: SignalingState.STABLE,
  'have-local-offer': SignalingState.HAVE_LOCAL_OFFER,
  'have-remote-offer': SignalingState.HAVE_REMOTE_OFFER,
  'have-local-pranswer': SignalingState.HAVE_LOCAL_PRANSWER,
  'have-remote-pranswer': SignalingState.HAVE_REMOTE_PRANSWER,
  closed: SignalingState.CLOSED,
};

/**
 * Godot: WebRTCPeerConnection (modules/webrtc/webrtc_peer_connection.h), over a pluggable backend.
 * The package entries export it with their platform's backend as the default (`new WebRTCPeerConnection()`).
 *
 * Polled: the backend's callbacks only queue; `poll()` applies state changes and emits
 * `sessionDescriptionCreated`, `iceCandidateCreated` and `dataChannelReceived`, in arrival order, and
 * polls every data channel of this connection.
 */
export class WebRTCPeerConnection {
  /** Godot signal `session_description_created(type, sdp)`: pass to `setLocalDescription` and to the remote. */
  readonly sessionDescriptionCreated = new Signal<[type: string, sdp: string]>();
  /** Godot signal `ice_candidate_created(media, index, name)`: send to the remote's `addIceCandidate`. */
  readonly iceCandidateCreated = new Signal<[media: string, index: number, name: string]>();
  /** Godot signal `data_channel_received(channel)`: an in-band (not negotiated) channel opened by the remote. */
  readonly dataChannelReceived = new Signal<[channel: WebRTCDataChannel]>();

  readonly #backend: RtcBackend;
  readonly #log: Logger;
  #config: RtcConfiguration = { iceServers: [] };
  #handle: RtcConnectionHandle | null = null;
  #events: ConnectionEvent[] = [];
  #channels: WebRTCDataChannel[] = [];
  #state: ConnectionState = ConnectionState.NEW;
  #gathering: GatheringState = GatheringState.NEW;
  #signaling: SignalingState = SignalingState.STABLE;
  #closed = false;
  #generation = 0;
  #hasRemoteDescription = false;
  #pendingCandidates: Array<[media: string, index: number, name: string]> = [];
  #described = false;
  #heldCandidates: Array<Extract<ConnectionEvent, { kind: 'candidate' }>> = [];

  constructor(backend: RtcBackend, options: WebRTCPeerConnectionOptions = {}) {
    this.#backend = backend;
    this.#log = options.logger ?? silentLogger;
  }

  /**
   * Godot: WebRTCPeerConnection::initialize. Closes any previous connection and starts over in NEW.
   * Optional: the first call that needs the native connection initializes with no ICE servers.
   */
  initialize(configuration: WebRTCConfiguration = {}): ErrorCode {
    const config = normalizeConfiguration(configuration);
    if (config === null) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'Invalid WebRTC configuration.');
    this.#release();
    this.#config = config;
    this.#closed = false;
    this.#state = ConnectionState.NEW;
    this.#gathering = GatheringState.NEW;
    this.#signaling = SignalingState.STABLE;
    return this.#open() ? ErrorCode.OK : ErrorCode.FAILED;
  }

  /** Godot: WebRTCPeerConnection::create_data_channel. Returns null (and logs) on failure. */
  createDataChannel(label: string, options: WebRTCDataChannelInit = {}): WebRTCDataChannel | null {
    const init = normalizeChannelInit(options);
    if (init === null) {
      this.#log.error(`createDataChannel("${label}"): invalid options.`);
      return null;
    }
    const handle = this.#ensure();
    if (handle === null) return null;
    try {
      return this.#adopt(handle.createDataChannel(label, init));
    } catch (err) {
      this.#log.error(`createDataChannel("${label}") failed: ${String(err)}`);
      return null;
    }
  }

  /** Godot: WebRTCPeerConnection::create_offer. The offer arrives via `sessionDescriptionCreated`. */
  createOffer(): ErrorCode {
    const handle = this.#ensure();
    if (handle === null) return ErrorCode.ERR_UNCONFIGURED;
    if (this.#state !== ConnectionState.NEW) return logFailure(this.#log, '', ErrorCode.FAILED, 'createOffer: the connection is not NEW.');
    return this.#call('createOffer', () => handle.createOffer());
  }

  /** Godot: WebRTCPeerConnection::set_local_description. Call it with what `sessionDescriptionCreated` gave. */
  setLocalDescription(type: string, sdp: string): ErrorCode {
    if (!isSdpType(type)) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid SDP type "${type}".`);
    const handle = this.#ensure();
    if (handle === null) return ErrorCode.ERR_UNCONFIGURED;
    return this.#call('setLocalDescription', () => handle.setLocalDescription(type, sdp));
  }

  /** Godot: WebRTCPeerConnection::set_remote_description. An offer makes this side create an answer. */
  setRemoteDescription(type: string, sdp: string): ErrorCode {
    if (!isSdpType(type)) return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, `Invalid SDP type "${type}".`);
    const handle = this.#ensure();
    if (handle === null) return ErrorCode.ERR_UNCONFIGURED;
    const err = this.#call('setRemoteDescription', () => handle.setRemoteDescription(type, sdp));
    if (err !== ErrorCode.OK) return err;
    this.#hasRemoteDescription = true;
    for (const [media, index, name] of this.#pendingCandidates.splice(0)) this.#addCandidate(handle, media, index, name);
    return ErrorCode.OK;
  }

  /** Godot: WebRTCPeerConnection::add_ice_candidate. Held back until a remote description is set. */
  addIceCandidate(media: string, index: number, name: string): ErrorCode {
    if (typeof name !== 'string' || typeof media !== 'string' || !Number.isInteger(index) || index < 0) {
      return logFailure(this.#log, '', ErrorCode.ERR_INVALID_PARAMETER, 'Invalid ICE candidate.');
    }
    const handle = this.#ensure();
    if (handle === null) return ErrorCode.ERR_UNCONFIGURED;
    // Divergence from Godot: candidates that outrun the description (a signaling server may reorder
    // them) are kept until setRemoteDescription instead of failing.
    if (!this.#hasRemoteDescription) {
      if (this.#pendingCandidates.length >= 256)
        return logFailure(this.#log, '', ErrorCode.ERR_OUT_OF_MEMORY, 'Too many early ICE candidates.');
      this.#pendingCandidates.push([media, index, name]);
      return ErrorCode.OK;
    }
    return this.#addCandidate(handle, media, index, name);
  }

  /** Godot: WebRTCPeerConnection::poll. Emits this connection's signals and polls its channels. */
  poll(): ErrorCode {
    if (this.#handle === null) return ErrorCode.OK;
    const events = this.#events;
    this.#events = [];
    for (const e of events) {
      if (this.#closed) break;
      this.#dispatch(e);
    }
    for (const channel of this.#channels) channel.poll();
    return ErrorCode.OK;
  }

  /** Godot: WebRTCPeerConnection::close. Closes every data channel; the state becomes CLOSED. */
  close(): void {
    if (this.#closed) return;
    this.#release();
    this.#closed = true;
    this.#state = ConnectionState.CLOSED;
    this.#signaling = SignalingState.CLOSED;
  }

  /** Godot: WebRTCPeerConnection::get_connection_state (as of the last `poll()`). */
  getConnectionState(): ConnectionState {
    return this.#state;
  }

  /** Godot: WebRTCPeerConnection::get_gathering_state (as of the last `poll()`). */
  getGatheringState(): GatheringState {
    return this.#gathering;
  }

  /** Godot: WebRTCPeerConnection::get_signaling_state (as of the last `poll()`). */
  getSignalingState(): SignalingState {
    return this.#signaling;
  }

  #dispatch(e: ConnectionEvent): void {
    switch (e.kind) {
      case 'description':
        this.#described = true;
        this.sessionDescriptionCreated.emit(e.type, e.sdp);
        for (const c of this.#heldCandidates.splice(0)) {
          if (this.#closed) break;
          this.iceCandidateCreated.emit(c.media, c.index, c.name);
        }
        return;
      case 'candidate':
        // node-datachannel reports descriptions and candidates through separate queues, so a
        // candidate can overtake its description; the remote must see the description first.
        if (!this.#described) return void this.#heldCandidates.push(e);
        return this.iceCandidateCreated.emit(e.media, e.index, e.name);
      case 'state':
        this.#state = e.state;
        return;
      case 'gathering':
        this.#gathering = e.state;
        return;
      case 'signaling':
        this.#signaling = e.state;
        return;
      case 'channel': {
        const channel = this.#adopt(e.handle);
        channel.poll();
        return this.dataChannelReceived.emit(channel);
      }
      case 'error':
        this.#log.warn(`WebRTCPeerConnection: ${e.message}`);
        return;
    }
  }

  #adopt(handle: RtcChannelHandle): WebRTCDataChannel {
    const channel = new WebRTCDataChannel(handle, { logger: this.#log });
    this.#channels.push(channel);
    return channel;
  }

  #ensure(): RtcConnectionHandle | null {
    if (this.#closed) {
      this.#log.error('WebRTCPeerConnection is closed; call initialize() to reuse it.');
      return null;
    }
    if (this.#handle === null && !this.#open()) return null;
    return this.#handle;
  }

  #open(): boolean {
    // Late callbacks of a closed or replaced native connection must not reach this object.
    const generation = ++this.#generation;
    this.#events = [];
    const push = (e: ConnectionEvent): void => {
      if (this.#generation === generation) this.#events.push(e);
    };
    try {
      this.#handle = this.#backend.createConnection(this.#config, {
        localDescription: (type, sdp) => push({ kind: 'description', type, sdp }),
        localCandidate: (media, index, name) => push({ kind: 'candidate', media, index, name }),
        stateChange: (s) => push({ kind: 'state', state: CONNECTION_STATES[s] ?? ConnectionState.FAILED }),
        gatheringStateChange: (s) => push({ kind: 'gathering', state: GATHERING_STATES[s] ?? GatheringState.NEW }),
        signalingStateChange: (s) => push({ kind: 'signaling', state: SIGNALING_STATES[s] ?? SignalingState.STABLE }),
        dataChannel: (handle) => push({ kind: 'channel', handle }),
        error: (message) => push({ kind: 'error', message }),
      });
      return true;
    } catch (err) {
      this.#log.error(`WebRTCPeerConnection could not be created: ${String(err)}`);
      this.#handle = null;
      return false;
    }
  }

  #release(): void {
    for (const channel of this.#channels) channel.close();
    this.#channels = [];
    this.#events = [];
    this.#generation++;
    this.#pendingCandidates = [];
    this.#hasRemoteDescription = false;
    this.#described = false;
    this.#heldCandidates = [];
    const handle = this.#handle;
    this.#handle = null;
    if (handle === null) return;
    try {
      handle.close();
    } catch (err) {
      this.#log.debug(`WebRTCPeerConnection close: ${String(err)}`);
    }
  }

  #addCandidate(handle: RtcConnectionHandle, media: string, index: number, name: string): ErrorCode {
    return this.#call('addIceCandidate', () => handle.addIceCandidate(media, index, name));
  }

  #call(what: string, fn: () => void): ErrorCode {
    try {
      fn();
      return ErrorCode.OK;
    } catch (err) {
      return logFailure(this.#log, '', ErrorCode.FAILED, `${what} failed: ${String(err)}`);
    }
  }
}

function isSdpType(type: string): boolean {
  return type === 'offer' || type === 'answer' || type === 'pranswer' || type === 'rollback';
}

function normalizeConfiguration(c: WebRTCConfiguration): RtcConfiguration | null {
  const servers = c.iceServers ?? [];
  if (!Array.isArray(servers)) return null;
  for (const s of servers) {
    const urls = typeof s?.urls === 'string' ? [s.urls] : s?.urls;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string')) return null;
  }
  return {
    iceServers: servers,
    ...(c.bindAddress !== undefined ? { bindAddress: c.bindAddress } : {}),
    ...(c.portRangeBegin !== undefined ? { portRangeBegin: c.portRangeBegin } : {}),
    ...(c.portRangeEnd !== undefined ? { portRangeEnd: c.portRangeEnd } : {}),
  };
}

/** Godot's webrtc-native rules: `id` exactly when negotiated; at most one of the two reliability limits. */
function normalizeChannelInit(o: WebRTCDataChannelInit): RtcChannelInit | null {
  const negotiated = o.negotiated ?? false;
  const id = o.id ?? -1;
  if (negotiated ? !(Number.isInteger(id) && id >= 0 && id <= 65534) : id !== -1) return null;
  const life = o.maxPacketLifeTime ?? -1;
  const retransmits = o.maxRetransmits ?? -1;
  if (life !== -1 && retransmits !== -1) return null;
  if (!isLimit(life) || !isLimit(retransmits)) return null;
  return { negotiated, id, ordered: o.ordered ?? true, maxPacketLifeTime: life, maxRetransmits: retransmits, protocol: o.protocol ?? '' };
}

function isLimit(v: number): boolean {
  return v === -1 || (Number.isInteger(v) && v >= 0 && v <= 65535);
}
