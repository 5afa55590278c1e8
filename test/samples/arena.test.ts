import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { startArenaServer } from '../../samples/arena/server.js';
import { positions } from '../../samples/arena/arena-game.js';
import { openPage, type BrowserSession } from '../helpers/browser.js';

type Arena = {
  id(): number;
  connected(): boolean;
  frames(): number;
  rendered(): Record<string, [number, number]>;
  nodes(): Record<string, [number, number]>;
};
const read = <K extends keyof Arena>(page: BrowserSession, key: K): Promise<ReturnType<Arena[K]>> =>
  page.page.evaluate((k) => (window as unknown as { arena: Record<string, () => unknown> }).arena[k]!() as never, key);

async function waitFor(what: string, pred: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Two headless Chromium clients play the Phaser arena against the Node server (a GameServer room) over real WebSockets.
t.test(
  'arena: two browser clients join the `main` room by URL path, see one player move by key presses (200 ms added) and converge to the server, prediction on',
  async (t) => {
    const server = await startArenaServer();
    t.teardown(() => server.close());
    const pages = [await openPage(server.url), await openPage(server.url)] as const;
    t.teardown(async () => {
      for (const p of pages) await p.close();
    });
    for (const p of pages)
      await p.page.waitForFunction(() => (window as unknown as { arena?: { connected(): boolean } }).arena?.connected() === true, null, {
        timeout: 60_000,
      });
    await waitFor('both players on both clients', async () => {
      for (const p of pages) if (Object.keys(await read(p, 'rendered')).length !== 2) return false;
      return true;
    });
    const main = server.game.rooms().find((r) => r.id === 'main');
    t.match(main, { kind: 'match', type: 'arena', clients: 2 }, 'both browsers are in the arena room `main` of the game server');
    t.equal(server.game.rooms().length, 1, 'and in no other room');
    const mover = String(await read(pages[0], 'id'));
    const start = positions(server.players)[mover]!;

    // The mover plays with 200 ms added round trip: the latency slider, moved like a user would (its
    // `input` event sets the conditions of the page's ConditionedMultiplayerPeer).
    await pages[0].page.fill('#latency', '200');
    t.equal(await pages[0].page.textContent('#latency-ms'), '200 ms', 'the slider shows the added latency');
    await pages[0].page.click('#game');
    await pages[0].page.keyboard.down('ArrowRight');
    await new Promise((r) => setTimeout(r, 800));
    await pages[0].page.keyboard.up('ArrowRight');
    await pages[0].page.keyboard.down('ArrowDown');
    await new Promise((r) => setTimeout(r, 400));
    await pages[0].page.keyboard.up('ArrowDown');

    const close = (a: [number, number], b: [number, number]) => Math.hypot(a[0] - b[0], a[1] - b[1]) < 0.01;
    await waitFor('both clients to show the server position', async () => {
      const truth = positions(server.players)[mover]!;
      for (const p of pages) if (!close((await read(p, 'rendered'))[mover]!, truth)) return false;
      return true;
    });
    const end = positions(server.players)[mover]!;
    t.ok(end[0] - start[0] > 50, `the server moved the player right (${start[0]} → ${end[0].toFixed(1)})`);
    t.ok(end[1] - start[1] > 20, `and down (${start[1]} → ${end[1].toFixed(1)})`);
    for (const [i, p] of pages.entries()) {
      const shown = (await read(p, 'rendered'))[mover]!;
      t.ok(close(shown, end), `client ${i + 1} draws the player where the server has it (${shown.map((v) => v.toFixed(2))})`);
      t.ok((await read(p, 'frames')) > 30, `client ${i + 1}: Phaser drove processFrame`);
      t.same(
        p.console.filter((l) => l.startsWith('pageerror') || l.startsWith('error')),
        [],
        `client ${i + 1}: no page errors`,
      );
    }

    // Prediction off (the checkbox): the mover's own client shows the server's state a round trip late,
    // and still ends where the server is.
    await pages[0].page.uncheck('#prediction');
    await pages[0].page.click('#game');
    await pages[0].page.keyboard.down('ArrowLeft');
    await new Promise((r) => setTimeout(r, 500));
    await pages[0].page.keyboard.up('ArrowLeft');
    await waitFor('both clients to show the server position, prediction off', async () => {
      const truth = positions(server.players)[mover]!;
      if (truth[0] >= end[0] - 20) return false;
      for (const p of pages) if (!close((await read(p, 'rendered'))[mover]!, truth)) return false;
      return true;
    });
    const back = positions(server.players)[mover]!;
    t.ok(
      end[0] - back[0] > 20,
      `prediction off: the server moved the player left (${end[0].toFixed(1)} → ${back[0].toFixed(1)}) and both clients draw it there`,
    );

    const dir = join('.tap', 'arena');
    await mkdir(dir, { recursive: true });
    for (const [i, p] of pages.entries()) await p.page.screenshot({ path: join(dir, `client${i + 1}.png`) });
    t.pass(`screenshots in ${dir}`);
  },
);
