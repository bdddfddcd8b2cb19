// A smoke test in Firefox ESR: Debian's firefox-esr (never a downloaded
// browser) driven over WebDriver BiDi by puppeteer-core, against the release
// bundle (dist/) served under a sub-path with the strict Content-Security-
// Policy, through the real workers. It walks what a new learner does: the
// page loads, the reading's emptying schedule clicked by hand, every schedule
// explored, a small live batch. The full end-to-end suite runs in Chromium
// (tests/e2e/); this one only keeps Firefox working. Waits for states, never
// for a fixed time.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { serve, STRICT_CSP } from '../../scripts/static-server.mjs';

const PREFIX = '/courses/6.102/racelab/';

// The profile puppeteer-core writes already turns off updates, telemetry and
// safe browsing. These quiet what is left that would reach for the network
// (only 127.0.0.1 is there): experiments, captive-portal and connectivity
// checks, prefetching.
const QUIET_PREFS = {
  'app.shield.optoutstudies.enabled': false,
  'nimbus.rollouts.enabled': false,
  'app.normandy.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.blocklist.enabled': false,
  'datareporting.usage.uploadEnabled': false,
  'toolkit.telemetry.enabled': false,
  'media.gmp-gmpopenh264.enabled': false,
};

const P = (n) => `Person ${n}`;
const F = 'Fridge';

// The reading's schedule that empties the fridge although everyone is
// polite: all look while 2 are left, Persons 1 and 2 take, Person 3 sees 0.
const EMPTYING = [
  ['look', P(1), F], ['look', P(2), F],
  ['took 0, 2 left', F, P(1)], ['took 0, 2 left', F, P(2)],
  ['take 1', P(1), F], ['take 1', P(2), F],
  ['took 1, 1 left', F, P(1)], ['took 1, 0 left', F, P(2)],
  ['look', P(3), F], ['took 0, 0 left', F, P(3)],
];

// What the explorer gives natively for LOOK-before-TAKE, 3 people, 2 drinks
// (`racelab explore look-before-take --people 3 --drinks 2`; tests/cli.rs).
const POLITENESS_FAILED = 'Politeness failed: everyone was polite, yet the fridge is empty';
const OUTCOMES = [
  { what: `0 drinks left; Person 1 and Person 2 got a drink. ${POLITENESS_FAILED}`, schedules: '8,700' },
  { what: `0 drinks left; Person 1 and Person 3 got a drink. ${POLITENESS_FAILED}`, schedules: '8,700' },
  { what: `0 drinks left; Person 2 and Person 3 got a drink. ${POLITENESS_FAILED}`, schedules: '8,700' },
  { what: '1 drink left; Person 1 got a drink', schedules: '30' },
  { what: '1 drink left; Person 2 got a drink', schedules: '30' },
  { what: '1 drink left; Person 3 got a drink', schedules: '30' },
];

const LIVE_RUNS = 20;

let server;
let browser;
let page;
const problems = [];

before(async () => {
  server = await serve({
    // RACELAB_DIST: another bundle to test, such as one built elsewhere.
    dir: process.env.RACELAB_DIST || new URL('../../dist', import.meta.url).pathname,
    prefix: PREFIX,
    headers: { 'content-security-policy': STRICT_CSP },
  });
  browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: QUIET_PREFS,
  });
  page = await browser.newPage();
  page.setDefaultTimeout(20000);
  page.on('pageerror', (e) => problems.push(`page error: ${e.message ?? e}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  // WebDriver BiDi forwards Firefox's CSP reports as page errors; the page
  // also hears of each violation as an event, which does not depend on that.
  await page.evaluateOnNewDocument(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline code'}`);
    });
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const cspViolations = () => page.evaluate(() => window.__cspViolations);
const app = (key) => page.$eval('#app', (el, k) => el.dataset[k], key);
const text = (selector) => page.$eval(selector, (el) => el.textContent);
// A Deliver button's accessible name is "Deliver" and then its text: its
// number, the message and its route.
const flightNames = () => page.$$eval('#flight button', (bs) => bs.map((b) => b.textContent.replace(/\s+/g, ' ').trim()));

async function deliver(msg, from, to) {
  const before = Number(await app('deliveries'));
  const names = await flightNames();
  const n = names.findIndex((name) => name.replace(/^Deliver \d+ /, '') === `${msg} ${from} → ${to}`);
  assert.ok(n >= 0, `no Deliver button for ${msg} from ${from} to ${to} among ${names.join('; ')}`);
  await page.locator(`#flight li:nth-child(${n + 1}) button`).click();
  await page.waitForFunction(
    (n) => document.querySelector('#app').dataset.deliveries === String(n) &&
      document.querySelector('#app').dataset.busy === 'false',
    {},
    before + 1,
  );
}

