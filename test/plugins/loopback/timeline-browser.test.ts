/**
 * The timeline page in headless Chromium: the arrows drawn are the trace's packets (by index, kind and
 * outcome), filters and zoom work, and a screenshot is saved (.tap/timelines/timeline.png; with
 * SCENENET_UPDATE_DOCS=1 also docs/simulator-timeline.png, the README's picture).
 */
import t from 'tap';
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { renderTimeline, simulationTimeline, timelineModel } from '../../../plugins/loopback/index.js';
import { openPage, serveFiles } from '../../helpers/browser.js';
import { timelineMatch } from '../../helpers/timeline-match.js';

t.test('timeline page in Chromium: arrows match the trace; filters and zoom; screenshot', { timeout: 120_000 }, async (t) => {
  const sim = timelineMatch();
  const model = timelineModel(
    simulationTimeline(sim, {
      title: 'timelineMatch (seed 11): 1 server + 2 clients, 10 % loss, dup, reorder',
      repro: 'new Simulation({ seed: 11, clients: 2, … })',
    }),
  );
  sim.close();
  const server = await serveFiles({ '/timeline.html': renderTimeline(model), '/favicon.ico': new Uint8Array(0) });
  const session = await openPage(`${server.url}/timeline.html`);
  t.teardown(async () => {
    await session.close();
    await server.close();
  });
  const { page } = session;
  await page.waitForFunction(() => (window as unknown as { timeline?: unknown }).timeline !== undefined, undefined, { timeout: 30_000 });
  t.same(
    session.console.filter((l) => l.startsWith('pageerror') || l.startsWith('error')),
    [],
    'no page errors',
  );

  const drawn = () =>
    page.$$eval('g.pkt', (gs) =>
      gs.map((g) => ({
        index: Number(g.getAttribute('data-index')),
        kind: g.getAttribute('data-kind'),
        outcome: g.getAttribute('data-outcome'),
        from: g.getAttribute('data-from'),
        to: g.getAttribute('data-to'),
        lost: g.querySelector('path.x') !== null,
      })),
    );
  const all = await drawn();
  t.equal(all.length, model.packets.length, `one arrow per packet (${all.length})`);
  t.same(
    all.map((a) => [a.index, a.kind, a.outcome, a.from, a.to]),
    model.packets.map((p) => [p.index, p.kind, p.outcome, p.from, p.to]),
    'each arrow is its trace packet: index, kind, outcome, endpoints',
  );
  t.same(
    all.filter((a) => a.lost).map((a) => a.index),
    model.packets.filter((p) => p.arriveMs === null).map((p) => p.index),
    'lost packets end in an X',
  );
  t.match(await page.textContent('#summary'), new RegExp(`^${model.packets.length} of ${model.packets.length} packets shown`));
  t.equal(await page.locator('g.mark, g.note').count(), model.marks.length, 'every connection event and note at the side');

  // Filters: a kind, then a peer.
  await page.uncheck('fieldset:has(legend:text("kinds")) input[data-v="SYNC"]');
  const noSync = await drawn();
  t.equal(noSync.length, model.packets.filter((p) => p.kind !== 'SYNC').length, 'unchecking SYNC hides the SYNC arrows');
  t.notOk(noSync.some((a) => a.kind === 'SYNC'));
  await page.uncheck('fieldset:has(legend:text("peers")) input[data-v="client2"]');
  const noClient2 = await drawn();
  t.equal(
    noClient2.length,
    model.packets.filter((p) => p.kind !== 'SYNC' && p.from !== 'client2' && p.to !== 'client2').length,
    'unchecking a peer hides its column and arrows',
  );
  await page.check('fieldset:has(legend:text("kinds")) input[data-v="SYNC"]');
  await page.check('fieldset:has(legend:text("peers")) input[data-v="client2"]');
  t.equal((await drawn()).length, model.packets.length, 'checking them again shows everything');

  // Zoom: the chart grows and shrinks with the scale.
  const height = () => page.$eval('#chart', (svg) => Number(svg.getAttribute('height')));
  const before = await height();
  await page.click('button[data-z="2"]');
  const zoomedIn = await height();
  t.ok(zoomedIn > before * 1.5, `zoom in: ${before} → ${zoomedIn} px`);
  await page.click('button[data-z="0.5"]');
  await page.click('button[data-z="0.5"]');
  t.ok((await height()) < before, 'zoom out');
  t.equal(await page.locator('#chart.nolabels').count(), 0, 'labels still shown at 0.5 px/ms');

  // The picture: the match's busiest second (spawns, RPCs, the relay, the leave), labels readable.
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.evaluate(() => (window as unknown as { timeline: { setScale(s: number): void } }).timeline.setScale(1.5));
  await page.evaluate(() => {
    const note = document.querySelector('g.note')!.getBoundingClientRect();
    window.scrollTo(0, note.top + window.scrollY - document.querySelector('header')!.getBoundingClientRect().height - 30);
  });
  const dir = resolve('.tap/timelines');
  mkdirSync(dir, { recursive: true });
  const shot = resolve(dir, 'timeline.png');
  await page.screenshot({ path: shot });
  t.comment(`screenshot: ${shot}`);
  if (process.env.SCENENET_UPDATE_DOCS === '1') copyFileSync(shot, resolve('docs/simulator-timeline.png'));
});
