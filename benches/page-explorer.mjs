// The explorer in the page (wasm in headless Chromium, in its worker):
// unreduced states per second on LOOK-before-TAKE 6 people / 5 drinks, and
// the time to all outcomes of 8 people / 7 drinks with reductions, timed in
// the page from the click to the frame that shows them. Given
// NATIVE_RATE (M states/s, measured natively in the same run), prints the
// page/native ratio.

import { start, open, median } from '../tests/e2e/harness.mjs';

const env = await start();
// `approach`: the pointer reaches the button this long before the click
// (a person's hover; the page starts the explorer's worker then), or null
// for a click with no approach at all (the worker starts at the click: a
// keyboard shortcut, a touch screen).
async function explore(fragment, symmetry, approach = 250) {
  const page = await open(env, fragment);
  if (!symmetry) await page.getByRole('checkbox', { name: /Symmetry reduction/ }).uncheck();
  // Timed in the page: from the click's event to the first frame in which
  // the outcomes are on the page (a MutationObserver sees them go in; the
  // next animation frame is when they are painted).
  await page.evaluate(() => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Explore every schedule');
    window.__explored = new Promise((resolve) => {
      button.addEventListener('click', () => {
        const clicked = performance.now();
        const seen = () => document.querySelector('#outcomes .summary');
        new MutationObserver((_, observer) => {
          if (!seen()) return;
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now() - clicked));
        }).observe(document.body, { childList: true, subtree: true });
      }, { capture: true, once: true });
    });
  });
  const button = page.getByRole('button', { name: 'Explore every schedule' });
  if (approach === null) {
    await button.evaluate((b) => b.click());
  } else {
    await button.hover();
    await page.waitForTimeout(approach);
    await button.click();
  }
  const wall = await page.evaluate(() => window.__explored);
  const summary = page.locator('#outcomes .summary');
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
const cold = [];
for (let i = 0; i < 3; i++) {
  reduced.push(await explore('v=1&scenario=look-before-take&people=8&drinks=7&s=', true));
  cold.push(await explore('v=1&scenario=look-before-take&people=8&drinks=7&s=', true, null));
}
await env.close();

const native = Number(process.env.NATIVE_RATE || 0);
console.log('| in the page (wasm, Chromium) | figure |');
console.log('|---|---:|');
console.log(`| unreduced 6x5: states | ${runs[0].states} |`);
console.log(`| unreduced 6x5: M states/s (median of 3, in the worker) | ${rate.toFixed(3)} |`);
if (native) console.log(`| page / native unreduced rate (native ${native.toFixed(3)} M states/s, same run) | ${(rate / native).toFixed(2)}x |`);
console.log(`| reduced 8x7: outcomes | ${reduced[0].outcomes} |`);
console.log(`| reduced 8x7: time in the worker, median of 3 (ms) | ${median(reduced.map((r) => r.ms)).toFixed(0)} |`);
console.log(`| reduced 8x7: click to outcomes shown, the pointer on the button 250 ms before, median of 3 (ms) | ${median(reduced.map((r) => r.wall)).toFixed(0)} |`);
console.log(`| reduced 8x7: click to outcomes shown, no approach (the worker starts at the click), median of 3 (ms) | ${median(cold.map((r) => r.wall)).toFixed(0)} |`);
