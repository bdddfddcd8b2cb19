// Trunk's post_build hook (Trunk.toml): in a release build, minifies the
// JavaScript that wasm-bindgen wrote for the page's build and the analysis
// build (trunk minifies HTML and CSS itself, but not this), and writes the
// new sub-resource integrity of every file it changed into index.html, so
// the browser still accepts them. A first visit loads the page's glue, so
// this is part of the load budget (benches/budget.mjs).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';

if (process.env.TRUNK_PROFILE !== 'release') process.exit(0);
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('minify-glue.mjs runs as a trunk hook (TRUNK_STAGING_DIR is not set)');

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
const html = join(dir, 'index.html');
let page = readFileSync(html, 'utf8');
// The glue: each build's JavaScript beside its *_bg.wasm.
const glue = readdirSync(dir).filter((f) => f.endsWith('.js') && readdirSync(dir).includes(f.replace(/\.js$/, '_bg.wasm')));
if (glue.length === 0) throw new Error(`no wasm-bindgen JavaScript found in ${dir}`);
for (const file of glue) {
  const path = join(dir, file);
  const before = readFileSync(path);
  const { code } = transformSync(before.toString('utf8'), { minify: true, format: 'esm', target: 'es2020' });
  writeFileSync(path, code);
  page = page.split(sri(before)).join(sri(Buffer.from(code)));
}
writeFileSync(html, page);
