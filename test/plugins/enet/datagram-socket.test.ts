/**
 * The `node:dgram` adapter's buffer contract: `send` returns false only when the caller may
 * overwrite the data at once. A sender that reuses one buffer on false (as the ENet host does) must
 * never see a datagram leave with bytes written after its send. (On loopback the kernel delivers
 * each datagram within the send call, so its send buffer never fills and Node's queued path, where
 * the adapter reports the buffer kept, is not reached here; `kept` counts it if it ever is.)
 */
import t from 'tap';
import { bindUdpSocket, DeferredDatagramSocket } from '../../../plugins/enet/datagram-socket.js';

const SIZE = 1400;

function fill(buf: Uint8Array, i: number): void {
  new DataView(buf.buffer, buf.byteOffset).setUint32(0, i);
  buf.fill(i & 0xff, 4);
}

/** True when `d` is one whole datagram written by `fill`. */
function intact(d: Uint8Array): boolean {
  if (d.length !== SIZE) return false;
  const i = new DataView(d.buffer, d.byteOffset).getUint32(0);
  for (let k = 4; k < SIZE; k++) if (d[k] !== (i & 0xff)) return false;
  return true;
}

t.test('send: a buffer reused whenever send returns false never corrupts a datagram in a 4,000-datagram burst', async (t) => {
  const a = (await bindUdpSocket({ address: '127.0.0.1' }))!;
  const b = (await bindUdpSocket({ address: '127.0.0.1' }))!;
  t.teardown(() => {
    a.close();
    b.close();
  });
  const got: Uint8Array[] = [];
  b.setReceiver((data) => got.push(data));
  let buf = new Uint8Array(SIZE);
  let kept = 0;
  // 4,000 datagrams of 1.4 KB in one synchronous burst, the buffer rewritten after every send.
  for (let i = 0; i < 4000; i++) {
    fill(buf, i);
    if (a.send(buf, '127.0.0.1', b.port) !== false) {
      kept++;
      buf = new Uint8Array(SIZE);
    }
  }
  const deadline = Date.now() + 5000;
  let last = -1;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (got.length === last) break;
    last = got.length;
  }
  t.ok(got.length > 0, `${got.length} of 4,000 datagrams arrived (the receiver may drop some), ${kept} sends kept the buffer`);
  t.equal(got.filter((d) => !intact(d)).length, 0, 'every datagram that arrived is the one that was sent');
  const seen = new Set(got.map((d) => new DataView(d.buffer, d.byteOffset).getUint32(0)));
  t.equal(seen.size, got.length, 'no datagram arrived twice');
});

t.test('send: a deferred socket copies what it queues before its bind completes', async (t) => {
  let bind!: (s: Awaited<ReturnType<typeof bindUdpSocket>>) => void;
  const deferred = new DeferredDatagramSocket(new Promise((resolve) => (bind = resolve)));
  const b = (await bindUdpSocket({ address: '127.0.0.1' }))!;
  t.teardown(() => {
    deferred.close();
    b.close();
  });
  const got: Uint8Array[] = [];
  b.setReceiver((data) => got.push(data));
  const buf = new Uint8Array(SIZE);
  for (let i = 0; i < 3; i++) {
    fill(buf, i);
    t.equal(deferred.send(buf, '127.0.0.1', b.port), false, 'the caller may reuse its buffer');
  }
  bind(await bindUdpSocket({ address: '127.0.0.1' }));
  const deadline = Date.now() + 5000;
  while (got.length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  t.same(
    got.map((d) => (intact(d) ? new DataView(d.buffer, d.byteOffset).getUint32(0) : -1)),
    [0, 1, 2],
    'the three datagrams as they were sent',
  );
});
