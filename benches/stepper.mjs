// The stepper's own speed in headless Chromium: the time from a click on a
// Deliver button to the frame that shows the delivery answered (the
// receiver's worker replied, the page redrew, the browser produced a
// frame), measured inside the page with performance.now(). Deliveries are
// the first one offered each time; a finished run is reset (and its fresh
// workers waited for, so no start-up is timed). Each click comes on a page
// at rest (its last frame done, 50 ms later), as a person's would: clicks
// back to back would time the previous frame's work too. Prints the median
// and the spread for the default scenario and for a larger one.

import { start, open, median } from '../tests/e2e/harness.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 60);

const env = await start();

async function time(fragment) {
  const page = await open(env, fragment);
  const times = await page.evaluate(async (rounds) => {
    const app = document.querySelector('#app');
    const until = (ok) => new Promise((resolve) => {
      if (ok()) return resolve();
      const observer = new MutationObserver(() => {
        if (ok()) {
          observer.disconnect();
          resolve();
        }
      });
      observer.observe(app, { attributes: true, subtree: true, childList: true });
    });
    const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
    const deliverable = () => document.querySelector('#flight button.deliver:not([disabled])');
    const out = [];
    while (out.length < rounds) {
      const button = deliverable();
      if (!button) {
        document.querySelector('#reset').click();
        await until(() => app.dataset.busy === 'false' && app.dataset.deliveries === '0'
          && app.dataset.workersStarted === 'true' && deliverable());
        continue;
      }
      // As a person clicks: on a page at rest, its last frame done.
      await nextFrame();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const before = Number(app.dataset.deliveries);
      const t0 = performance.now();
      button.click();
      await until(() => app.dataset.busy === 'false' && Number(app.dataset.deliveries) === before + 1);
      await nextFrame();
      out.push(performance.now() - t0);
    }
    return out;
  }, ROUNDS);
  if (page.errors.length) throw new Error(page.errors.join('\n'));
  await page.close();
  return times;
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
console.log(`| Deliver click to the frame showing it (${ROUNDS} deliveries) | median (ms) | p10 | p90 |`);
console.log('|---|---|---|---|');
for (const [name, fragment] of [
  ['LOOK-before-TAKE, 3 people, 2 drinks', ''],
  ['LOOK-before-TAKE, 8 people, 7 drinks', 'v=1&scenario=look-before-take&people=8&drinks=7&s='],
]) {
  const xs = await time(fragment);
  console.log(`| ${name} | ${median(xs).toFixed(1)} | ${quantile(xs, 0.1).toFixed(1)} | ${quantile(xs, 0.9).toFixed(1)} |`);
}
await env.close();
