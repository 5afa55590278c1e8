/** createContainer and the core module: default services, overrides, plugin modules by name. */
import t from 'tap';
import { ContainerModule } from 'inversify';
import {
  ManualClock,
  MemoryLogger,
  SeededRng,
  TOKENS,
  coreModule,
  coreModuleWith,
  createContainer,
  cryptoRng,
  isCoreModule,
  silentLogger,
  systemClock,
  type Clock,
  type Logger,
  type PeerFactory,
  type Rng,
} from '../../core/index.js';
import { LoopbackMultiplayerPeer, loopbackModule } from '../../plugins/loopback/index.js';
import { SceneMultiplayer, SceneTree, scenetreeModule } from '../../scenetree/index.js';

t.test('createContainer: core services by default', (t) => {
  const c = createContainer();
  t.equal(c.get<Clock>(TOKENS.Clock), systemClock);
  t.equal(c.get<Logger>(TOKENS.Logger), silentLogger);
  t.equal(c.get<Rng>(TOKENS.Rng), cryptoRng);
  t.ok(isCoreModule(coreModule));
  t.end();
});

t.test('createContainer: coreModuleWith replaces the defaults; modules load in order', (t) => {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const rng = new SeededRng(1);
  const probe = Symbol('probe');
  const extra = new ContainerModule(({ bind }) => {
    bind(probe).toResolvedValue((c: Clock) => c.nowMs(), [TOKENS.Clock]);
  });
  const c = createContainer(coreModuleWith({ clock, logger, rng }), extra);
  t.equal(c.get(TOKENS.Clock), clock);
  t.equal(c.get(TOKENS.Logger), logger);
  t.equal(c.get(TOKENS.Rng), rng);
  clock.advance(7);
  t.equal(c.get(probe), 7);
  t.notOk(isCoreModule(extra));
  t.end();
});

t.test('createContainer: scenetreeModule gives a SceneTree with SceneMultiplayer; plugins register factories', (t) => {
  const clock = new ManualClock();
  const c = createContainer(coreModuleWith({ clock }), scenetreeModule, loopbackModule);
  const tree = c.get<SceneTree>(TOKENS.SceneTree);
  t.ok(tree instanceof SceneTree);
  t.ok(tree.getMultiplayer() instanceof SceneMultiplayer);
  t.equal(c.get(TOKENS.SceneTree), tree, 'one tree per container');
  const factories = c.getAll<PeerFactory>(TOKENS.PeerFactory);
  const loopback = factories.find((f) => f.name === 'loopback');
  t.ok(loopback, 'picked by name');
  t.ok(loopback!.create() instanceof LoopbackMultiplayerPeer);
  c.unbindAll();
  t.end();
});
