// An external accessibility audit: axe-core (from npm, run inside the page)
// finds no serious or critical violation in the page's main states, and
// each control's accessible name contains its visible text.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { start, open, settled, deliver } from './harness.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

/** axe-core's serious and critical violations on the page as it is now.
 * Evaluated through the browser's debugging protocol, which the page's
 * Content-Security-Policy does not govern, so the page runs as shipped. */
async function audit(page, state) {
  await page.evaluate(AXE);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')}: ${n.failureSummary.replace(/\n/g, ' ')}`).join('\n')}`);
  assert.deepEqual(report, [], `axe-core in the ${state} state`);
  return results;
}

/** Every control whose accessible name does not contain its visible text
 * (WCAG 2.5.3, label in name). */
const labelNotInName = (page) => page.evaluate(() => {
  const norm = (t) => t.replace(/\s+/g, ' ').trim().toLowerCase();
  const bad = [];
  for (const el of document.querySelectorAll('button, a[href], [role="button"]:not(g)')) {
    if (!el.checkVisibility()) continue;
    const visible = norm(el.innerText ?? '');
    const label = el.getAttribute('aria-label');
    if (label !== null && visible && !norm(label).includes(visible)) bad.push(`${visible} ≠ ${label}`);
  }
  return bad;
});

test('axe-core finds no serious or critical violation in the main states', async () => {
  const page = await open(env);
  await audit(page, 'default');
  assert.deepEqual(await labelNotInName(page), [], 'default');
  await deliver(page, 'look', 'Person 1', 'Fridge');
  await deliver(page, 'look', 'Person 2', 'Fridge');
  await audit(page, 'mid-run');
  assert.deepEqual(await labelNotInName(page), [], 'mid-run');
  while (await page.locator('#flight button').count() > 0) {
    await page.locator('#flight button').first().click();
    await settled(page);
  }
  assert.match(await page.getByRole('status').textContent(), /^Finished: /);
  await audit(page, 'finished');
  await page.getByRole('button', { name: 'Explore every schedule' }).click();
  await page.locator('#outcomes .summary').waitFor();
  await audit(page, 'explored');
  assert.deepEqual(await labelNotInName(page), [], 'explored');
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.locator('#source').waitFor();
  await audit(page, 'editor open');
  await page.close();
});

test('axe-core finds no serious or critical violation in presenter and embed modes, light and dark', async () => {
  for (const scheme of ['light', 'dark']) {
    for (const mode of ['present', 'embed']) {
      const page = await env.browser.newPage({ colorScheme: scheme });
      await page.goto(`${env.url}#v=1&scenario=check-then-withdraw&customers=2&s=1B-B1&mode=${mode}`);
      await settled(page);
      await audit(page, `${mode} mode, ${scheme}`);
      await page.close();
    }
  }
});
