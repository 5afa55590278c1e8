import t from 'tap';
import { ErrorCode, MultiplayerError, RPCMode, TransferMode } from '../../core/index.js';
import { Node, getNodeRpcConfigs, getScriptRpcConfigs, parseRpcAnnotation, rpc } from '../../scenetree/index.js';
import type { RpcConfig } from '../../scenetree/index.js';

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    return MultiplayerError.is(err) ? err.code : -1;
  }
  return undefined;
}

const DEFAULT: RpcConfig = { rpcMode: RPCMode.AUTHORITY, transferMode: TransferMode.RELIABLE, callLocal: false, channel: 0 };

t.test('parseRpcAnnotation: GDScript defaults authority, call_remote, reliable, channel 0', (t) => {
  t.same(parseRpcAnnotation([]), DEFAULT);
  t.end();
});

t.test('parseRpcAnnotation: every word, in any order, and a channel number', (t) => {
  t.same(parseRpcAnnotation(['any_peer', 'call_local', 'unreliable_ordered', 3]), {
    rpcMode: RPCMode.ANY_PEER,
    transferMode: TransferMode.UNRELIABLE_ORDERED,
    callLocal: true,
    channel: 3,
  });
  t.same(parseRpcAnnotation([2, 'unreliable', 'call_remote', 'authority']), {
    rpcMode: RPCMode.AUTHORITY,
    transferMode: TransferMode.UNRELIABLE,
    callLocal: false,
    channel: 2,
  });
  t.same(parseRpcAnnotation(['disabled', 'reliable']), { ...DEFAULT, rpcMode: RPCMode.DISABLED });
  t.end();
});

t.test('parseRpcAnnotation: a group given twice, an unknown word or a bad channel throws ERR_INVALID_PARAMETER', (t) => {
  t.equal(
    codeOf(() => parseRpcAnnotation(['any_peer', 'authority'])),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => parseRpcAnnotation(['call_local', 'call_remote'])),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => parseRpcAnnotation(['reliable', 'unreliable'])),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => parseRpcAnnotation([1, 2])),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => parseRpcAnnotation(['sometimes' as 'reliable'])),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => parseRpcAnnotation([-1])),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => parseRpcAnnotation([1.5])),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.end();
});

// This file is compiled with the project's tsconfig: standard (TC39 2023) decorators.
class Unit extends Node {
  @rpc('any_peer', 'call_local', 'unreliable', 1)
  move(x: number, y: number): void {
    void x;
    void y;
  }

  @rpc()
  die(): void {}

  @rpc('any_peer')
  chat(text: string): void {
    void text;
  }

  notAnRpc(): void {}
}

class Archer extends Unit {
  // Override of the config: the subclass wins.
  @rpc('authority', 'call_remote', 'reliable', 2)
  override move(x: number, y: number): void {
    super.move(x, y);
  }

  // Override of the method without @rpc: the base config stays (GDScript copies the base rpc_config).
  override chat(text: string): void {
    super.chat(text);
  }

  @rpc('call_local')
  shoot(): void {}
}

t.test('@rpc (standard decorators): configs per class, inherited, subclass overrides win', (t) => {
  const unit = getScriptRpcConfigs(new Unit());
  t.same([...unit.keys()].sort(), ['chat', 'die', 'move']);
  t.same(unit.get('move'), { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE, callLocal: true, channel: 1 });
  t.same(unit.get('die'), DEFAULT);
  const archer = getScriptRpcConfigs(new Archer());
  t.same([...archer.keys()].sort(), ['chat', 'die', 'move', 'shoot']);
  t.same(archer.get('move'), { ...DEFAULT, channel: 2 });
  t.same(archer.get('chat'), { ...DEFAULT, rpcMode: RPCMode.ANY_PEER });
  t.same(archer.get('shoot'), { ...DEFAULT, callLocal: true });
  t.same(getScriptRpcConfigs(new Unit()).get('move'), unit.get('move'), 'the base class is unaffected');
  t.equal(getScriptRpcConfigs(new Node()).size, 0);
  t.end();
});

t.test('@rpc: refuses static methods (ERR_INVALID_PARAMETER at class definition)', (t) => {
  const define = (): unknown =>
    class Bad extends Node {
      @rpc()
      static helper(): void {}
    };
  t.equal(codeOf(define), ErrorCode.ERR_INVALID_PARAMETER);
  t.end();
});

t.test('rpcConfig: Godot defaults for omitted keys; null removes; bad values throw', (t) => {
  const u = new Unit();
  u.rpcConfig('notAnRpc', { rpcMode: RPCMode.ANY_PEER });
  t.same(getNodeRpcConfigs(u).get('notAnRpc'), { ...DEFAULT, rpcMode: RPCMode.ANY_PEER });
  u.rpcConfig('die', { rpcMode: RPCMode.AUTHORITY, transferMode: TransferMode.UNRELIABLE, callLocal: true, channel: 4 });
  t.same(getNodeRpcConfigs(u).get('die'), {
    rpcMode: RPCMode.AUTHORITY,
    transferMode: TransferMode.UNRELIABLE,
    callLocal: true,
    channel: 4,
  });
  t.equal(getNodeRpcConfigs(new Unit()).size, 0, 'node-level configs belong to the instance');
  u.rpcConfig('die', null);
  t.same([...getNodeRpcConfigs(u).keys()], ['notAnRpc']);
  t.equal(
    codeOf(() => u.rpcConfig('die', { rpcMode: 9 as RPCMode })),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => u.rpcConfig('die', { rpcMode: RPCMode.ANY_PEER, channel: 300 })),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.equal(
    codeOf(() => u.rpcConfig('die', { rpcMode: RPCMode.ANY_PEER, transferMode: 7 as TransferMode })),
    ErrorCode.ERR_INVALID_PARAMETER,
  );
  t.same(getScriptRpcConfigs(u).get('die'), DEFAULT, 'script-level configs are separate');
  t.end();
});

t.test('typed rpc/rpcId/rpcConfig: method names and argument types are checked, inside and outside the class', (t) => {
  // These lines are checked by `tsc --noEmit` (npm run typecheck); at run time they only return codes.
  class Typed extends Node {
    hit(amount: number, by: string): void {
      void amount;
      void by;
    }
    selfCalls(): ErrorCode[] {
      this.rpcConfig('hit', { rpcMode: RPCMode.ANY_PEER });
      // @ts-expect-error wrong argument type, inside the class body
      this.rpc('hit', 'ten', 'me');
      // @ts-expect-error unknown method, inside the class body
      this.rpc('miss');
      return [this.rpc('hit', 1, 'me'), this.rpcId(2, 'hit', 3, 'you')];
    }
  }
  const n = new Typed();
  // @ts-expect-error missing argument
  n.rpc('hit', 1);
  // @ts-expect-error a Node built-in is not an RPC target
  n.rpc('addChild', new Node());
  // @ts-expect-error unknown method
  n.rpcId(1, 'nothing');
  t.same(n.selfCalls(), [ErrorCode.ERR_UNCONFIGURED, ErrorCode.ERR_UNCONFIGURED]);
  t.equal(n.rpc('hit', 5, 'x'), ErrorCode.ERR_UNCONFIGURED);
  t.end();
});
