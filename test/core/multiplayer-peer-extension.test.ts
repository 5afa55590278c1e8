import t from 'tap';
import { ConnectionStatus, ErrorCode, MultiplayerPeerExtension, TransferMode } from '../../core/index.js';

/** A scripted transport: the test queues what "the socket" did; `_poll` replays it. */
class ScriptedPeer extends MultiplayerPeerExtension {
  status: ConnectionStatus = ConnectionStatus.CONNECTED;
  queued: Array<() => void> = [];
  readable: Array<{ from: number; data: Uint8Array }> = [];
  sent: Array<{ data: Uint8Array; target: number; mode: TransferMode; channel: number }> = [];

  protected override _poll(): void {
    for (const step of this.queued.splice(0)) step();
  }
  protected override _close(): void {
    this.status = ConnectionStatus.DISCONNECTED;
  }
  protected override _disconnectPeer(id: number): void {
    this.peerDisconnected.emit(id);
  }
  protected override _getConnectionStatus(): ConnectionStatus {
    return this.status;
  }
  protected override _getUniqueId(): number {
    return 1;
  }
  protected override _isServer(): boolean {
    return true;
  }
  protected override _getAvailablePacketCount(): number {
    return this.readable.length;
  }
  protected override _getMaxPacketSize(): number {
    return 1024;
  }
  protected override _getPacketPeer(): number {
    return this.readable[0]!.from;
  }
  protected override _getPacketScript(): Uint8Array {
    return this.readable.shift()!.data;
  }
  protected override _putPacketScript(data: Uint8Array, target: number, mode: TransferMode, channel: number): ErrorCode {
    this.sent.push({ data, target, mode, channel });
    return ErrorCode.OK;
  }
}

const isBug = (message: RegExp) => ({ name: 'MultiplayerError', code: ErrorCode.ERR_BUG, message });

t.test('MultiplayerPeerExtension: signals fire inside poll(), close() and disconnectPeer() only', (t) => {
  const peer = new ScriptedPeer();
  const seen: string[] = [];
  peer.peerConnected.connect((id) => seen.push(`+${id}`));
  peer.peerDisconnected.connect((id) => seen.push(`-${id}`));
  t.throws(
    () => peer.peerConnected.emit(5),
    isBug(/ScriptedPeer: peerConnected\(5\) emitted outside poll\(\)\/close\(\)\/disconnectPeer\(\)\. Queue the event/),
    'from a socket callback: thrown at once',
  );
  t.same(seen, [], 'and nobody heard it');
  peer.queued.push(() => peer.peerConnected.emit(5));
  peer.poll();
  t.same(seen, ['+5'], 'the same signal from _poll() goes through');
  peer.disconnectPeer(5);
  t.same(seen, ['+5', '-5'], 'and from _disconnectPeer()');
  t.end();
});

t.test('MultiplayerPeerExtension: connection bookkeeping mistakes throw where they are made', (t) => {
  const peer = new ScriptedPeer();
  peer.queued.push(
    () => peer.peerConnected.emit(7),
    () => peer.peerConnected.emit(7),
  );
  t.throws(() => peer.poll(), isBug(/peerConnected\(7\) emitted twice/));
  peer.queued.push(() => peer.peerDisconnected.emit(9));
  t.throws(() => peer.poll(), isBug(/peerDisconnected\(9\) for a peer that is not connected/));
  peer.queued.push(() => peer.readable.push({ from: 3, data: Uint8Array.of(1) }));
  t.throws(() => peer.poll(), isBug(/a packet from peer 3 is readable before peerConnected\(3\)/));
  t.end();
});

t.test('MultiplayerPeerExtension: putPacket and getPacket guard the virtuals and pass target, mode and channel', (t) => {
  const peer = new ScriptedPeer();
  t.equal(peer.getPacket(), ErrorCode.ERR_UNAVAILABLE, 'nothing readable: ERR_UNAVAILABLE, _getPacketScript not called');
  t.equal(peer.getPacketPeer(), 0);
  peer.setTargetPeer(-4);
  peer.transferMode = TransferMode.UNRELIABLE_ORDERED;
  peer.transferChannel = 2;
  t.equal(peer.putPacket(Uint8Array.of(9)), ErrorCode.OK);
  t.same(peer.sent, [{ data: Uint8Array.of(9), target: -4, mode: TransferMode.UNRELIABLE_ORDERED, channel: 2 }]);
  peer.status = ConnectionStatus.CONNECTING;
  t.equal(peer.putPacket(Uint8Array.of(1)), ErrorCode.ERR_UNCONFIGURED, 'not CONNECTED: ERR_UNCONFIGURED');
  t.equal(peer.sent.length, 1, '_putPacketScript was not called');
  peer.queued.push(() => {
    peer.peerConnected.emit(4);
    peer.readable.push({ from: 4, data: Uint8Array.of(2) });
  });
  peer.poll();
  t.equal(peer.getPacketPeer(), 4);
  t.equal(peer.getPacketMode(), TransferMode.RELIABLE, 'default mode: RELIABLE (a reliable-only transport)');
  t.equal(peer.getPacketChannel(), 0, 'default channel: 0');
  t.same(peer.getPacket(), Uint8Array.of(2));
  t.equal(peer.isServerRelaySupported(), false, 'default: no server relay');
  peer.close();
  t.equal(peer.getConnectionStatus(), ConnectionStatus.DISCONNECTED);
  t.end();
});
