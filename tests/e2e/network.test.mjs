// A network that loses and duplicates, through the real workers: the
// protocol's network named on the page, Lose and Duplicate offered while
// the budget lasts, a lost message that no worker sees, the link that
// replays it, and live runs that draw their faults from the seed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled, deliver, snapshot } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const POST = 'POST /fridge/take';
const F = 'Fridge';
const C = 'Client 1';

/** Clicks a Lose or Duplicate button and waits for the step to be shown. */
async function fault(page, word, msg, from, to) {
  const before = Number(await page.locator('#app').getAttribute('data-deliveries'));
  await page.getByRole('button', { name: `${word} ${msg} from ${from} to ${to}`, exact: true }).click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('#app').dataset.deliveries) === n &&
      document.querySelector('#app').dataset.busy === 'false',
    before + 1,
  );
}

const faultButtons = async (page) => (await snapshot(page)).flight.filter((name) => /^(Lose|Duplicate) /.test(name));

test('the page names the network, offers its faults while the budget lasts, and a lost reply is seen by nobody', async () => {
  const page = await open(env, 'v=1&scenario=unreliable-post&s=');
  const about = await page.locator('#about-protocol').textContent();
  assert.match(about, /Network: unordered \(any message in flight may arrive next\), up to 1 lost, up to 1 duplicated\./);
  assert.match(about, /takes two drinks for one request/, 'what to notice is on the page');
  assert.deepEqual(await faultButtons(page), [`Lose ${POST} from ${C} to ${F}`, `Duplicate ${POST} from ${C} to ${F}`]);
  // The timer is a message to oneself: nothing to lose or duplicate.
  assert.ok((await snapshot(page)).flight.some((name) => new RegExp(`^Deliver \\d+ timeout ${C} → ${C}$`).test(name)));

  await fault(page, 'Duplicate', POST, C, F);
  assert.match((await snapshot(page)).history.at(-1), /Fridge received POST \/fridge\/take from Client 1 \(the network kept a copy in flight\)/);
  assert.deepEqual(await faultButtons(page), [`Lose 200 OK: took 1, 1 left from ${F} to ${C}`, `Lose ${POST} from ${C} to ${F}`],
    'the duplication budget is spent');
  await deliver(page, POST, C, F); // the copy takes the second drink
  await deliver(page, '200 OK: took 1, 1 left', F, C);
  await fault(page, 'Lose', '200 OK: took 1, 0 left', F, C);
  assert.equal((await snapshot(page)).history.at(-1), 'The network lost 200 OK: took 1, 0 left from Fridge to Client 1');
  assert.deepEqual(await faultButtons(page), [], 'both budgets are spent');
  assert.match(await page.locator('#about-protocol').textContent(), /still allowed: 0 lost, 0 duplicated/);
  await deliver(page, 'timeout', C, C);
  const status = await page.getByRole('status').textContent();
  assert.match(status, /0 drinks left; Client 1 got a drink/);
  assert.match(status, /took two/);
  // Unordered: the reply chosen is the second in its channel's order.
  assert.match(page.url(), /&s=1F\.dup-1F-F1\.1-F1\.lost-11$/);
  assert.match(await page.locator('#diagram').innerHTML(), /\(lost\)/);

  // The link replays the same run, losses included, through fresh workers.
  const again = await open(env, new URL(page.url()).hash.slice(1));
  await settled(again);
  assert.deepEqual((await snapshot(again)).history, (await snapshot(page)).history);
  assert.equal(await again.getByRole('status').textContent(), status);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(again.errors, []);
  await page.close();
  await again.close();
});

test('a reliable FIFO protocol offers no faults and says so', async () => {
  const page = await open(env);
  assert.deepEqual(await faultButtons(page), []);
  assert.match(await page.locator('#about-protocol').textContent(), /Network: FIFO per channel, nothing lost or duplicated\./);
  await page.close();
});

test('a link with a fault the protocol does not allow is refused with the reason', async () => {
  const page = await open(env, 'v=1&scenario=look-before-take&s=1F.lost');
  await page.locator('#notice').filter({ hasText: /does not lose messages/ }).waitFor({ timeout: 5000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('live runs of the unreliable POST draw losses and duplications, and every run replays', async () => {
  const page = await open(env, 'v=1&scenario=unreliable-post&s=');
  await page.getByRole('textbox', { name: 'Runs' }).fill('60');
  await page.locator('#jitter').fill('3');
  await page.getByRole('textbox', { name: 'Seed' }).fill('7');
  await page.getByRole('button', { name: 'Run live' }).click();
  await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'finished', null, { timeout: 120000 });
  const rows = await page.evaluate(() => [...document.querySelectorAll('table.live tbody tr')].map((tr) => ({
    outcome: tr.querySelector('th').textContent,
    observed: tr.cells[2].textContent,
    load: tr.querySelector('button')?.getAttribute('data-run') ?? null,
  })));
  const observed = rows.map((r) => (r.observed === 'never observed' ? 0 : Number(r.observed.split(' ')[0])));
  assert.equal(observed.reduce((a, b) => a + b, 0), 60, JSON.stringify(rows));
  // Load an observed run of the double take into the stepper: its
  // schedule carries the faults the run drew.
  const doubled = rows.find((r) => /took two/.test(r.outcome) && r.load !== null);
  assert.ok(doubled, `a double take was observed: ${JSON.stringify(rows)}`);
  await page.locator(`button[data-action="live-load"][data-run="${doubled.load}"]`).click();
  await settled(page);
  assert.match(await page.getByRole('status').textContent(), /took two/);
  assert.deepEqual(page.errors, []);
  await page.close();
});
