/**
 * The browser backend: the platform's `RTCPeerConnection` (Godot: WebRTCPeerConnectionJS,
 * modules/webrtc/webrtc_peer_connection_js.cpp and library_godot_webrtc.js). No Node imports here.
 */
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
  RtcSignalingStateName,
} from './rtc-backend.js';
import { WebRTCPeerConnection, type WebRTCPeerConnectionOptions } from './webrtc-peer-connection.js';

/** SCTP's default when the browser does not say (RFC 8841 §6.1). */
const DEFAULT_MAX_MESSAGE_SIZE = 65536;

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

class BrowserChannel implements RtcChannelHandle {
  readonly init: RtcChannelInit;
  readonly #dc: RTCDataChannel;
  readonly #pc: RTCPeerConnection;

  constructor(dc: RTCDataChannel, pc: RTCPeerConnection) {
    this.#dc = dc;
    this.#pc = pc;
    dc.binaryType = 'arraybuffer';
    this.init = {
      negotiated: dc.negotiated,
      id: dc.id ?? -1,
      ordered: dc.ordered,
      maxPacketLifeTime: dc.maxPacketLifeTime ?? -1,
      maxRetransmits: dc.maxRetransmits ?? -1,
      protocol: dc.protocol,
    };
  }

  get label(): string {
    return this.#dc.label;
  }

  get id(): number {
    return this.#dc.id ?? -1;
  }

  get protocol(): string {
    return this.#dc.protocol;
  }

  listen(events: RtcChannelEvents): void {
    const dc = this.#dc;
    dc.onopen = () => events.open();
    dc.onclose = () => events.closed();
    dc.onerror = (e) => events.error(describe((e as RTCErrorEvent).error ?? e));
    dc.onmessage = (e: MessageEvent<ArrayBuffer | string>) => events.message(typeof e.data === 'string' ? e.data : new Uint8Array(e.data));
    if (dc.readyState === 'open') events.open();
  }

  send(data: Uint8Array | string): void {
    if (typeof data === 'string') this.#dc.send(data);
    else this.#dc.send(data as Uint8Array<ArrayBuffer>);
  }

  bufferedAmount(): number {
    return this.#dc.bufferedAmount;
  }

  maxMessageSize(): number {
    return this.#pc.sctp?.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  close(): void {
    this.#dc.close();
  }
}

class BrowserConnection implements RtcConnectionHandle {
  readonly #pc: RTCPeerConnection;
  readonly #events: RtcConnectionEvents;

  constructor(config: RtcConfiguration, events: RtcConnectionEvents) {
    const iceServers = config.iceServers.map((s) => ({
      urls: typeof s.urls === 'string' ? s.urls : [...s.urls],
      ...(s.username !== undefined ? { username: s.username } : {}),
      ...(s.credential !== undefined ? { credential: s.credential } : {}),
    }));
    const pc = new RTCPeerConnection({ iceServers });
    this.#pc = pc;
    this.#events = events;
    pc.onicecandidate = (e) => {
      if (e.candidate !== null && e.candidate.candidate !== '') {
        events.localCandidate(e.candidate.sdpMid ?? '0', e.candidate.sdpMLineIndex ?? 0, e.candidate.candidate);
      }
    };
    pc.onconnectionstatechange = () => events.stateChange(pc.connectionState as RtcConnectionStateName);
    pc.onicegatheringstatechange = () => events.gatheringStateChange(pc.iceGatheringState as RtcGatheringStateName);
    pc.onsignalingstatechange = () => events.signalingStateChange(pc.signalingState as RtcSignalingStateName);
    pc.ondatachannel = (e) => events.dataChannel(new BrowserChannel(e.channel, pc));
  }

  createDataChannel(label: string, init: RtcChannelInit): RtcChannelHandle {
    const options: RTCDataChannelInit = { ordered: init.ordered };
    if (init.negotiated) {
      options.negotiated = true;
      options.id = init.id;
    }
    if (init.maxPacketLifeTime >= 0) options.maxPacketLifeTime = init.maxPacketLifeTime;
    if (init.maxRetransmits >= 0) options.maxRetransmits = init.maxRetransmits;
    if (init.protocol !== '') options.protocol = init.protocol;
    return new BrowserChannel(this.#pc.createDataChannel(label, options), this.#pc);
  }

  createOffer(): void {
    this.#pc.createOffer().then(
      (d) => this.#events.localDescription(d.type, d.sdp ?? ''),
      (err) => this.#events.error(`createOffer: ${describe(err)}`),
    );
  }

  setLocalDescription(type: string, sdp: string): void {
    this.#pc
      .setLocalDescription({ type: type as RTCSdpType, sdp })
      .catch((err) => this.#events.error(`setLocalDescription: ${describe(err)}`));
  }

  setRemoteDescription(type: string, sdp: string): void {
    const pc = this.#pc;
    pc.setRemoteDescription({ type: type as RTCSdpType, sdp })
      .then(async () => {
        if (type !== 'offer') return;
        const answer = await pc.createAnswer();
        this.#events.localDescription(answer.type, answer.sdp ?? '');
      })
      .catch((err) => this.#events.error(`setRemoteDescription: ${describe(err)}`));
  }

  addIceCandidate(media: string, index: number, name: string): void {
    this.#pc
      .addIceCandidate({ candidate: name, sdpMid: media, sdpMLineIndex: index })
      .catch((err) => this.#events.error(`addIceCandidate: ${describe(err)}`));
  }

  close(): void {
    this.#pc.close();
  }
}

/** The browser backend (`RTCPeerConnection`). */
export const browserRtcBackend: RtcBackend = {
  name: 'browser',
  createConnection: (config, events) => new BrowserConnection(config, events),
};

/** Godot: WebRTCPeerConnectionJS. Exported as `WebRTCPeerConnection` by the browser entry. */
export class WebRTCPeerConnectionJS extends WebRTCPeerConnection {
  constructor(options: WebRTCPeerConnectionOptions = {}) {
    super(browserRtcBackend, options);
  }
}
