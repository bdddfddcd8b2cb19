//! Live runs in the page: the bookkeeping of [`crate::live`] driven by real
//! workers and real timers. A batch has its own workers (one per actor),
//! separate from the stepper's, which it starts with `Init`, restarts with
//! `Restart` before each further run, and stops when the batch ends, is
//! cancelled or fails. Replies are handled without redrawing the page each
//! time; the page is redrawn at most every [`DRAW_EVERY_MS`] and when the
//! batch ends.

use gloo_worker::WorkerBridge;

use super::actor_worker::{self, ActorWorker};
use super::app::{App, Shared};
use super::{after, now};
use crate::live::{Action, Run, Tally};
use crate::model::{ActorId, Scenario};
use crate::wire::{FromActor, ToActor};

/// Redraw at most this often while a batch runs.
const DRAW_EVERY_MS: f64 = 100.0;
/// A batch with messages in flight and no answer for this long has a worker
/// that died.
const STALL_MS: i32 = 4000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LiveState {
    Running,
    Finished,
    Cancelled,
    /// A worker crashed or stopped answering; what happened.
    Failed(String),
}

/// A batch of live runs: settings, progress, and what was observed.
pub struct LiveBatch {
    pub scenario: Scenario,
    pub total: u32,
    pub jitter_ms: u32,
    pub seed: u64,
    pub tally: Tally,
    pub state: LiveState,
    pub elapsed_ms: f64,
    started_ms: f64,
    workers: Vec<WorkerBridge<ActorWorker>>,
    run: Run,
    /// Replies and releases handled, for the stall watchdog.
    progress: u64,
    drawn_ms: f64,
    /// The largest number of messages a run had in flight at once.
    pub peak_in_flight: usize,
}

impl LiveBatch {
    pub fn done(&self) -> u32 {
        self.tally.runs()
    }

    pub fn running(&self) -> bool {
        self.state == LiveState::Running
    }

    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Runs per second so far.
    pub fn rate(&self) -> f64 {
        if self.elapsed_ms > 0.0 {
            f64::from(self.done()) * 1000.0 / self.elapsed_ms
        } else {
            0.0
        }
    }
}

impl App {
    /// Starts `total` live runs of the current scenario, each message
    /// delayed by up to `jitter_ms` (drawn from `seed`).
    pub fn start_live(&mut self, total: u32, jitter_ms: u32, seed: u64) {
        self.cancel_live();
        self.live_generation = self.live_generation.wrapping_add(1);
        let generation = self.live_generation;
        let scenario = self.scenario.clone();
        let system = scenario.system();
        let mut workers = Vec::new();
        for i in 0..system.actors() {
            let me = self.me.clone();
            let bridge = actor_worker::spawn(move |reply| {
                if let Some(app) = me.upgrade() {
                    App::on_live(&app, generation, |app| app.live_reply(i, reply));
                }
            });
            bridge.send(ToActor::Init {
                id: ActorId(i as u8),
                scenario: scenario.clone(),
            });
            workers.push(bridge);
        }
        self.live = Some(LiveBatch {
            scenario,
            total,
            jitter_ms,
            seed,
            tally: Tally::default(),
            state: LiveState::Running,
            elapsed_ms: 0.0,
            started_ms: now(),
            workers,
            run: Run::for_system(&system, jitter_ms, seed, 0),
            progress: 0,
            drawn_ms: 0.0,
            peak_in_flight: 0,
        });
        self.watch_live(generation, 0);
    }

    /// Stops a batch under way; what it observed so far stays on show.
    pub fn cancel_live(&mut self) {
        if let Some(batch) = self.live.as_mut() {
            if batch.running() {
                batch.state = LiveState::Cancelled;
            }
        }
        self.stop_live_workers();
    }

    /// Each worker gets the poison pill through its channel; dropping the
    /// bridge then lets gloo-worker close it.
    fn stop_live_workers(&mut self) {
        self.live_generation = self.live_generation.wrapping_add(1);
        if let Some(batch) = self.live.as_mut() {
            batch.elapsed_ms = now() - batch.started_ms;
            for bridge in batch.workers.drain(..) {
                bridge.send(ToActor::Stop);
            }
        }
    }

    /// Loads run `index` (0-based) of the last batch into the stepper.
    pub fn load_live_run(&mut self, index: u32) {
        let Some(batch) = &self.live else { return };
        match batch.tally.schedule(index) {
            Some(schedule) => {
                let scenario = batch.scenario.clone();
                self.notice = None;
                self.load(scenario, schedule);
            }
            None => {
                self.notice = Some(format!(
                    "There is no live run {} to load: the last batch has runs 1 to {}.",
                    u64::from(index) + 1,
                    batch.done()
                ))
            }
        }
    }

