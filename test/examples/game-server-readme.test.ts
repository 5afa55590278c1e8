/** The README's game-server example is test/examples/game-server.ts, verbatim (with package imports), and it runs. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const file = new URL('./game-server.ts', import.meta.url);

t.test('README shows game-server.ts verbatim', (t) => {
  const source = readFileSync(file, 'utf8')
    .replace(/'\.\.\/\.\.\/core\/index\.js'/g, "'scenenet'")
    .replace(/'\.\.\/\.\.\/scenetree\/index\.js'/g, "'scenenet/scenetree'")
    .replace(/'\.\.\/\.\.\/server\/index\.js'/g, "'scenenet/server'")
    .replace(/'\.\.\/\.\.\/plugins\/(\w+)\/index\.js'/g, "'scenenet/plugins/$1'");
  t.ok(readme.includes('```ts\n' + source + '```'), 'README block matches the file');
  t.end();
});

t.test('the game-server example runs: the RPC reaches the room, rooms() lists it', (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', file.pathname], { encoding: 'utf8', timeout: 60_000 });
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /^room got "hello" from peer \d+$/m);
  t.match(run.stdout, /final arena 1\/8 enet:true/);
  t.end();
});
