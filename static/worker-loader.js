// Loads one of racelab's workers (?w=actor or ?w=explorer). The page adds
// its build version (?v=...), and it is passed on to the worker's JS and
// wasm, so a browser never mixes files from two deploys.
const params = new URL(import.meta.url).searchParams;
const name = params.get('w') ?? '';
if (!/^[a-z]+$/.test(name)) throw new Error(`no racelab worker called ${JSON.stringify(name)}`);
const version = encodeURIComponent(params.get('v') ?? '');
const { default: init } = await import(`./${name}.js?v=${version}`);
await init({ module_or_path: new URL(`./${name}_bg.wasm?v=${version}`, import.meta.url) });
