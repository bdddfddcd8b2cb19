//! Natively, the command line (the explorer, for handouts and benchmarks);
//! in the browser, the page and the actors' workers (the explorer and the
//! compiler are a build of their own: src/bin/analysis.rs).

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

#[cfg(target_arch = "wasm32")]
fn main() {
    racelab::web::start();
}

/// Starts worker `name` (`actor`) in the worker this wasm was
/// loaded into; called by static/worker-loader.js. The exports live in the
/// binaries, not the library, so each build exports only its own.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = startWorker)]
pub fn start_worker(name: &str) -> bool {
    racelab::web::start_worker(name)
}

/// The bridge benchmark (benches/throughput.mjs).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = benchBridge)]
pub fn bench_bridge(round_trips: u32, burst: u32) -> js_sys::Promise {
    racelab::web::bench::bench_bridge(round_trips, burst)
}

/// The page's and the actors' allocator: talc rather than the default
/// dlmalloc, for a smaller wasm on a first visit.
// SAFETY: a page or a dedicated worker runs its wasm on one thread (no
// shared memory, no wasm threads), which is what TalckWasm assumes.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
