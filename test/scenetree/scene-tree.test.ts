import t from 'tap';
import { ErrorCode, ManualClock, MultiplayerError } from '../../core/index.js';
import { Node, ProcessMode, SceneTree, isInstanceValid } from '../../scenetree/index.js';
import { SceneMultiplayer } from '../../scenetree/multiplayer/scene-multiplayer.js';
import { RecordingMultiplayerAPI } from '../helpers/recording-multiplayer-api.js';

function newTree(log?: string[]): { tree: SceneTree; api: RecordingMultiplayerAPI } {
  const api = new RecordingMultiplayerAPI();
  const tree = new SceneTree({ multiplayer: api });
  if (log !== undefined) {
    api.poll = () => {
      log.push('poll');
      return ErrorCode.OK;
    };
  }
  return { tree, api };
}

/** A node that logs `_process` / `_physicsProcess` with its name and delta. */
class Ticker extends Node {
  constructor(
    name: string,
    readonly log: string[],
  ) {
    super(name);
  }
  override _process(delta: number): void {
    this.log.push(`process ${this.name} ${delta}`);
  }
  override _physicsProcess(delta: number): void {
    this.log.push(`physics ${this.name} ${delta}`);
  }
}

t.test('constructor: root is a Node named root at /root; the default API is a SceneMultiplayer', (t) => {
  const tree = new SceneTree();
  t.equal(tree.root.name, 'root');
  t.equal(tree.root.getPath().toString(), '/root');
  t.ok(tree.root.isInsideTree());
  t.ok(tree.root.isNodeReady());
  t.ok(tree.getMultiplayer() instanceof SceneMultiplayer);
  t.equal(tree.getNodeCount(), 1);
  t.end();
});

t.test('processFrame: polls APIs, emits processFrameSignal, runs _process in tree order, then timers, then frees', (t) => {
  const log: string[] = [];
  const { tree } = newTree(log);
  const a = new Ticker('A', log);
  const b = new Ticker('B', log);
  const c = new Ticker('C', log);
  a.addChild(c);
  tree.root.addChild(a);
  tree.root.addChild(b);
  tree.processFrameSignal.connect(() => void log.push('signal'));
  tree.createTimer(0.1).timeout.connect(() => {
    log.push('timeout');
    b.queueFree();
  });
  tree.processFrame(0.1);
  t.same(log, ['poll', 'signal', 'process A 0.1', 'process C 0.1', 'process B 0.1', 'timeout']);
  t.notOk(isInstanceValid(b), 'freed at the end of the frame');
  t.equal(tree.getProcessFrames(), 1);
  t.equal(tree.getFrame(), 0, 'Godot: get_frame counts physics frames');
  t.end();
});

t.test('queueFree: the node stays valid until the end of the frame, and keeps processing in it', (t) => {
  const log: string[] = [];
  const { tree } = newTree();
  const a = new Ticker('A', log);
  const b = new Ticker('B', log);
  tree.root.addChild(a);
  tree.root.addChild(b);
  a.queueFree();
  t.ok(a.isQueuedForDeletion());
  t.ok(isInstanceValid(a));
  tree.processFrame(1);
  t.same(log, ['process A 1', 'process B 1']);
  t.notOk(isInstanceValid(a));
  t.equal(tree.root.getChildCount(), 1);
  t.end();
});

t.test('processFrame: a node removed earlier in the frame is not processed', (t) => {
  const log: string[] = [];
  const { tree } = newTree();
  const b = new Ticker('B', log);
  class Remover extends Ticker {
    override _process(delta: number): void {
      super._process(delta);
      tree.root.removeChild(b);
    }
  }
  tree.root.addChild(new Remover('A', log));
  tree.root.addChild(b);
  tree.processFrame(1);
  t.same(log, ['process A 1']);
  t.end();
});

t.test('physicsFrame: physicsFrameSignal, _physicsProcess in tree order, physics timers; counts getFrame', (t) => {
  const log: string[] = [];
  const { tree } = newTree();
  tree.root.addChild(new Ticker('A', log));
  tree.physicsFrameSignal.connect(() => void log.push('signal'));
  const physicsTimer = tree.createTimer(0.02, { processInPhysics: true });
  const idleTimer = tree.createTimer(0.02);
  physicsTimer.timeout.connect(() => void log.push('physics timeout'));
  tree.physicsFrame(0.02);
  t.same(log, ['signal', 'physics A 0.02', 'physics timeout']);
  t.equal(idleTimer.timeLeft, 0.02, 'process timers ignore physics deltas');
  t.equal(tree.getFrame(), 1);
  t.end();
});

