import { ErrorCode, type TransferMode } from '../../core/index.js';
import { WebRTCMultiplayerPeer, WebRTCPeerConnection, type WebRTCConfiguration } from '../../plugins/webrtc/index.js';

/** Every test connection binds ICE to loopback and uses no ICE server: no traffic leaves the machine. */
export const LOOPBACK_CONFIG: WebRTCConfiguration = { iceServers: [], bindAddress: '127.0.0.1' };

/** A new connection initialized with `LOOPBACK_CONFIG`. */
export function loopbackConnection(): WebRTCPeerConnection {
  const connection = new WebRTCPeerConnection();
  if (connection.initialize(LOOPBACK_CONFIG) !== ErrorCode.OK) throw new Error('initialize failed');
  return connection;
}

/**
 * In-process signaling between two connections (node-datachannel's p2p.test.ts wiring, in Godot's
 * terms): each side's `sessionDescriptionCreated` sets its own local description and the other's
 * remote one; each `iceCandidateCreated` goes to the other's `addIceCandidate`. Everything happens
 * inside the connections' `poll()`. Call `offerer.createOffer()` afterwards.
 */
export function wireSignaling(offerer: WebRTCPeerConnection, answerer: WebRTCPeerConnection): void {
  for (const [from, to] of [
    [offerer, answerer],
    [answerer, offerer],
  ] as const) {
    from.sessionDescriptionCreated.connect((type, sdp) => {
      from.setLocalDescription(type, sdp);
      to.setRemoteDescription(type, sdp);
    });
    from.iceCandidateCreated.connect((media, index, name) => void to.addIceCandidate(media, index, name));
  }
}

/** Anything with a `poll()`: connections, channels, multiplayer peers. */
export interface Pollable {
  poll(): unknown;
}

/** Polls `items` and turns the event loop until `done()`; throws after `timeoutMs`. Returns the rounds used. */
export async function pollUntilDone(
  items: readonly Pollable[],
  done: () => boolean,
  { timeoutMs = 10_000, what = 'condition' }: { timeoutMs?: number; what?: string } = {},
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let rounds = 0;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms (${rounds} rounds)`);
    for (const item of items) item.poll();
    rounds++;
    if (done()) break;
    // A short sleep rather than setImmediate: libdatachannel's threads need the CPU more than we do.
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
  return rounds;
}

/**
 * A new WebRTC client of `server` (`createClient` with a fresh id), signaled in-process. When the server
 * refuses it (`addPeer` fails), both connections close at once, as a signaling layer that tells the
 * client would make them. `onConnections` receives both connections so a test can close them.
 */
export function signaledClient(
  server: WebRTCMultiplayerPeer,
  channels: readonly TransferMode[] = [],
  onConnections: (a: WebRTCPeerConnection, b: WebRTCPeerConnection) => void = () => {},
): WebRTCMultiplayerPeer {
  const client = new WebRTCMultiplayerPeer();
  const id = server.generateUniqueId();
  if (client.createClient(id, channels) !== ErrorCode.OK) throw new Error('createClient failed');
  const onServer = loopbackConnection();
  const onClient = loopbackConnection();
  onConnections(onServer, onClient);
  if (client.addPeer(onClient, 1) !== ErrorCode.OK) throw new Error('client addPeer failed');
  if (server.addPeer(onServer, id) !== ErrorCode.OK) {
    onServer.close();
    onClient.close();
    return client;
  }
  wireSignaling(onServer, onClient);
  if (onServer.createOffer() !== ErrorCode.OK) throw new Error('createOffer failed');
  return client;
}
