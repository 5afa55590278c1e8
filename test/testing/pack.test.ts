/**
 * The plugin author's path, end to end: the package is built and packed (`npm pack`), a scratch
 * project shaped like examples/custom-transport/package.json (a third-party transport package)
 * installs the tarball with npm from its cache, and the published conformance suite runs against the
 * example TCP transport under `node --test` and under tap. One build serves both runs.
 */
import { build as esbuild } from 'esbuild';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { build as tsup } from 'tsup';
import tsupConfig from '../../tsup.config.js';

t.setTimeout(900_000);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/custom-transport');

interface Run {
  readonly code: number;
  readonly out: string;
}

function run(cmd: string, args: string[], cwd: string, timeout = 300_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, timeout, maxBuffer: 64 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, out: stdout + stderr }),
    );
  });
}

t.test('a scratch transport package installs the packed tarball and passes the suite under node --test and tap', async (t) => {
  const work = await mkdtemp(join(tmpdir(), 'scenenet-pack-'));
  t.teardown(() => rm(work, { recursive: true, force: true }));

  // 1. The package, staged outside the worktree so a parallel `npm run build` is never disturbed.
  //    JavaScript only: the .d.ts files are test/package.test.ts's subject and take most of a build.
  const stage = join(work, 'stage');
  await tsup({ ...(tsupConfig as object), dts: false, sourcemap: false, silent: true, outDir: join(stage, 'dist') });
  await copyFile(join(ROOT, 'package.json'), join(stage, 'package.json'));
  await copyFile(join(ROOT, 'README.md'), join(stage, 'README.md'));
  // --ignore-scripts: the staged dist is already built; `prepare` (npm run build) would look for sources here.
  const pack = await run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], stage);
  t.equal(pack.code, 0, pack.code === 0 ? 'npm pack' : pack.out);
  const tarball = join(work, pack.out.trim().split('\n').at(-1)!);

  // 2. The scratch project: the example's package.json and its sources, compiled to dist/.
  const scratch = join(work, 'scenenet-transport-tcp');
  await mkdir(scratch);
  await copyFile(join(EXAMPLE, 'package.json'), join(scratch, 'package.json'));
  const sources = (await readdir(EXAMPLE)).filter((f) => f.endsWith('.ts')).map((f) => join(EXAMPLE, f));
  await esbuild({ entryPoints: sources, outdir: join(scratch, 'dist'), format: 'esm', platform: 'node', logLevel: 'silent' });
  const install = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], scratch);
  t.equal(install.code, 0, install.code === 0 ? 'npm install from the cache' : install.out);
  // tap itself comes from this repository's devDependencies (linked, not installed from the registry).
  await symlink(join(ROOT, 'node_modules/tap'), join(scratch, 'node_modules/tap'), 'dir');

  // 3. The suite under both runners.
  const node = await run(process.execPath, ['--test', '--test-reporter=tap', 'dist/conformance.node.test.js'], scratch);
  t.equal(node.code, 0, node.code === 0 ? 'node --test exits 0' : node.out.slice(-4000));
  t.match(node.out, /^# pass 14$/m, 'node --test: 14 cases passed');
  t.match(node.out, /^# fail 0$/m, 'node --test: none failed');

  const tap = await run(process.execPath, ['dist/conformance.tap.test.js'], scratch);
  t.equal(tap.code, 0, tap.code === 0 ? 'tap exits 0' : tap.out.slice(-4000));
  t.equal([...tap.out.matchAll(/^ok \d+ - tcp: \d+\./gm)].length, 14, 'tap: 14 cases ok');
  t.notMatch(tap.out, /^not ok/m, 'tap: none failed');

  // 4. The installed package, bundled for the browser: the built files (one per source) drop the
  //    container and reflect-metadata just as the sources do (the budgets measure the sources).
  await writeFile(
    join(scratch, 'client.js'),
    [
      "import { SceneTree } from 'scenenet/scenetree';",
      "import { WebSocketMultiplayerPeer } from 'scenenet/plugins/websocket';",
      "const tree = new SceneTree(); const peer = new WebSocketMultiplayerPeer(); peer.createClient('ws://127.0.0.1:1');",
      'tree.getMultiplayer().multiplayerPeer = peer; globalThis.tree = tree;',
    ].join('\n'),
  );
  const bundle = await esbuild({
    entryPoints: [join(scratch, 'client.js')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.entries(Object.values(bundle.metafile.outputs)[0]!.inputs)
    .filter(([, i]) => i.bytesInOutput > 0)
    .map(([p]) => p);
  t.same(
    inputs.filter((p) => /reflect-metadata|inversify|node_modules\/ws\//.test(p)),
    [],
    'no container, no reflect-metadata, no ws in a client of the installed package',
  );
  const code = bundle.outputFiles[0]!.contents;
  t.comment(`WebSocket client from the installed package: ${code.length} B minified, ${gzipSync(code, { level: 9 }).length} B gzipped`);
});
