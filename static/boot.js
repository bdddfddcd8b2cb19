// Starts racelab. An external module rather than trunk's inline script, so a
// strict Content-Security-Policy needs no exception. Trunk writes the hashed
// names of the page's JS and wasm into this tag's data attributes.
const tag = document.querySelector('script[data-racelab-js]');
// A link's presenter or embed mode applies before the wasm has loaded, so
// an embedded page never shows the whole page first (src/web/hall.rs keeps
// it up to date after that).
const mode = /(?:^#|&)mode=(present|embed)(?:&|$)/.exec(location.hash);
if (mode) document.documentElement.dataset.mode = mode[1];
try {
  const { default: init } = await import(tag.dataset.racelabJs);
  await init({ module_or_path: tag.dataset.racelabWasm });
} catch (error) {
  const boot = document.getElementById('boot');
  if (boot) boot.textContent = `racelab could not start: ${error}. Reloading the page may help.`;
  throw error;
}
