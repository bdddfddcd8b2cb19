// The bank account in its own worker: the check-then-act race, its fix, and
// the fixed fridge, end to end.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled, deliver, deliverName, snapshot, eventually } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const C = (n) => `Customer ${n}`;
const B = 'Bank';

test('two customers check, both see 100, both withdraw: the account is overdrawn', async () => {
  const page = await open(env, 'v=1&scenario=check-then-withdraw&customers=2&balance=100&amount=60&s=');
  assert.deepEqual((await snapshot(page)).actors, ['Bank balance 100', 'Customer 1 checking the balance', 'Customer 2 checking the balance']);
  await eventually(() => page.workers().length === 3, { what: 'one worker per actor' });
  const steps = [
    ['check balance', C(1), B], ['check balance', C(2), B],
    ['balance 100', B, C(1)], ['balance 100', B, C(2)],
    ['withdraw 60', C(1), B], ['withdraw 60', C(2), B],
    ['balance 40', B, C(1)], ['balance -20', B, C(2)],
  ];
  for (const step of steps) await deliver(page, ...step);
  assert.equal(await page.getByRole('status').textContent(),
    'Finished: balance -20; Customer 1 and Customer 2 withdrew. Overdrawn: the balance went below zero.');
  const s = await snapshot(page);
  assert.deepEqual(s.actors, ['Bank balance -20', 'Customer 1 withdrew', 'Customer 2 withdrew']);
  assert.equal(s.history[5], 'Bank received withdraw 60 from Customer 2 and replied: balance -20');
  assert.match(page.url(), /#v=1&scenario=check-then-withdraw&customers=2&balance=100&amount=60&s=1B-2B-B1-B2-1B-2B-B1-B2$/);
  await page.close();
});

test('the form switches to the bank fields and sets up a bank scenario', async () => {
  const page = await open(env);
  await page.getByLabel('Protocol').selectOption('check-then-withdraw');
  // The bank's compiled program is fetched the first time it is chosen.
  await page.getByRole('textbox', { name: 'Customers' }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'People' }).isVisible(), false);
  await page.getByRole('textbox', { name: 'Customers' }).fill('3');
  await page.getByRole('textbox', { name: 'Balance' }).fill('150');
  await page.getByRole('textbox', { name: 'Amount' }).fill('-5');
  await page.getByRole('button', { name: 'Set up' }).click();
  await assert.doesNotReject(page.getByRole('alert').filter({ hasText: 'Amount must be a whole number from 1 to 1000000' }).waitFor());
  await page.getByRole('textbox', { name: 'Amount' }).fill('70');
  await page.getByRole('button', { name: 'Set up' }).click();
  await settled(page);
  assert.deepEqual((await snapshot(page)).flight, [1, 2, 3].map((n) => deliverName(n, 'check balance', `Customer ${n}`, 'Bank')));
  assert.match(page.url(), /scenario=check-then-withdraw&customers=3&balance=150&amount=70&s=$/);
  await page.close();
});

const outcomeRows = (page) =>
  page.locator('#outcomes li').evaluateAll((lis) => lis.map((li) => ({
    what: li.querySelector('.what').textContent, unsafe: li.classList.contains('unsafe'),
  })));

/** Waits until the stepper has replayed a witness to its end and says so:
 * the replay starts when its workers do, so "not busy" alone can be read
 * before it began. */
async function finished(page, text) {
  await page.waitForFunction((t) => document.querySelector('#app')?.dataset.busy === 'false' &&
    document.querySelector('[role=status]')?.textContent === t, text, { timeout: 15000 })
    .catch(() => {});
  assert.equal(await page.getByRole('status').textContent(), text);
}

for (const [fragment, unsafe, safe] of [
  ['v=1&scenario=check-then-withdraw&customers=3&balance=100&amount=60&s=', 4, 3],
  ['v=1&scenario=withdraw-if&customers=3&balance=100&amount=60&s=', 0, 3],
  ['v=1&scenario=take-if&people=3&drinks=2&s=', 0, 3],
]) {
  test(`exploring ${fragment.split('&')[1]} finds ${unsafe} unsafe and ${safe} safe outcomes`, async () => {
    const page = await open(env, fragment);
    await page.getByRole('button', { name: 'Explore every schedule' }).click();
    await page.locator('#outcomes .summary').waitFor();
    const rows = await outcomeRows(page);
    assert.equal(rows.filter((r) => r.unsafe).length, unsafe, JSON.stringify(rows));
    assert.equal(rows.filter((r) => !r.unsafe).length, safe, JSON.stringify(rows));
    // The witness of the last outcome replays in the stepper.
    const last = rows[rows.length - 1];
    await page.getByRole('button', { name: `Show me a schedule that ends with: ${last.what}` }).click();
    await finished(page, `Finished: ${last.what}.`);
    await page.close();
  });
}

for (const [fragment, race, fix, unsafeInRace] of [
  ['', 'Polite: LOOK before you TAKE', 'Fixed fridge: take 1 if more than 1 left', 3],
  ['v=1&scenario=check-then-withdraw&customers=2&balance=100&amount=60&s=', 'Bank: check the balance, then withdraw', 'Fixed bank: withdraw if enough', 1],
]) {
  test(`the race and its fix side by side: ${race}`, async () => {
    const page = await open(env, fragment);
    await page.getByRole('button', { name: 'Explore every schedule' }).click();
    await page.getByRole('button', { name: 'Explore the fix side by side' }).click();
    const raceColumn = page.getByRole('region', { name: race });
    const fixColumn = page.getByRole('region', { name: fix });
    await fixColumn.waitFor();
    assert.equal(await raceColumn.locator('li.unsafe').count(), unsafeInRace);
    assert.ok(await fixColumn.locator('li').count() > 0);
    assert.equal(await fixColumn.locator('li.unsafe').count(), 0, 'the fix has no unsafe outcome');
    // A witness from the fix's column loads the fixed scenario.
    const what = await fixColumn.locator('li .what').first().textContent();
    await fixColumn.getByRole('button', { name: `Show me a schedule that ends with: ${what}` }).click();
    await finished(page, `Finished: ${what}.`);
    assert.match(page.url(), /scenario=(take-if|withdraw-if)&/);
    await page.close();
  });
}
