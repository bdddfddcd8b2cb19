// The stepper end to end: headless Chromium, the release bundle served under
// a sub-path, the real actor workers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { start, open, settled, deliver, deliverButton, deliverName, snapshot, eventually, median, ARTIFACTS } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const P = (n) => `Person ${n}`;
const F = 'Fridge';

// Everyone looks while 2 are left, Persons 1 and 2 take, Person 3 sees 0.
const EMPTYING = [
  ['look', P(1), F], ['look', P(2), F],
  ['took 0, 2 left', F, P(1)], ['took 0, 2 left', F, P(2)],
  ['take 1', P(1), F], ['take 1', P(2), F],
  ['took 1, 1 left', F, P(1)], ['took 1, 0 left', F, P(2)],
  ['look', P(3), F], ['took 0, 0 left', F, P(3)],
];

test('the page starts under a strict CSP, served from a sub-path, with no inline script', async () => {
  // The folder's address without its slash redirects, as static hosts do.
  const bare = await fetch(env.url.replace(/\/$/, ''), { redirect: 'manual' });
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.get('location'), new URL(env.url).pathname);
  const response = await fetch(env.url);
  assert.match(response.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
  const html = await response.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script is a file');
  assert.doesNotMatch(html, /\sstyle=/, 'no inline styles');
  const page = await open(env);
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#outcomes .summary').waitFor();
  assert.deepEqual(page.errors, [], 'no CSP violation or page error');
  // Workers are started from a same-origin file. An actor runs the page's
  // own build (its hashed JS and wasm); the explorer the analysis build,
  // whose fixed names carry the page's wasm name as a version. So two
  // deploys never mix.
  const urls = page.workers().map((w) => new URL(w.url()));
  assert.ok(urls.length >= 4);
  const pageWasm = await page.evaluate(() => document.querySelector('script[data-racelab-wasm]').dataset.racelabWasm.split('/').pop());
  const kinds = new Set();
  for (const u of urls) {
    assert.equal(u.origin, new URL(env.url).origin);
    const path = u.pathname + u.search;
    const actor = /\/courses\/6\.102\/racelab\/worker-loader\.js\?w=actor&js=racelab-[0-9a-f]+\.js&wasm=(racelab-[0-9a-f]+_bg\.wasm)$/.exec(path);
    const explorer = /\/courses\/6\.102\/racelab\/worker-loader\.js\?w=explorer&js=analysis\.js&wasm=analysis_bg\.wasm&v=(racelab-[0-9a-f]+_bg\.wasm)$/.exec(path);
    assert.ok(actor || explorer, path);
    assert.equal((actor ?? explorer)[1], pageWasm, path);
    kinds.add(actor ? 'actor' : 'explorer');
  }
  assert.ok(kinds.has('actor'));
  await page.close();
});

