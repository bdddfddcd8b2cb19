//! The explorer's Web Worker: runs [`Search`] in slices of about 40 ms,
//! reporting progress after each and yielding to the worker's event loop in
//! between, so a cancel gets through and the page never waits on it.

use gloo_worker::{HandlerId, Registrable, Worker, WorkerScope};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageChannel;

use super::codec::WireCodec;
use crate::explore::{fate_with, Options, Search};
use crate::model::Scenario;
use crate::wire::{FateSummary, FromExplorer, Summary, ToExplorer};

/// The worker's name for static/worker-loader.js.
pub const NAME: &str = "explorer";

/// How long one slice runs before the worker reports and yields.
const SLICE_MS: f64 = 40.0;

/// After an exploration, the witnesses' points of no return are found
/// until this much time has gone, each search within [`WITNESS_MAX_STATES`];
/// the page asks for any other once its witness is loaded.
const WITNESS_FATES_MS: f64 = 1500.0;
const WITNESS_MAX_STATES: u32 = 300_000;

struct Job {
    search: Search,
    to: HandlerId,
    scenario: crate::model::Scenario,
    max_states: u32,
    started: f64,
}

pub struct ExplorerWorker {
    job: Option<Job>,
    /// Posting to `yield_port` wakes the worker with `Slice` after any
    /// messages already queued (setTimeout would be clamped to 4 ms).
    yield_port: Option<web_sys::MessagePort>,
}

pub enum Tick {
    Slice,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl ExplorerWorker {
    fn schedule(&self) {
        if let Some(port) = &self.yield_port {
            let _ = port.post_message(&JsValue::NULL);
        }
    }
}

impl Worker for ExplorerWorker {
    type Message = Tick;
    type Input = ToExplorer;
    type Output = FromExplorer;

    fn create(scope: &WorkerScope<Self>) -> Self {
        let yield_port = MessageChannel::new().ok().map(|channel| {
            let scope = scope.clone();
            let wake = Closure::<dyn FnMut(JsValue)>::new(move |_| scope.send_message(Tick::Slice));
            channel
                .port1()
                .set_onmessage(Some(wake.as_ref().unchecked_ref()));
            wake.forget(); // lives as long as the worker
            channel.port2()
        });
        ExplorerWorker {
            job: None,
            yield_port,
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, Tick::Slice: Tick) {
        let Some(job) = self.job.as_mut() else { return };
        let slice_end = now() + SLICE_MS;
        let mut over = false;
        while !over && now() < slice_end {
            over = job.search.run(2048);
        }
        let elapsed_ms = now() - job.started;
        if over {
            if let Some(job) = self.job.take() {
                let report = job.search.finish();
                let mut summary = Summary::new(job.scenario, job.max_states, &report);
                if summary.complete {
                    witness_fates(&mut summary, job.max_states.min(WITNESS_MAX_STATES));
                }
                scope.respond(
                    job.to,
                    FromExplorer::Done {
                        summary,
                        elapsed_ms: now() - job.started,
                    },
                );
            }
        } else {
            let p = job.search.progress();
            scope.respond(
                job.to,
                FromExplorer::Progress {
                    states: p.states,
                    transitions: p.transitions,
                    elapsed_ms,
                },
            );
            self.schedule();
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: ToExplorer, id: HandlerId) {
        match msg {
            ToExplorer::Explore {
                scenario,
                reduce,
                max_states,
            } => {
                let options = Options {
                    symmetry: reduce,
                    partial_order: reduce,
                    max_states: max_states as usize,
                };
                self.job = Some(Job {
                    search: Search::new(&scenario, &options),
                    to: id,
                    scenario,
                    max_states,
                    started: now(),
                });
                self.schedule();
            }
            ToExplorer::Fate {
                scenario,
                schedule,
                max_states,
            } => {
                let started = now();
                let fate = fate_with(&scenario, &schedule, max_states as usize)
                    .map(|f| FateSummary::new(&scenario, &schedule, &f))
                    .map_err(|e| e.to_string());
                scope.respond(
                    id,
                    FromExplorer::Fate {
                        scenario,
                        schedule,
                        fate,
                        elapsed_ms: now() - started,
                    },
                );
            }
            ToExplorer::Cancel => {
                self.job = None;
                scope.respond(id, FromExplorer::Cancelled);
            }
        }
    }
}

/// Each witness's point of no return, in the outcomes' order, while time
/// allows (see [`WITNESS_FATES_MS`]).
fn witness_fates(summary: &mut Summary, max_states: u32) {
    let scenario: Scenario = summary.scenario.clone();
    let letter = scenario.system().server_letter;
    let until = now() + WITNESS_FATES_MS;
    for o in summary.outcomes.iter_mut() {
        if now() > until {
            break;
        }
        let Ok(schedule) = crate::model::Schedule::parse(&o.witness, letter) else {
            continue;
        };
        if let Ok(fate) = fate_with(&scenario, &schedule, max_states as usize) {
            o.fate = Some(FateSummary::new(&scenario, &schedule, &fate));
        }
    }
}

/// The explorer worker binary's whole job.
pub fn register() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    ExplorerWorker::registrar()
        .encoding::<WireCodec>()
        .register();
}
