// For the lecture hall and the course page: presenter mode on a 1280x720
// screen, embed mode in a real iframe, the exports (SVG, PNG, Markdown, the
// embed code), and what a shared link shows (title, description, favicon,
// preview image).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { start, open, settled, deliver, deliverButton, ARTIFACTS } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

const MID_RUN = 'v=1&scenario=look-before-take&people=3&drinks=2&s=1F-2F-F1-F2-1F';
const deliveries = async (page) => Number(await page.locator('#app').getAttribute('data-deliveries'));

/** A page in a context of its own that may use the clipboard. */
async function openWithClipboard(fragment) {
  const context = await env.browser.newContext();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.url).origin });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(`${env.url}#${fragment}`);
  await settled(page);
  return page;
}

/** The regions a presenter needs, with their boxes. */
const regions = (page) => page.evaluate(() => {
  const boxes = {};
  for (const [name, selector] of Object.entries({
    status: '#status',
    actors: 'section[aria-labelledby="actors-h"]',
    flight: 'section[aria-labelledby="flight-h"]',
    deliveries: 'section[aria-labelledby="history-h"]',
    code: '.code-panel',
    diagram: '.diagram-panel',
  })) {
    const r = document.querySelector(selector).getBoundingClientRect();
    boxes[name] = { top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height };
  }
  return {
    boxes,
    scroll: { width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight },
    view: { width: innerWidth, height: innerHeight },
    font: getComputedStyle(document.documentElement).fontSize,
  };
});

test('presenter mode fits the stepper, the code, the diagram and the status on 1280x720', async () => {
  for (const fragment of [`${MID_RUN}&mode=present`, 'v=1&scenario=check-then-withdraw&customers=3&s=&mode=present']) {
    const page = await open(env, fragment);
    await page.setViewportSize({ width: 1280, height: 720 });
    const { boxes, scroll, view, font } = await regions(page);
    assert.equal(font, '20px', 'large type');
    assert.ok(scroll.height <= view.height && scroll.width <= view.width, `no scrolling: ${JSON.stringify(scroll)}`);
    for (const [name, b] of Object.entries(boxes)) {
      assert.ok(b.width > 100 && b.height > 30, `${name} is shown: ${JSON.stringify(b)}`);
      assert.ok(b.top >= 0 && b.left >= 0 && b.bottom <= 720 && b.right <= 1280, `${name} fits: ${JSON.stringify(b)}`);
    }
    for (const [a, b] of [['actors', 'code'], ['code', 'diagram'], ['flight', 'deliveries']]) {
      const [p, q] = [boxes[a], boxes[b]];
      const apart = p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top;
      assert.ok(apart, `${a} and ${b} do not overlap`);
    }
    assert.equal(await page.locator('#scenario').isVisible(), false);
    assert.deepEqual(page.errors, []);
    await page.screenshot({ path: `${ARTIFACTS}presenter-1280x720-${fragment.includes('withdraw') ? 'bank' : 'fridge'}.png` });
    await page.close();
  }
});

test('the p key turns presenter mode on and off, and the link keeps it', async () => {
  const page = await open(env, MID_RUN);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.mode ?? null), null);
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.documentElement.dataset.mode === 'present');
  assert.match(page.url(), /&s=1F-2F-F1-F2-1F&mode=present$/);
  assert.equal(await page.getByRole('button', { name: 'Presenter mode' }).getAttribute('aria-pressed'), 'true');
  // Stepping still works in presenter mode.
  await deliver(page, 'took 1, 1 left', 'Fridge', 'Person 1');
  assert.match(page.url(), /&s=1F-2F-F1-F2-1F-F1&mode=present$/);
  await page.keyboard.press('p');
  await page.waitForFunction(() => document.documentElement.dataset.mode === undefined);
  assert.match(page.url(), /&s=1F-2F-F1-F2-1F-F1$/);
  // Typing p in a field is typing.
  await page.locator('#param-people').focus();
  await page.keyboard.press('p');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.mode ?? null), null);
  await page.close();
});

