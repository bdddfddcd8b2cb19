//! The analysis build: the explorer's and the compiler's workers, a wasm of
//! their own so that a first visit loads neither (see
//! `racelab::web::analysis_url`). Only meaningful in the browser; natively,
//! `racelab explore` and `racelab check` do the same work.

#[cfg(target_arch = "wasm32")]
fn main() {}

/// Starts worker `name` (`explorer` or `compiler`); called by
/// static/worker-loader.js.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(js_name = startWorker)]
pub fn start_worker(name: &str) -> bool {
    racelab::web::start_analysis_worker(name)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "this is racelab's explorer and compiler for the browser; natively, \
         `racelab explore` and `racelab check` do their work"
    );
    std::process::exit(2);
}
