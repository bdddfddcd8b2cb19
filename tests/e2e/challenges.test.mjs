// Challenges end to end: a goal reached by hand is detected and announced
// with the deliveries used against the fewest possible, the best is kept in
// local storage across reloads and can be cleared, a replayed link does not
// count as reaching it, and unreadable saved progress gets a message.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled, deliver } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const P = (n) => `Person ${n}`;
const F = 'Fridge';
const news = (page) => page.locator('#challenge-news');
const item = (page, goal) => page.locator(`#challenges li[data-goal="${goal}"]`);

test('emptying the fridge by hand is detected, compared with the shortest, and remembered', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url);
  await settled(page);
  assert.match(await item(page, 'empty-fridge').textContent(), /Not reached yet/);
  for (const step of [
    ['look', P(1), F], ['look', P(2), F],
    ['took 0, 2 left', F, P(1)], ['took 0, 2 left', F, P(2)],
    ['take 1', P(1), F],
  ]) await deliver(page, ...step);
  assert.equal(await news(page).textContent(), '', 'not reached yet: one drink is left');
  await deliver(page, 'take 1', P(2), F);
  assert.match(await news(page).textContent(), /^Challenge reached: Leave the fridge empty, although everyone is polite, in 6 deliveries\./);
  // The explorer is asked for the fewest possible, and the news completed.
  await page.waitForFunction(() => document.querySelector('#challenge-news').textContent.endsWith('That is the shortest possible.'));
  assert.match(await item(page, 'empty-fridge').textContent(), /Reached in this run: in 6 deliveries, your best: 6, fewest possible: 6\./);
  assert.match(await item(page, 'empty-fridge').getAttribute('class'), /reached/);

  // A longer way there: the news says how far from the shortest.
  await page.getByRole('button', { name: 'Reset' }).click();
  await settled(page);
  for (const step of [
    ['look', P(1), F], ['look', P(2), F], ['look', P(3), F],
    ['took 0, 2 left', F, P(1)], ['took 0, 2 left', F, P(2)], ['took 0, 2 left', F, P(3)],
    ['take 1', P(3), F], ['take 1', P(1), F],
  ]) await deliver(page, ...step);
  assert.equal(await news(page).textContent(), 'Challenge reached: Leave the fridge empty, although everyone is polite, in 8 deliveries. The shortest possible is 6.');
  // Then the third take: told 0 taken, in 10 (the fewest possible).
  await deliver(page, 'take 1', P(2), F);
  await deliver(page, 'took 0, 0 left', F, P(2));
  assert.match(await news(page).textContent(), /^Challenge reached: Make a polite person receive a reply of 0 drinks taken, in 10 deliveries\. That is the shortest possible\.$/);

  // Kept across a reload (which replays the run from the link); the best
  // stays the best.
  await page.reload();
  await page.waitForFunction(() => document.querySelector('#app').dataset.deliveries === '10' && document.querySelector('#app').dataset.busy === 'false');
  assert.match(await item(page, 'empty-fridge').textContent(), /in 8 deliveries, your best: 6/);
  assert.match(await item(page, 'polite-told-zero').textContent(), /in 10 deliveries, your best: 10/);
  assert.equal(await page.evaluate(() => localStorage.getItem('racelab-progress')),
    'racelab-progress-1;look-before-take/empty-fridge=6;look-before-take/polite-told-zero=10');

  // Cleared on request.
  await page.getByRole('button', { name: 'Clear challenge progress' }).click();
  assert.equal(await news(page).textContent(), 'Challenge progress cleared.');
  assert.doesNotMatch(await item(page, 'empty-fridge').textContent(), /your best/);
  assert.equal(await page.evaluate(() => localStorage.getItem('racelab-progress')), null);
  await page.getByRole('button', { name: 'Reset' }).click();
  await settled(page);
  assert.match(await item(page, 'empty-fridge').textContent(), /Not reached yet/);
  await context.close();
});

test('a replayed link reaches the goal but is not counted as the learner\'s', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.url}#v=1&scenario=check-then-withdraw&customers=2&balance=100&amount=60&s=1B-2B-B1-B2-1B-2B`);
  await page.waitForFunction(() => document.querySelector('#app').dataset.deliveries === '6' && document.querySelector('#app').dataset.busy === 'false');
  assert.match(await news(page).textContent(), /^Challenge reached: Overdraw the account, in 6 deliveries\./);
  assert.equal(await page.evaluate(() => localStorage.getItem('racelab-progress')), null);
  await context.close();
});

test('the fix makes its challenge impossible, and says so', async () => {
  const page = await open(env, 'v=1&scenario=withdraw-if&customers=3&balance=100&amount=60&s=');
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#outcomes .summary').waitFor();
  const text = await item(page, 'overdrawn-fixed').textContent();
  assert.match(text, /Overdraw the account even with the fix/);
  assert.match(text, /Impossible: no schedule reaches it: the explorer checked them all\./);
  await page.close();
});

test('saved progress that cannot be read gets a message, and the page works', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url);
  await settled(page);
  await page.evaluate(() => localStorage.setItem('racelab-progress', '{"not": "ours"}'));
  await page.reload();
  await settled(page);
  assert.match(await news(page).textContent(), /Your saved challenge progress could not be read \(it is not racelab's progress format\), so it starts afresh\./);
  await deliver(page, 'look', P(1), F);
  await context.close();
});
