// The further races through the real workers: a deadlock stepped into by hand.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { start, open, deliver } from './harness.mjs';

let env;
before(async () => { env = await start(); });
after(async () => { await env?.close(); });

test('taking two locks in opposite orders, by hand, ends stuck, and the status says who waits', async () => {
  const page = await open(env, 'v=1&scenario=deadlock&s=');
  const L = 'Lock server';
  await deliver(page, 'acquire A', 'Alice', L);
  await deliver(page, 'granted A', L, 'Alice');
  await deliver(page, 'acquire B', 'Bob', L);
  await deliver(page, 'granted B', L, 'Bob');
  await deliver(page, 'acquire B', 'Alice', L);
  await deliver(page, 'acquire A', 'Bob', L);
  assert.equal(await page.getByRole('status').textContent(),
    'Finished: 0 payments made: A 100, B 100. Stuck: nothing is in flight, yet Alice waits in `holding A, waiting for lock B`, Bob in `holding B, waiting for lock A`.');
  assert.match(new URL(page.url()).hash, /&s=1L-L1-2L-L2-1L-2L$/);
  await page.close();
});
