//! Live runs in the page, a part the app owns: the bookkeeping of
//! [`crate::live`] driven by real workers and real timers. A batch has its
//! own workers (one per actor), separate from the stepper's, which it
//! starts with `Init`, restarts with `Restart` before each further run, and
//! stops when the batch ends, is cancelled or fails. Its workers' replies
//! and its timers come back as [`LiveEvent`]s through the sink the app
//! gave it; each says what should follow ([`Effects`]): the page is
//! redrawn at most every [`DRAW_EVERY_MS`] and when the batch ends.

use std::rc::Rc;

use super::actor_worker::{self, ActorBridge};
use super::platform::{after, now};
use crate::live::{Action, Run, Tally};
use crate::model::{ActorId, Scenario, Schedule};
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
    workers: Vec<ActorBridge>,
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

    /// Runs per second so far.
    pub fn rate(&self) -> f64 {
        if self.elapsed_ms > 0.0 {
            f64::from(self.done()) * 1000.0 / self.elapsed_ms
        } else {
            0.0
        }
    }

    /// The words for the batch's state, as the page's `data-live` says it.
    pub fn state_word(&self) -> &'static str {
        match self.state {
            LiveState::Running => "running",
            LiveState::Finished => "finished",
            LiveState::Cancelled => "cancelled",
            LiveState::Failed(_) => "failed",
        }
    }
}

/// Something that happened to a batch: a worker's reply, a delayed message
/// whose time has come, the stall watchdog's look.
pub enum LiveEvent {
    Reply(usize, FromActor),
    Release { from: ActorId, to: ActorId, id: u32 },
    Watch { seen: u64 },
}

/// Where a batch's events go: the app, with the batch's generation.
pub type Sink = Rc<dyn Fn(u32, LiveEvent)>;

/// What should follow an event.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Effects {
    /// Redraw the page.
    pub redraw: bool,
    /// The batch has finished: explore the scenario, if that is not known
    /// yet, to show what was observed beside what is possible.
    pub explore: bool,
}

/// The live runs: the last batch, and where its events go.
pub struct LiveRuns {
    /// The last batch of the current scenario.
    pub batch: Option<LiveBatch>,
    /// Bumped whenever a batch's workers are stopped; their late replies
    /// and timers are ignored.
    generation: u32,
    sink: Sink,
}

impl LiveRuns {
    pub fn new(sink: Sink) -> LiveRuns {
        LiveRuns {
            batch: None,
            generation: 0,
            sink,
        }
    }

    /// Workers the batch has running.
    pub fn workers(&self) -> usize {
        self.batch.as_ref().map_or(0, |b| b.workers.len())
    }

    pub fn running(&self) -> bool {
        self.batch.as_ref().is_some_and(LiveBatch::running)
    }

    /// Starts `total` live runs of `scenario`, each message delayed by up
    /// to `jitter_ms` (drawn from `seed`).
    pub fn start(&mut self, scenario: Scenario, total: u32, jitter_ms: u32, seed: u64) {
        self.cancel();
        let generation = self.generation;
        let system = scenario.system();
        let mut workers = Vec::new();
        for i in 0..system.actors() {
            let sink = self.sink.clone();
            let bridge =
                actor_worker::spawn(move |reply| sink(generation, LiveEvent::Reply(i, reply)));
            bridge.send(ToActor::Init {
                id: ActorId(i as u8),
                scenario: scenario.clone(),
            });
            workers.push(bridge);
        }
        self.batch = Some(LiveBatch {
            run: Run::for_system(&system, jitter_ms, seed, 0),
            scenario,
            total,
            jitter_ms,
            seed,
            tally: Tally::default(),
            state: LiveState::Running,
            elapsed_ms: 0.0,
            started_ms: now(),
            workers,
            progress: 0,
            drawn_ms: 0.0,
            peak_in_flight: 0,
        });
        self.watch(0);
    }

    /// Stops a batch under way; what it observed so far stays on show.
    pub fn cancel(&mut self) {
        if let Some(batch) = self.batch.as_mut() {
            if batch.running() {
                batch.state = LiveState::Cancelled;
            }
        }
        self.stop_workers();
    }

    /// Forgets the last batch (another scenario is on show).
    pub fn clear(&mut self) {
        self.cancel();
        self.batch = None;
    }

