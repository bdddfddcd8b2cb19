// Shared by the end-to-end tests and the browser benchmarks: serves the
// release bundle (dist/) under a sub-path, drives the system's Chromium
// through playwright-core, and waits for states rather than sleeping.

import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { serve, STRICT_CSP } from '../../scripts/static-server.mjs';

export const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

const CHROME_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Starts the server and the browser. `prefix` is the hosting sub-path;
 * every page is served under racelab's strict Content-Security-Policy. */
export async function start({ prefix = '/courses/6.102/racelab/', headers = { 'content-security-policy': STRICT_CSP } } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await serve({ dir: new URL('../../dist', import.meta.url).pathname, prefix, headers });
  const browser = await chromium.launch({
    executablePath: process.env.CHROME || '/usr/bin/chromium',
    args: CHROME_ARGS,
  });
  return {
    url: server.url,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Opens the page (with an optional fragment) and waits until it is ready. */
export async function open(env, fragment = '') {
  const page = await env.browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) errors.push(m.text());
  });
  page.errors = errors;
  await page.goto(env.url + (fragment ? `#${fragment}` : ''));
  await settled(page);
  // The page is usable before its workers have started; tests that count
  // workers want them all up.
  await page.waitForFunction(() => document.querySelector('#app').dataset.workersStarted === 'true', null, { timeout: 15000 });
  return page;
}

/** Waits until the workers have started and no delivery or replay is pending. */
export async function settled(page) {
  await page.waitForFunction(() => document.querySelector('#app')?.dataset.busy === 'false', null, {
    timeout: 15000,
  });
}

/** A Deliver button's accessible name: "Deliver", then its visible text
 * (its number, the message, and its route). */
export const deliverName = (n, msg, from, to) => `Deliver ${n} ${msg} ${from} → ${to}`;

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The Deliver button for (msg, from, to), whatever its number. */
export const deliverButton = (page, msg, from, to) =>
  page.getByRole('button', { name: new RegExp(`^Deliver \\d+ ${escapeRegExp(msg)} ${escapeRegExp(from)} → ${escapeRegExp(to)}$`) });

/** Clicks the Deliver button for (msg, from, to) and waits for the reply. */
export async function deliver(page, msg, from, to) {
  const before = Number(await page.locator('#app').getAttribute('data-deliveries'));
  await deliverButton(page, msg, from, to).click();
  await page.waitForFunction(
    (n) => Number(document.querySelector('#app').dataset.deliveries) === n &&
      document.querySelector('#app').dataset.busy === 'false',
    before + 1,
  );
}

/** The visible state: actors, messages in flight, deliveries. */
export async function snapshot(page) {
  return page.evaluate(() => ({
    actors: [...document.querySelectorAll('#actors li')].map((li) => li.textContent),
    // Each button's accessible name: a Deliver button's is its text, a
    // Lose or Duplicate button's its label.
    flight: [...document.querySelectorAll('#flight button')].map((b) => b.getAttribute('aria-label') ?? b.textContent.replace(/\s+/g, ' ').trim()),
    history: [...document.querySelectorAll('#history li')].map((li) => li.textContent),
  }));
}

/** Polls until fn() returns true; for states the page cannot signal. */
export async function eventually(fn, { timeout = 10000, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
