// Worker throughput in headless Chromium, racelab against the platform, in
// the same run, and the plain worker also from a bare page:
//   - round trips/s: page -> actor worker -> page, one at a time;
//   - burst msgs/s: N messages posted at once, each answered, until the last
//     answer is back;
// through racelab's own bridge (gloo-worker, racelab's codec, the loader the
// stepper uses; `benchBridge` in src/web/bench.rs) and through a plain
// JavaScript worker that echoes with postMessage. Then live runs/s of
// LOOK-before-TAKE with 3 people (the page's "Run live").

import { start, open, median } from '../tests/e2e/harness.mjs';

const ROUND_TRIPS = Number(process.env.ROUND_TRIPS ?? 2000);
const BURST = Number(process.env.BURST ?? 10000);
// Pairs of runs, racelab then plain back to back: this machine's speed
// drifts by tens of per cent over seconds, so each ratio is taken within a
// pair and the median over pairs is reported.
const PAIRS = Number(process.env.PAIRS ?? 15);
const LIVE_RUNS = Number(process.env.LIVE_RUNS ?? 2000);

const env = await start();
const page = await open(env);
// The baseline worker: same origin, served by the test browser.
await page.route('**/plain-echo.js', (route) => route.fulfill({
  contentType: 'text/javascript',
  body: 'onmessage = (e) => postMessage(e.data);',
}));

const racelab = () => page.evaluate(async ([n, burst]) => {
  const tag = document.querySelector('script[data-racelab-js]');
  const { benchBridge } = await import(tag.dataset.racelabJs);
  const r = await benchBridge(n, burst);
  if (typeof r === 'string') throw new Error(r);
  return r;
}, [ROUND_TRIPS, BURST]);

const plainIn = (page) => page.evaluate(async ([n, burst]) => {
  const worker = new Worker('plain-echo.js', { type: 'module' });
  const exchange = (count, atOnce) => new Promise((resolve) => {
    let answered = 0;
    worker.onmessage = () => {
      answered += 1;
      if (answered === count) resolve();
      else if (!atOnce) worker.postMessage({ ping: answered });
    };
    if (atOnce) for (let i = 0; i < count; i++) worker.postMessage({ ping: i });
    else worker.postMessage({ ping: 0 });
  });
  await exchange(500, false); // warm-up, as benchBridge does
  let t = performance.now();
  await exchange(n, false);
  const roundTripMs = performance.now() - t;
  t = performance.now();
  await exchange(burst, true);
  const burstMs = performance.now() - t;
  worker.terminate();
  return { roundTrips: n, roundTripMs, burst, burstMs };
}, [ROUND_TRIPS, BURST]);
const plain = () => plainIn(page);

// The same plain worker from a bare page (an empty document, same origin,
// same browser): what the platform does with nothing else on the page's
// thread.
const bare = await env.browser.newPage();
await bare.route('**/bare.html', (route) => route.fulfill({
  contentType: 'text/html',
  body: '<!doctype html><meta charset="utf-8"><title>bare</title>',
}));
await bare.route('**/plain-echo.js', (route) => route.fulfill({
  contentType: 'text/javascript',
  body: 'onmessage = (e) => postMessage(e.data);',
}));
await bare.goto(env.url + 'bare.html');
const plainBare = () => plainIn(bare);

const rates = { racelab: { rt: [], burst: [] }, plain: { rt: [], burst: [] }, bare: { rt: [], burst: [] } };
const ratios = { rt: [], burst: [] };
const bareRatios = { rt: [], burst: [] };
for (let i = 0; i < PAIRS; i++) {
  const pair = {};
  // Alternate which goes first, so neither always gets the warmer turn.
  const order = i % 2
    ? [['plain', plain], ['bare', plainBare], ['racelab', racelab]]
    : [['racelab', racelab], ['bare', plainBare], ['plain', plain]];
  for (const [name, run] of order) {
    const r = await run();
    pair[name] = { rt: r.roundTrips / (r.roundTripMs / 1000), burst: r.burst / (r.burstMs / 1000) };
    rates[name].rt.push(pair[name].rt);
    rates[name].burst.push(pair[name].burst);
  }
  ratios.rt.push(pair.racelab.rt / pair.plain.rt);
  ratios.burst.push(pair.racelab.burst / pair.plain.burst);
  bareRatios.rt.push(pair.racelab.rt / pair.bare.rt);
  bareRatios.burst.push(pair.racelab.burst / pair.bare.burst);
}
await bare.close();

// Live runs of the default scenario (3 polite people, 2 drinks).
await page.getByRole('textbox', { name: 'Runs' }).fill(String(LIVE_RUNS));
await page.locator('#jitter').fill('0');
await page.getByRole('button', { name: 'Run live' }).click();
await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'finished', null, { timeout: 600000 });
const status = await page.locator('#live-status').textContent();
const liveRate = Number(status.match(/\(([\d,]+) runs\/s/)[1].replace(/,/g, ''));
await page.close();
await env.close();

const fmt = (x) => Math.round(x).toLocaleString('en');
const quartiles = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor((s.length - 1) / 4)].toFixed(2)}–${s[Math.ceil((3 * (s.length - 1)) / 4)].toFixed(2)}`;
};
console.log(`| worker throughput, headless Chromium (${PAIRS} back-to-back rounds) | racelab bridge, app page (median) | plain postMessage, app page (median) | plain postMessage, bare page (median) | racelab / plain in the app page (middle half) | racelab / plain in a bare page (middle half) |`);
console.log('|---|---:|---:|---:|---:|---:|');
for (const [key, what] of [['rt', `round trips/s (${ROUND_TRIPS.toLocaleString('en')} sequential)`], ['burst', `burst msgs/s (${BURST.toLocaleString('en')} posted at once, each answered)`]]) {
  console.log(`| ${what} | ${fmt(median(rates.racelab[key]))} | ${fmt(median(rates.plain[key]))} | ${fmt(median(rates.bare[key]))} | ${median(ratios[key]).toFixed(2)}x (${quartiles(ratios[key])}) | ${median(bareRatios[key]).toFixed(2)}x (${quartiles(bareRatios[key])}) |`);
}
console.log(`| live runs/s, LOOK-before-TAKE, 3 people, 2 drinks (${LIVE_RUNS.toLocaleString('en')} runs) | ${fmt(liveRate)} | | | | |`);
