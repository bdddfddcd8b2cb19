// The explorer in the page (wasm in headless Chromium, in its worker):
// unreduced states per second on LOOK-before-TAKE 6 people / 5 drinks, and
// the time to all outcomes of 8 people / 7 drinks with reductions. Given
// NATIVE_RATE (M states/s, measured natively in the same run), prints the
// page/native ratio.

import { start, open, median } from '../tests/e2e/harness.mjs';

const env = await start();
async function explore(fragment, symmetry) {
  const page = await open(env, fragment);
  if (!symmetry) await page.getByRole('checkbox', { name: /Symmetry reduction/ }).uncheck();
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  const summary = page.locator('#outcomes .summary');
  await summary.waitFor({ timeout: 300000 });
  const wall = Date.now() - t0;
  const states = Number(await summary.getAttribute('data-states'));
  const ms = Number(await summary.getAttribute('data-elapsed-ms'));
  const outcomes = await page.locator('#outcomes li').count();
  await page.close();
  return { states, ms, wall, outcomes };
}

const runs = [];
for (let i = 0; i < 3; i++) runs.push(await explore('v=1&scenario=look-before-take&people=6&drinks=5&s=', false));
const rate = median(runs.map((r) => r.states / r.ms / 1000));
const reduced = [];
for (let i = 0; i < 3; i++) reduced.push(await explore('v=1&scenario=look-before-take&people=8&drinks=7&s=', true));
await env.close();

const native = Number(process.env.NATIVE_RATE || 0);
console.log('| in the page (wasm, Chromium) | figure |');
console.log('|---|---:|');
console.log(`| unreduced 6x5: states | ${runs[0].states} |`);
console.log(`| unreduced 6x5: M states/s (median of 3, in the worker) | ${rate.toFixed(3)} |`);
if (native) console.log(`| page / native unreduced rate (native ${native.toFixed(3)} M states/s, same run) | ${(rate / native).toFixed(2)}x |`);
console.log(`| reduced 8x7: outcomes | ${reduced[0].outcomes} |`);
console.log(`| reduced 8x7: time in the worker, median of 3 (ms) | ${median(reduced.map((r) => r.ms)).toFixed(0)} |`);
console.log(`| reduced 8x7: click to outcomes shown, median of 3 (ms) | ${median(reduced.map((r) => r.wall)).toFixed(0)} |`);
