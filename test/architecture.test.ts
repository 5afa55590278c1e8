/**
 * docs/architecture.md §1: imports only point down (core ← scenetree ← plugins | netcode ← server ← samples), no plugin imports another,
 * core/ and scenetree/ never import `node:*`, and the browser entries reach no Node-only module.
 */
import t from 'tap';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['core', 'scenetree', 'plugins', 'netcode', 'cli', 'server', 'testing', 'samples', 'examples', 'bin'];
const NODE_ONLY_PACKAGES = new Set(['ws', 'node-datachannel', 'selfsigned']);
const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return walk(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  return [...text.matchAll(IMPORT_RE)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** `core`, `scenetree`, `plugins/<name>`, `testing`, `samples/<name>`, `examples/<name>` or `bin`. */
function layerOf(file: string): string {
  const parts = relative(root, file).split('/');
  return parts[0] === 'plugins' || parts[0] === 'samples' || parts[0] === 'examples' ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const target = resolve(dirname(from), spec.replace(/\.js$/, '.ts'));
  return existsSync(target) ? target : null;
}

// testing/ (scenenet/testing) sits on core, scenetree and plugins/loopback; nothing below imports it.
// examples/ are third-party style: they import scenenet only by its package name (see below), and no
// source imports them (the lobby loads a plugin module by path at run time).
// cli/ (the command-line helpers) imports nothing of the project; server, samples and bin use it.
const RANK: Record<string, number> = {
  core: 0,
  scenetree: 1,
  plugins: 2,
  netcode: 2,
  cli: 2.5,
  server: 3,
  testing: 3.5,
  samples: 4,
  bin: 5,
  examples: 6,
};

/** Why `from` may not import `to`, or null if it may. */
function violation(fromLayer: string, toLayer: string): string | null {
  const fromTop = fromLayer.split('/')[0]!;
  const toTop = toLayer.split('/')[0]!;
  if (RANK[toTop]! > RANK[fromTop]!) return 'upward import';
  if (fromTop === 'plugins' && toTop === 'plugins' && fromLayer !== toLayer) return 'plugin imports another plugin';
  if (fromTop !== toTop && RANK[fromTop] === RANK[toTop]) return 'netcode and plugins import each other';
  if (fromTop === 'samples' && toTop === 'samples' && fromLayer !== toLayer) return 'sample imports another sample';
  if (fromTop === 'testing' && toTop === 'plugins' && toLayer !== 'plugins/loopback') return 'testing imports a plugin other than loopback';
  if (fromTop === 'examples' && fromLayer !== toLayer) return 'example reaches into the repository (import scenenet by its package name)';
  return null;
}

const files = SOURCE_DIRS.flatMap((d) => walk(join(root, d)));

t.test('architecture: there are sources to check', (t) => {
  t.ok(files.length > 10, `found ${files.length} source files`);
  t.end();
});

t.test('architecture: imports point only down, and never sideways between plugins', (t) => {
  const problems: string[] = [];
  for (const file of files) {
    for (const spec of importsOf(file)) {
      const target = resolveImport(file, spec);
      if (target === null) continue;
      const why = violation(layerOf(file), layerOf(target));
      if (why) problems.push(`${relative(root, file)} → ${relative(root, target)}: ${why}`);
    }
  }
  t.same(problems, []);
  t.end();
});

t.test('architecture: core/, scenetree/ and netcode/ import no node:* module and no Node-only package', (t) => {
  const problems: string[] = [];
  for (const file of files.filter((f) => /^(core|scenetree|netcode)$/.test(layerOf(f)))) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith('node:') || NODE_ONLY_PACKAGES.has(spec)) problems.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  t.same(problems, []);
  t.end();
});

t.test('architecture: cli/ imports only node:* modules and its own files (any command may use it)', (t) => {
  const problems: string[] = [];
  for (const file of files.filter((f) => layerOf(f) === 'cli')) {
    for (const spec of importsOf(file)) {
      const target = resolveImport(file, spec);
      if (spec.startsWith('node:') || (target !== null && layerOf(target) === 'cli')) continue;
      problems.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  t.same(problems, []);
  t.end();
});

t.test('architecture: browser entries reach no node:* module and no Node-only package', (t) => {
  const entries = files.filter((f) => f.endsWith('index.browser.ts'));
  for (const entry of entries) {
    const seen = new Set<string>();
    const problems: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('node:') || NODE_ONLY_PACKAGES.has(spec)) problems.push(`${relative(root, file)} imports ${spec}`);
        const target = resolveImport(file, spec);
        if (target) visit(target);
      }
    };
    visit(entry);
    t.same(problems, [], relative(root, entry));
  }
  t.end();
});

t.test('architecture: the checker itself flags what it should', (t) => {
  t.equal(violation('core', 'scenetree'), 'upward import');
  t.equal(violation('scenetree', 'plugins/enet'), 'upward import');
  t.equal(violation('plugins/enet', 'plugins/websocket'), 'plugin imports another plugin');
  t.equal(violation('plugins/enet', 'scenetree'), null);
  t.equal(violation('samples/lobby', 'plugins/enet'), null);
  t.equal(violation('server', 'plugins/enet'), null);
  t.equal(violation('samples/lobby', 'server'), null);
  t.equal(violation('plugins/enet', 'server'), 'upward import');
  t.equal(violation('server', 'samples/lobby'), 'upward import');
  t.equal(violation('plugins/loopback', 'testing'), 'upward import');
  t.equal(violation('testing', 'plugins/enet'), 'testing imports a plugin other than loopback');
  t.equal(violation('testing', 'plugins/loopback'), null);
  t.equal(violation('server', 'testing'), 'upward import');
  t.equal(violation('examples/custom-transport', 'core'), 'example reaches into the repository (import scenenet by its package name)');
  t.equal(layerOf(join(root, 'plugins/enet/protocol/host.ts')), 'plugins/enet');
  t.same(importsOf(join(root, 'core/create-container.ts')).sort(), ['./core-module.js', 'inversify', 'reflect-metadata'].sort());
  t.end();
});
