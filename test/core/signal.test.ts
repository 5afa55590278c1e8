import t from 'tap';
import { ErrorCode, MultiplayerError, Signal } from '../../core/index.js';

t.test('connect/emit: slots run in connection order with the emitted arguments', (t) => {
  const s = new Signal<[a: number, b: string]>();
  const seen: string[] = [];
  s.connect((a, b) => seen.push(`1:${a}${b}`));
  s.connect((a, b) => seen.push(`2:${a}${b}`));
  s.emit(7, 'x');
  t.same(seen, ['1:7x', '2:7x']);
  t.equal(s.connectionCount, 2);
  t.end();
});

t.test('connect: returns a disconnect function; a duplicate slot throws ERR_INVALID_PARAMETER', (t) => {
  const s = new Signal();
  let n = 0;
  const slot = (): void => void n++;
  const off = s.connect(slot);
  t.ok(s.isConnected(slot));
  const err = t.throws(() => s.connect(slot)) as unknown;
  t.ok(MultiplayerError.is(err));
  t.equal((err as MultiplayerError).code, ErrorCode.ERR_INVALID_PARAMETER);
  off();
  t.notOk(s.isConnected(slot));
  s.emit();
  t.equal(n, 0);
  t.end();
});

t.test('connect once: runs for one emission only', (t) => {
  const s = new Signal<[number]>();
  const seen: number[] = [];
  s.connect((v) => seen.push(v), { once: true });
  s.emit(1);
  s.emit(2);
  t.same(seen, [1]);
  t.equal(s.connectionCount, 0);
  t.end();
});

t.test('emit: a slot disconnected during emission is skipped; one connected during it waits', (t) => {
  const s = new Signal();
  const seen: string[] = [];
  const late = (): void => void seen.push('late');
  const b = (): void => void seen.push('b');
  s.connect(() => {
    seen.push('a');
    s.disconnect(b);
    if (!s.isConnected(late)) s.connect(late);
  });
  s.connect(b);
  s.emit();
  t.same(seen, ['a']);
  s.emit();
  t.same(seen, ['a', 'a', 'late']);
  t.end();
});

t.test('emit: a throwing slot does not stop the others; its error is rethrown after', (t) => {
  const s = new Signal();
  const seen: string[] = [];
  const boom = new Error('boom');
  s.connect(() => {
    throw boom;
  });
  s.connect(() => void seen.push('second'));
  t.throws(() => s.emit(), boom);
  t.same(seen, ['second']);
  t.end();
});

t.test('emit: several throwing slots surface as one AggregateError', (t) => {
  const s = new Signal();
  s.connect(() => {
    throw new Error('one');
  });
  s.connect(() => {
    throw new Error('two');
  });
  const err = t.throws(() => s.emit()) as unknown;
  t.ok(err instanceof AggregateError);
  t.equal((err as AggregateError).errors.length, 2);
  t.end();
});

t.test('wait: resolves with the next emission and disconnects itself', async (t) => {
  const s = new Signal<[id: number]>();
  const waiting = s.wait();
  t.equal(s.connectionCount, 1);
  s.emit(42);
  s.emit(43);
  t.same(await waiting, [42]);
  t.equal(s.connectionCount, 0);
});

t.test('disconnectAll: removes every slot', (t) => {
  const s = new Signal();
  s.connect(() => t.fail('must not run'));
  s.connect(() => t.fail('must not run'));
  s.disconnectAll();
  s.emit();
  t.equal(s.connectionCount, 0);
  t.end();
});
