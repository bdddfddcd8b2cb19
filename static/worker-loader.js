// Starts one of racelab's workers. An actor (?w=actor) runs the page's own
// build: the page passes the hashed names of its JS and wasm (?js=,
// ?wasm=), so a worker runs exactly the code of the page that spawned it,
// and the browser loads one wasm file for page and actors alike. The
// explorer and the compiler (?w=explorer, ?w=compiler) are the analysis
// build, whose files have fixed names; ?v= (the page's wasm name) then
// keeps a cached one from pairing with a newer page.
const params = new URL(import.meta.url).searchParams;
const file = (key) => {
  const name = params.get(key) ?? '';
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) {
    throw new Error(`racelab's worker loader needs ?${key}=<a file next to it>, got ${JSON.stringify(name)}`);
  }
  const url = new URL(`./${name}`, import.meta.url);
  const version = params.get('v');
  if (version) url.searchParams.set('v', version);
  return url;
};
const worker = params.get('w') ?? '';
const racelab = await import(file('js'));
await racelab.default({ module_or_path: file('wasm') });
if (!racelab.startWorker(worker)) throw new Error(`racelab has no worker called ${JSON.stringify(worker)}`);
