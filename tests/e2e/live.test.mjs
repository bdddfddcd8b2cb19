// Live runs through the real workers: observed outcomes beside possible
// ones, loading an observed run into the stepper, bad input, a worker that
// dies mid-batch, and 10,000 runs without leaked workers or runaway memory.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { start, open, settled, deliverButton, snapshot, eventually, ARTIFACTS } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

async function runLive(page, { runs, jitter = 0, seed = 1 }) {
  await page.getByRole('textbox', { name: 'Runs' }).fill(String(runs));
  await page.locator('#jitter').fill(String(jitter));
  await page.getByRole('textbox', { name: 'Seed' }).fill(String(seed));
  await page.getByRole('button', { name: 'Run live' }).click();
}

const liveState = (page) => page.locator('#app').getAttribute('data-live');

async function finished(page, timeout = 120000) {
  await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'finished', null, { timeout });
}

/** The results table as rows of { outcome, possible, observed, load }. */
async function results(page) {
  return page.evaluate(() => [...document.querySelectorAll('table.live tbody tr')].map((tr) => ({
    outcome: tr.querySelector('th').textContent.replace(/^⚠ /, ''),
    possible: tr.cells[1].textContent,
    observed: tr.cells[2].textContent,
    load: tr.querySelector('button')?.getAttribute('data-run') ?? null,
  })));
}

const count = (observed) => (observed === 'never observed' ? 0 : Number(observed.split(' ')[0].replace(/,/g, '')));

