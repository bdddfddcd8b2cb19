// The explorer in the page: its own worker, progress, cancel, outcomes with
// counts, and witnesses that the stepper replays through the real workers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled, deliverButton, snapshot, eventually } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const explored = (page) => page.locator('#outcomes .summary').waitFor({ timeout: 30000 });
/** The pointer and the focus leave every button: an Explore button under
 * either keeps a worker ready for its click. */
const leave = async (page) => {
  await page.mouse.move(0, 0);
  await page.evaluate(() => document.activeElement?.blur());
};
const outcomeRows = (page) =>
  page.locator('#outcomes li').evaluateAll((lis) => lis.map((li) => ({
    what: li.querySelector('.what').textContent,
    count: li.querySelector('.count').textContent,
    unsafe: li.classList.contains('unsafe'),
  })));

test('exploring the reading puzzle finds its six outcomes, with and without symmetry', async () => {
  const page = await open(env);
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await explored(page);
  const rows = await outcomeRows(page);
  assert.equal(rows.length, 6);
  assert.deepEqual(rows.map((r) => r.what), [
    '0 drinks left; Person 1 and Person 2 got a drink. Politeness failed: everyone was polite, yet the fridge is empty',
    '0 drinks left; Person 1 and Person 3 got a drink. Politeness failed: everyone was polite, yet the fridge is empty',
    '0 drinks left; Person 2 and Person 3 got a drink. Politeness failed: everyone was polite, yet the fridge is empty',
    '1 drink left; Person 1 got a drink',
    '1 drink left; Person 2 got a drink',
    '1 drink left; Person 3 got a drink',
  ]);
  assert.deepEqual(rows.map((r) => r.unsafe), [true, true, true, false, false, false]);
  // The outcomes come first; the genuinely different schedules are counted
  // after, by the same worker, and fill in.
  await page.locator('#outcomes .summary[data-traces="counted"]').waitFor();
  assert.match(await page.locator('#outcomes .summary').textContent(), /^26,190 complete schedules \(66 genuinely different, that is, not just reordering deliveries to different receivers\) end in 6 possible outcomes/);
  assert.equal(await page.locator('#outcomes .summary').getAttribute('data-symmetry'), 'true');
  // The page compares with an unreduced run by itself.
  await page.locator('#outcomes .compare').filter({ hasText: /^States explored: \d+ with symmetry reduction · 324 without\.$/ }).waitFor();
  // The pointer leaves Explore (on it, a worker waits for the next click).
  await leave(page);
  await eventually(() => page.workers().length === 4, { what: 'the comparison finished' });

  await page.getByRole('checkbox', { name: /Symmetry reduction/ }).uncheck();
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#outcomes .summary[data-symmetry="false"]').waitFor();
  assert.equal(await page.locator('#outcomes .summary').getAttribute('data-states'), '324');
  assert.match(await page.locator('#outcomes .compare').textContent(), /States explored: \d+ with symmetry reduction · 324 without\./);
  assert.deepEqual((await outcomeRows(page)).map((r) => r.what), rows.map((r) => r.what));
  // The explorer's worker is gone once it is done.
  await leave(page);
  await eventually(() => page.workers().length === 4, { what: 'only the actor workers left' });
  await page.close();
});

