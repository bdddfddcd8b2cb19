// The load and size budget of the release bundle in dist/ (build it first;
// scripts/bench budget does):
//   - transfer size: every file gzipped at level 9, and the total (all of
//     dist/ is what a first visit loads: page and workers share one wasm);
//   - time until interactive in headless Chromium on localhost: from
//     navigation start until the first frame showing a usable page has been
//     produced (the page's "racelab-interactive" performance mark, set after
//     that frame: wasm loaded, the app drawn, laid out and painted, Deliver
//     buttons enabled; workers start right after it, and a delivery asked
//     for sooner waits for its worker), median of several loads, with a cold
//     cache (a fresh browser context each) and warm (a reload).
// Targets (issue 6): under 150 KB gzip in all, interactive under 300 ms.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { start, median } from '../tests/e2e/harness.mjs';

const LOADS = Number(process.env.LOADS ?? 9);
const dist = new URL('../dist/', import.meta.url).pathname;
const files = readdirSync(dist).filter((f) => statSync(dist + f).isFile()).sort();
let raw = 0;
let gz = 0;
console.log('| file | bytes | gzip -9 |');
console.log('|---|---:|---:|');
for (const f of files) {
  const body = readFileSync(dist + f);
  const z = gzipSync(body, { level: 9 }).length;
  raw += body.length;
  gz += z;
  console.log(`| ${f.replace(/-[0-9a-f]{8,}(?=[._])/, '-<hash>')} | ${body.length.toLocaleString('en')} | ${z.toLocaleString('en')} |`);
}
console.log(`| **total** | ${raw.toLocaleString('en')} | **${gz.toLocaleString('en')}** (${(gz / 1000).toFixed(1)} KB; budget 150 KB: ${gz < 150000 ? 'within' : 'OVER'}) |`);

const env = await start();
const interactive = async (page) => {
  await page.waitForFunction(() => performance.getEntriesByName('racelab-interactive').length > 0, null, { timeout: 20000 });
  return page.evaluate(() => performance.getEntriesByName('racelab-interactive')[0].startTime);
};
const cold = [];
const warm = [];
for (let i = 0; i < LOADS; i++) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url);
  cold.push(await interactive(page));
  await page.reload();
  warm.push(await interactive(page));
  await context.close();
}
await env.close();
const ms = (x) => `${x.toFixed(0)} ms`;
console.log('');
console.log(`| time to interactive, localhost, headless Chromium (${LOADS} loads) | median | min | max |`);
console.log('|---|---:|---:|---:|');
for (const [name, xs] of [['cold cache (fresh context)', cold], ['warm (reload)', warm]]) {
  console.log(`| ${name} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`);
}
console.log(`\nbudget: interactive under 300 ms (cold median): ${median(cold) < 300 ? 'within' : 'OVER'}`);
