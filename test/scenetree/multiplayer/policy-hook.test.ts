import t from 'tap';
import { ErrorCode } from '../../../core/index.js';
import { DEFAULT_LIMITS, SceneMultiplayer, installServerPolicy } from '../../../scenetree/index.js';

const unconfigured = { name: 'MultiplayerError', code: ErrorCode.ERR_UNCONFIGURED, message: /installServerPolicy/ };

// This file must not install the policy before the first test: without it SceneMultiplayer is Godot's.
t.test('without the server policy: stats and limits throw ERR_UNCONFIGURED naming installServerPolicy', (t) => {
  const mp = new SceneMultiplayer();
  t.throws(() => mp.stats, unconfigured);
  t.throws(() => mp.limits, unconfigured);
  t.throws(() => {
    mp.limits = { peerRpcsPerSecond: 1 };
  }, unconfigured);
  t.throws(
    () => new SceneMultiplayer({ limits: { peerRpcsPerSecond: 1 } }),
    unconfigured,
    'a limit given without the policy is refused, never ignored',
  );
  t.end();
});

t.test('installServerPolicy: SceneMultiplayers made afterwards have stats and limits; earlier ones stay Godot', (t) => {
  const before = new SceneMultiplayer();
  installServerPolicy();
  const after = new SceneMultiplayer({ limits: { peerRpcsPerSecond: 60 } });
  t.equal(after.limits.peerRpcsPerSecond, 60);
  t.equal(after.limits.windowMs, DEFAULT_LIMITS.windowMs);
  t.equal(after.stats.total.packetsIn, 0);
  t.same(new SceneMultiplayer().limits, DEFAULT_LIMITS);
  t.throws(() => before.stats, unconfigured);
  t.end();
});
