// Redraws touch only what changed: while the explorer or a live batch works
// and the page redraws on every progress message, a MutationObserver on the
// whole page sees changes only in the section doing the work.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** Starts recording every mutation in the page's body, each with the
 * region it happened in: the section (by its heading's id) or else the
 * nearest element with an id. */
async function record(page) {
  await page.evaluate(() => {
    const seen = [];
    const note = (records) => {
      for (const r of records) {
        const el = r.target.nodeType === Node.ELEMENT_NODE ? r.target : r.target.parentElement;
        const section = el.closest('section[aria-labelledby]');
        seen.push({
          region: section ? section.getAttribute('aria-labelledby') : (el.closest('[id]')?.id ?? 'body'),
          what: r.type === 'attributes' ? `${el.id || el.tagName.toLowerCase()}[${r.attributeName}]` : r.type,
        });
      }
    };
    const observer = new MutationObserver(note);
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    window.racelabMutations = seen;
    window.racelabStopRecording = () => {
      note(observer.takeRecords());
      observer.disconnect();
      return seen;
    };
  });
}

/** Stops recording. Returns the mutations neither in `region` (null for
 * none) nor `allowed`, counted by region and what changed, and how many
 * the others were. */
async function stop(page, region, allowed = () => false) {
  const seen = await page.evaluate(() => window.racelabStopRecording());
  const outside = {};
  let inside = 0;
  for (const m of seen) {
    if (m.region === region || allowed(m)) inside += 1;
    else outside[`${m.region}: ${m.what}`] = (outside[`${m.region}: ${m.what}`] ?? 0) + 1;
  }
  return { outside, inside };
}

test('exploring redraws the explorer section and nothing else', async (t) => {
  const page = await open(env);
  // 7 people and 6 drinks, unreduced: several seconds of progress messages.
  await page.locator('#param-people').fill('7');
  await page.locator('#param-drinks').fill('6');
  await page.getByRole('button', { name: 'Set up' }).click();
  await settled(page);
  // The new scenario's workers start meanwhile: let them, first.
  await page.waitForFunction(() => document.querySelector('#app').dataset.workersStarted === 'true');
  await page.getByRole('checkbox', { name: /Symmetry reduction/ }).uncheck();
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#explore-progress').filter({ hasText: 'states so far' }).waitFor();
  await record(page);
  // Forty changes in the explorer's section, one per progress redraw
  // (a couple of seconds).
  await page.waitForFunction(() => window.racelabMutations.filter((m) => m.region === 'explore-h').length >= 40, null, { timeout: 20000 });
  const { outside, inside } = await stop(page, 'explore-h');
  assert.match(await page.locator('#explore-progress').textContent(), /states so far/, 'still exploring: nothing else had reason to change');
  await page.locator('#cancel-explore').click();
  const total = Object.values(outside).reduce((a, b) => a + b, 0);
  t.diagnostic(`while exploring: ${inside} mutations in the explorer's section, ${total} elsewhere ${JSON.stringify(outside)}`);
  assert.deepEqual(outside, {}, 'no mutation outside the explorer section');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a live batch redraws the live-runs section and nothing else', async (t) => {
  const page = await open(env);
  await page.getByRole('textbox', { name: 'Runs' }).fill('10000');
  await page.getByRole('button', { name: 'Run live' }).click();
  await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'running' &&
    Number(document.querySelector('#app').dataset.liveRuns) > 0);
  await record(page);
  // Twenty rewrites in the live-runs section: its status and table, on
  // redraws at most every 100 ms.
  await page.waitForFunction(() => window.racelabMutations.filter((m) => m.region === 'live-h' && m.what === 'childList').length >= 20, null, { timeout: 20000 });
  // The page's own figures about the batch change with it, on #app.
  const figures = ['app[data-live-runs]', 'app[data-live-peak-in-flight]', 'app[data-wasm-memory]'];
  const { outside, inside } = await stop(page, 'live-h', (m) => m.region === 'app' && figures.includes(m.what));
  assert.equal(await page.locator('#app').getAttribute('data-live'), 'running', 'still running: nothing else had reason to change');
  await page.getByRole('button', { name: 'Cancel live runs' }).click();
  await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'cancelled');
  const total = Object.values(outside).reduce((a, b) => a + b, 0);
  t.diagnostic(`during live runs: ${inside} mutations in the live-runs section and the batch's figures, ${total} elsewhere ${JSON.stringify(outside)}`);
  assert.deepEqual(outside, {}, 'no mutation outside the live-runs section');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a redraw with nothing new changes nothing', async (t) => {
  const page = await open(env, 'v=1&scenario=look-before-take&people=3&drinks=2&s=1F-F1');
  await record(page);
  // Each key redraws the page: stepping forward with no future, jumping
  // to where the run already is.
  for (const key of ['ArrowRight', 'End', 'ArrowRight']) await page.keyboard.press(key);
  const { outside } = await stop(page, null);
  t.diagnostic(`idle redraws: ${JSON.stringify(outside)}`);
  assert.deepEqual(outside, {}, 'nothing changed, so nothing was redrawn');
  await page.close();
});
