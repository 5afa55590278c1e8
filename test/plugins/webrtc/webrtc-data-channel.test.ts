import t from 'tap';
import { ErrorCode, MemoryLogger } from '../../../core/index.js';
import { ChannelState, WebRTCDataChannel, type RtcBackend } from '../../../plugins/webrtc/index.js';

type ChannelHandle = ReturnType<ReturnType<RtcBackend['createConnection']>['createDataChannel']>;
type ChannelEvents = Parameters<ChannelHandle['listen']>[0];

/**
 * A scripted backend channel: the test plays the native side (open, messages, close) to reach states
 * a real peer cannot be made to produce on demand, such as a flood that outgrows the receive buffer.
 */
function scripted(): { handle: ChannelHandle; events: () => ChannelEvents; sent: Array<Uint8Array | string> } {
  let events: ChannelEvents | null = null;
  const sent: Array<Uint8Array | string> = [];
  const handle: ChannelHandle = {
    label: 'scripted',
    id: 7,
    protocol: '',
    init: { negotiated: true, id: 7, ordered: true, maxPacketLifeTime: -1, maxRetransmits: -1, protocol: '' },
    listen: (e) => void (events = e),
    send: (data) => void sent.push(data),
    bufferedAmount: () => 0,
    maxMessageSize: () => 1000,
    close: () => events?.closed(),
  };
  return { handle, events: () => events!, sent };
}

t.test('poll: state changes and messages become visible only in poll(), in arrival order', (t) => {
  const { handle, events, sent } = scripted();
  const ch = new WebRTCDataChannel(handle);
  events().open();
  events().message(Uint8Array.of(1));
  events().message('two');
  t.equal(ch.getReadyState(), ChannelState.CONNECTING, 'not before poll()');
  t.equal(ch.getAvailablePacketCount(), 0);
  ch.poll();
  t.equal(ch.getReadyState(), ChannelState.OPEN);
  t.equal(ch.getAvailablePacketCount(), 2);
  t.same(ch.getPacket(), Uint8Array.of(1));
  t.equal(ch.wasStringPacket(), false);
  t.same(ch.getPacket(), new TextEncoder().encode('two'));
  t.equal(ch.wasStringPacket(), true);
  t.equal(ch.putPacket(Uint8Array.of(9)), ErrorCode.OK);
  t.same(sent, [Uint8Array.of(9)]);
  t.equal(ch.putPacket(new Uint8Array(1001)), ErrorCode.ERR_INVALID_PARAMETER, 'larger than maxMessageSize');
  events().closed();
  events().message(Uint8Array.of(2));
  ch.poll();
  t.equal(ch.getReadyState(), ChannelState.CLOSED);
  t.equal(ch.getAvailablePacketCount(), 0, 'nothing after the close is delivered');
  t.end();
});

t.test('close: what was readable before a close stays readable; what arrived after the last poll does not', (t) => {
  const { handle, events } = scripted();
  const ch = new WebRTCDataChannel(handle);
  events().open();
  events().message(Uint8Array.of(1));
  ch.poll();
  events().message(Uint8Array.of(2));
  events().closed();
  events().message(Uint8Array.of(3));
  t.equal(ch.getAvailablePacketCount(), 1, 'only what the last poll made readable');
  ch.poll();
  t.equal(ch.getReadyState(), ChannelState.CLOSED);
  t.equal(ch.getAvailablePacketCount(), 2, 'the message that came before the remote close too');
  t.same(ch.getPacket(), Uint8Array.of(1));
  t.same(ch.getPacket(), Uint8Array.of(2));
  t.equal(ch.getPacket(), ErrorCode.ERR_UNAVAILABLE);

  const second = scripted();
  const local = new WebRTCDataChannel(second.handle);
  second.events().open();
  second.events().message(Uint8Array.of(4));
  local.poll();
  second.events().message(Uint8Array.of(5));
  local.close();
  t.equal(local.getAvailablePacketCount(), 1, 'a local close keeps what was readable');
  t.same(local.getPacket(), Uint8Array.of(4));
  local.poll();
  t.equal(local.getAvailablePacketCount(), 0, 'and drops what had not been polled');
  t.end();
});

t.test('receive buffer: a flood beyond maxQueuedBytes is dropped and logged once, never buffered without bound', (t) => {
  const { handle, events } = scripted();
  const log = new MemoryLogger();
  const ch = new WebRTCDataChannel(handle, { logger: log, maxQueuedBytes: 10_000 });
  events().open();
  for (let i = 0; i < 100; i++) events().message(new Uint8Array(1000)); // 100 kB, not polled
  ch.poll();
  t.equal(ch.getAvailablePacketCount(), 10, 'kept what fits');
  t.equal(log.records.filter((r) => r.message.includes('buffer full')).length, 1, 'logged once');
  while (ch.getAvailablePacketCount() > 0) ch.getPacket();
  events().message(new Uint8Array(1000));
  ch.poll();
  t.equal(ch.getAvailablePacketCount(), 1, 'room again once read');
  t.end();
});

t.test('close: local close is CLOSED at once, idempotent, and later events are ignored', (t) => {
  const { handle, events } = scripted();
  const ch = new WebRTCDataChannel(handle);
  events().open();
  ch.poll();
  ch.close();
  ch.close();
  t.equal(ch.getReadyState(), ChannelState.CLOSED);
  t.equal(ch.putPacket(Uint8Array.of(1)), ErrorCode.ERR_UNCONFIGURED);
  t.equal(ch.getBufferedAmount(), 0);
  t.equal(ch.getId(), 7);
  t.end();
});
