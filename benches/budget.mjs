// The load and size budget of the release bundle in dist/ (build it first;
// scripts/bench budget does):
//   - transfer size of a first visit: every file the page and its workers
//     fetch until the workers have started and the network is quiet,
//     gzipped at level 9 (what a static host's compression sends), and
//     their total; the files of dist/ a first visit does not fetch (the
//     compiler's worker, loaded for the editor and version-2 links) are
//     listed after it;
//   - time until interactive in headless Chromium on localhost: from
//     navigation start until the first frame showing a usable page has been
//     produced (the page's "racelab-interactive" performance mark, set after
//     that frame: wasm loaded, the app drawn, laid out and painted, Deliver
//     buttons enabled; workers start right after it, and a delivery asked
//     for sooner waits for its worker), median of several loads, with a cold
//     cache (a fresh browser context each) and warm (a reload).
// Targets (issue 10): at most 160 KB gzip for a first visit, interactive in
// at most 300 ms (cold median).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { start, median } from '../tests/e2e/harness.mjs';

const LOADS = Number(process.env.LOADS ?? 9);
const BUDGET_KB = 160;
const dist = new URL('../dist/', import.meta.url).pathname;
// Every file of dist/, by its path in it (examples/x.race).
const files = readdirSync(dist, { recursive: true }).filter((f) => statSync(dist + f).isFile()).sort();
const sizes = new Map(files.map((f) => {
  const body = readFileSync(dist + f);
  return [f, { raw: body.length, gz: gzipSync(body, { level: 9 }).length }];
}));

const env = await start();
const interactive = async (page) => {
  await page.waitForFunction(() => performance.getEntriesByName('racelab-interactive').length > 0, null, { timeout: 20000 });
  return page.evaluate(() => performance.getEntriesByName('racelab-interactive')[0].startTime);
};
// Where a load's time goes: the wasm fetched, the page's code started
// (compiled and instantiated), interactive.
const phases = (page) => page.evaluate(() => ({
  wasm: performance.getEntriesByType('resource').find((e) => e.name.endsWith('_bg.wasm'))?.responseEnd ?? NaN,
  start: performance.getEntriesByName('racelab-start')[0]?.startTime ?? NaN,
  interactive: performance.getEntriesByName('racelab-interactive')[0].startTime,
}));

// What a first visit fetches: requests from the page and its workers.
{
  const context = await env.browser.newContext();
  const fetched = new Set();
  const base = new URL(env.url).pathname;
  context.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith(base)) fetched.add(path.slice(base.length) || 'index.html');
  });
  const page = await context.newPage();
  await page.goto(env.url);
  await page.waitForFunction(() => document.querySelector('#app')?.dataset.workersStarted === 'true', null, { timeout: 20000 });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(500);
  await context.close();
  const name = (f) => f.replace(/-[0-9a-f]{8,}(?=[._])/, '-<hash>');
  let raw = 0;
  let gz = 0;
  console.log('| a first visit fetches | bytes | gzip -9 |');
  console.log('|---|---:|---:|');
  for (const f of files.filter((f) => fetched.has(f))) {
    const s = sizes.get(f);
    raw += s.raw;
    gz += s.gz;
    console.log(`| ${name(f)} | ${s.raw.toLocaleString('en')} | ${s.gz.toLocaleString('en')} |`);
  }
  const unknown = [...fetched].filter((f) => !sizes.has(f));
  if (unknown.length) throw new Error(`a first visit asked for files that are not in dist/: ${unknown.join(', ')}`);
  console.log(`| **total** | ${raw.toLocaleString('en')} | **${gz.toLocaleString('en')}** (${(gz / 1000).toFixed(1)} KB; budget ${BUDGET_KB} KB: ${gz <= BUDGET_KB * 1000 ? 'within' : 'OVER'}) |`);
  console.log('');
  console.log('| in dist/, not fetched by a first visit | bytes | gzip -9 |');
  console.log('|---|---:|---:|');
  for (const f of files.filter((f) => !fetched.has(f))) {
    const s = sizes.get(f);
    console.log(`| ${name(f)} | ${s.raw.toLocaleString('en')} | ${s.gz.toLocaleString('en')} |`);
  }
}

const cold = [];
const warm = [];
const coldPhases = [];
for (let i = 0; i < LOADS; i++) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(env.url);
  cold.push(await interactive(page));
  coldPhases.push(await phases(page));
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
const at = (key) => ms(median(coldPhases.map((p) => p[key])));
console.log(`\ncold, median: wasm fetched at ${at('wasm')}, the page's code started at ${at('start')}, interactive at ${at('interactive')}`);
console.log(`\nbudget: interactive in at most 300 ms (cold median): ${median(cold) <= 300 ? 'within' : 'OVER'}`);
