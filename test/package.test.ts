/**
 * The published shape: `npm run build` (tsup for the JavaScript, one `tsc` pass for the .d.ts) emits ESM + .d.ts for every `exports` entry; the built
 * package imports through its own export map, its types check in a consumer, and its CLI runs.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entries } from '../tsup.config.js';
import { openPage } from './helpers/browser.js';

// The build takes ~10 s on an idle 2-core machine, much longer under load.
t.setTimeout(900_000);

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
};

t.test('package.json exports and tsup entries describe the same files', (t) => {
  const built = new Set(Object.keys(entries).map((e) => `./dist/${e}.js`));
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    for (const [condition, file] of Object.entries(target)) {
      if (condition === 'types') t.ok(built.has(file.replace(/\.d\.ts$/, '.js')), `${subpath} types ${file}`);
      else t.ok(built.has(file), `${subpath} ${condition} → ${file} is built`);
    }
  }
  for (const src of Object.values(entries)) t.ok(existsSync(join(root, src)), `entry ${src} exists`);
  t.ok(built.has(pkg.bin.scenenet!.replace(/^\.\//, './')), 'the bin is built');
  t.end();
});

t.test('npm run build, then the built package works', async (t) => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
  t.equal(build.status, 0, build.stderr.slice(-2000));

  const subpaths = Object.keys(pkg.exports).filter((p) => p !== './package.json');
  for (const subpath of subpaths) {
    const target = pkg.exports[subpath] as Record<string, string>;
    t.ok(existsSync(join(root, target.types!)), `${subpath} has types`);
  }

  // Self-reference: a module inside the package imports it by name, through `exports`.
  const probe = join(root, 'dist', 'package-probe.mjs');
  writeFileSync(
    probe,
    `
    const names = ${JSON.stringify(subpaths.map((p) => 'scenenet' + p.slice(1)))};
    const loaded = {};
    for (const name of names) loaded[name] = Object.keys(await import(name)).length;
    const { RPCMode } = await import('scenenet');
    const { Node } = await import('scenenet/scenetree');
    const { Simulation } = await import('scenenet/plugins/loopback');
    class Ping extends Node { got = 0; constructor() { super('Ping'); this.rpcConfig('ping', { rpcMode: RPCMode.ANY_PEER }); } ping() { this.got++; } }
    const sim = new Simulation({ clients: 1, setup: (p) => p.root.addChild(new Ping()) });
    await sim.until(() => sim.clients[0].multiplayer.getPeers().length === 1);
    sim.clients[0].root.getNode('Ping').rpcId(1, 'ping');
    await sim.until(() => sim.server.root.getNode('Ping').got === 1);
    sim.close();
    console.log(JSON.stringify(loaded));
  `,
  );
  t.teardown(() => rmSync(probe, { force: true }));
  const run = spawnSync(process.execPath, [probe], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 0, run.stderr);
  const loaded = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, number>;
  for (const [name, count] of Object.entries(loaded)) t.ok(count > 0, `${name} exports ${count} names`);
  t.equal(Object.keys(loaded).length, subpaths.length);

  // Types: a consumer compiled against the emitted .d.ts only.
  const consumer = join(root, 'dist', 'package-consumer.ts');
  writeFileSync(
    consumer,
    `
    import { ErrorCode, ManualClock, type MultiplayerPeer } from 'scenenet';
    import { SceneTree, Node } from 'scenenet/scenetree';
    import { LoopbackMultiplayerPeer, VirtualNetwork } from 'scenenet/plugins/loopback';
    const tree: SceneTree = new SceneTree({ clock: new ManualClock() });
    const peer: MultiplayerPeer = new LoopbackMultiplayerPeer();
    const code: ErrorCode = ErrorCode.OK;
    export { tree, peer, code, Node, VirtualNetwork };
  `,
  );
  t.teardown(() => rmSync(consumer, { force: true }));
  const tsc = spawnSync(
    process.execPath,
    [
      join(root, 'node_modules/typescript/bin/tsc'),
      '--noEmit',
      '--strict',
      '--skipLibCheck',
      '--module',
      'nodenext',
      '--moduleResolution',
      'nodenext',
      '--target',
      'es2022',
      '--ignoreDeprecations',
      '6.0',
      '--ignoreConfig',
      consumer,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  t.equal(tsc.status, 0, tsc.stdout + tsc.stderr);

  const cli = spawnSync(process.execPath, [join(root, 'dist/bin/scenenet.js'), 'lobby', '--clients', '2', '--quiet'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  t.equal(cli.status, 0, `built CLI: ${cli.stderr}`);

  // The built CLI's arena serves the prebuilt browser client (dist/arena-client.js), and a browser plays on it.
  t.ok(existsSync(join(root, 'dist/arena-client.js')), 'the arena client is prebuilt');
  const arena = spawn(process.execPath, [join(root, 'dist/bin/scenenet.js'), 'arena'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => void arena.kill('SIGKILL'));
  let out = '';
  const collect = (d: Buffer): void => {
    out += d.toString();
  };
  arena.stdout.on('data', collect);
  arena.stderr.on('data', collect);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL from scenenet arena: ${out}`)), 60_000);
    arena.stdout.on('data', () => {
      const m = /open (http:\/\/\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    arena.once('exit', () => reject(new Error(`scenenet arena exited: ${out}`)));
  });
  t.match(out, /client prebuilt/, 'the built CLI serves the prebuilt client, not a bundle of the sources');
  const base = url.slice(0, url.indexOf('/?'));
  const js = await fetch(`${base}/client.js`);
  t.equal(js.status, 200);
  t.equal((await js.text()).length, readFileSync(join(root, 'dist/arena-client.js'), 'utf8').length, '/client.js is dist/arena-client.js');
  const page = await openPage(url);
  t.teardown(() => page.close());
  await page.page.waitForFunction(() => (window as unknown as { arena?: { connected(): boolean } }).arena?.connected() === true, null, {
    timeout: 60_000,
  });
  const rooms = (await (await fetch(`${base}/rooms`)).json()) as { id: string; clients: number }[];
  t.match(rooms, [{ id: 'main', clients: 1 }], 'the browser joined the room `main`');
  const exited = new Promise<number | null>((resolve) => arena.once('exit', (code) => resolve(code)));
  arena.kill('SIGINT');
  t.equal(await exited, 0, 'scenenet arena stops on SIGINT');
});
