/** Core primitives: ErrorCode names, MultiplayerError, clocks, loggers, seeded randomness, the offline peer. */
import t from 'tap';
import {
  ConnectionStatus,
  ErrorCode,
  LogLevel,
  ManualClock,
  MemoryLogger,
  MultiplayerError,
  MultiplayerPeer,
  OfflineMultiplayerPeer,
  SeededRng,
  TransferMode,
  consoleLogger,
  cryptoRng,
  errorName,
  isClientPeerId,
  logFailure,
  randomFloat,
  randomInt,
  silentLogger,
  systemClock,
  teeLogger,
} from '../../core/index.js';

t.test('ErrorCode: Godot numbers, names both ways', (t) => {
  t.equal(ErrorCode.OK, 0);
  t.equal(ErrorCode.ERR_CANT_CREATE, 20);
  t.equal(ErrorCode.ERR_ALREADY_IN_USE, 22);
  t.equal(ErrorCode.ERR_INVALID_DATA, 30);
  t.equal(ErrorCode.ERR_INVALID_PARAMETER, 31);
  t.equal(ErrorCode.ERR_BUG, 47);
  t.equal(ErrorCode.ERR_PRINTER_ON_FIRE, 48);
  t.equal(Object.keys(ErrorCode).length, 49, 'every value of Godot 4 Error');
  for (const [name, code] of Object.entries(ErrorCode)) t.equal(errorName(code), name);
  t.equal(errorName(99), 'ERR_UNKNOWN(99)');
  t.equal(errorName(-1), 'ERR_UNKNOWN(-1)');
  t.end();
});

t.test('MultiplayerError: code, name, brand check across copies, toString', (t) => {
  const err = new MultiplayerError(ErrorCode.ERR_BUSY, 'busy', { cause: 'x' });
  t.equal(err.code, ErrorCode.ERR_BUSY);
  t.equal(err.name, 'MultiplayerError');
  t.equal(err.cause, 'x');
  t.ok(MultiplayerError.is(err));
  t.notOk(MultiplayerError.is(new Error('plain')));
  t.notOk(MultiplayerError.is(null));
  t.ok(MultiplayerError.is({ [Symbol.for('scenenet:MultiplayerError')]: true }), 'a copy from another module instance');
  t.equal(String(err), 'MultiplayerError [ERR_BUSY]: busy');
  t.end();
});

t.test('ManualClock: moves only when told, never backwards', (t) => {
  const clock = new ManualClock(5);
  t.equal(clock.nowMs(), 5);
  clock.advance(10);
  t.equal(clock.nowMs(), 15);
  clock.set(20);
  t.equal(clock.nowMs(), 20);
  t.throws(() => clock.advance(-1), RangeError);
  t.throws(() => clock.advance(Number.NaN), RangeError);
  t.throws(() => clock.set(19), RangeError);
  const a = systemClock.nowMs();
  t.ok(systemClock.nowMs() >= a, 'system clock is monotonic');
  t.end();
});

t.test('loggers: silent, memory (per level), console (threshold and prefix)', (t) => {
  silentLogger.error('nothing');
  const mem = new MemoryLogger();
  mem.debug('d');
  mem.info('i');
  mem.warn('w', 1);
  mem.error('e');
  t.same(
    mem.records.map((r) => r.level),
    [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR],
  );
  t.same(mem.at(LogLevel.WARN)[0]!.context, [1]);
  mem.clear();
  t.equal(mem.records.length, 0);
  const lines: unknown[][] = [];
  const original = { warn: console.warn, info: console.info };
  console.warn = (...a: unknown[]) => void lines.push(a);
  console.info = (...a: unknown[]) => void lines.push(a);
  try {
    const log = consoleLogger(LogLevel.WARN, 'test');
    log.info('hidden');
    log.warn('shown', 7);
  } finally {
    console.warn = original.warn;
    console.info = original.info;
  }
  t.same(lines, [['[test] shown', 7]]);
  t.end();
});

t.test('teeLogger: every line reaches both loggers, at its level, with its context', (t) => {
  const [a, b] = [new MemoryLogger(), new MemoryLogger()];
  const log = teeLogger(a, b);
  log.debug('d');
  log.info('i');
  log.warn('w', 1);
  log.error('e', 2);
  for (const m of [a, b])
    t.same(
      m.records.map((r) => [r.level, r.message, r.context]),
      [
        [LogLevel.DEBUG, 'd', []],
        [LogLevel.INFO, 'i', []],
        [LogLevel.WARN, 'w', [1]],
        [LogLevel.ERROR, 'e', [2]],
      ],
    );
  t.end();
});

