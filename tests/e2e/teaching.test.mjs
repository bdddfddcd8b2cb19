// Teaching features: the keyboard alone, the space-time diagram, time
// travel with branches, the live region, and screenshots to look at.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, settled, deliver, snapshot, eventually, ARTIFACTS } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const deliveries = async (page) => Number(await page.locator('#app').getAttribute('data-deliveries'));
const press = async (page, key) => { await page.keyboard.press(key); await settled(page); };

test('a whole LOOK-before-TAKE run driven only by the keyboard', async () => {
  const page = await open(env);
  // Digits deliver the n-th message in flight; 2 then 1 interleaves people.
  for (const key of ['2', '1', '1', '1']) await press(page, key);
  assert.equal(await deliveries(page), 4);
  while ((await snapshot(page)).flight.length > 0) await press(page, '1');
  const finished = await deliveries(page);
  assert.match(await page.getByRole('status').textContent(), /^Finished: /);
  await press(page, 'ArrowLeft');
  assert.equal(await deliveries(page), finished - 1);
  await press(page, 'ArrowRight');
  assert.equal(await deliveries(page), finished);
  await press(page, 'Home');
  assert.equal(await deliveries(page), 0);
  await press(page, 'End');
  assert.equal(await deliveries(page), finished);
  assert.match(await page.getByRole('status').textContent(), /^Finished: /);
  // ? opens the help; Escape closes it.
  await page.keyboard.press('?');
  await assert.doesNotReject(page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor());
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  // Typing in a field never triggers a shortcut.
  await page.locator('#param-people').focus();
  await page.keyboard.press('r');
  await page.keyboard.press('1');
  assert.equal(await deliveries(page), finished);
  await page.locator('#status').focus();
  await press(page, 'r');
  assert.equal(await deliveries(page), 0);
  await page.close();
});

test('the diagram has one arrow per delivery, and an arrow jumps back to that point', async () => {
  const page = await open(env);
  const steps = [['look', 'Person 1', 'Fridge'], ['look', 'Person 2', 'Fridge'], ['took 0, 2 left', 'Fridge', 'Person 1'], ['took 0, 2 left', 'Fridge', 'Person 2'], ['take 1', 'Person 1', 'Fridge']];
  const after = [];
  for (const step of steps) {
    await deliver(page, ...step);
    after.push(await snapshot(page));
  }
  assert.equal(await page.locator('#diagram g.arrow[role="button"]').count(), 5);
  // In flight now: Person 2's take, Person 3's look, the reply to Person 1.
  assert.equal(await page.locator('#diagram g.arrow.inflight').count(), (await snapshot(page)).flight.length);
  await page.getByRole('button', { name: /^Delivery 2: look from Person 2 to Fridge/ }).click();
  await settled(page);
  assert.equal(await deliveries(page), 2);
  assert.deepEqual(await snapshot(page), after[1]);
  assert.equal(await page.locator('#diagram g.arrow[role="button"]').count(), 2);
  // Forward again along the same branch.
  await page.getByRole('button', { name: 'Jump to end' }).click();
  await settled(page);
  assert.deepEqual(await snapshot(page), after[4]);
  await page.close();
});

test('choosing another delivery after going back starts a branch that can be returned to', async () => {
  const page = await open(env);
  for (const step of [['look', 'Person 1', 'Fridge'], ['took 0, 2 left', 'Fridge', 'Person 1'], ['take 1', 'Person 1', 'Fridge']]) await deliver(page, ...step);
  const original = await snapshot(page);
  const originalUrl = page.url();
  await page.getByRole('button', { name: 'Step back' }).click();
  await settled(page);
  await page.getByRole('button', { name: 'Step back' }).click();
  await settled(page);
  await deliver(page, 'look', 'Person 3', 'Fridge');
  const branch = page.getByRole('button', { name: 'Return to the branch 1F-F1-1F' });
  await branch.waitFor();
  await branch.click();
  await settled(page);
  assert.deepEqual(await snapshot(page), original);
  assert.equal(page.url(), originalUrl);
  // The branch just left is kept in turn.
  await page.getByRole('button', { name: 'Return to the branch 1F-3F' }).waitFor();
  await page.close();
});

test('each delivery is announced in one sentence', async () => {
  const page = await open(env);
  await deliver(page, 'look', 'Person 2', 'Fridge');
  await page.locator('#announce').filter({ hasText: 'Fridge received look from Person 2 and replied: took 0, 2 left' }).waitFor();
  assert.equal(await page.locator('#announce').getAttribute('aria-live'), 'polite');
  await page.close();
});