test('embed mode shows only the stepper, the diagram and the status, and works in an iframe', async () => {
  const page = await openWithClipboard(MID_RUN);
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  await page.locator('#export-note').filter({ hasText: 'Copied the embed code' }).waitFor();
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  const src = /^<iframe src="([^"]+)" title="racelab: Polite: LOOK before you TAKE" width="\d+" height="\d+" loading="lazy"><\/iframe>$/.exec(snippet)?.[1];
  assert.ok(src, snippet);
  assert.equal(src, `${env.url}#${MID_RUN}&mode=embed`.replaceAll('&', '&amp;'));
  // A course page on a site of its own (another port, another origin),
  // with the snippet in it.
  const site = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Week 5</title><h1>Week 5: races</h1>${snippet}`);
  });
  await new Promise((ok) => site.listen(0, '127.0.0.1', ok));
  await page.goto(`http://127.0.0.1:${site.address().port}/week-5`);
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  await frame.waitForFunction(() => document.querySelector('#app')?.dataset.busy === 'false');
  assert.equal(await frame.evaluate(() => document.documentElement.dataset.mode), 'embed');
  for (const hidden of ['#scenario', '.code-panel', 'section[aria-labelledby="challenges-h"]', 'section[aria-labelledby="explore-h"]', 'section[aria-labelledby="live-h"]', 'header', 'footer', '.share']) {
    assert.equal(await frame.locator(hidden).isVisible(), false, `${hidden} is not in an embed`);
  }
  for (const shown of ['#status', '#flight', '#history', '#actors', '#diagram svg']) {
    assert.equal(await frame.locator(shown).isVisible(), true, `${shown} is in an embed`);
  }
  assert.equal(await frame.locator('#app').getAttribute('data-deliveries'), '5');
  // The stepper works inside the embed, and the way out keeps the run.
  await deliverButton(frame, 'took 1, 1 left', 'Fridge', 'Person 1').click();
  await frame.waitForFunction(() => document.querySelector('#app').dataset.deliveries === '6' && document.querySelector('#app').dataset.busy === 'false');
  const out = await frame.getByRole('link', { name: 'Open this race in racelab' }).getAttribute('href');
  assert.ok(out.endsWith(`#${MID_RUN}-F1`), out);
  assert.deepEqual(page.errors, []);
  await page.context().close();
  site.close();
});