    /// Run `index` (0-based) of the last batch: its scenario and schedule,
    /// to load into the stepper; or why there is none.
    pub fn run(&self, index: u32) -> Result<(Scenario, Schedule), String> {
        let Some(batch) = &self.batch else {
            return Err("There are no live runs to load yet: run some first.".into());
        };
        match batch.tally.schedule(index) {
            Some(schedule) => Ok((batch.scenario.clone(), schedule)),
            None => Err(format!(
                "There is no live run {} to load: the last batch has runs 1 to {}.",
                u64::from(index) + 1,
                batch.done()
            )),
        }
    }

    /// Each worker gets the poison pill through its channel; dropping the
    /// bridge then lets gloo-worker close it.
    fn stop_workers(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if let Some(batch) = self.batch.as_mut() {
            batch.elapsed_ms = now() - batch.started_ms;
            for bridge in batch.workers.drain(..) {
                bridge.send(ToActor::Stop);
            }
        }
    }

    /// Handles an event of batch `generation`; says what should follow.
    pub fn on_event(&mut self, generation: u32, event: LiveEvent) -> Effects {
        if generation != self.generation || self.batch.is_none() {
            return Effects::default();
        }
        let mut effects = match event {
            LiveEvent::Reply(i, reply) => self.reply(i, reply),
            LiveEvent::Release { from, to, id } => {
                let mut actions = Vec::new();
                if let Some(batch) = self.batch.as_mut() {
                    batch.progress += 1;
                    batch.run.release(from, to, id, &mut actions);
                }
                self.carry_out(actions)
            }
            LiveEvent::Watch { seen } => self.look(seen),
        };
        if let Some(batch) = self.batch.as_mut().filter(|b| b.running()) {
            let t = now();
            batch.elapsed_ms = t - batch.started_ms;
            if t - batch.drawn_ms >= DRAW_EVERY_MS {
                batch.drawn_ms = t;
                effects.redraw = true;
            }
        } else {
            effects.redraw = true;
        }
        effects
    }

    fn reply(&mut self, i: usize, reply: FromActor) -> Effects {
        let Some(batch) = self.batch.as_mut() else {
            return Effects::default();
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
            return self.fail(format!(
                "{name}'s worker failed during live run {run}: {error}."
            ));
        }
        self.carry_out(actions)
    }

    /// Posts and schedules what the bookkeeping asked for, then ends the run
    /// if it is over.
    fn carry_out(&mut self, actions: Vec<Action>) -> Effects {
        let generation = self.generation;
        let Some(batch) = self.batch.as_mut() else {
            return Effects::default();
        };
        for action in actions {
            match action {
                Action::Post { from, to, msg } => {
                    if let Some(bridge) = batch.workers.get(to.index()) {
                        bridge.send(ToActor::Deliver { from, msg });
                    }
                }
                Action::Wait { from, to, ms, id } => {
                    let sink = self.sink.clone();
                    after(ms as i32, move || {
                        sink(generation, LiveEvent::Release { from, to, id })
                    });
                }
            }
        }
        batch.peak_in_flight = batch.peak_in_flight.max(batch.run.in_flight());
        if !batch.run.is_over() {
            return Effects::default();
        }
        match batch.run.finish(&batch.scenario) {
            Ok((outcome, schedule)) => batch.tally.record(outcome, schedule),
            Err(error) => {
                let run = batch.done() + 1;
                return self.fail(format!("Live run {run} went wrong: {error}."));
            }
        }
        if batch.done() >= batch.total {
            batch.state = LiveState::Finished;
            self.stop_workers();
            return Effects {
                redraw: true,
                explore: true,
            };
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
        Effects::default()
    }

    fn fail(&mut self, message: String) -> Effects {
        if let Some(batch) = self.batch.as_mut() {
            batch.state = LiveState::Failed(message);
        }
        self.stop_workers();
        Effects {
            redraw: true,
            explore: false,
        }
    }

    /// Looks again in STALL_MS.
    fn watch(&self, seen: u64) {
        let (sink, generation) = (self.sink.clone(), self.generation);
        after(STALL_MS, move || {
            sink(generation, LiveEvent::Watch { seen })
        });
    }

    /// The watchdog's look: a running batch that has not moved since the
    /// last look has a worker that died (or never started).
    fn look(&mut self, seen: u64) -> Effects {
        let Some(batch) = self.batch.as_ref().filter(|b| b.running()) else {
            return Effects::default();
        };
        if batch.progress != seen {
            self.watch(batch.progress);
            return Effects::default();
        }
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
        let what = if seen == 0 {
            "did not start"
        } else {
            "stopped answering"
        };
        self.fail(format!(
            "{who} {what} during live run {run}: nothing happened for {} s. \
             The runs so far are kept; run again to start fresh workers.",
            STALL_MS / 1000
        ))
    }
}
