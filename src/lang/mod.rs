//! The protocol language: message-passing protocols as text.
//!
//! A protocol file declares its parameters, its message kinds and how each
//! is shown, one server and its clients (each with state, phases, a start
//! and one handler per message kind and phase), what the outcome of a run
//! is and which outcomes are unsafe, and challenge goals. The reference is
//! `docs/language.md`; the built-in scenarios are files in `protocols/`.
//!
//! The pipeline is [`syntax`] (lexer and parser, bounded against hostile
//! input) → [`check`] (names resolved to slots, types checked) →
//! [`program::Program`] → [`run`] (the interpreter). [`compile`] does the
//! first three and reports every problem as `FILE:LINE:COL: message`.

pub mod binary;
mod builtins;
pub mod check;
pub mod diag;
pub mod highlight;
pub mod program;
pub mod run;
pub mod syntax;

use std::sync::{Arc, OnceLock};

pub use diag::Report;
pub use program::Program;
pub use run::{ActorId, Handled, Instance, Message, Outbox, RunError, Value};

/// Parses and checks `source`; `file` names it in diagnostics.
pub fn compile(file: &str, source: &str) -> Result<Program, Report> {
    let report = |diagnostics| Report {
        file: file.to_string(),
        source: source.to_string(),
        diagnostics,
    };
    let (ast, diags) = syntax::parse(source);
    if !diags.is_empty() {
        return Err(report(diags));
    }
    check::check(&ast, source).map_err(report)
}

#[cfg(not(target_arch = "wasm32"))]
pub use builtins::BUILTINS;
pub use builtins::NAMES as BUILTIN_NAMES;

/// The file extension of protocol files.
pub const EXTENSION: &str = "race";

/// A built-in protocol, compiled. The built-ins are compiled when racelab
/// is built (`build.rs`), so neither the page nor a worker parses them,
/// and a first visit does not load the compiler; the tests check that
/// what was built equals compiling the files now. `None` for an unknown
/// name.
pub fn builtin(name: &str) -> Option<Arc<Program>> {
    static COMPILED: OnceLock<Vec<Arc<Program>>> = OnceLock::new();
    let compiled = COMPILED.get_or_init(|| {
        let bytes = include_bytes!(concat!(env!("OUT_DIR"), "/builtins.bin"));
        let programs: Vec<Program> = binary::decode_all(bytes).unwrap_or_default();
        programs.into_iter().map(Arc::new).collect()
    });
    let i = BUILTIN_NAMES.iter().position(|n| *n == name)?;
    compiled.get(i).cloned()
}