test('a link opened in embed mode never shows the form, not even while loading', async () => {
  const page = await env.browser.newPage();
  const seen = [];
  await page.exposeFunction('formSeen', (v) => seen.push(v));
  // Every frame the browser draws until the page is ready (frames are drawn
  // only once the stylesheet is in).
  await page.addInitScript(() => {
    const look = () => {
      const form = document.getElementById('scenario');
      if (form && form.checkVisibility()) window.formSeen(true);
      if (!document.querySelector('#app')?.hasAttribute('data-ready')) requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(`${env.url}#${MID_RUN}&mode=embed`);
  await settled(page);
  assert.equal(await page.locator('#scenario').isVisible(), false);
  assert.deepEqual(seen, []);
  await page.close();
});

test('the diagram downloads as an SVG with one arrow per delivery, and as a PNG', async () => {
  const page = await open(env, MID_RUN);
  await deliver(page, 'took 1, 1 left', 'Fridge', 'Person 1');
  const n = await deliveries(page);
  const [svgDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download SVG' }).click(),
  ]);
  assert.equal(svgDownload.suggestedFilename(), `racelab-look-before-take-${n}.svg`);
  const svg = readFileSync(await svgDownload.path(), 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" /);
  // Parsed in a page of its own: a parser in racelab's page would apply
  // racelab's policy to the file's <style>.
  const blank = await env.browser.newPage();
  const parsed = await blank.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.localName,
      delivered: doc.querySelectorAll('g.arrow:not(.inflight):not(.dropped)').length,
      inFlight: doc.querySelectorAll('g.arrow.inflight').length,
      buttons: doc.querySelectorAll('[role="button"], [tabindex], [data-action]').length,
      style: doc.querySelectorAll('style').length,
    };
  }, svg);
  await blank.close();
  assert.deepEqual(parsed, {
    error: null, root: 'svg', delivered: n,
    inFlight: await page.locator('#diagram g.arrow.inflight').count(), buttons: 0, style: 1,
  });
  const [pngDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download PNG' }).click(),
  ]);
  assert.equal(pngDownload.suggestedFilename(), `racelab-look-before-take-${n}.png`);
  const png = readFileSync(await pngDownload.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG file');
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const width = Number(/ width="(\d+)"/.exec(svg)[1]);
  const height = Number(/ height="(\d+)"/.exec(svg)[1]);
  assert.deepEqual([w, h], [2 * width, 2 * height], 'twice the diagram\'s size');
  // Not blank: the PNG is larger than an empty canvas of its size.
  assert.ok(png.length > 4000, `${png.length} bytes`);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the run copies as Markdown: the narration as a numbered list, with its permalink', async () => {
  const page = await openWithClipboard(`${MID_RUN}&mode=present`);
  await page.keyboard.press('p');
  await page.getByRole('button', { name: 'Copy as Markdown' }).click();
  await page.locator('#export-note').filter({ hasText: 'Copied the run as Markdown' }).waitFor();
  const md = await page.evaluate(() => navigator.clipboard.readText());
  const lines = md.split('\n');
  assert.equal(lines[0], '### Polite: LOOK before you TAKE (People 3, Drinks 2)');
  const items = lines.filter((l) => /^\d+\. /.test(l));
  const history = await page.locator('#history li').allTextContents();
  assert.equal(items.length, history.length);
  items.forEach((item, i) => assert.ok(item.startsWith(`${i + 1}. `), item));
  assert.match(items[0], /^1\. Fridge received look from Person 1 and replied: took 0, 2 left/);
  assert.ok(md.includes('messages are still in flight.'), md);
  assert.ok(md.trimEnd().endsWith(`[Open this run in racelab](${env.url}#${MID_RUN})`), md);
  await page.context().close();
});

test('a shared link is titled and described by its run, with a favicon and a preview image', async () => {
  const page = await env.browser.newPage();
  const failed = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${env.url}#v=1&scenario=thirsty&people=2&drinks=2&ask=3&s=`);
  await settled(page);
  await page.waitForTimeout(300);
  assert.deepEqual(failed, [], 'nothing the page asks for is missing (favicon included)');
  assert.equal(await page.title(), 'Thirsty: ask for N (People 2, Drinks 2, Ask 3) · racelab');
  const description = () => page.locator('meta[name="description"]').getAttribute('content');
  assert.match(await description(), /Thirsty: ask for N \(People 2, Drinks 2, Ask 3\)/);
  await deliver(page, 'take 3', 'Person 1', 'Fridge');
  assert.equal(await page.title(), 'Thirsty: ask for N (People 2, Drinks 2, Ask 3), after 1 delivery · racelab');
  const icon = await page.locator('link[rel="icon"]').getAttribute('href');
  const iconResponse = await page.request.get(new URL(icon, page.url()).href);
  assert.equal(iconResponse.status(), 200);
  assert.match(await iconResponse.text(), /^<svg /);
  const og = async (p) => page.locator(`meta[property="og:${p}"]`).getAttribute('content');
  assert.ok((await og('title')).length > 0 && (await og('description')).length > 0);
  const image = await page.request.get(new URL(await og('image'), page.url()).href);
  assert.equal(image.status(), 200);
  const png = await image.body();
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [Number(await og('image:width')), Number(await og('image:height'))]);
  await page.close();
});