    /// Runs `f` on the app for a live-run event of batch `generation`, and
    /// redraws only now and then.
    fn on_live(shared: &Shared, generation: u32, f: impl FnOnce(&mut App)) {
        let redraw = {
            let mut app = shared.borrow_mut();
            if app.live_generation != generation {
                return;
            }
            f(&mut app);
            match app.live.as_mut() {
                Some(batch) if batch.running() => {
                    let t = now();
                    batch.elapsed_ms = t - batch.started_ms;
                    if t - batch.drawn_ms >= DRAW_EVERY_MS {
                        batch.drawn_ms = t;
                        true
                    } else {
                        false
                    }
                }
                _ => true,
            }
        };
        if redraw {
            let on_change = shared.borrow().on_change.clone();
            on_change(&shared.borrow());
        }
    }

    fn live_reply(&mut self, i: usize, reply: FromActor) {
        let Some(batch) = self.live.as_mut() else {
            return;
        };
        batch.progress += 1;
        let id = ActorId(i as u8);
        let mut actions = Vec::new();
        let result = match reply {
            FromActor::Started { state, sent } => batch.run.started(id, state, &sent, &mut actions),
            FromActor::Handled {
                state, sent, error, ..
            } => batch
                .run
                .handled(id, state, &sent, error.is_some(), &mut actions),
            FromActor::Failed { error } => Err(format!(
                "it crashed ({}). It has closed itself",
                error.trim().replace('\n', " ")
            )),
            other => Err(format!(
                "it answered \"{}\", which a live run never asks for",
                other.kind()
            )),
        };
        if let Err(error) = result {
            let name = batch.scenario.system().name(id);
            let run = batch.done() + 1;
            return self.fail_live(format!(
                "{name}'s worker failed during live run {run}: {error}."
            ));
        }
        self.live_actions(actions);
    }

    fn live_release(&mut self, from: ActorId, to: ActorId, id: u32) {
        let Some(batch) = self.live.as_mut() else {
            return;
        };
        batch.progress += 1;
        let mut actions = Vec::new();
        batch.run.release(from, to, id, &mut actions);
        self.live_actions(actions);
    }

    /// Posts and schedules what the bookkeeping asked for, then ends the run
    /// if it is over.
    fn live_actions(&mut self, actions: Vec<Action>) {
        let generation = self.live_generation;
        let Some(batch) = self.live.as_mut() else {
            return;
        };
        for action in actions {
            match action {
                Action::Post { from, to, msg } => {
                    if let Some(bridge) = batch.workers.get(to.index()) {
                        bridge.send(ToActor::Deliver { from, msg });
                    }
                }
                Action::Wait { from, to, ms, id } => {
                    let me = self.me.clone();
                    after(ms as i32, move || {
                        if let Some(app) = me.upgrade() {
                            App::on_live(&app, generation, |app| app.live_release(from, to, id));
                        }
                    });
                }
            }
        }
        batch.peak_in_flight = batch.peak_in_flight.max(batch.run.in_flight());
        if !batch.run.is_over() {
            return;
        }
        match batch.run.finish(&batch.scenario) {
            Ok((outcome, schedule)) => batch.tally.record(outcome, schedule),
            Err(error) => {
                let run = batch.done() + 1;
                return self.fail_live(format!("Live run {run} went wrong: {error}."));
            }
        }
        if batch.done() >= batch.total {
            batch.state = LiveState::Finished;
            self.stop_live_workers();
            // Observed beside possible: explore if that is not known yet.
            self.ensure_explored();
            return;
        }
        batch.run = Run::for_system(
            &batch.scenario.system(),
            batch.jitter_ms,
            batch.seed,
            batch.done(),
        );
        for bridge in &batch.workers {
            bridge.send(ToActor::Restart);
        }
    }

    fn fail_live(&mut self, message: String) {
        if let Some(batch) = self.live.as_mut() {
            batch.state = LiveState::Failed(message);
        }
        self.stop_live_workers();
    }

    /// Every STALL_MS: a running batch that has not moved since the last
    /// look has a worker that died (or never started).
    fn watch_live(&self, generation: u32, seen: u64) {
        let me = self.me.clone();
        after(STALL_MS, move || {
            let Some(app) = me.upgrade() else { return };
            let progress = {
                let app = app.borrow();
                match &app.live {
                    Some(b) if app.live_generation == generation && b.running() => b.progress,
                    _ => return,
                }
            };
            if progress != seen {
                return app.borrow().watch_live(generation, progress);
            }
            App::on_live(&app, generation, |app| {
                let Some(batch) = app.live.as_ref() else {
                    return;
                };
                let run = batch.done() + 1;
                let system = batch.scenario.system();
                let names: Vec<String> = batch
                    .run
                    .waiting_on()
                    .into_iter()
                    .map(|id| system.name(id))
                    .collect();
                let who = match names.len() {
                    0 => "A worker".to_string(),
                    1 => format!("{}'s worker", names[0]),
                    _ => format!("The workers of {}", names.join(" and ")),
                };
                let what = if progress == 0 {
                    "did not start"
                } else {
                    "stopped answering"
                };
                app.fail_live(format!(
                    "{who} {what} during live run {run}: nothing happened for {} s. \
                     The runs so far are kept; run again to start fresh workers.",
                    STALL_MS / 1000
                ));
            });
        });
    }
}