test('the default page is the reading puzzle, with one worker per actor', async () => {
  const page = await open(env);
  const s = await snapshot(page);
  assert.deepEqual(s.actors, ['Fridge 2 drinks', 'Person 1 about to look', 'Person 2 about to look', 'Person 3 about to look']);
  assert.deepEqual(s.flight, [1, 2, 3].map((n) => deliverName(n, 'look', `Person ${n}`, 'Fridge')));
  await assert.doesNotReject(page.getByRole('status').filter({ hasText: '3 messages are in flight' }).waitFor());
  await eventually(() => page.workers().length === 4, { what: 'one worker per actor' });
  assert.match(await page.locator('#workers').textContent(), /^4 workers live$/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('clicking a schedule that empties the fridge: 0 left and politeness failed', async () => {
  const page = await open(env);
  for (const [msg, from, to] of EMPTYING) await deliver(page, msg, from, to);
  const status = await page.getByRole('status').textContent();
  assert.match(status, /0 drinks left/);
  assert.match(status, /Person 1 and Person 2 got a drink/);
  assert.match(status, /Politeness failed/);
  const s = await snapshot(page);
  assert.equal(s.flight.length, 0);
  assert.deepEqual(s.actors, ['Fridge 0 drinks', 'Person 1 got a drink', 'Person 2 got a drink', 'Person 3 saw 0 left, left without one']);
  assert.equal(s.history[0], 'Fridge received look from Person 1 and replied: took 0, 2 left');
  assert.match(page.url(), /#v=1&scenario=look-before-take&people=3&drinks=2&s=1F-2F-F1-F2-1F-2F-F1-F2-3F-F3$/);
  await page.close();
});

test('Step back restores the previous state, in the page and in the worker', async () => {
  const page = await open(env);
  for (const step of EMPTYING.slice(0, 4)) await deliver(page, ...step);
  const before = await snapshot(page);
  const url = page.url();
  await deliver(page, 'take 1', P(1), F);
  assert.equal((await snapshot(page)).actors[0], 'Fridge 1 drink');
  await page.getByRole('button', { name: 'Step back' }).click();
  await settled(page);
  assert.deepEqual(await snapshot(page), before);
  assert.equal(page.url(), url);
  // The fridge's worker really is back at 2 drinks: Person 2's take now
  // leaves 1, where a fridge that kept the undone take would leave 0.
  await deliver(page, 'take 1', P(2), F);
  await assert.doesNotReject(deliverButton(page, 'took 1, 1 left', F, P(2)).waitFor());
  // Step back twice in a row, then forward again along another branch.
  await page.getByRole('button', { name: 'Step back' }).click();
  await settled(page);
  await page.getByRole('button', { name: 'Step back' }).click();
  await settled(page);
  assert.equal((await snapshot(page)).history.length, 3);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a permalink rebuilds exactly that state through the real workers', async () => {
  const clicked = await open(env);
  for (const step of EMPTYING.slice(0, 7)) await deliver(clicked, ...step);
  const expected = await snapshot(clicked);
  const fragment = new URL(clicked.url()).hash.slice(1);
  await clicked.close();

  const page = await open(env, fragment);
  assert.deepEqual(await snapshot(page), expected);
  await eventually(() => page.workers().length === 4, { what: 'one worker per actor' });
  // ...and it goes on from there.
  await deliver(page, 'took 1, 0 left', F, P(2));
  assert.equal((await snapshot(page)).actors[0], 'Fridge 0 drinks');
  await page.close();
});

test('a thirsty permalink: two people asking for 3 from 2 drinks', async () => {
  const page = await open(env, 'v=1&scenario=thirsty&people=2&drinks=2&ask=3&s=2F-1F-F2-F1');
  const s = await snapshot(page);
  assert.deepEqual(s.actors, ['Fridge 0 drinks', 'Person 1 got no drink', 'Person 2 got 2 drinks']);
  assert.match(await page.getByRole('status').textContent(), /Finished: 0 drinks left; Person 2 got a drink\./);
  assert.equal(await page.locator('#param-people').inputValue(), '2');
  assert.equal(await page.locator('#protocol').inputValue(), 'thirsty');
  await page.close();
});

for (const bad of ['garbage', 'v=1&scenario=look-before-take&s=F1', 'v=7&scenario=thirsty', 'v=1&scenario=look-before-take&people=40', 'v=1&scenario=look-before-take&s=1F-1F', 'v=1&scenario=%3Cimg%20src%3Dx%3E']) {
  test(`a bad permalink (${bad}) says so and leaves a working default`, async () => {
    const page = await open(env, bad);
    await assert.doesNotReject(page.locator('#notice').filter({ hasText: 'This link could not be opened' }).waitFor());
    assert.equal(await page.locator('#notice img').count(), 0, 'link text is escaped');
    const s = await snapshot(page);
    assert.deepEqual(s.flight, [1, 2, 3].map((n) => deliverName(n, 'look', `Person ${n}`, 'Fridge')));
    await deliver(page, 'look', P(2), F);
    assert.equal((await snapshot(page)).history.length, 1);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('after 5 resets there are as many live workers as actors', async () => {
  const page = await open(env);
  await deliver(page, 'look', P(1), F);
  for (let i = 0; i < 5; i++) {
    await page.getByRole('button', { name: 'Reset' }).click();
    await settled(page);
  }
  assert.equal((await snapshot(page)).history.length, 0);
  await eventually(() => page.workers().length === 4, { what: `4 live workers (have ${page.workers().length})` });
  assert.match(await page.locator('#workers').textContent(), /^4 workers live$/);
  // Changing the scenario replaces the workers too.
  await page.locator('#param-people').fill('6');
  await page.getByRole('button', { name: 'Set up' }).click();
  await settled(page);
  await eventually(() => page.workers().length === 7, { what: '7 live workers' });
  await page.close();
});

test('bad scenario input gets an inline message and the scenario keeps working', async () => {
  const page = await open(env);
  for (const [field, value, message] of [['#param-people', '99', 'People must be a whole number from 1 to 8'], ['#param-drinks', 'lots', 'Drinks must be a whole number from 0 to 20'], ['#param-people', '-1', 'People must be']]) {
    await page.locator(field).fill(value);
    await page.getByRole('button', { name: 'Set up' }).click();
    await assert.doesNotReject(page.getByRole('alert').filter({ hasText: message }).waitFor());
    await page.locator('#param-people').fill('3');
    await page.locator('#param-drinks').fill('2');
  }
  await deliver(page, 'look', P(3), F);
  await page.locator('#protocol').selectOption('thirsty');
  await page.getByRole('textbox', { name: 'Ask' }).fill('5');
  await page.locator('#param-people').fill('2');
  await page.getByRole('button', { name: 'Set up' }).click();
  await settled(page);
  assert.deepEqual((await snapshot(page)).flight, [deliverName(1, 'take 5', 'Person 1', 'Fridge'), deliverName(2, 'take 5', 'Person 2', 'Fridge')]);
  await page.close();
});

test('a worker that fails is reported, and Restart brings the run back', async () => {
  const page = await env.browser.newPage();
  let blocked = true;
  await page.route(/worker-loader\.js/, (route) => (blocked ? route.abort() : route.continue()));
  await page.goto(env.url + '#v=1&scenario=look-before-take&people=2&drinks=2&s=1F');
  await assert.doesNotReject(page.locator('#notice').filter({ hasText: /worker did not start/ }).waitFor({ timeout: 15000 }));
  blocked = false;
  await page.getByRole('button', { name: 'Restart workers' }).click();
  await settled(page);
  const s = await snapshot(page);
  // Channel heads are listed by sender: the fridge first.
  assert.deepEqual(s.flight, [deliverName(1, 'took 0, 2 left', 'Fridge', 'Person 1'), deliverName(2, 'look', 'Person 2', 'Fridge')]);
  await page.close();
});

test('figure: time from a Deliver click to the updated page', async (t) => {
  const page = await open(env, 'v=1&scenario=look-before-take&people=8&drinks=20&s=');
  const times = [];
  while (times.length < 100) {
    const ms = await page.evaluate(() => new Promise((resolve) => {
      const app = document.querySelector('#app');
      const target = Number(app.dataset.deliveries) + 1;
      const button = document.querySelector('#flight button:not([disabled])');
      const t0 = performance.now();
      const observer = new MutationObserver(() => {
        if (Number(app.dataset.deliveries) === target && app.dataset.busy === 'false') {
          observer.disconnect();
          resolve(performance.now() - t0);
        }
      });
      observer.observe(app, { attributes: true });
      button.click();
    }));
    times.push(ms);
    if ((await snapshot(page)).flight.length === 0) {
      await page.getByRole('button', { name: 'Reset' }).click();
      await settled(page);
    }
  }
  const figure = { deliver_click_to_update_ms_median: median(times), clicks: times.length };
  writeFileSync(`${ARTIFACTS}deliver-latency.json`, JSON.stringify(figure, null, 2));
  t.diagnostic(`Deliver click → updated page: median ${figure.deliver_click_to_update_ms_median.toFixed(2)} ms over ${times.length} clicks`);
  assert.ok(times.every((x) => x > 0));
  await page.close();
});

test('the page is usable before its workers have started; a delivery made meanwhile waits for them', async () => {
  const page = await env.browser.newPage();
  // Hold the workers' start back by a second and a half.
  await page.route(/worker-loader\.js/, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  await page.goto(env.url);
  await settled(page);
  assert.equal(await page.locator('#app').getAttribute('data-workers-started'), 'false');
  // The initial world comes from the model: the looks are in flight.
  assert.deepEqual((await snapshot(page)).flight, [1, 2, 3].map((n) => deliverName(n, 'look', `Person ${n}`, 'Fridge')));
  await deliver(page, 'look', 'Person 2', 'Fridge');
  // The reply came, so the fridge's worker is up; the others follow.
  await page.waitForFunction(() => document.querySelector('#app').dataset.workersStarted === 'true');
  assert.deepEqual((await snapshot(page)).history.length, 1);
  assert.match((await snapshot(page)).history[0], /Fridge received look from Person 2 and replied: took 0, 2 left/);
  await page.close();
});
