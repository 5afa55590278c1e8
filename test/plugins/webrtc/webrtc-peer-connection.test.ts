import t from 'tap';
import { ErrorCode, isPacket, MemoryLogger } from '../../../core/index.js';
import {
  ChannelState,
  ConnectionState,
  GatheringState,
  SignalingState,
  WebRTCPeerConnection,
  WriteMode,
  type WebRTCDataChannel,
} from '../../../plugins/webrtc/index.js';
import { LOOPBACK_CONFIG, loopbackConnection, pollUntilDone, wireSignaling } from '../../helpers/webrtc-signaling.js';

/** Two initialized connections, closed in teardown. */
function pair(t: Tap): [WebRTCPeerConnection, WebRTCPeerConnection] {
  const a = loopbackConnection();
  const b = loopbackConnection();
  t.teardown(() => {
    a.close();
    b.close();
  });
  return [a, b];
}
type Tap = Parameters<Parameters<typeof t.test>[0]>[0];

/** Two connected peer connections with one negotiated channel (`label`, id 1) open on each side. */
async function openChannelPair(
  t: Tap,
  label = 'data',
): Promise<{ a: WebRTCPeerConnection; b: WebRTCPeerConnection; ca: WebRTCDataChannel; cb: WebRTCDataChannel }> {
  const [a, b] = pair(t);
  wireSignaling(a, b);
  const ca = a.createDataChannel(label, { negotiated: true, id: 1 })!;
  const cb = b.createDataChannel(label, { negotiated: true, id: 1 })!;
  a.createOffer();
  await pollUntilDone([a, b], () => ca.getReadyState() === ChannelState.OPEN && cb.getReadyState() === ChannelState.OPEN);
  return { a, b, ca, cb };
}

