//! The explorer's Web Worker: runs [`Search`] in slices of about 40 ms,
//! reporting progress after each and yielding to the worker's event loop in
//! between, so a cancel gets through and the page never waits on it.

use gloo_worker::{HandlerId, Registrable, Worker, WorkerScope};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageChannel;

use super::codec::WireCodec;
use crate::explore::{fate_with, Options, Search, TraceCount};
use crate::model::Scenario;
use crate::wire::{FateSummary, FromExplorer, Summary, ToExplorer, WitnessFates};

/// The worker's name for static/worker-loader.js.
pub const NAME: &str = "explorer";

/// How long one slice runs before the worker reports and yields.
const SLICE_MS: f64 = 40.0;

/// After an exploration's outcomes have gone to the page, the witnesses'
/// points of no return are found and sent until this much time has gone,
/// each search within [`WITNESS_MAX_STATES`]; the page asks for any other
/// once its witness is loaded.
const WITNESS_FATES_MS: f64 = 1500.0;
const WITNESS_MAX_STATES: u32 = 300_000;

struct Job {
    work: Work,
    to: HandlerId,
    started: f64,
}

/// What a job is doing: searching, then (for a complete search) finding
/// the witnesses' points of no return after the outcomes have gone.
enum Work {
    Search {
        search: Box<Search>,
        scenario: Scenario,
        max_states: u32,
    },
    /// After `Done`: count the genuinely different schedules, then find the
    /// witnesses' points of no return until `fates_until`.
    Follow {
        traces: Option<TraceCount>,
        fates: Option<WitnessFates>,
        fates_until: Option<f64>,
    },
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
        match &mut job.work {
            Work::Search { search, .. } => {
                let mut over = false;
                while !over && now() < slice_end {
                    over = search.run(2048);
                }
                let elapsed_ms = now() - job.started;
                if !over {
                    let p = search.progress();
                    scope.respond(
                        job.to,
                        FromExplorer::Progress {
                            states: p.states,
                            transitions: p.transitions,
                            elapsed_ms,
                        },
                    );
                    return self.schedule();
                }
                let Some(Job {
                    work:
                        Work::Search {
                            search,
                            scenario,
                            max_states,
                        },
                    to,
                    started,
                }) = self.job.take()
                else {
                    return;
                };
                let (report, traces) = (*search).finish_outcomes();
                let summary = Summary::new(scenario, max_states, &report);
                let fates = summary
                    .complete
                    .then(|| WitnessFates::new(&summary, max_states.min(WITNESS_MAX_STATES)))
                    .filter(|f| f.left() > 0);
                scope.respond(
                    to,
                    FromExplorer::Done {
                        summary,
                        elapsed_ms,
                        traces_follow: traces.is_some(),
                        fates_follow: fates.is_some(),
                    },
                );
                if traces.is_some() || fates.is_some() {
                    self.job = Some(Job {
                        work: Work::Follow {
                            traces,
                            fates,
                            fates_until: None,
                        },
                        to,
                        started,
                    });
                    self.schedule();
                }
            }
            Work::Follow {
                traces,
                fates,
                fates_until,
            } => {
                // The count is one search, not sliced: a slice of its own,
                // then a yield, so a cancel waits for it at most.
                if let Some(count) = traces.take() {
                    let traces = count.count().map(|c| c.to_string());
                    scope.respond(job.to, FromExplorer::Traces { traces });
                    if fates.is_some() {
                        self.schedule();
                    } else {
                        self.job = None;
                    }
                    return;
                }
                let Some(fates) = fates.as_mut() else {
                    self.job = None;
                    return;
                };
                let until = *fates_until.get_or_insert_with(|| now() + WITNESS_FATES_MS);
                let mut found = Vec::new();
                while now() < slice_end && now() < until {
                    match fates.next() {
                        Some(fate) => found.push(fate),
                        None => break,
                    }
                }
                let more = fates.left() > 0 && now() < until;
                scope.respond(job.to, FromExplorer::Fates { found, more });
                if more {
                    self.schedule();
                } else {
                    self.job = None;
                }
            }
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
                    work: Work::Search {
                        search: Box::new(Search::new(&scenario, &options)),
                        scenario,
                        max_states,
                    },
                    to: id,
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

/// The explorer worker binary's whole job.
pub fn register() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&info.to_string().into());
    }));
    ExplorerWorker::registrar()
        .encoding::<WireCodec>()
        .register();
}
