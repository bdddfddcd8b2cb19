//! racelab: a playground for learning how message-passing programs race.
//!
//! The crate is a pure core that runs anywhere, plus web code compiled only
//! for wasm32:
//!
//! - [`model`]: the actors (fridge, people), the network of FIFO channels,
//!   schedules and scenarios. Pure: no I/O, no clocks, no randomness.
//! - [`lang`]: the protocol language: protocols as text, checked and
//!   interpreted (the built-ins are files in `protocols/`).
//! - [`wire`]: the page ↔ worker messages and [`wire::ActorHost`], what an
//!   actor's worker does with them.
//! - [`explorations`]: the page's explorations as the explorer's worker
//!   reports them, and what to do with the worker next.
//! - [`live`]: live runs' bookkeeping: seeded delays, per-channel FIFO, the
//!   schedule as it happened, checked against the model, and the tally.
//! - [`permalink`]: the URL fragment that holds a scenario and a schedule.
//! - [`html`]: HTML escaped by construction, and number formatting, for
//!   the page.
//! - [`input`]: what a click or a key asks of the page, as an [`input::Action`].
//! - `web` (wasm32 only): the page, which is the network, and the gloo-worker
//!   glue that hosts actors in real Web Workers.
//!
//! See ARCHITECTURE.md for the code map and the invariants.

pub mod explorations;
pub mod explore;
pub mod html;
pub mod input;
pub mod lang;
pub mod live;
pub mod model;
pub mod permalink;
pub mod sorted;
pub mod timeline;
pub mod wire;

#[cfg(target_arch = "wasm32")]
pub mod web;