test('Firefox ESR loads the page under a sub-path with the strict CSP, workers and all', async (t) => {
  t.diagnostic(`${await browser.version()}, over WebDriver BiDi`);
  assert.match(await browser.version(), /^firefox\//);
  const t0 = Date.now();
  await page.goto(server.url);
  assert.equal(new URL(page.url()).pathname, PREFIX);
  await page.waitForFunction(() => document.querySelector('#app').dataset.busy === 'false');
  await page.waitForFunction(() => document.querySelector('#app').dataset.workersStarted === 'true');
  t.diagnostic(`page ready with its workers in ${Date.now() - t0} ms`);
  assert.deepEqual(await flightNames(), [1, 2, 3].map((n) => `Deliver ${n} look Person ${n} → Fridge`));
  assert.equal(await text('#workers'), '4 workers live');
  assert.match(await text('#status'), /3 messages are in flight/);
  assert.deepEqual(await cspViolations(), [], 'no CSP violation');
  assert.deepEqual(problems, [], 'no page or console error');
});

test('clicking the reading\'s emptying schedule: the fridge ends empty, politeness failed', async () => {
  for (const step of EMPTYING) await deliver(...step);
  const status = await text('#status');
  assert.match(status, /0 drinks left/);
  assert.match(status, /Person 1 and Person 2 got a drink/);
  assert.match(status, /Politeness failed/);
  assert.equal(await page.$$eval('#flight button', (bs) => bs.length), 0);
  const actors = await page.$$eval('#actors li', (lis) => lis.map((li) => li.textContent));
  assert.deepEqual(actors, ['Fridge 0 drinks', 'Person 1 got a drink', 'Person 2 got a drink', 'Person 3 saw 0 left, left without one']);
  assert.match(page.url(), /#v=1&scenario=look-before-take&people=3&drinks=2&s=1F-2F-F1-F2-1F-2F-F1-F2-3F-F3$/);
  assert.deepEqual(await cspViolations(), []);
  assert.deepEqual(problems, []);
});

test('Every schedule: the outcomes and counts the native explorer gives', async () => {
  await page.locator('#explore').click();
  await page.waitForSelector('#outcomes .summary', { timeout: 30000 });
  const rows = await page.$$eval('#outcomes li', (lis) => lis.map((li) => ({
    what: li.querySelector('.what').textContent,
    schedules: li.querySelector('.count').textContent.split(' ')[0],
  })));
  assert.deepEqual(rows, OUTCOMES);
  assert.match(await text('#outcomes .summary'), /^26,190 complete schedules \(66 genuinely different, that is, not just reordering deliveries to different receivers\) end in 6 possible outcomes/);
  // The page also explores without reductions, in a worker of its own (here
  // already done once the last delivery reached a challenge, so in either order).
  await page.waitForFunction(() => /^States explored: .*\b324 without\b/.test(document.querySelector('#outcomes .compare')?.textContent ?? ''));
  assert.match(await text('#outcomes .compare'), /\b68 with symmetry reduction\b/);
  assert.deepEqual(await cspViolations(), []);
  assert.deepEqual(problems, []);
});

test(`a live batch of ${LIVE_RUNS} runs: every outcome observed is possible, every run counted`, async (t) => {
  await page.locator('#live-runs').fill(String(LIVE_RUNS));
  await page.locator('#run-live').click();
  await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'finished', { timeout: 30000 });
  await page.waitForFunction(() => [...document.querySelectorAll('table.live td:nth-child(2)')]
    .every((td) => td.textContent !== 'not explored yet'));
  const rows = await page.$$eval('table.live tbody tr', (trs) => trs.map((tr) => ({
    outcome: tr.querySelector('th').textContent.replace(/^⚠ /, ''),
    possible: tr.cells[1].textContent,
    observed: tr.cells[2].textContent,
  })));
  const count = (observed) => (observed === 'never observed' ? 0 : Number(observed.split(' ')[0].replace(/,/g, '')));
  assert.deepEqual(new Set(rows.map((r) => r.outcome)), new Set(OUTCOMES.map((o) => o.what)), 'one row per possible outcome');
  for (const r of rows) assert.equal(r.possible, 'possible', r.outcome);
  assert.equal(rows.reduce((n, r) => n + count(r.observed), 0), LIVE_RUNS, 'the counts add up to the runs');
  assert.equal(await app('liveRuns'), String(LIVE_RUNS));
  const status = await text('#live-status');
  assert.match(status, new RegExp(`^${LIVE_RUNS} live runs in [\\d.]+ s \\([\\d,]+ runs/s, no added delay\\)\\.$`));
  t.diagnostic(status);
  // The batch's workers are stopped when it ends.
  await page.waitForFunction(() => document.querySelector('#workers').textContent === '4 workers live');
  assert.deepEqual(await cspViolations(), []);
  assert.deepEqual(problems, []);
});