t.test('createTimer: time_left counts process deltas, timeout fires once and can be awaited', async (t) => {
  const { tree } = newTree();
  const timer = tree.createTimer(0.5);
  let fired = 0;
  timer.timeout.connect(() => void fired++);
  const waited = timer.timeout.wait();
  tree.processFrame(0.2);
  t.equal(timer.timeLeft, 0.3);
  tree.processFrame(0.2);
  t.equal(fired, 0);
  tree.processFrame(0.2);
  t.equal(fired, 1);
  t.equal(timer.timeLeft, 0, 'never negative');
  await waited;
  tree.processFrame(1);
  t.equal(fired, 1, 'one-shot');
});

t.test('createTimer: a timer created in a timeout waits for the next frame (Godot: break on last)', (t) => {
  const { tree } = newTree();
  const log: string[] = [];
  tree.createTimer(0).timeout.connect(() => {
    log.push('first');
    tree.createTimer(0).timeout.connect(() => void log.push('second'));
  });
  tree.processFrame(0);
  t.same(log, ['first']);
  tree.processFrame(0);
  t.same(log, ['first', 'second']);
  t.end();
});

t.test('paused: stops _process and pausable timers; processAlways timers and polling go on', (t) => {
  const log: string[] = [];
  const { tree } = newTree(log);
  tree.root.addChild(new Ticker('A', log));
  const always = tree.createTimer(1);
  const pausable = tree.createTimer(1, { processAlways: false });
  tree.paused = true;
  tree.processFrame(0.5);
  t.same(log, ['poll']);
  t.equal(always.timeLeft, 0.5);
  t.equal(pausable.timeLeft, 1);
  tree.paused = false;
  tree.multiplayerPoll = false;
  tree.processFrame(0.5);
  t.same(log, ['poll', 'process A 0.5'], 'multiplayerPoll = false skips polling');
  t.end();
});

t.test('processFrame: a throwing _process does not stop the frame; the error is rethrown at its end', (t) => {
  const log: string[] = [];
  const { tree } = newTree();
  const boom = new Error('boom');
  class Bad extends Node {
    override _process(): void {
      throw boom;
    }
  }
  tree.root.addChild(new Bad('Bad'));
  tree.root.addChild(new Ticker('After', log));
  const timer = tree.createTimer(0.1);
  t.throws(() => tree.processFrame(0.1), boom);
  t.same(log, ['process After 0.1']);
  t.equal(timer.timeLeft, 0, 'timers still ran');
  class Bad2 extends Bad {}
  tree.root.addChild(new Bad2('Bad2'));
  try {
    tree.processFrame(0.1);
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof AggregateError, 'several errors become one AggregateError');
  }
  t.end();
});

t.test('groups: getNodesInGroup in tree order, getFirstNodeInGroup, callGroup skips missing methods', (t) => {
  const { tree } = newTree();
  const hits: string[] = [];
  class Enemy extends Node {
    hit(amount: number): void {
      hits.push(`${this.name}:${amount}`);
    }
  }
  const a = new Enemy('A');
  const b = new Enemy('B');
  const plain = new Node('Plain');
  const holder = new Node('Holder');
  holder.addChild(b);
  tree.root.addChild(holder);
  tree.root.addChild(a);
  tree.root.addChild(plain);
  for (const n of [a, b, plain]) n.addToGroup('enemies');
  t.same(tree.getNodesInGroup('enemies'), [b, a, plain]);
  t.equal(tree.getFirstNodeInGroup('enemies'), b);
  t.equal(tree.getFirstNodeInGroup('none'), null);
  t.same(tree.getNodesInGroup('none'), []);
  tree.callGroup('enemies', 'hit', 3);
  t.same(hits, ['B:3', 'A:3']);
  t.end();
});

t.test('callGroup: a node removed during the call is skipped', (t) => {
  const { tree } = newTree();
  const hits: string[] = [];
  class Member extends Node {
    ping(): void {
      hits.push(this.name);
      if (this.name === 'A') tree.root.removeChild(tree.root.getNode('B'));
    }
  }
  for (const name of ['A', 'B', 'C']) {
    const m = new Member(name);
    tree.root.addChild(m);
    m.addToGroup('g');
  }
  tree.callGroup('g', 'ping');
  t.same(hits, ['A', 'C']);
  t.end();
});

t.test('run: real-time loop of `frames` frames at `fps`, with physics ticks; resolves 0', async (t) => {
  const log: string[] = [];
  const { tree } = newTree();
  const deltas: number[] = [];
  class Probe extends Node {
    override _process(delta: number): void {
      deltas.push(delta);
    }
    override _physicsProcess(): void {
      log.push('physics');
    }
  }
  tree.root.addChild(new Probe('P'));
  const code = await tree.run({ fps: 100, frames: 4 });
  t.equal(code, 0);
  t.equal(deltas.length, 4);
  t.ok(
    deltas.every((d) => d > 0),
    'real deltas from the clock',
  );
  t.ok(tree.getFrame() >= 1, 'physics frames ran');
  t.equal(log.length, tree.getFrame());
});

