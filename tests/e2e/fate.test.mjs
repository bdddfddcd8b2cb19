// The point of no return and autoplay: the delivery after which the run's
// end was certain, as the explorer says it and as the stepper marks it; its
// alternative, one click away, avoiding the outcome; and a witness played
// through the real workers at a chosen speed, paused, and stopped at the
// point.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled, eventually } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const deliveries = async (page) => Number(await page.locator('#app').getAttribute('data-deliveries'));
const playing = async (page) => (await page.locator('#app').getAttribute('data-playing')) === 'true';
const EMPTYING = '1F-F1-2F-F2-2F-F2-3F-F3-1F-F1';
const POLITENESS = 'Politeness failed';

test("the reading's emptying run: the point of no return is the explorer's, and its alternative avoids the outcome", async () => {
  const page = await open(env);
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#outcomes .summary').waitFor({ timeout: 30000 });
  // The first outcome: Person 1 and Person 2 got a drink, the fridge is empty.
  const row = page.locator('#outcomes li').first();
  const what = await row.locator('.what').textContent();
  assert.match(what, new RegExp(POLITENESS));
  const note = row.locator('.fate-note');
  await note.waitFor();
  const u = Number(await note.getAttribute('data-unsafe-from'));
  assert.equal(u, 3, 'Person 2\'s look answered before Person 1\'s take');
  assert.match(await note.textContent(), new RegExp(`^Point of no return: unsafe after delivery ${u}, this very outcome after delivery 5 of this schedule$`));

  await page.getByRole('button', { name: `Show me a schedule that ends with: ${what}`, exact: true }).click();
  await settled(page);
  assert.match(page.url(), new RegExp(`&s=${EMPTYING}$`));
  // Asked of the explorer's worker once the run has ended.
  const sentence = page.locator('#history p.fate[data-point]');
  await sentence.waitFor();
  assert.equal(await sentence.getAttribute('data-unsafe-from'), String(u));
  assert.match(await sentence.textContent(), /^After delivery 3 \(Fridge received look from Person 2 and replied: took 0, 2 left\), the run ends unsafe whatever happens next/);
  // Marked in the history and across the diagram, at that delivery.
  const marked = await page.locator('#history li.unsafe-point').evaluateAll((lis) =>
    lis.map((li) => [...li.parentElement.children].indexOf(li) + 1));
  assert.deepEqual(marked, [u]);
  assert.equal(await page.locator(`#diagram g.fate-line.unsafe[data-after="${u}"]`).count(), 1);

  // The alternative, one click: the same first u - 1 deliveries, then
  // Person 1's take, and the fridge keeps a drink.
  const alternative = page.getByRole('button', { name: /^Try the alternative: take 1 from Person 1 to Fridge as delivery 3$/ });
  const run = await alternative.getAttribute('data-run');
  assert.ok(run.startsWith(EMPTYING.split('-').slice(0, u - 1).join('-') + '-1F-'), run);
  await alternative.click();
  await page.waitForFunction((n) => document.querySelector('#app').dataset.deliveries === String(n) &&
    document.querySelector('#app').dataset.busy === 'false', run.split('-').length);
  const status = await page.getByRole('status').textContent();
  assert.match(status, /^Finished: 1 drink left; Person 1 got a drink\.$/);
  assert.doesNotMatch(status, new RegExp(POLITENESS));
  assert.match(page.url(), new RegExp(`&s=${run}$`));
  // The run left is a branch to return to.
  assert.ok(await page.locator('#branches code').filter({ hasText: EMPTYING }).count() === 1);
  // This run, safe, has a point of no return of its own.
  await page.locator('#history p.fate[data-point]').waitFor();
  assert.equal(await page.locator('#history p.fate').getAttribute('data-unsafe-from'), '');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('autoplay plays a witness to its end through the workers, pauses, and can stop at the point of no return', async () => {
  const page = await open(env, `v=1&scenario=look-before-take&people=3&drinks=2&s=${EMPTYING}`);
  assert.equal(await deliveries(page), 10);
  await page.locator('#history p.fate[data-point]').waitFor();
  const play = page.getByRole('button', { name: 'Play', exact: true });
  await page.locator('#speed').selectOption('4');
  // At the end, Play starts again from the start and plays every delivery.
  const t0 = Date.now();
  await play.click();
  await eventually(async () => (await deliveries(page)) < 10, { what: 'the rewind' });
  await eventually(async () => !(await playing(page)) && (await deliveries(page)) === 10, { what: 'the end of the run', timeout: 15000 });
  await settled(page);
  // Ten deliveries at 4 a second: nine waits of a quarter second at least.
  assert.ok(Date.now() - t0 >= 2000, `played in ${Date.now() - t0} ms`);
  assert.match(await page.getByRole('status').textContent(), new RegExp(POLITENESS));
  assert.equal(await page.getByRole('button', { name: 'Play', exact: true }).count(), 1);

  // Space plays and pauses (not while typing in a field).
  await page.locator('#param-people').focus();
  await page.keyboard.press(' ');
  assert.equal(await playing(page), false);
  await page.locator('#status').focus();
  await page.locator('#speed').selectOption('1');
  await page.locator('#status').focus();
  await page.keyboard.press(' ');
  await eventually(async () => (await deliveries(page)) >= 2, { what: 'two deliveries played' });
  await page.keyboard.press(' ');
  assert.equal(await playing(page), false);
  await settled(page);
  const paused = await deliveries(page);
  assert.ok(paused < 10, `paused at ${paused}`);
  // Paused stays paused: at 1 a second, two more would have gone by now.
  await new Promise((r) => setTimeout(r, 2200));
  assert.equal(await deliveries(page), paused);
  assert.equal(await page.getByRole('button', { name: 'Play', exact: true }).count(), 1);

  // Stop at the point of no return: from the start, playing pauses just
  // after delivery 3, where the fridge's end became certain.
  await page.getByRole('checkbox', { name: 'Stop at the point of no return' }).check();
  // Keys do nothing in a field (the checkbox has focus now).
  await page.keyboard.press('Home');
  assert.equal(await deliveries(page), paused);
  await page.locator('#status').focus();
  await page.keyboard.press('Home');
  await settled(page);
  assert.equal(await deliveries(page), 0);
  await page.locator('#speed').selectOption('4');
  await play.click();
  await eventually(async () => !(await playing(page)) && (await deliveries(page)) === 3, { what: 'a stop at delivery 3', timeout: 15000 });
  await settled(page);
  assert.equal(await deliveries(page), 3);
  // Play again goes on to the end.
  await play.click();
  await eventually(async () => !(await playing(page)) && (await deliveries(page)) === 10, { what: 'the end', timeout: 15000 });
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the Deliver and Show me buttons are named by their visible text', async () => {
  const page = await open(env);
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#outcomes .summary').waitFor({ timeout: 30000 });
  const buttons = await page.locator('#flight button, #outcomes button').evaluateAll((bs) => bs.map((b) => {
    const visible = [...b.childNodes]
      .filter((n) => !(n.classList && n.classList.contains('visually-hidden')))
      .map((n) => n.textContent).join('').replace(/\s+/g, ' ').trim();
    const name = (b.getAttribute('aria-label') ?? b.textContent).replace(/\s+/g, ' ').trim();
    return { visible, name };
  }));
  assert.ok(buttons.length >= 9, 'three Deliver buttons and six Show me');
  for (const { visible, name } of buttons) assert.ok(name.includes(visible), `"${name}" contains "${visible}"`);
  const deliver = buttons.filter((b) => b.name.startsWith('Deliver '));
  assert.deepEqual(deliver.map((b) => b.name), [1, 2, 3].map((n) => `Deliver ${n} look Person ${n} → Fridge`));
  // Playwright computes the same names.
  await page.getByRole('button', { name: 'Deliver 1 look Person 1 → Fridge', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Show me a schedule that ends with: / }).count(), 6);
  await page.close();
});

test('figure: the point of no return of a six-person run, found in the explorer worker', async (t) => {
  // racelab why look-before-take --people 6 --drinks 4 --schedule ... says
  // unsafe from 7, this very outcome from 13.
  const run = '1F-F1-2F-F2-3F-F3-4F-F4-4F-F4-3F-F3-2F-F2-6F-F6-5F-F5-1F-F1';
  const page = await open(env, `v=1&scenario=look-before-take&people=6&drinks=4&s=${run}`);
  const fate = page.locator('#history p.fate[data-point]');
  await fate.waitFor({ timeout: 30000 });
  assert.equal(await fate.getAttribute('data-point'), '13');
  assert.equal(await fate.getAttribute('data-unsafe-from'), '7');
  const ms = Number(await fate.getAttribute('data-elapsed-ms'));
  const states = Number(await fate.getAttribute('data-states'));
  t.diagnostic(`point of no return of a 20-delivery run, 6 people / 4 drinks: ${ms.toFixed(0)} ms in the explorer worker, ${states} states searched`);
  assert.deepEqual(page.errors, []);
  await page.close();
});
