//! The explorer's Web Worker: runs an [`ExplorerJob`] in slices of about
//! 40 ms, sending what each says and yielding to the worker's event loop in
//! between, so a cancel gets through and the page never waits on it.

use gloo_worker::{HandlerId, Registrable, Worker, WorkerScope};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::MessageChannel;

use super::codec::WireCodec;
use crate::wire::{ExplorerJob, FateSummary, FromExplorer, ToExplorer};

/// The worker's name for static/worker-loader.js.
pub const NAME: &str = "explorer";

/// How long one slice runs before the worker reports and yields.
const SLICE_MS: f64 = 40.0;

/// An exploration under way: what it does is [`ExplorerJob`]'s.
struct Job {
    job: ExplorerJob,
    to: HandlerId,
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
        match job.job.slice(&mut now, SLICE_MS) {
            Some(msg) => {
                scope.respond(job.to, msg);
                self.schedule();
            }
            None => self.job = None,
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: ToExplorer, id: HandlerId) {
        match msg {
            ToExplorer::Explore {
                scenario,
                reduce,
                max_states,
            } => {
                self.job = Some(Job {
                    job: ExplorerJob::new(scenario, reduce, max_states),
                    to: id,
                });
                self.schedule();
            }
            ToExplorer::Fate {
                scenario,
                schedule,
                max_states,
            } => {
                let started = now();
                let fate =
                    FateSummary::find(&scenario, &schedule, max_states).map_err(|e| e.to_string());
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
