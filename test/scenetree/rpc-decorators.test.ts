import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import t from 'tap';
import { RPCMode, TransferMode } from '../../core/index.js';

// The same TypeScript source, compiled twice by esbuild (tsup's compiler): once with legacy
// `experimentalDecorators`, once with standard TC39 decorators. Each build bundles the real
// scenetree sources, is written to a temporary .mjs file and imported, so each decorator form
// really runs against `rpc()`.

const SCENETREE = resolve(dirname(fileURLToPath(import.meta.url)), '../../scenetree');

const SOURCE = `
import { Node } from './node.js';
import { getScriptRpcConfigs, rpc } from './rpc.js';

class Unit extends Node {
  @rpc('any_peer', 'call_local', 'unreliable_ordered', 3)
  move(x: number): void { void x; }
  @rpc()
  die(): void {}
  @rpc('any_peer')
  chat(): void {}
}

class Archer extends Unit {
  @rpc('authority', 'unreliable')
  override move(x: number): void { super.move(x); }
  override chat(): void {}
  @rpc('call_local', 1)
  shoot(): void {}
}

const plain = (m: ReadonlyMap<string, unknown>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
export const unit = plain(getScriptRpcConfigs(new Unit()));
export const archer = plain(getScriptRpcConfigs(new Archer()));
`;

async function compileAndImport(dir: string, experimentalDecorators: boolean): Promise<{ code: string; mod: Record<string, unknown> }> {
  const out = await build({
    stdin: { contents: SOURCE, loader: 'ts', resolveDir: SCENETREE, sourcefile: 'decorated.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    logLevel: 'silent',
    tsconfigRaw: { compilerOptions: { experimentalDecorators } },
  });
  const code = out.outputFiles[0]!.text;
  const file = join(dir, `decorated-${experimentalDecorators ? 'legacy' : 'standard'}.mjs`);
  await writeFile(file, code);
  return { code, mod: (await import(pathToFileURL(file).href)) as Record<string, unknown> };
}

const EXPECTED = {
  unit: {
    chat: { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.RELIABLE, callLocal: false, channel: 0 },
    die: { rpcMode: RPCMode.AUTHORITY, transferMode: TransferMode.RELIABLE, callLocal: false, channel: 0 },
    move: { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.UNRELIABLE_ORDERED, callLocal: true, channel: 3 },
  },
  archer: {
    chat: { rpcMode: RPCMode.ANY_PEER, transferMode: TransferMode.RELIABLE, callLocal: false, channel: 0 },
    die: { rpcMode: RPCMode.AUTHORITY, transferMode: TransferMode.RELIABLE, callLocal: false, channel: 0 },
    move: { rpcMode: RPCMode.AUTHORITY, transferMode: TransferMode.UNRELIABLE, callLocal: false, channel: 0 },
    shoot: { rpcMode: RPCMode.AUTHORITY, transferMode: TransferMode.RELIABLE, callLocal: true, channel: 1 },
  },
};

t.test('@rpc: the same class compiled with legacy and with standard decorators records the same configs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'scenenet-rpc-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));

  const legacy = await compileAndImport(dir, true);
  t.match(legacy.code, /__decorateClass\(/, 'legacy build uses TypeScript-style (target, key, descriptor) decorators');
  t.notMatch(legacy.code, /__decorateElement\(/);
  t.same(legacy.mod['unit'], EXPECTED.unit, 'legacy: base class');
  t.same(legacy.mod['archer'], EXPECTED.archer, 'legacy: subclass overrides and inherits');

  const standard = await compileAndImport(dir, false);
  t.match(standard.code, /__decorateElement\(/, 'standard build uses TC39 (value, context) decorators');
  t.notMatch(standard.code, /__decorateClass\(/);
  t.same(standard.mod['unit'], EXPECTED.unit, 'standard: base class');
  t.same(standard.mod['archer'], EXPECTED.archer, 'standard: subclass overrides and inherits');
});
