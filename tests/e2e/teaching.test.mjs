// Teaching features: the keyboard alone, the space-time diagram, time
// travel with branches, the live region, and screenshots to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled, deliver, snapshot, eventually, ARTIFACTS } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const deliveries = async (page) => Number(await page.locator('#app').getAttribute('data-deliveries'));
const press = async (page, key) => { await page.keyboard.press(key); await settled(page); };

test('a whole LOOK-before-TAKE run driven only by the keyboard', async () => {
  const page = await open(env);
  // Digits deliver the n-th message in flight; 2 then 1 interleaves people.
  for (const key of ['2', '1', '1', '1']) await press(page, key);
  assert.equal(await deliveries(page), 4);
  while ((await snapshot(page)).flight.length > 0) await press(page, '1');
  const finished = await deliveries(page);
  assert.match(await page.getByRole('status').textContent(), /^Finished: /);
  await press(page, 'ArrowLeft');
  assert.equal(await deliveries(page), finished - 1);
  await press(page, 'ArrowRight');
  assert.equal(await deliveries(page), finished);
  await press(page, 'Home');
  assert.equal(await deliveries(page), 0);
  await press(page, 'End');
  assert.equal(await deliveries(page), finished);
  assert.match(await page.getByRole('status').textContent(), /^Finished: /);
  // ? opens the help; Escape closes it.
  await page.keyboard.press('?');
  await assert.doesNotReject(page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor());
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  // Typing in a field never triggers a shortcut.
  await page.locator('#people').focus();
  await page.keyboard.press('r');
  await page.keyboard.press('1');
  assert.equal(await deliveries(page), finished);
  await page.locator('#status').focus();
  await press(page, 'r');
  assert.equal(await deliveries(page), 0);
  await page.close();
});

test('the diagram has one arrow per delivery, and an arrow jumps back to that point', async () => {
  const page = await open(env);
  const steps = [['look', 'Person 1', 'Fridge'], ['look', 'Person 2', 'Fridge'], ['took 0, 2 left', 'Fridge', 'Person 1'], ['took 0, 2 left', 'Fridge', 'Person 2'], ['take 1', 'Person 1', 'Fridge']];
  const after = [];
  for (const step of steps) {
    await deliver(page, ...step);
    after.push(await snapshot(page));
  }
  assert.equal(await page.locator('#diagram g.arrow[role="button"]').count(), 5);
  // In flight now: Person 2's take, Person 3's look, the reply to Person 1.
  assert.equal(await page.locator('#diagram g.arrow.inflight').count(), (await snapshot(page)).flight.length);
  await page.getByRole('button', { name: /^Delivery 2: look from Person 2 to Fridge/ }).click();
  await settled(page);
  assert.equal(await deliveries(page), 2);
  assert.deepEqual(await snapshot(page), after[1]);
  assert.equal(await page.locator('#diagram g.arrow[role="button"]').count(), 2);
  // Forward again along the same branch.
  await page.getByRole('button', { name: 'Jump to end' }).click();
  await settled(page);
  assert.deepEqual(await snapshot(page), after[4]);
  await page.close();
});

test('choosing another delivery after going back starts a branch that can be returned to', async () => {
  const page = await open(env);
  for (const step of [['look', 'Person 1', 'Fridge'], ['took 0, 2 left', 'Fridge', 'Person 1'], ['take 1', 'Person 1', 'Fridge']]) await deliver(page, ...step);
  const original = await snapshot(page);
  const originalUrl = page.url();
  await page.getByRole('button', { name: 'Step back' }).click();
  await settled(page);
  await page.getByRole('button', { name: 'Step back' }).click();
  await settled(page);
  await deliver(page, 'look', 'Person 3', 'Fridge');
  const branch = page.getByRole('button', { name: 'Return to the branch 1F-F1-1F' });
  await branch.waitFor();
  await branch.click();
  await settled(page);
  assert.deepEqual(await snapshot(page), original);
  assert.equal(page.url(), originalUrl);
  // The branch just left is kept in turn.
  await page.getByRole('button', { name: 'Return to the branch 1F-3F' }).waitFor();
  await page.close();
});

test('each delivery is announced in one sentence', async () => {
  const page = await open(env);
  await deliver(page, 'look', 'Person 2', 'Fridge');
  await page.locator('#announce').filter({ hasText: 'Fridge received look from Person 2 and replied: took 0, 2 left' }).waitFor();
  assert.equal(await page.locator('#announce').getAttribute('aria-live'), 'polite');
  await page.close();
});

test('screenshots at 1280 and 375 px wide', async () => {
  for (const width of [1280, 375]) {
    const page = await open(env, 'v=1&scenario=look-before-take&people=3&drinks=2&s=1F-2F-F1-F2-1F');
    await page.setViewportSize({ width, height: 900 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (overflow ${overflow})`);
    await page.screenshot({ path: `${ARTIFACTS}stepper-${width}.png`, fullPage: true });
    await page.close();
  }
});

test('predict, then reveal: a wrong prediction is graded and the missed outcome shown', async () => {
  const page = await open(env);
  await page.getByRole('checkbox', { name: '1 drink left, one person got a drink' }).check();
  await page.getByRole('checkbox', { name: '2 drinks left, nobody got a drink' }).check();
  assert.match(page.url(), /&p=1\.2&/);
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.locator('.grade').waitFor();
  assert.equal(await page.locator('.grade').textContent(), 'You missed 1 possible outcome and claimed 1 that cannot happen.');
  const items = await page.locator('.predictions li').allTextContents();
  assert.deepEqual(items.map((t) => t.replace(/ Show how$/, '')), [
    '0 drinks left, 2 people got a drink Missed: this can happen.',
    '1 drink left, one person got a drink Right: this can happen.',
    '2 drinks left, nobody got a drink Wrongly claimed: this cannot happen.',
  ]);
  await page.getByRole('button', { name: 'Show how: 0 drinks left, 2 people got a drink' }).click();
  await settled(page);
  assert.match(await page.getByRole('status').textContent(), /^Finished: 0 drinks left; Person \d and Person \d got a drink\. Politeness failed/);
  await page.close();
});

test('predict, then reveal: a right prediction, kept in the permalink', async () => {
  const page = await open(env, 'v=1&scenario=look-before-take&people=3&drinks=2&p=0.1&s=');
  assert.equal(await page.getByRole('checkbox', { name: '0 drinks left, 2 people got a drink' }).isChecked(), true);
  assert.equal(await page.getByRole('checkbox', { name: '2 drinks left, nobody got a drink' }).isChecked(), false);
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.locator('.grade').waitFor();
  assert.equal(await page.locator('.grade').textContent(), 'Your prediction was right on every count.');
  await page.close();
});
