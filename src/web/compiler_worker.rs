//! The protocol compiler's Web Worker, and the page's side of it.
//!
//! The compiler (lexer, parser, checker) is a large part of racelab's wasm,
//! and a first visit never needs it: the built-ins were compiled when
//! racelab was built. So it is in the analysis build, with the explorer
//! (`src/bin/analysis.rs`, see [`super::platform::analysis_url`]), started the first
//! time the page has a source to compile (a version-2 link, Apply, an
//! example, a file) or the editor opens. All the worker does is
//! [`crate::wire::compile`].

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use gloo_worker::{HandlerId, Registrable, Spawnable, Worker, WorkerBridge, WorkerScope};

use super::codec::WireCodec;
use crate::lang::diag::Diagnostic;
use crate::lang::{Program, Report};
use crate::wire::{FromCompiler, ToCompiler};

/// The worker's name for static/worker-loader.js.
pub const NAME: &str = "compiler";

/// How long the page waits for an answer before it gives up on the worker
/// (its files did not load, say). Compiling is bounded: the largest source
/// a protocol may have compiles, or is refused, well within a second.
const WATCHDOG_MS: i32 = 10_000;

pub struct CompilerWorker;

thread_local! {
    /// Where to report a panic: the scope and the page's handler id.
    static REPORT_TO: RefCell<Option<(WorkerScope<CompilerWorker>, HandlerId)>> = const { RefCell::new(None) };
}

impl Worker for CompilerWorker {
    type Message = ();
    type Input = ToCompiler;
    type Output = FromCompiler;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        CompilerWorker
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: ToCompiler, id: HandlerId) {
        REPORT_TO.with(|r| *r.borrow_mut() = Some((scope.clone(), id)));
        scope.respond(id, crate::wire::compile(msg));
    }
}

/// The compiler worker's whole job. A panic (a bug: the front end is
/// meant never to panic) is reported to the page, which says so.
pub fn register() {
    std::panic::set_hook(Box::new(|info| {
        let error = info.to_string();
        web_sys::console::error_1(&error.clone().into());
        REPORT_TO.with(|r| {
            if let Ok(slot) = r.try_borrow() {
                if let Some((scope, id)) = slot.as_ref() {
                    scope.respond(*id, FromCompiler::Failed(error));
                }
            }
        });
    }));
    CompilerWorker::registrar()
        .encoding::<WireCodec>()
        .register();
}

// ---------------------------------------------------------------- the page's side

type Done = Box<dyn FnOnce(Result<Program, Report>)>;

thread_local! {
    static BRIDGE: RefCell<Option<WorkerBridge<CompilerWorker>>> = const { RefCell::new(None) };
    /// Requests sent and not yet answered, oldest first (the worker answers
    /// in order), each with its number and what to do with the answer.
    static PENDING: RefCell<VecDeque<(u64, Request, Done)>> = const { RefCell::new(VecDeque::new()) };
    static NEXT: Cell<u64> = const { Cell::new(0) };
}

/// What a pending answer is placed against.
struct Request {
    file: String,
    source: String,
}

impl Request {
    fn report(self, diagnostics: Vec<Diagnostic>) -> Report {
        Report {
            file: self.file,
            source: self.source,
            diagnostics,
        }
    }
}

fn answered(reply: FromCompiler) {
    let Some((_, request, done)) = PENDING.with(|p| p.borrow_mut().pop_front()) else {
        return;
    };
    match reply {
        FromCompiler::Compiled(bytes) => match crate::lang::read_program(&bytes) {
            Some(program) => done(Ok(program)),
            None => fail_all(
                Some((request, done)),
                "racelab's compiler answered with a program this page cannot read: reloading the page may help",
            ),
        },
        FromCompiler::Rejected(diagnostics) => done(Err(request.report(diagnostics))),
        FromCompiler::Failed(error) => {
            // After a panic the worker's state cannot be trusted: the next
            // source goes to a fresh one.
            BRIDGE.with(|b| b.borrow_mut().take());
            fail_all(Some((request, done)), &format!("racelab's compiler failed ({error})"));
        }
    }
}

/// Answers `first` and every pending request with one whole-source
/// diagnostic saying `why`.
fn fail_all(first: Option<(Request, Done)>, why: &str) {
    let rest: Vec<(Request, Done)> = PENDING.with(|p| {
        p.borrow_mut()
            .drain(..)
            .map(|(_, request, done)| (request, done))
            .collect()
    });
    for (request, done) in first.into_iter().chain(rest) {
        let diagnostic = Diagnostic::new(Default::default(), why);
        done(Err(request.report(vec![diagnostic])));
    }
}

/// Starts the compiler's worker if it is not running, so that the first
/// Apply does not wait for it to load.
pub fn warm() {
    BRIDGE.with(|b| {
        b.borrow_mut().get_or_insert_with(|| {
            CompilerWorker::spawner()
                .encoding::<WireCodec>()
                .with_loader(true)
                .callback(answered)
                .spawn(&super::platform::analysis_url(NAME))
        });
    });
}

/// Compiles `source` (named `file` in diagnostics) in the compiler's worker
/// and calls `done` with the program or what is wrong with it. `done` is
/// always called, later, and never from inside this call: if the worker
/// does not answer it says so, as a diagnostic.
pub fn compile(file: &str, source: &str, done: impl FnOnce(Result<Program, Report>) + 'static) {
    warm();
    let n = NEXT.get();
    NEXT.set(n + 1);
    let request = Request {
        file: file.to_string(),
        source: source.to_string(),
    };
    PENDING.with(|p| p.borrow_mut().push_back((n, request, Box::new(done))));
    BRIDGE.with(|b| {
        if let Some(bridge) = b.borrow().as_ref() {
            bridge.send(ToCompiler {
                file: file.to_string(),
                source: source.to_string(),
            });
        }
    });
    super::platform::after(WATCHDOG_MS, move || {
        let waiting = PENDING.with(|p| p.borrow().iter().any(|(m, _, _)| *m == n));
        if waiting {
            BRIDGE.with(|b| b.borrow_mut().take());
            fail_all(
                None,
                "racelab's compiler did not answer: its files may not have loaded. Reloading the page may help",
            );
        }
    });
}