t.test('enums: Godot numbers', (t) => {
  t.same(ConnectionState, { NEW: 0, CONNECTING: 1, CONNECTED: 2, DISCONNECTED: 3, FAILED: 4, CLOSED: 5 });
  t.same(GatheringState, { NEW: 0, GATHERING: 1, COMPLETE: 2 });
  t.same(SignalingState, {
    STABLE: 0,
    HAVE_LOCAL_OFFER: 1,
    HAVE_REMOTE_OFFER: 2,
    HAVE_LOCAL_PRANSWER: 3,
    HAVE_REMOTE_PRANSWER: 4,
    CLOSED: 5,
  });
  t.same(ChannelState, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  t.same(WriteMode, { TEXT: 0, BINARY: 1 });
  t.end();
});

t.test('new connection: NEW, gathering NEW, signaling STABLE; close() is idempotent and reaches CLOSED', (t) => {
  const c = new WebRTCPeerConnection();
  t.equal(c.getConnectionState(), ConnectionState.NEW);
  t.equal(c.getGatheringState(), GatheringState.NEW);
  t.equal(c.getSignalingState(), SignalingState.STABLE);
  t.equal(c.poll(), ErrorCode.OK, 'poll before initialize is harmless');
  c.close();
  c.close();
  t.equal(c.getConnectionState(), ConnectionState.CLOSED);
  t.equal(c.getSignalingState(), SignalingState.CLOSED);
  t.equal(c.createOffer(), ErrorCode.ERR_UNCONFIGURED, 'createOffer after close');
  t.equal(c.initialize(LOOPBACK_CONFIG), ErrorCode.OK, 'initialize reopens a closed connection');
  t.equal(c.getConnectionState(), ConnectionState.NEW);
  c.close();
  t.end();
});

t.test('initialize: rejects malformed ICE servers with ERR_INVALID_PARAMETER', (t) => {
  const c = new WebRTCPeerConnection();
  t.teardown(() => c.close());
  t.equal(c.initialize({ iceServers: [{ urls: [] }] }), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.initialize({ iceServers: [{ urls: 42 as unknown as string }] }), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.initialize({ iceServers: 'stun:x' as unknown as [] }), ErrorCode.ERR_INVALID_PARAMETER);
  t.end();
});

t.test('createDataChannel: options are validated as Godot (id exactly when negotiated, one reliability limit)', (t) => {
  const log = new MemoryLogger();
  const c = new WebRTCPeerConnection({ logger: log });
  t.teardown(() => c.close());
  c.initialize(LOOPBACK_CONFIG);
  t.equal(c.createDataChannel('a', { negotiated: true }), null, 'negotiated without id');
  t.equal(c.createDataChannel('b', { id: 4 }), null, 'id without negotiated');
  t.equal(c.createDataChannel('c', { maxPacketLifeTime: 10, maxRetransmits: 2 }), null, 'both limits');
  t.equal(c.createDataChannel('d', { negotiated: true, id: 70000 }), null, 'id out of range');
  t.equal(log.at(0).length + log.at(3).length >= 4, true, 'each failure is logged');
  const ch = c.createDataChannel('e', { negotiated: true, id: 9, ordered: false, maxRetransmits: 3, protocol: 'p' });
  t.ok(ch, 'a valid channel');
  t.equal(ch!.getLabel(), 'e');
  t.equal(ch!.getId(), 9);
  t.equal(ch!.isNegotiated(), true);
  t.equal(ch!.isOrdered(), false);
  t.equal(ch!.getMaxRetransmits(), 3);
  t.equal(ch!.getMaxPacketLifeTime(), 65535, 'unset lifetime reads 65535 as in Godot');
  t.equal(ch!.getProtocol(), 'p');
  t.equal(ch!.getReadyState(), ChannelState.CONNECTING);
  t.equal(ch!.putPacket(new Uint8Array([1])), ErrorCode.ERR_UNCONFIGURED, 'putPacket before OPEN');
  t.equal(ch!.getPacket(), ErrorCode.ERR_UNAVAILABLE);
  t.equal(ch!.getBufferedAmount(), 0);
  t.end();
});

t.test('setRemoteDescription / setLocalDescription: an invalid SDP type is ERR_INVALID_PARAMETER', (t) => {
  const c = loopbackConnection();
  t.teardown(() => c.close());
  t.equal(c.setRemoteDescription('bogus', 'v=0'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.setLocalDescription('bogus', 'v=0'), ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(c.setRemoteDescription('offer', 'not an sdp'), ErrorCode.FAILED, 'garbage SDP fails with a code, no throw');
  t.equal(c.addIceCandidate('0', -1, 'candidate:x'), ErrorCode.ERR_INVALID_PARAMETER, 'negative index');
  t.end();
});

t.test('signals fire only inside poll(); offer/answer/candidates connect two connections', async (t) => {
  const [a, b] = pair(t);
  const seen: string[] = [];
  a.sessionDescriptionCreated.connect((type) => seen.push(`a:${type}`));
  b.sessionDescriptionCreated.connect((type) => seen.push(`b:${type}`));
  a.iceCandidateCreated.connect(() => seen.push('a:candidate'));
  wireSignaling(a, b);
  const ca = a.createDataChannel('chat', { negotiated: true, id: 5 })!;
  const cb = b.createDataChannel('chat', { negotiated: true, id: 5 })!;
  t.equal(a.createOffer(), ErrorCode.OK);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.same(seen, [], 'nothing emitted without poll()');
  t.equal(a.getSignalingState(), SignalingState.STABLE, 'state snapshots move only in poll()');
  // libdatachannel may report a channel open before its connection's `connected` (or gathering's `complete`) state change (both
  // arrive as events applied by poll()): wait for both, then check every state.
  const connected = (): boolean =>
    a.getConnectionState() === ConnectionState.CONNECTED &&
    b.getConnectionState() === ConnectionState.CONNECTED &&
    a.getGatheringState() === GatheringState.COMPLETE;
  await pollUntilDone([a, b], () => ca.getReadyState() === ChannelState.OPEN && cb.getReadyState() === ChannelState.OPEN && connected(), {
    what: 'channels open and both connections connected',
  });
  t.equal(seen[0], 'a:offer', 'the offer comes first');
  t.ok(seen.includes('b:answer'), 'setRemoteDescription(offer) made b answer');
  t.ok(seen.includes('a:candidate'), 'candidates were emitted');
  t.equal(a.getConnectionState(), ConnectionState.CONNECTED);
  t.equal(b.getConnectionState(), ConnectionState.CONNECTED);
  t.equal(a.getSignalingState(), SignalingState.STABLE);
  t.equal(a.getGatheringState(), GatheringState.COMPLETE);
  t.equal(a.createOffer(), ErrorCode.FAILED, 'createOffer once connected fails with a code');
});

t.test('WebRTCDataChannel: binary and text packets, wasStringPacket, writeMode, empty packets', async (t) => {
  const { a, b, ca, cb } = await openChannelPair(t);
  t.equal(ca.writeMode, WriteMode.BINARY, 'binary by default');
  t.equal(ca.putPacket(Uint8Array.of(0, 1, 255)), ErrorCode.OK);
  t.equal(ca.putPacket(new Uint8Array(0)), ErrorCode.OK, 'empty packet');
  ca.writeMode = WriteMode.TEXT;
  t.equal(ca.putPacket(new TextEncoder().encode('héllo')), ErrorCode.OK);
  t.equal(ca.putPacket(new Uint8Array(ca.getMaxPacketSize() + 1)), ErrorCode.ERR_INVALID_PARAMETER, 'over the max message size');
  await pollUntilDone([a, b], () => cb.getAvailablePacketCount() >= 3);
  const p1 = cb.getPacket();
  t.same(isPacket(p1) ? [...p1] : p1, [0, 1, 255]);
  t.equal(cb.wasStringPacket(), false);
  const p2 = cb.getPacket();
  t.equal(isPacket(p2) ? p2.length : -1, 0, 'empty packet arrives empty');
  const p3 = cb.getPacket();
  t.equal(isPacket(p3) ? new TextDecoder().decode(p3) : '', 'héllo');
  t.equal(cb.wasStringPacket(), true, 'text message reported as string');
  t.equal(cb.getPacket(), ErrorCode.ERR_UNAVAILABLE);
});

t.test('putPacket: the bytes are taken at once, order holds across binary, text and large messages', async (t) => {
  const { a, b, ca, cb } = await openChannelPair(t);
  // node-datachannel's backend sends small binary messages when the task ends: the caller's buffer
  // may change right after putPacket, and what is pending counts as buffered.
  const reused = Uint8Array.of(1, 1, 1);
  t.equal(ca.putPacket(reused), ErrorCode.OK);
  reused.fill(2);
  t.equal(ca.putPacket(reused), ErrorCode.OK);
  t.ok(ca.getBufferedAmount() >= 6, 'pending bytes are buffered');
  const large = new Uint8Array(20_000).fill(3); // over the deferred size: sent at once, after what is pending
  t.equal(ca.putPacket(large), ErrorCode.OK);
  ca.writeMode = WriteMode.TEXT;
  t.equal(ca.putPacket(new TextEncoder().encode('four')), ErrorCode.OK);
  ca.writeMode = WriteMode.BINARY;
  t.equal(ca.putPacket(Uint8Array.of(5)), ErrorCode.OK);
  reused.fill(9);
  await pollUntilDone([a, b], () => cb.getAvailablePacketCount() >= 5);
  const got = Array.from({ length: 5 }, () => cb.getPacket());
  t.same(got[0], Uint8Array.of(1, 1, 1), 'first message as it was when put');
  t.same(got[1], Uint8Array.of(2, 2, 2), 'second message as it was when put');
  t.equal(isPacket(got[2]) ? got[2].length : -1, 20_000, 'the large message third');
  t.ok(isPacket(got[2]) && got[2].every((v) => v === 3));
  t.equal(isPacket(got[3]) ? new TextDecoder().decode(got[3]) : '', 'four', 'the text message fourth');
  t.same(got[4], Uint8Array.of(5), 'the last message last');
});

t.test('dataChannelReceived: an in-band channel reaches the other side during poll()', async (t) => {
  const [a, b] = pair(t);
  wireSignaling(a, b);
  const received: WebRTCDataChannel[] = [];
  b.dataChannelReceived.connect((ch) => received.push(ch));
  const ca = a.createDataChannel('inband', { protocol: 'proto' })!;
  a.createOffer();
  await pollUntilDone([a, b], () => ca.getReadyState() === ChannelState.OPEN && received.length === 1);
  const cb = received[0]!;
  t.equal(cb.getLabel(), 'inband');
  t.equal(cb.isNegotiated(), false);
  t.equal(cb.getProtocol(), 'proto');
  t.ok(cb.getId() >= 0, 'the stream id is known');
  await pollUntilDone([a, b], () => cb.getReadyState() === ChannelState.OPEN);
  t.equal(ca.putPacket(Uint8Array.of(42)), ErrorCode.OK);
  await pollUntilDone([a, b], () => cb.getAvailablePacketCount() === 1);
  t.same(cb.getPacket(), Uint8Array.of(42));
});

t.test('close(): the remote channel reaches CLOSED; the local one is CLOSED at once', async (t) => {
  const { a, b, ca, cb } = await openChannelPair(t, 'x');
  a.close();
  t.equal(ca.getReadyState(), ChannelState.CLOSED);
  t.equal(ca.putPacket(Uint8Array.of(1)), ErrorCode.ERR_UNCONFIGURED);
  await pollUntilDone([b], () => cb.getReadyState() === ChannelState.CLOSED, { what: 'remote channel closed' });
  t.pass('remote saw the close');
});

t.test('addIceCandidate before the remote description is held back, then applied', async (t) => {
  // The answerer's candidates reach the offerer before the answer does. (Not the offerer's: with
  // node-datachannel the offerer hands out its candidates only once the answer is applied.)
  const [a, b] = pair(t);
  const candidates: Array<[string, number, string]> = [];
  let answer: [string, string] | null = null;
  a.sessionDescriptionCreated.connect((type, sdp) => {
    a.setLocalDescription(type, sdp);
    b.setRemoteDescription(type, sdp);
  });
  a.iceCandidateCreated.connect((m, i, n) => void b.addIceCandidate(m, i, n));
  b.sessionDescriptionCreated.connect((type, sdp) => {
    b.setLocalDescription(type, sdp);
    answer = [type, sdp];
  });
  b.iceCandidateCreated.connect((m, i, n) => candidates.push([m, i, n]));
  const ca = a.createDataChannel('x', { negotiated: true, id: 1 })!;
  const cb = b.createDataChannel('x', { negotiated: true, id: 1 })!;
  a.createOffer();
  await pollUntilDone([a, b], () => answer !== null && candidates.length > 0 && b.getGatheringState() === GatheringState.COMPLETE);
  for (const [m, i, n] of candidates) t.equal(a.addIceCandidate(m, i, n), ErrorCode.OK, 'early candidate accepted');
  t.equal(a.setRemoteDescription(...answer!), ErrorCode.OK);
  await pollUntilDone([a, b], () => cb.getReadyState() === ChannelState.OPEN && ca.getReadyState() === ChannelState.OPEN);
  t.pass('connected with candidates that arrived before the answer');
});

t.test('the offerer hands out its candidates only once the answer is applied (libdatachannel DTLS race)', async (t) => {
  const [a, b] = pair(t);
  const fromA: string[] = [];
  let answer: [string, string] | null = null;
  a.sessionDescriptionCreated.connect((type, sdp) => {
    a.setLocalDescription(type, sdp);
    b.setRemoteDescription(type, sdp);
  });
  a.iceCandidateCreated.connect((m, i, n) => {
    fromA.push(n);
    b.addIceCandidate(m, i, n);
  });
  b.sessionDescriptionCreated.connect((type, sdp) => {
    b.setLocalDescription(type, sdp);
    answer = [type, sdp];
  });
  b.iceCandidateCreated.connect((m, i, n) => void a.addIceCandidate(m, i, n));
  const ca = a.createDataChannel('x', { negotiated: true, id: 1 })!;
  const cb = b.createDataChannel('x', { negotiated: true, id: 1 })!;
  a.createOffer();
  await pollUntilDone([a, b], () => answer !== null && a.getGatheringState() === GatheringState.COMPLETE, { what: 'offerer gathered' });
  t.same(fromA, [], 'no candidate from the offerer while the answer is outstanding');
  t.equal(a.setRemoteDescription(...answer!), ErrorCode.OK);
  await pollUntilDone([a, b], () => cb.getReadyState() === ChannelState.OPEN && ca.getReadyState() === ChannelState.OPEN);
  t.ok(fromA.length > 0 && fromA.every((n) => n.startsWith('candidate:')), `the held candidates came after the answer (${fromA.length})`);
});