t.test('run: quit(code) from a node stops the loop after that frame and resolves with the code', async (t) => {
  const { tree } = newTree();
  let frames = 0;
  class Quitter extends Node {
    override _process(): void {
      if (++frames === 3) this.getTree().quit(7);
    }
  }
  tree.root.addChild(new Quitter('Q'));
  t.equal(await tree.run({ fps: 200 }), 7);
  t.equal(frames, 3);
  t.equal(await tree.run({ fps: 200, frames: 1 }), 0, 'the tree can run again; the quit is consumed');
});

t.test('run: an AbortSignal stops the loop; a second concurrent run is refused; bad fps rejects', async (t) => {
  const { tree } = newTree();
  const ac = new AbortController();
  tree.createTimer(0).timeout.connect(() => ac.abort());
  const running = tree.run({ fps: 200, signal: ac.signal });
  const second = await tree.run({ fps: 200 }).catch((err: unknown) => err);
  t.ok(MultiplayerError.is(second) && second.code === ErrorCode.ERR_ALREADY_IN_USE);
  t.equal(await running, 0);
  const bad = await tree.run({ fps: 0 }).catch((err: unknown) => err);
  t.ok(MultiplayerError.is(bad) && bad.code === ErrorCode.ERR_INVALID_PARAMETER);
  t.equal(await tree.run({ fps: 10, frames: 0 }), 0);
});

t.test('run: a throwing frame rejects the run with its error', async (t) => {
  const { tree } = newTree();
  const boom = new Error('frame failed');
  tree.processFrameSignal.connect(() => {
    throw boom;
  });
  await t.rejects(tree.run({ fps: 200 }), boom);
});

t.test('run: with a ManualClock the deltas are what the clock says (0 unless advanced)', async (t) => {
  const clock = new ManualClock(1000);
  const tree = new SceneTree({ clock, multiplayer: new RecordingMultiplayerAPI() });
  const deltas: number[] = [];
  tree.processFrameSignal.connect(() => {
    clock.advance(250);
  });
  class Probe extends Node {
    override _process(delta: number): void {
      deltas.push(delta);
    }
  }
  tree.root.addChild(new Probe('P'));
  await tree.run({ fps: 200, frames: 3 });
  t.same(deltas, [0, 0.25, 0.25]);
});

t.test('callDeferred: runs after processFrameSignal and after _process; the way to add a sibling from _ready', (t) => {
  const log: string[] = [];
  const { tree } = newTree();
  const parent = new Node('Parent');
  class Spawner extends Node {
    override _ready(): void {
      tree.callDeferred(() => {
        log.push('deferred add');
        this.getParent()!.addChild(new Node('Sibling'));
      });
    }
    override _process(): void {
      log.push('process');
      tree.callDeferred(() => void log.push('deferred from process'));
    }
  }
  parent.addChild(new Spawner('S'));
  tree.root.addChild(parent);
  t.equal(parent.getChildCount(), 1, 'nothing ran yet');
  tree.processFrameSignal.connect(() => void log.push('signal'));
  tree.processFrame(0);
  t.same(log, ['signal', 'deferred add', 'process', 'deferred from process']);
  t.ok(parent.hasNode('Sibling'));
  t.end();
});

t.test(
  'processMode: PAUSABLE stops while paused, WHEN_PAUSED runs only then, ALWAYS always, DISABLED never; INHERIT follows the parent',
  (t) => {
    const log: string[] = [];
    const { tree } = newTree();
    const always = new Node('Always');
    always.processMode = ProcessMode.ALWAYS;
    const child = new Ticker('InheritsAlways', log);
    always.addChild(child);
    const pausable = new Ticker('Pausable', log);
    const whenPaused = new Ticker('WhenPaused', log);
    whenPaused.processMode = ProcessMode.WHEN_PAUSED;
    const disabled = new Ticker('Disabled', log);
    disabled.processMode = ProcessMode.DISABLED;
    for (const n of [always, pausable, whenPaused, disabled]) tree.root.addChild(n);
    t.equal(child.processMode, ProcessMode.INHERIT);
    tree.processFrame(1);
    t.same(log, ['process InheritsAlways 1', 'process Pausable 1']);
    log.length = 0;
    tree.paused = true;
    t.notOk(pausable.canProcess());
    tree.processFrame(1);
    t.same(log, ['process InheritsAlways 1', 'process WhenPaused 1']);
    t.notOk(new Node().canProcess(), 'outside a tree');
    t.end();
  },
);

t.test('processPriority: lower priorities run first; equal priorities keep tree order', (t) => {
  const log: string[] = [];
  const { tree } = newTree();
  const [a, b, c] = [new Ticker('A', log), new Ticker('B', log), new Ticker('C', log)];
  for (const n of [a, b, c]) tree.root.addChild(n);
  c.processPriority = -1;
  a.physicsProcessPriority = 5;
  tree.processFrame(0);
  tree.physicsFrame(0);
  t.same(log, ['process C 0', 'process A 0', 'process B 0', 'physics B 0', 'physics C 0', 'physics A 0']);
  t.end();
});
