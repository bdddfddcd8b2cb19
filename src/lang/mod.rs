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

pub use builtins::BUILTINS;
pub use builtins::{digest, NAMES as BUILTIN_NAMES};

/// The file extension of protocol files.
pub const EXTENSION: &str = "race";

/// A built-in protocol, compiled. The built-ins are compiled when racelab
/// is built (`build.rs`), so neither the page nor a worker parses them,
/// and a first visit does not load the compiler; the tests check that
/// what was built equals compiling the files now. `None` for an unknown
/// name.
///
/// In the browser's build a built-in's `source` is empty: the sources are
/// not in the wasm (the page fetches the one it shows, and checks it with
/// [`builtin_digest`]). Natively it is the file's text.
///
/// The page's build (feature `lazy-builtins`) holds only the default
/// protocol's program; any other is `None` here until the page has
/// fetched it and given it to [`load_builtin`].
pub fn builtin(name: &str) -> Option<Arc<Program>> {
    let i = BUILTIN_NAMES.iter().position(|n| *n == name)?;
    let (stored, _) = compiled().get(i)?;
    stored
        .clone()
        .or_else(|| LOADED.with_borrow(|l| l.get(i).cloned().flatten()))
}

/// The [`digest`] of a built-in's source.
pub fn builtin_digest(name: &str) -> Option<u64> {
    let i = BUILTIN_NAMES.iter().position(|n| *n == name)?;
    compiled().get(i).map(|(_, digest)| *digest)
}

/// Whether this build holds built-in `name`'s program (rather than
/// loading it at run time): every build but the page's holds them all.
pub fn builtin_stored(name: &str) -> bool {
    BUILTIN_NAMES
        .iter()
        .position(|n| *n == name)
        .and_then(|i| compiled().get(i))
        .is_some_and(|(stored, _)| stored.is_some())
}

thread_local! {
    /// Built-ins given to [`load_builtin`], by their place in the list.
    static LOADED: std::cell::RefCell<Vec<Option<Arc<Program>>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Takes built-in `name`'s program in its stored form (a file `build.rs`
/// wrote: the program and its source's digest), for a build that does not
/// hold it. Refuses bytes that are not that built-in as this build knows
/// it: another protocol, another version, or damaged.
pub fn load_builtin(name: &str, bytes: &[u8]) -> Result<Arc<Program>, String> {
    let i = BUILTIN_NAMES
        .iter()
        .position(|n| *n == name)
        .ok_or_else(|| format!("{name} is not a built-in protocol"))?;
    let (program, digest): (Program, u64) =
        binary::decode_all(bytes).ok_or_else(|| format!("the compiled {name} is damaged"))?;
    if program.name != name || Some(digest) != builtin_digest(name) {
        return Err(format!(
            "the compiled {name} on this site is from another version of racelab than this page"
        ));
    }
    // The program's own bytes are the file's, less the digest after them.
    #[cfg(feature = "lazy-builtins")]
    remember_bytes(&program, &bytes[..bytes.len() - binary::varint_len(digest)]);
    let program = Arc::new(with_source(program, i));
    LOADED.with_borrow_mut(|l| {
        if l.len() <= i {
            l.resize(i + 1, None);
        }
        l[i] = Some(program.clone());
    });
    Ok(program)
}

/// A program from its bytes (`binary`'s form), as it crosses the wire.
/// The page's build remembers the bytes, to send the program on by them
/// (see [`program_bytes`]).
pub fn read_program(bytes: &[u8]) -> Option<Program> {
    let program = binary::decode(bytes)?;
    #[cfg(feature = "lazy-builtins")]
    remember_bytes(&program, bytes);
    Some(program)
}

/// A program's bytes, to send it over the wire. The page's build carries
/// no encoder: every program it holds that is not stored in it arrived as
/// bytes ([`read_program`], [`load_builtin`]), and those are sent on.
pub fn program_bytes(program: &Program) -> Vec<u8> {
    #[cfg(not(feature = "lazy-builtins"))]
    return binary::encode(program);
    #[cfg(feature = "lazy-builtins")]
    BYTES.with_borrow(|b| {
        let key = bytes_key(program);
        b.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, bytes)| bytes.to_vec())
            .unwrap_or_default()
    })
}

#[cfg(feature = "lazy-builtins")]
thread_local! {
    /// The bytes of programs read, newest last, by name and source digest
    /// (the compiler is deterministic: the same source compiles to the
    /// same program). At most [`REMEMBERED`]: a page holds a few.
    static BYTES: std::cell::RefCell<Vec<(BytesKey, std::rc::Rc<[u8]>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// A program's name and its source's digest.
#[cfg(feature = "lazy-builtins")]
type BytesKey = (String, u64);

#[cfg(feature = "lazy-builtins")]
const REMEMBERED: usize = 32;

#[cfg(feature = "lazy-builtins")]
fn bytes_key(program: &Program) -> BytesKey {
    (program.name.clone(), digest(&program.source))
}

#[cfg(feature = "lazy-builtins")]
fn remember_bytes(program: &Program, bytes: &[u8]) {
    BYTES.with_borrow_mut(|b| {
        let key = bytes_key(program);
        b.retain(|(k, _)| *k != key);
        if b.len() == REMEMBERED {
            b.remove(0);
        }
        b.push((key, bytes.into()));
    });
}

/// Built-in `i` as stored, with its source: natively the file's text (the
/// tests and the command line quote it); in the browser none, as the page
/// fetches the file it shows and the sources stay out of the wasm.
#[cfg(not(target_arch = "wasm32"))]
fn with_source(mut program: Program, i: usize) -> Program {
    program.source = BUILTINS[i].1.to_string();
    program
}

#[cfg(target_arch = "wasm32")]
fn with_source(mut program: Program, _: usize) -> Program {
    program.source.clear();
    program
}

/// The built-ins this build holds: each one's program (every one, but in
/// the page's build only the default's) and its source's digest.
fn compiled() -> &'static [(Option<Arc<Program>>, u64)] {
    static COMPILED: OnceLock<Vec<(Option<Arc<Program>>, u64)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        #[cfg(not(feature = "lazy-builtins"))]
        let stored: Vec<(Option<Program>, u64)> = {
            let bytes = include_bytes!(concat!(env!("OUT_DIR"), "/builtins.bin"));
            let all: Vec<(Program, u64)> = binary::decode_all(bytes).unwrap_or_default();
            all.into_iter().map(|(p, d)| (Some(p), d)).collect()
        };
        #[cfg(feature = "lazy-builtins")]
        let stored: Vec<(Option<Program>, u64)> = binary::decode_all(include_bytes!(concat!(
            env!("OUT_DIR"),
            "/page-builtins.bin"
        )))
        .unwrap_or_default();
        stored
            .into_iter()
            .enumerate()
            .map(|(i, (program, digest))| (program.map(|p| Arc::new(with_source(p, i))), digest))
            .collect()
    })
}
