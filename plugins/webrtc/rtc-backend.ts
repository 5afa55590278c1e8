/**
 * The seam between scenenet's WebRTC classes and a WebRTC implementation: node-datachannel in Node
 * (`datachannel-adapter.ts`) or the browser's `RTCPeerConnection` (`webrtc-peer-connection-js.ts`).
 *
 * A backend reports everything through the `*Events` callbacks it is handed. Those callbacks only
 * queue; `WebRTCPeerConnection.poll()` and `WebRTCDataChannel.poll()` turn the queue into state and
 * signals. A backend never calls them synchronously from inside one of its own methods' callers in a
 * way that matters: the receiving classes queue either way.
 */

/** One ICE server, in Godot's `initialize()` dictionary form (the browser's `RTCIceServer`). */
export interface RtcIceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

/** What a backend needs to create a connection. */
export interface RtcConfiguration {
  readonly iceServers: readonly RtcIceServer[];
  /** Node only: the local address ICE binds to (e.g. `127.0.0.1` in tests). Ignored by browsers. */
  readonly bindAddress?: string;
  /** Node only: lowest UDP port ICE may use (0 = any). Ignored by browsers. */
  readonly portRangeBegin?: number;
  /** Node only: highest UDP port ICE may use (0 = any). Ignored by browsers. */
  readonly portRangeEnd?: number;
}

/** Data channel parameters, already validated. */
export interface RtcChannelInit {
  readonly negotiated: boolean;
  /** Stream id; -1 lets the implementation choose (only when not negotiated). */
  readonly id: number;
  readonly ordered: boolean;
  /** Milliseconds, or -1 when unset. */
  readonly maxPacketLifeTime: number;
  /** Count, or -1 when unset. */
  readonly maxRetransmits: number;
  readonly protocol: string;
}

/** W3C `RTCPeerConnectionState` strings, which both implementations report. */
export type RtcConnectionStateName = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';
/** W3C `RTCIceGatheringState` (libdatachannel says `in-progress` for `gathering`). */
export type RtcGatheringStateName = 'new' | 'gathering' | 'in-progress' | 'complete';
/** W3C `RTCSignalingState` strings. */
export type RtcSignalingStateName =
  | 'stable'
  | 'have-local-offer'
  | 'have-remote-offer'
  | 'have-local-pranswer'
  | 'have-remote-pranswer'
  | 'closed';

/** Callbacks a backend connection reports through. They only queue. */
export interface RtcConnectionEvents {
  localDescription(type: string, sdp: string): void;
  localCandidate(media: string, index: number, name: string): void;
  stateChange(state: RtcConnectionStateName): void;
  gatheringStateChange(state: RtcGatheringStateName): void;
  signalingStateChange(state: RtcSignalingStateName): void;
  dataChannel(channel: RtcChannelHandle): void;
  error(message: string): void;
}

/** Callbacks a backend data channel reports through. They only queue. */
export interface RtcChannelEvents {
  open(): void;
  closed(): void;
  error(message: string): void;
  message(data: Uint8Array | string): void;
}

/** A live native connection. Methods throw on failure; the caller turns that into an ErrorCode. */
export interface RtcConnectionHandle {
  createDataChannel(label: string, init: RtcChannelInit): RtcChannelHandle;
  /** Starts an offer; the result arrives through `localDescription`. */
  createOffer(): void;
  setLocalDescription(type: string, sdp: string): void;
  /** Applies a remote description; an offer makes the backend produce an answer (`localDescription`). */
  setRemoteDescription(type: string, sdp: string): void;
  addIceCandidate(media: string, index: number, name: string): void;
  close(): void;
}

/** A live native data channel. */
export interface RtcChannelHandle {
  readonly label: string;
  /** Stream id, or -1 while unknown. */
  readonly id: number;
  readonly protocol: string;
  /** The reliability parameters, as far as the implementation knows them. */
  readonly init: RtcChannelInit;
  /** Installs the callbacks. Called once, right after the handle is created or received. */
  listen(events: RtcChannelEvents): void;
  /** Sends one message; throws when the channel cannot take it. */
  send(data: Uint8Array | string): void;
  bufferedAmount(): number;
  maxMessageSize(): number;
  close(): void;
}

/** A WebRTC implementation. */
export interface RtcBackend {
  readonly name: string;
  /** Creates a native connection; throws when the configuration is rejected. */
  createConnection(config: RtcConfiguration, events: RtcConnectionEvents): RtcConnectionHandle;
}
