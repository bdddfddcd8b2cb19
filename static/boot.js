// Starts racelab. An external module rather than trunk's inline script, so a
// strict Content-Security-Policy needs no exception. Trunk writes the hashed
// names of the page's JS and wasm into this tag's data attributes.
const tag = document.querySelector('script[data-racelab-js]');
try {
  const { default: init } = await import(tag.dataset.racelabJs);
  await init({ module_or_path: tag.dataset.racelabWasm });
} catch (error) {
  const boot = document.getElementById('boot');
  if (boot) boot.textContent = `racelab could not start: ${error}. Reloading the page may help.`;
  throw error;
}
