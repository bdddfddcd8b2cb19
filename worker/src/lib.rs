//! The worker side of racelab, from a worker's point of view.
//!
//! Page and workers run one build: `static/worker-loader.js` loads the
//! page's own JS and wasm inside a dedicated Web Worker and calls its
//! exported `startWorker(name)`, which registers one of:
//!
//! - `actor_worker`: hosts one actor (the fridge, a person, the bank, a
//!   customer); the page tells it which with its first message;
//! - `explorer_worker`: runs the explorer in slices, reporting progress.
//!
//! One wasm for everything means one file to fetch and compile, and a
//! bundle inside its size budget. This crate holds the tests that run
//! inside a real dedicated worker in headless Chromium (`tests/in_worker.rs`).

#[cfg(target_arch = "wasm32")]
pub use racelab::web::{actor_worker, explorer_worker};