test('screenshots at 1280 and 375 px wide, and no sideways scrolling down to 360 px', async () => {
  for (const width of [1280, 375, 360]) {
    const page = await open(env, 'v=1&scenario=look-before-take&people=3&drinks=2&s=1F-2F-F1-F2-1F');
    await page.setViewportSize({ width, height: 900 });
    // Fill the regions that appear later, too: outcomes and live results.
    await page.getByRole('button', { name: 'Explore every schedule' }).click();
    await page.locator('#outcomes .summary').waitFor();
    await page.getByRole('textbox', { name: 'Runs' }).fill('20');
    await page.getByRole('button', { name: 'Run live' }).click();
    await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'finished');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (overflow ${overflow})`);
    if (width !== 360) await page.screenshot({ path: `${ARTIFACTS}stepper-${width}.png`, fullPage: true });
    await page.close();
  }
});

test('predict, then reveal: a wrong prediction is graded and the missed outcome shown', async () => {
  const page = await open(env);
  await page.getByRole('checkbox', { name: '1 drink left, one person got a drink' }).check();
  await page.getByRole('checkbox', { name: '2 drinks left, nobody got a drink' }).check();
  assert.match(page.url(), /&p=1\.2&/);
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.locator('.grade').waitFor();
  assert.equal(await page.locator('.grade').textContent(), 'You missed 1 possible outcome and claimed 1 that cannot happen.');
  const items = await page.locator('.predictions li').allTextContents();
  assert.deepEqual(items.map((t) => t.replace(/ Show how$/, '')), [
    '0 drinks left, 2 people got a drink Missed: this can happen.',
    '1 drink left, one person got a drink Right: this can happen.',
    '2 drinks left, nobody got a drink Wrongly claimed: this cannot happen.',
  ]);
  await page.getByRole('button', { name: 'Show how: 0 drinks left, 2 people got a drink' }).click();
  await settled(page);
  assert.match(await page.getByRole('status').textContent(), /^Finished: 0 drinks left; Person \d and Person \d got a drink\. Politeness failed/);
  await page.close();
});

test('predict, then reveal: a right prediction, kept in the permalink', async () => {
  const page = await open(env, 'v=1&scenario=look-before-take&people=3&drinks=2&p=0.1&s=');
  assert.equal(await page.getByRole('checkbox', { name: '0 drinks left, 2 people got a drink' }).isChecked(), true);
  assert.equal(await page.getByRole('checkbox', { name: '2 drinks left, nobody got a drink' }).isChecked(), false);
  await page.getByRole('button', { name: 'Reveal' }).click();
  await page.locator('.grade').waitFor();
  assert.equal(await page.locator('.grade').textContent(), 'Your prediction was right on every count.');
  await page.close();
});

test('the diagram stays legible at 8 people and 60 deliveries: it scrolls, labels never overlap', async () => {
  // Poison pill, 8 people each pipelining 4 requests: persons 1-7 get all
  // their answers, person 8 two of them: 60 deliveries, 3 still in flight.
  const steps = [];
  for (let p = 1; p <= 8; p++) for (let r = 0; r < 4; r++) steps.push(`${p}F`, `F${p}`);
  const schedule = steps.slice(0, 60).join('-');
  const page = await env.browser.newPage({ viewport: { width: 375, height: 800 } });
  await page.goto(`${env.url}#v=1&scenario=poison-pill&people=8&drinks=20&requests=4&s=${schedule}`);
  await page.waitForFunction(() => document.querySelector('#app').dataset.deliveries === '60' && document.querySelector('#app').dataset.busy === 'false', null, { timeout: 30000 });
  const d = await page.evaluate(() => {
    const svg = document.querySelector('#diagram svg');
    const texts = [...svg.querySelectorAll('text')].map((t) => {
      const b = t.getBBox();
      return { s: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height, px: parseFloat(getComputedStyle(t).fontSize) };
    });
    const overlaps = [];
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i];
        const b = texts[j];
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.s} / ${b.s}`);
      }
    }
    const box = document.querySelector('#diagram');
    return {
      delivered: svg.querySelectorAll('g.arrow[role="button"]').length,
      inflight: svg.querySelectorAll('g.arrow.inflight').length,
      lifelines: svg.querySelectorAll('.lifeline').length,
      texts: texts.length,
      smallest: Math.min(...texts.map((t) => t.px)),
      overlaps,
      scrolls: box.scrollWidth > box.clientWidth && box.scrollHeight > box.clientHeight,
      pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
    };
  });
  assert.equal(d.delivered, 60, 'one arrow per delivery');
  assert.equal(d.inflight, 3, 'two of person 8\'s requests and the owner\'s stop are in flight');
  assert.equal(d.lifelines, 10, 'the fridge, 8 people and the owner');
  assert.deepEqual(d.overlaps, [], 'no two labels overlap');
  assert.ok(d.smallest >= 12, `labels are at least 12 px (${d.smallest})`);
  assert.ok(d.scrolls, 'the diagram scrolls inside its box rather than shrinking');
  assert.ok(d.pageOverflow <= 0, 'the page itself does not scroll sideways at 375 px');
  // Arrows still jump: to just after delivery 30.
  await page.locator('#diagram g.arrow[data-to="30"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#app').dataset.deliveries === '30' && document.querySelector('#app').dataset.busy === 'false');
  await page.screenshot({ path: `${ARTIFACTS}diagram-8-people-60-deliveries-375.png`, fullPage: true });
  await page.close();
});

test('contrast: every piece of visible text meets WCAG AA, in the light and the dark theme', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await env.browser.newPage({ colorScheme });
    await page.goto(`${env.url}#v=1&scenario=look-before-take&people=3&drinks=2&s=1F-2F-F1-F2-1F-2F`);
    await page.waitForFunction(() => document.querySelector('#app').dataset.deliveries === '6' && document.querySelector('#app').dataset.busy === 'false');
    await page.getByRole('button', { name: 'Explore every schedule' }).click();
    await page.locator('#outcomes .summary').waitFor();
    await page.getByRole('textbox', { name: 'Runs' }).fill('20');
    await page.getByRole('button', { name: 'Run live' }).click();
    await page.waitForFunction(() => document.querySelector('#app').dataset.live === 'finished');
    await page.getByRole('textbox', { name: 'Runs' }).fill('0');
    await page.getByRole('button', { name: 'Run live' }).click(); // an error message too
    const failures = await page.evaluate(() => {
      const rgba = (css) => {
        const m = css.match(/rgba?\(([^)]+)\)/);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return { r, g, b, a };
      };
      const lum = ({ r, g, b }) => {
        const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
      };
      const over = (top, bottom) => ({
        r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a), b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
      });
      // The colour behind an element: its ancestors' backgrounds, composed.
      const background = (el) => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
          const c = rgba(getComputedStyle(e).backgroundColor);
          if (c && c.a > 0) { layers.push(c); if (c.a === 1) break; }
        }
        let bg = { r: 255, g: 255, b: 255, a: 1 };
        for (const c of layers.reverse()) bg = over(c, bg);
        return bg;
      };
      const out = [];
      const seen = new Set();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement;
        if (!node.textContent.trim() || seen.has(el)) continue;
        seen.add(el);
        const style = getComputedStyle(el);
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || el.closest('[hidden], dialog:not([open]), .visually-hidden, title')) continue;
        if (el.closest('button[disabled]')) continue; // inactive controls are exempt
        const svg = el instanceof SVGElement;
        const fg = rgba(svg ? style.fill : style.color);
        if (!fg) continue;
        const bg = background(svg ? el.closest('div') : el);
        const text = over(fg, bg);
        const [hi, lo] = [lum(text), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        const px = parseFloat(style.fontSize);
        const bold = Number(style.fontWeight) >= 700;
        const large = px >= 24 || (bold && px >= 18.66);
        const needed = large ? 3 : 4.5;
        if (ratio < needed) out.push(`${ratio.toFixed(2)} < ${needed}: "${node.textContent.trim().slice(0, 40)}" (${el.tagName.toLowerCase()}.${el.getAttribute('class') ?? ''})`);
      }
      // Form fields' edges are what shows where to type: 3:1 (WCAG 1.4.11).
      for (const el of document.querySelectorAll('input:not([type="checkbox"]):not([type="range"]), select')) {
        if (el.closest('[hidden]') || el.getBoundingClientRect().width === 0) continue;
        const edge = rgba(getComputedStyle(el).borderTopColor);
        const bg = background(el.parentElement);
        const [hi, lo] = [lum(over(edge, bg)), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 3) out.push(`${ratio.toFixed(2)} < 3: the edge of #${el.id}`);
      }
      return { out, checked: seen.size };
    });
    assert.ok(failures.checked > 100, `checked ${failures.checked} elements`);
    assert.deepEqual(failures.out, [], `${colorScheme} theme`);
    await page.close();
  }
});
