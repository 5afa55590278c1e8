import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { BUDGETS, buildBudget } from './build.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface SizeLimitResult {
  readonly name: string;
  readonly passed: boolean;
  readonly size: number;
  readonly sizeLimit: number;
}

// `npx size-limit` with .size-limit.js: every budget (minified + gzipped) holds. A change that goes
// over fails here with every size printed.
t.test('size-limit: every browser budget holds', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, [ROOT + 'node_modules/size-limit/bin.js', '--json'], { cwd: ROOT }).catch(
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }), // size-limit exits 1 when a budget fails; its JSON still says which.
  );
  const results = JSON.parse(stdout) as SizeLimitResult[];
  const table = results.map(
    (r) => `${r.passed ? 'ok  ' : 'OVER'} ${(r.size / 1000).toFixed(2).padStart(6)} kB / ${r.sizeLimit / 1000} kB  ${r.name}`,
  );
  t.comment(`minified + gzipped (npx size-limit):\n${table.join('\n')}`);
  t.same(
    results.map((r) => r.name),
    BUDGETS.map((b) => b.name),
    'one result per budget',
  );
  for (const r of results) t.ok(r.passed, `${r.name}: ${r.size} B ≤ ${r.sizeLimit} B`);
});

// What keeps the clients small: no DI container, no reflect-metadata, no Node-only code on a browser path,
// no server policy (stats, limits, typed argument checks: installServerPolicy()).
t.test('browser budgets: no inversify, no reflect-metadata, no node:*, no ws, no server policy', async (t) => {
  for (const budget of BUDGETS) {
    const { inputs } = await buildBudget(budget);
    const banned = inputs.filter(
      (i) =>
        /node_modules\/(inversify|@inversifyjs|reflect-metadata|ws)\//.test(i) ||
        i.startsWith('node:') ||
        /ws-backend|websocket-node|node-platform|node-socket|datachannel-adapter|server-policy|peer-limits|multiplayer-stats/.test(i),
    );
    t.same(banned, [], budget.name);
    t.ok(
      inputs.some((i) => i.includes('scene-multiplayer.ts')),
      `${budget.name}: really contains SceneMultiplayer`,
    );
    // Replication ships only with a client that imports a spawner or synchronizer.
    const replication = inputs.some((i) => i.includes('scene-replication-interface.ts'));
    t.equal(replication, budget.path.includes('replication'), `${budget.name}: replication code ${replication ? 'in' : 'out'}`);
  }
});
