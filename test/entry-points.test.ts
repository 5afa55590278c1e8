/**
 * The public entry points carry the API, not the plumbing: ENet's checksum and codecs are not exported,
 * and the core helpers the packages share (marshalls, ClosingPool, the ByteWriter variants) are marked
 * `@internal`, so the API reference (typedoc, `excludeInternal`) leaves them out.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Names `index` exports with an `@internal` tag on the export statement (or on the declaration for ClosingPool). */
function internalExports(index: string): Set<string> {
  const source = ts.createSourceFile(index, readFileSync(join(root, index), 'utf8'), ts.ScriptTarget.Latest, true);
  const out = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement) || statement.exportClause === undefined || !ts.isNamedExports(statement.exportClause)) continue;
    if (!ts.getJSDocTags(statement).some((tag) => tag.tagName.text === 'internal')) continue;
    for (const e of statement.exportClause.elements) out.add(e.name.text);
  }
  return out;
}

t.test("ENet's crc32, range coder and FastLZ are not exported from scenenet/plugins/enet", async (t) => {
  const enet = await import('../plugins/enet/index.js');
  for (const name of ['crc32', 'rangeCoderCompress', 'rangeCoderDecompress', 'fastlzCompress', 'fastlzDecompress']) {
    t.notOk(name in enet, `${name} is not exported`);
  }
  t.ok('ENetMultiplayerPeer' in enet && 'ENetConnection' in enet, 'the API still is');
});

t.test('core plumbing is exported for the packages but marked @internal', async (t) => {
  const internal = internalExports('core/index.ts');
  const plumbing = [
    'encodeUint16',
    'decodeUint32',
    'encodeCString',
    'ClosingPool',
    'bindClosingPool',
    'writeVariant',
    'writeCompressedVariant',
    'copyBytes',
  ];
  for (const name of plumbing) t.ok(internal.has(name), `${name} is @internal`);
  for (const name of ['bindPeerPlugin', 'encodeVariant', 'MultiplayerPeer', 'createContainer'])
    t.notOk(internal.has(name), `${name} stays public`);
  const closingPool = readFileSync(join(root, 'core/closing-pool.ts'), 'utf8');
  t.match(
    closingPool,
    /@internal[^\n]*\n \*\/\nexport class ClosingPool/,
    'the class itself is @internal (typedoc reads a class comment first)',
  );
  const core = await import('../core/index.js');
  t.ok('decodeUint32' in core && 'bindClosingPool' in core, 'still importable by the packages');
});
