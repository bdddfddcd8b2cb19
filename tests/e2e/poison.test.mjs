// The poison pill against terminate, through the real workers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled, deliver, snapshot, eventually } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const LINK = 'v=1&scenario=poison-pill&people=2&drinks=3&requests=2&s=';
const P = (n) => `Person ${n}`;
const F = 'Fridge';

test('after the poison pill, later requests are never answered; no orphan worker', async () => {
  const page = await open(env, LINK);
  assert.deepEqual((await snapshot(page)).actors, ['Fridge 3 drinks', 'Person 1 0 replies so far, 0 drinks', 'Person 2 0 replies so far, 0 drinks', 'Owner sent the fridge stop']);
  await eventually(() => page.workers().length === 4, { what: 'one worker per actor' });
  await deliver(page, 'take 1', P(1), F);
  await deliver(page, 'took 1, 2 left', F, P(1));
  await deliver(page, 'stop', 'Owner', F);
  await deliver(page, 'take 1', P(1), F);
  await deliver(page, 'take 1', P(2), F);
  await deliver(page, 'take 1', P(2), F);
  assert.equal(await page.getByRole('status').textContent(), 'Finished: 2 drinks left; unanswered: 1 from Person 1, 2 from Person 2.');
  assert.equal(await page.locator('.unanswered').textContent(),
    'Never answered, because the fridge had taken the poison pill: take 1 from Person 1; take 1 from Person 2; take 1 from Person 2.');
  assert.equal((await snapshot(page)).actors[0], 'Fridge 2 drinks (stopped)');
  await page.getByRole('button', { name: 'Reset' }).click();
  await settled(page);
  await eventually(() => page.workers().length === 4, { what: 'still one worker per actor after reset' });
  await page.close();
});

test('terminate kills the fridge at once and drops even what came before the stop', async () => {
  const page = await open(env, LINK);
  await deliver(page, 'take 1', P(1), F);
  await deliver(page, 'took 1, 2 left', F, P(1));
  await page.getByRole('button', { name: 'Terminate the fridge now' }).click();
  await page.locator('.dropped-note').waitFor();
  assert.equal(await page.locator('.dropped-note').textContent(),
    'Terminated the fridge after 2 deliveries: its worker was killed at once. Dropped, never handled: take 1 from Person 1; take 1 from Person 2; take 1 from Person 2; stop from Owner.');
  assert.equal((await snapshot(page)).flight.length, 0);
  assert.match(await page.getByRole('status').textContent(), /^Finished: 2 drinks left; unanswered: 1 from Person 1, 2 from Person 2\.$/);
  await eventually(() => page.workers().length === 3, { what: 'the fridge worker gone' });
  assert.equal(await page.getByRole('button', { name: 'Step back' }).isDisabled(), true);
  const fragment = new URL(page.url()).hash.slice(1);
  assert.match(fragment, /&t=2&s=1F-F1$/);
  const again = await open(env, fragment);
  assert.equal(await again.locator('.dropped-note').textContent(), await page.locator('.dropped-note').textContent());
  await eventually(() => again.workers().length === 3, { what: 'the link terminates the fridge too' });
  await again.getByRole('button', { name: 'Reset' }).click();
  await settled(again);
  await eventually(() => again.workers().length === 4, { what: 'a fresh fridge after reset' });
  await again.close();
  await page.close();
});