t.test('logFailure: one line "source: message" at debug (or error), returns the code', (t) => {
  const log = new MemoryLogger();
  t.equal(logFailure(log, 'WebSocketPeer', ErrorCode.ERR_UNAVAILABLE, 'No packet.'), ErrorCode.ERR_UNAVAILABLE);
  t.equal(logFailure(log, '', ErrorCode.FAILED, 'Bare.', 'error'), ErrorCode.FAILED);
  t.same(
    log.records.map((r) => [r.level, r.message]),
    [
      [LogLevel.DEBUG, 'WebSocketPeer: No packet.'],
      [LogLevel.ERROR, 'Bare.'],
    ],
  );
  t.end();
});

t.test('SeededRng: same seed same sequence, different seeds differ, helpers stay in range', (t) => {
  const seq = (seed: number) =>
    Array.from(
      { length: 8 },
      (
        (r) => () =>
          r.nextUint32()
      )(new SeededRng(seed)),
    );
  t.same(seq(42), seq(42));
  t.not(seq(42).join(), seq(43).join());
  const rng = new SeededRng(1);
  for (let i = 0; i < 1000; i++) {
    const f = randomFloat(rng);
    t.ok(f >= 0 && f < 1);
    const n = randomInt(rng, 3, 5);
    if (n < 3 || n > 5) t.fail(`out of range: ${n}`);
  }
  const forked = new SeededRng(9).fork();
  t.same(
    Array.from({ length: 3 }, () => forked.nextUint32()),
    Array.from(
      { length: 3 },
      (
        (r) => () =>
          r.nextUint32()
      )(new SeededRng(9).fork()),
    ),
  );
  t.ok(Number.isInteger(cryptoRng.nextUint32()));
  t.end();
});

t.test('MultiplayerPeer.generateUniqueId: from the injected Rng, positive int32, never 0 or 1', (t) => {
  // An Rng whose first outputs would give 0 and 1 after masking: they must be rerolled.
  const values = [0x80000000, 0x80000001, 0x12345678];
  const peer = new OfflineMultiplayerPeer({ rng: { nextUint32: () => values.shift()! } });
  t.equal(peer.generateUniqueId(), 0x12345678);
  const seeded = new OfflineMultiplayerPeer({ rng: new SeededRng(5) });
  for (let i = 0; i < 200; i++) {
    const id = seeded.generateUniqueId();
    if (!isClientPeerId(id)) t.fail(`bad id ${id}`);
  }
  t.notOk(isClientPeerId(1));
  t.notOk(isClientPeerId(2 ** 31));
  t.ok(isClientPeerId(2));
  t.end();
});

t.test('OfflineMultiplayerPeer: always the connected server, never any packet', (t) => {
  const peer = new OfflineMultiplayerPeer();
  t.equal(peer.getUniqueId(), MultiplayerPeer.TARGET_PEER_SERVER);
  t.equal(peer.getConnectionStatus(), ConnectionStatus.CONNECTED);
  t.ok(peer.isServer());
  t.equal(peer.getAvailablePacketCount(), 0);
  t.equal(peer.getPacket(), ErrorCode.ERR_UNAVAILABLE);
  t.equal(peer.putPacket(Uint8Array.of(1)), ErrorCode.OK);
  t.equal(peer.getPacketPeer(), 0);
  t.equal(peer.getPacketMode(), TransferMode.RELIABLE);
  t.equal(peer.getPacketChannel(), 0);
  t.equal(peer.getMaxPacketSize(), 0);
  t.notOk(peer.isServerRelaySupported());
  peer.transferMode = TransferMode.UNRELIABLE;
  peer.transferChannel = 3;
  peer.refuseNewConnections = true;
  t.same([peer.transferMode, peer.transferChannel, peer.refuseNewConnections], [TransferMode.UNRELIABLE, 3, true]);
  peer.setTargetPeer(5);
  peer.disconnectPeer(5);
  peer.poll();
  peer.close();
  t.equal(peer.getConnectionStatus(), ConnectionStatus.CONNECTED);
  t.end();
});