test('live runs: observed counts beside the possible outcomes, every run accounted for', async () => {
  const page = await open(env);
  const workersBefore = page.workers().length;
  await runLive(page, { runs: 300 });
  await finished(page);
  // The explorer runs when the batch ends, so "possible" is filled in.
  await page.waitForFunction(() => [...document.querySelectorAll('table.live td:nth-child(2)')].every((td) => td.textContent !== 'not explored yet'));
  const rows = await results(page);
  const explored = await page.locator('#outcomes li .what').allTextContents();
  assert.equal(explored.length, 6, 'three polite people, two drinks: six outcomes are possible');
  assert.deepEqual(new Set(rows.map((r) => r.outcome)), new Set(explored), 'every possible outcome has a row');
  assert.equal(rows.reduce((n, r) => n + count(r.observed), 0), 300, 'the counts add up to the runs');
  for (const r of rows) {
    assert.equal(r.possible, 'possible', `${r.outcome} was observed, so the explorer must find it`);
    assert.equal(r.load === null, r.observed === 'never observed');
  }
  const never = rows.filter((r) => r.observed === 'never observed').length;
  if (never > 0) assert.match(await page.locator('.never-note').textContent(), new RegExp(`^${never} possible outcomes? never happened in 300 live runs`));
  assert.match(await page.locator('#live-status').textContent(), /^300 live runs in [\d.]+ s \([\d,]+ runs\/s, no added delay\)\.$/);
  // The batch's workers are stopped when it ends. (The exploration it
  // asked for follows up with its own worker, and then the unreduced
  // comparison with another: counted once they are over.)
  await page.locator('#outcomes .compare').filter({ hasText: / without/ }).waitFor({ timeout: 30000 });
  await eventually(() => page.workers().length === workersBefore, { what: 'the live workers to close' });
  assert.match(await page.locator('#workers').textContent(), /^4 workers live$/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('live runs of the bank and of the poison pill: every observed outcome is possible', async () => {
  for (const fragment of [
    'v=1&scenario=check-then-withdraw&customers=3&balance=100&amount=40&s=',
    'v=1&scenario=poison-pill&people=2&drinks=3&requests=2&s=',
    'v=1&scenario=withdraw-if&customers=2&balance=100&amount=60&s=',
  ]) {
    const page = await open(env, fragment);
    await runLive(page, { runs: 80, jitter: 1, seed: 7 });
    await finished(page);
    await page.waitForFunction(() => [...document.querySelectorAll('table.live td:nth-child(2)')].every((td) => td.textContent !== 'not explored yet'));
    const rows = await results(page);
    assert.equal(rows.reduce((n, r) => n + count(r.observed), 0), 80, fragment);
    for (const r of rows) assert.equal(r.possible, 'possible', `${fragment}: ${r.outcome}`);
    assert.deepEqual(page.errors, []);
    await page.close();
  }
});

test('an observed run loads into the stepper and ends there as it did live', async () => {
  const page = await open(env, 'v=1&scenario=thirsty&people=3&drinks=4&ask=2&s=');
  await runLive(page, { runs: 60, jitter: 3, seed: 42 });
  await finished(page);
  assert.match(await page.locator('#live-status').textContent(), /random delays up to 3 ms, seed 42/);
  const rows = (await results(page)).filter((r) => r.load !== null);
  assert.ok(rows.length >= 1);
  for (const row of rows.slice(0, 3)) {
    await page.locator(`button[data-action="live-load"][data-run="${row.load}"]`).click();
    await settled(page);
    await page.waitForFunction(() => document.querySelector('#flight button') === null);
    const s = await snapshot(page);
    assert.ok(s.history.length > 0);
    // The stepper replays the run through fresh workers and ends where it did live.
    assert.equal(await page.getByRole('status').textContent(), `Finished: ${row.outcome}.`);
    const fragment = new URL(page.url()).hash;
    assert.match(fragment, /&s=[1-9F-]+/);
  }
  // By number, too; a number out of range is refused with a message.
  await page.getByRole('textbox', { name: 'Load live run number' }).fill('61');
  await page.getByRole('button', { name: 'Load into the stepper' }).click();
  assert.match(await page.locator('#live-error').textContent(), /Live run number must be a whole number from 1 to 60/);
  await page.getByRole('textbox', { name: 'Load live run number' }).fill('60');
  await page.getByRole('button', { name: 'Load into the stepper' }).click();
  await settled(page);
  assert.equal(await page.locator('#live-error').textContent(), '');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a batch can be cancelled: its workers stop, and the runs so far stay on show', async () => {
  const page = await open(env);
  const workersBefore = page.workers().length;
  await runLive(page, { runs: 10000, jitter: 2 });
  await page.waitForFunction(() => Number(document.querySelector('#app').dataset.liveRuns) >= 10);
  assert.equal(await page.locator('#live-progress').getAttribute('max'), '10000');
  // Focus follows the button that replaced the one pressed.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cancel-live');
  await page.keyboard.press('Enter');
  assert.equal(await liveState(page), 'cancelled');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'run-live');
  const done = Number(await page.locator('#app').getAttribute('data-live-runs'));
  assert.ok(done >= 10 && done < 10000);
  assert.match(await page.locator('#live-status').textContent(), new RegExp(`^Cancelled after ${done.toLocaleString('en')} of 10,000 live runs \\(random delays up to 2 ms, seed 1\\)\\.$`));
  assert.equal((await results(page)).reduce((n, r) => n + count(r.observed), 0), done);
  await eventually(() => page.workers().length === workersBefore, { what: 'the live workers to close' });
  assert.ok(await page.getByRole('button', { name: 'Run live' }).isVisible());
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the l key runs live with the form\'s settings, never while typing', async () => {
  const page = await open(env);
  await page.getByRole('textbox', { name: 'Runs' }).fill('15');
  // Typing an l in a field does nothing.
  await page.getByRole('textbox', { name: 'Seed' }).press('l');
  assert.equal(await liveState(page), 'none');
  await page.getByRole('textbox', { name: 'Seed' }).fill('1');
  await page.locator('#status').focus();
  await page.keyboard.press('l');
  await finished(page);
  assert.equal(await page.locator('#app').getAttribute('data-live-runs'), '15');
  await page.close();
});

test('bad live-run settings get a message and start nothing', async () => {
  const page = await open(env);
  for (const [runs, seed, message] of [
    ['0', '1', /Runs must be a whole number from 1 to 10000/],
    ['10001', '1', /Runs must be a whole number from 1 to 10000/],
    ['ten', '1', /Runs must be a whole number/],
    ['5', '-3', /Seed must be a whole number from 0 to/],
  ]) {
    await page.getByRole('textbox', { name: 'Runs' }).fill(runs);
    await page.getByRole('textbox', { name: 'Seed' }).fill(seed);
    await page.getByRole('button', { name: 'Run live' }).click();
    assert.match(await page.locator('#live-error').textContent(), message);
    assert.equal(await liveState(page), 'none');
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** A page with a long batch under way, and one of the batch's own workers. */
async function batchUnderWay() {
  const page = await open(env);
  const stepperWorkers = new Set(page.workers());
  await runLive(page, { runs: 10000 });
  await page.waitForFunction(() => Number(document.querySelector('#app').dataset.liveRuns) > 20);
  return { page, victim: page.workers().find((w) => !stepperWorkers.has(w)) };
}

test('a worker that dies mid-batch is reported, and the page stays usable', async () => {
  const { page, victim } = await batchUnderWay();
  victim.evaluate(() => self.close()).catch(() => {});
  await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'failed', null, { timeout: 15000 });
  assert.match(await page.locator('#live-status').textContent(), /^(Fridge|Person [1-3])'s worker stopped answering during live run \d+: nothing happened for 4 s\./);
  // The stepper still works, and a new batch starts with fresh workers.
  await deliverButton(page, 'look', 'Person 1', 'Fridge').click();
  await page.waitForFunction(() => document.querySelector('#app').dataset.deliveries === '1');
  await runLive(page, { runs: 20 });
  await finished(page);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a worker that crashes mid-batch is named, with what went wrong', async () => {
  const { page, victim } = await batchUnderWay();
  // It gets a message it cannot read: it reports, and closes itself.
  victim.evaluate(() => self.onmessage(new MessageEvent('message', { data: '\u0100' }))).catch(() => {});
  await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'failed', null, { timeout: 15000 });
  assert.match(await page.locator('#live-status').textContent(), /^(Fridge|Person [1-3])'s worker failed during live run \d+: it crashed \(the page sent a message this worker cannot read; its files may be from another version of racelab\)\. It has closed itself\. Completed runs: \d+\.$/);
  // The page goes on: the explorer and the stepper still work.
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#outcomes .summary').waitFor();
  await page.close();
});

test('figure: 10,000 live runs, runs per second, no leaked workers, bounded memory', async (t) => {
  const page = await open(env);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  };
  const workersBefore = page.workers().length;
  const footerBefore = await page.locator('#workers').textContent();
  // A first, short batch warms everything up; memory is compared from there.
  await runLive(page, { runs: 100 });
  await finished(page);
  const heapBefore = await heap();
  const wasm = async () => Number(await page.locator('#app').getAttribute('data-wasm-memory'));
  const wasmBefore = await wasm();
  await runLive(page, { runs: 10000 });
  await finished(page, 600000);
  const status = await page.locator('#live-status').textContent();
  const rate = Number(status.match(/\(([\d,]+) runs\/s/)[1].replace(/,/g, ''));
  const heapAfter = await heap();
  await eventually(() => page.workers().length === workersBefore, { what: 'the live workers to close' });
  assert.equal(await page.locator('#workers').textContent(), footerBefore);
  const peak = Number(await page.locator('#app').getAttribute('data-live-peak-in-flight'));
  // Three people and a fridge never have more than 3 messages in flight.
  assert.ok(peak >= 1 && peak <= 3, `peak in flight ${peak}`);
  const growthMB = (heapAfter - heapBefore) / 1e6;
  assert.ok(growthMB < 8, `JS heap grew by ${growthMB.toFixed(1)} MB over 10,000 runs`);
  // The wasm heap keeps every run's schedule (to load any of them), a few
  // dozen bytes each: it may grow by that, not by messages or timers.
  const wasmGrowthMB = ((await wasm()) - wasmBefore) / 1e6;
  assert.ok(wasmGrowthMB < 8, `wasm memory grew by ${wasmGrowthMB.toFixed(1)} MB over 10,000 runs`);
  const figure = { live_runs: 10000, runs_per_s: rate, js_heap_growth_mb: Number(growthMB.toFixed(2)), wasm_memory_growth_mb: Number(wasmGrowthMB.toFixed(2)), wasm_memory_mb: (await wasm()) / 1e6, peak_in_flight: peak, workers_before: workersBefore, workers_after: page.workers().length };
  writeFileSync(`${ARTIFACTS}live-runs.json`, JSON.stringify(figure, null, 2));
  t.diagnostic(`10,000 live runs of 3 people / 2 drinks: ${rate} runs/s; JS heap +${growthMB.toFixed(2)} MB, wasm memory +${wasmGrowthMB.toFixed(2)} MB; peak ${peak} in flight; workers ${workersBefore} before, ${page.workers().length} after`);
  assert.deepEqual(page.errors, []);
  await page.close();
});