test('the outcomes are shown as soon as the search is over; the count of different schedules and the points of no return fill in after', async () => {
  const page = await open(env, 'v=1&scenario=look-before-take&people=5&drinks=4&s=');
  // Every state the summary is drawn in, as the page draws it.
  await page.evaluate(() => {
    window.__summaries = [];
    new MutationObserver(() => {
      const summary = document.querySelector('#outcomes .summary');
      if (!summary) return;
      const state = `${summary.dataset.traces} ${document.querySelectorAll('#outcomes .fate-note').length}`;
      if (window.__summaries.at(-1) !== state) window.__summaries.push(state);
    }).observe(document.querySelector('#outcomes'), { childList: true, subtree: true, attributes: true });
  });
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  // The unreduced comparison starts once they are all in (or out of time).
  await page.locator('#outcomes .compare').filter({ hasText: / without/ }).waitFor({ timeout: 60000 });
  const notes = await page.locator('#outcomes .fate-note').count();
  assert.ok(notes > 0 && notes <= await page.locator('#outcomes li').count());
  const states = await page.evaluate(() => window.__summaries);
  assert.equal(states[0], 'counting 0', `first drawn with neither: ${states}`);
  assert.ok(states.includes('counted 0'), `the count came before any point of no return: ${states}`);
  assert.equal(states.at(-1), `counted ${notes}`);
  assert.match(await page.locator('#outcomes .summary').textContent(), / genuinely different, /);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the explorer\'s worker starts when the pointer or the focus reaches Explore, the click uses it, and leaving unclicked lets it go', async () => {
  const page = await open(env);
  const actors = page.workers().length;
  const button = page.getByRole('button', { name: 'Explore every schedule' });
  await button.hover();
  await eventually(() => page.workers().length === actors + 1, { what: 'a worker started on approach' });
  // Leaving unclicked lets it go; the focus, like the pointer, starts one.
  await page.mouse.move(0, 0);
  await eventually(() => page.workers().length === actors, { what: 'the unused worker gone' });
  await button.focus();
  await eventually(() => page.workers().length === actors + 1, { what: 'a worker started on focus' });
  await button.hover();
  await page.waitForTimeout(200);
  assert.equal(page.workers().length, actors + 1, 'one at a time');
  await page.mouse.move(0, 0);
  await eventually(() => page.workers().length === actors, { what: 'the pointer left: the worker gone' });
  await page.evaluate(() => document.activeElement?.blur());
  await button.focus();
  await eventually(() => page.workers().length === actors + 1, { what: 'a worker started on focus again' });
  // The click (from the keyboard, the pointer away, so no approach comes
  // after it) takes the waiting worker: from the click on, the one worker
  // started is the unreduced comparison's.
  let started = 0;
  page.on('worker', () => { started += 1; });
  await page.keyboard.press('Enter');
  await page.locator('#outcomes .summary').waitFor({ timeout: 30000 });
  await page.locator('#outcomes .compare').filter({ hasText: / without/ }).waitFor({ timeout: 30000 });
  assert.equal(started, 1, 'only the comparison started a worker');
  await leave(page);
  await eventually(() => page.workers().length === actors, { what: 'every explorer worker closed' });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('choosing an outcome replays its witness in the stepper and ends in it', async () => {
  const page = await open(env, 'v=1&scenario=look-before-take&people=4&drinks=3&s=');
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await explored(page);
  const rows = await outcomeRows(page);
  assert.ok(rows.length >= 2, 'several outcomes');
  for (const row of [rows[0], rows[rows.length - 1]]) {
    await page.getByRole('button', { name: `Show me a schedule that ends with: ${row.what}` }).click();
    await settled(page);
    const status = await page.getByRole('status').textContent();
    assert.equal(status, `Finished: ${row.what}.`);
    assert.equal((await snapshot(page)).flight.length, 0);
    assert.match(page.url(), /&s=[0-9F-]+$/);
  }
  // The results stay for the same scenario.
  assert.equal((await outcomeRows(page)).length, rows.length);
  await page.close();
});

test('a long exploration shows progress, and Cancel stops it and its worker', async () => {
  const page = await open(env, 'v=1&scenario=look-before-take&people=8&drinks=20&s=');
  await page.getByRole('checkbox', { name: /Symmetry reduction/ }).uncheck();
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#explore-progress').filter({ hasText: /Exploring without symmetry reduction… [\d,]+ states so far \([\d.]+ M states\/s\)/ }).waitFor();
  // Playwright learns of a new worker a moment after it starts.
  await eventually(() => page.workers().length === 10, { what: '9 actor workers and the explorer' });
  // The page stays responsive while the explorer works: a delivery goes through.
  await deliverButton(page, 'look', 'Person 1', 'Fridge').click();
  await page.waitForFunction(() => document.querySelector('#app').dataset.deliveries === '1');
  await page.getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.locator('#explore-progress').textContent(), '');
  assert.equal(await page.locator('#outcomes li').count(), 0);
  await leave(page);
  await eventually(() => page.workers().length === 9, { what: 'the explorer worker closed' });
  await page.close();
});

test('changing the scenario clears results of the old one', async () => {
  const page = await open(env);
  await page.keyboard.press('e');
  await explored(page);
  await page.locator('#param-people').fill('2');
  await page.getByRole('button', { name: 'Set up' }).click();
  await settled(page);
  assert.equal(await page.locator('#outcomes li').count(), 0);
  await page.close();
});
