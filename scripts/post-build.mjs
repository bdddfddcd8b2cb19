// Trunk's post_build hook (Trunk.toml), in every build:
//   - copies the built-ins' compiled programs, which build.rs writes to
//     target/compiled-protocols/, into the bundle as compiled/NAME.bin: the
//     page's build holds only the default protocol's and fetches the others
//     from there when first shown (src/web/protocols.rs);
//   - in a release build, minifies the JavaScript that wasm-bindgen wrote for
//     the page's build and the analysis build (trunk minifies HTML and CSS
//     itself, but not this), and writes the new sub-resource integrity of
//     every file it changed into index.html, so the browser still accepts
//     them. A first visit loads the page's glue, so this is part of the load
//     budget (benches/budget.mjs).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error('post-build.mjs runs as a trunk hook (TRUNK_STAGING_DIR is not set)');

const compiled = new URL('../target/compiled-protocols/', import.meta.url).pathname;
const programs = readdirSync(compiled).filter((f) => f.endsWith('.bin'));
if (programs.length === 0) throw new Error(`build.rs wrote no compiled protocols to ${compiled}`);
mkdirSync(join(dir, 'compiled'), { recursive: true });
for (const f of programs) copyFileSync(join(compiled, f), join(dir, 'compiled', f));

if (process.env.TRUNK_PROFILE === 'release') {
  const { transformSync } = await import('esbuild');
  const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
  const html = join(dir, 'index.html');
  let page = readFileSync(html, 'utf8');
  // The glue: each build's JavaScript beside its *_bg.wasm.
  const files = readdirSync(dir);
  const glue = files.filter((f) => f.endsWith('.js') && files.includes(f.replace(/\.js$/, '_bg.wasm')));
  if (glue.length === 0) throw new Error(`no wasm-bindgen JavaScript found in ${dir}`);
  for (const file of glue) {
    const path = join(dir, file);
    const before = readFileSync(path);
    const { code } = transformSync(before.toString('utf8'), { minify: true, format: 'esm', target: 'es2020' });
    writeFileSync(path, code);
    page = page.split(sri(before)).join(sri(Buffer.from(code)));
  }
  writeFileSync(html, page);
}
