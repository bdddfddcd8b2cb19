//! The stepper: the page as the network.
//!
//! The page holds the world (the model's own [`World`]: every actor's state
//! and the messages in flight) in a [`Timeline`], which also keeps the
//! deliveries undone by going back and the branches left. A delivery takes
//! the head of one channel and posts it to the receiver's worker; the
//! worker's reply carries the actor's new state and the messages it sent,
//! which the timeline puts in flight. One delivery is outstanding at a time,
//! so the page's view of the world is always a state of the model. Time
//! travel is the timeline's: this file carries out what it says (restore
//! these workers, redo these deliveries). Nothing here knows what a message
//! means: that is the actors' code, running in the workers.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_worker::{Spawnable, WorkerBridge};

use super::actor_worker::ActorBridge;
use super::challenges::{Answered, Challenges};
use super::codec::WireCodec;
use super::explorer_worker::{self, ExplorerWorker};
use super::live::{LiveEvent, LiveRuns};
use super::platform::after_next_frame;
use crate::explorations::{Explorations, Order, PAGE_MAX_STATES};
use crate::model::{ActorId, ActorState, Msg, Network, Scenario, Schedule, Step, System, World};
use crate::permalink::Link;
use crate::timeline::{Entry, Refused, Timeline, Travel};
use crate::wire::{FateSummary, FromActor, FromExplorer, Summary, ToActor, ToExplorer};

/// The point of no return of one whole run (the deliveries on show and the
/// undone ones after them): asked of the explorer's worker (or taken from
/// an exploration, when the run is one of its witnesses).
pub struct RunFate {
    pub scenario: Scenario,
    pub run: Schedule,
    /// `None` while the worker works it out.
    pub result: Option<Result<FateSummary, String>>,
    /// How long the worker took (not when taken from an exploration).
    pub elapsed_ms: Option<f64>,
}

/// A run's point of no return is looked for within this many states a
/// search (then the page says it is too large).
pub const FATE_MAX_STATES: u32 = 3_000_000;
/// How long the page waits for a point of no return before it says the
/// explorer's worker did not answer: well past the longest search
/// [`FATE_MAX_STATES`] allows.
const FATE_WATCHDOG_MS: i32 = 60_000;

/// How long a worker may take to answer before the page says it failed.
/// Generous: a cold start compiles the worker's wasm.
const WATCHDOG_MS: i32 = 8000;

pub type Shared = Rc<RefCell<App>>;

/// What a request to a worker was, so its reply can be understood.
#[derive(Clone, Copy, Debug)]
enum Request {
    Init,
    Deliver(Step, Msg),
    Restore,
}

/// One actor's worker.
struct Slot {
    bridge: Option<ActorBridge>,
    /// The worker has started and confirmed the initial state the page
    /// took from the model.
    confirmed: bool,
    /// The worker has been spawned (it may since have been stopped).
    spawned: bool,
    /// Requests sent and not yet answered, oldest first, with their serials.
    awaiting: VecDeque<(u64, Request)>,
}

/// What the page does after each update: draw itself (`true`), or only
/// mark its state (`false`: the redraw waits for the next frame).
pub type OnChange = Rc<dyn Fn(&App, bool)>;

pub struct App {
    pub(super) me: Weak<RefCell<App>>,
    /// Called after every change, to redraw.
    pub(super) on_change: OnChange,
    pub scenario: Scenario,
    pub system: System,
    /// Bumped whenever the workers are replaced; replies from older
    /// generations are ignored.
    generation: u32,
    slots: Vec<Slot>,
    /// The world, the deliveries on show, the future and the branches.
    pub timeline: Timeline,
    /// Steps of a permalink (or a jump) still to replay through the workers.
    script: VecDeque<Step>,
    pub replay_total: usize,
    /// Something the person should know (a refused link, a refused input).
    pub notice: Option<String>,
    /// A worker that failed; the page offers a restart.
    pub failure: Option<String>,
    serial: u64,
    /// The explorer's worker, alive only while it explores (and sends
    /// what follows an exploration).
    explorer: Option<WorkerBridge<ExplorerWorker>>,
    /// An explorer worker started while the pointer or the focus is on an
    /// Explore button, so the click finds its code loaded; let go when they
    /// leave it unclicked. Its messages are heard once the cell holds the
    /// generation it was given.
    spare_explorer: Option<(WorkerBridge<ExplorerWorker>, Rc<Cell<u32>>)>,
    /// What it explored, and what it is exploring.
    pub explorations: Explorations,
    /// A link's terminate, still to come during its replay.
    pending_terminate: Option<usize>,
    /// The candidate outcomes the learner predicted possible.
    pub predicted: Option<crate::sorted::SortedSet<usize>>,
    /// The learner asked to see the answer.
    pub revealed: bool,
    /// Live runs: the last batch of the current scenario.
    pub live: LiveRuns,
    /// The challenges: the learner's best, and what the run on show reached.
    pub challenges: Challenges,
    /// The last protocol applied from the editor, a file or a link that is
    /// not built in: the protocol select's "Custom" choice.
    pub custom: Option<std::sync::Arc<crate::lang::Program>>,
    /// The built-in last run: what "Revert to the built-in" goes back to.
    pub base: String,
    /// A link's protocol is being decompressed: nothing to deliver yet.
    pub opening_link: bool,
    /// The point of no return of the run on show, once it is a finished run.
    pub fate: Option<RunFate>,
    /// An explorer worker of its own that finds it (closed once it answers).
    fate_worker: Option<WorkerBridge<ExplorerWorker>>,
    fate_generation: u32,
    /// Autoplay: stepping forward through the run's undone deliveries.
    pub playing: bool,
    /// Where this play pauses by itself (the point of no return, if asked).
    play_stop: Option<usize>,
    play_generation: u32,
    /// A redraw is asked of the next frame (see [`App::update`]).
    redraw_at_frame: bool,
    /// Presenter or embed mode, as the link says (see `hall.rs`).
    pub mode: Option<crate::permalink::Mode>,
}

impl App {
    pub fn new(on_change: OnChange) -> Shared {
        let scenario = Scenario::default();
        let scenario_name = scenario.name().to_string();
        let system = scenario.system();
        Rc::new_cyclic(|me| {
            RefCell::new(App {
                me: me.clone(),
                on_change,
                scenario,
                timeline: Timeline::new(system.init()),
                system,
                generation: 0,
                slots: Vec::new(),
                script: VecDeque::new(),
                replay_total: 0,
                failure: None,
                serial: 0,
                explorer: None,
                spare_explorer: None,
                explorations: Explorations::default(),
                pending_terminate: None,
                predicted: None,
                revealed: false,
                live: LiveRuns::new({
                    let me = me.clone();
                    Rc::new(move |generation, event| {
                        if let Some(app) = me.upgrade() {
                            App::on_live(&app, generation, event);
                        }
                    })
                }),
                challenges: Challenges::load(),
                notice: None,
                custom: None,
                base: scenario_name,
                opening_link: false,
                fate: None,
                fate_worker: None,
                fate_generation: 0,
                playing: false,
                play_stop: None,
                play_generation: 0,
                redraw_at_frame: false,
                mode: None,
            })
        })
    }

    /// Runs `f` on the app, then redraws. The one way in from events.
    ///
    /// While a worker's answer is awaited (a delivery, a restore), the
    /// redraw waits for the next frame: the answer nearly always comes
    /// first (a round trip is well under a millisecond), and then one
    /// redraw shows it answered, where two (the request, the answer) cost
    /// the page a layout more and the answer the wait for it. An answer
    /// slower than a frame is drawn as awaited at that frame.
    pub fn update(shared: &Shared, f: impl FnOnce(&mut App)) {
        f(&mut shared.borrow_mut());
        App::updated(shared);
    }

    /// The rest of [`App::update`], once for all its callers (it is
    /// generic, and instantiated for each).
    fn updated(shared: &Shared) {
        let (on_change, wait) = {
            let mut app = shared.borrow_mut();
            app.follow_fate();
            (app.on_change.clone(), app.awaiting_answer())
        };
        if !wait {
            return on_change(&shared.borrow(), true);
        }
        on_change(&shared.borrow(), false);
        if std::mem::replace(&mut shared.borrow_mut().redraw_at_frame, true) {
            return; // already asked for
        }
        let me = Rc::downgrade(shared);
        super::platform::at_next_frame(move || {
            let Some(shared) = me.upgrade() else { return };
            let waiting = {
                let mut app = shared.borrow_mut();
                app.redraw_at_frame = false;
                app.awaiting_answer()
            };
            // Otherwise the answer came, and was drawn.
            if waiting {
                on_change(&shared.borrow(), true);
            }
        });
    }

    /// Starts `total` live runs of the current scenario, each message
    /// delayed by up to `jitter_ms` (drawn from `seed`).
    pub fn start_live(&mut self, total: u32, jitter_ms: u32, seed: u64) {
        self.live
            .start(self.scenario.clone(), total, jitter_ms, seed);
    }

    /// Stops a batch under way; what it observed so far stays on show.
    pub fn cancel_live(&mut self) {
        self.live.cancel();
    }

    /// Loads run `index` (0-based) of the last batch into the stepper.
    pub fn load_live_run(&mut self, index: u32) {
        match self.live.run(index) {
            Ok((scenario, schedule)) => {
                self.notice = None;
                self.load(scenario, schedule);
            }
            Err(why) => self.notice = Some(why),
        }
    }

    /// A live batch's event: the part says what follows.
    fn on_live(shared: &Shared, generation: u32, event: LiveEvent) {
        let redraw = {
            let mut app = shared.borrow_mut();
            let effects = app.live.on_event(generation, event);
            if effects.explore {
                // Observed beside possible: explore if that is not known yet.
                app.ensure_explored();
            }
            effects.redraw
        };
        if redraw {
            App::update(shared, |_| {});
        }
    }

    /// The exploration of the current scenario the person asked for (not a
    /// comparison), if there is one.
    pub fn exploration(&self) -> Option<&Summary> {
        self.explorations.of(&self.scenario)
    }

    /// Workers that are running (spawned and not yet stopped).
    pub fn live_workers(&self) -> usize {
        self.slots.iter().filter(|s| s.bridge.is_some()).count()
            + usize::from(self.explorer.is_some())
            + usize::from(self.spare_explorer.is_some())
            + usize::from(self.fate_worker.is_some())
            + self.live.workers()
    }

    /// Every actor's state on show, once the workers are set up.
    pub fn states(&self) -> &[ActorState] {
        let states = &self.timeline.world().states;
        &states[..self.slots.len().min(states.len())]
    }

    /// The workers are set up. Their initial states are the model's, so
    /// the page is usable before they have started (see [`App::busy`]).
    pub fn started(&self) -> bool {
        !self.slots.is_empty()
    }

    /// The messages in flight.
    pub fn net(&self) -> &Network {
        &self.timeline.world().net
    }

    /// The deliveries on show, oldest first.
    pub fn past(&self) -> &[Entry] {
        self.timeline.past()
    }

    /// The server was terminated after this many deliveries.
    pub fn terminated_after(&self) -> Option<usize> {
        self.timeline.terminated().map(|t| t.after)
    }

    /// Every actor's worker has started and confirmed its initial state.
    pub fn workers_confirmed(&self) -> bool {
        !self.slots.is_empty() && self.slots.iter().all(|s| s.confirmed)
    }

    /// Waiting for a worker's answer, or replaying a link: no new delivery
    /// yet. A worker still starting does not count: the page knows its
    /// initial state from the model, and a delivery waits in the worker's
    /// queue until it is up, so the page is usable before its workers are.
    pub fn busy(&self) -> bool {
        !self.started() || self.opening_link || !self.script.is_empty() || self.awaiting_answer()
    }

    fn awaiting_answer(&self) -> bool {
        self.slots
            .iter()
            .any(|s| s.awaiting.iter().any(|(_, r)| !matches!(r, Request::Init)))
    }

    /// The run has finished: everything started, nothing in flight or pending.
    pub fn finished(&self) -> bool {
        !self.busy() && self.failure.is_none() && self.net().is_empty()
    }

    pub fn link(&self) -> Link {
        Link {
            scenario: self.scenario.clone(),
            schedule: self.timeline.schedule(),
            terminated_after: self.terminated_after(),
            predicted: self.predicted.clone(),
            mode: self.mode,
        }
    }

    /// Marks or unmarks candidate `i` as predicted possible.
    pub fn toggle_prediction(&mut self, i: usize) {
        if i >= self.scenario.candidates().len() {
            return;
        }
        let picks = self.predicted.get_or_insert_with(Default::default);
        if !picks.remove(&i) {
            picks.insert(i);
        }
    }

    /// Shows how the prediction fares, exploring first if need be.
    pub fn reveal(&mut self) {
        self.revealed = true;
        self.predicted.get_or_insert_with(Default::default);
        self.ensure_explored();
    }

    /// Explores the current scenario (with reductions) unless a complete
    /// exploration of it is at hand or one is under way.
    pub fn ensure_explored(&mut self) {
        if !self.explorations.complete() && self.explorations.exploring.is_none() {
            self.explore(true);
        }
    }

    /// Opens a (checked) permalink: fresh workers replay its schedule, and
    /// terminate the server where it says.
    pub fn load_link(&mut self, link: Link) {
        self.mode = link.mode;
        self.load(link.scenario, link.schedule);
        if link.predicted.is_some() {
            self.predicted = link.predicted;
        }
        self.pending_terminate = link.terminated_after;
        self.continue_script();
    }

    /// Replaces the workers with fresh ones for `scenario` and replays
    /// `schedule` through them. The old workers get the poison pill first.
    /// Branches left in the same scenario stay.
    pub fn load(&mut self, scenario: Scenario, schedule: Schedule) {
        let same = scenario == self.scenario;
        if !same {
            let order = self.explorations.clear();
            self.carry_out(order);
            self.predicted = None;
            self.revealed = false;
            self.live.clear();
        }
        self.stop_workers();
        self.system = scenario.system();
        self.scenario = scenario;
        // The initial world is the model's; each worker confirms its part
        // when it has started.
        if same {
            self.timeline.restart(self.system.init());
        } else {
            self.timeline = Timeline::new(self.system.init());
        }
        self.failure = None;
        self.pending_terminate = None;
        self.challenges.new_run();
        self.replay_total = schedule.len();
        self.script = schedule.0.into();
        self.spawn_workers();
    }

    pub fn reset(&mut self) {
        self.notice = None;
        self.load(self.scenario.clone(), Schedule::default());
    }

    /// New workers, back to where the history had got to, then on through
    /// whatever was still to replay.
    pub fn restart(&mut self) {
        let mut link = self.link();
        link.schedule.0.extend(self.script.drain(..));
        link.terminated_after = self.terminated_after().or(self.pending_terminate);
        self.load_link(link);
    }

    /// Kills the server's worker at once, as `worker.terminate()` would:
    /// everything in flight to it is dropped and listed. Compare the poison
    /// pill, which waits its turn in the channel.
    pub fn terminate_server(&mut self) {
        if self.busy() || self.failure.is_some() || self.terminated_after().is_some() {
            return;
        }
        self.kill_server();
    }

    fn kill_server(&mut self) {
        if self
            .timeline
            .terminate(&self.system, ActorId::SERVER)
            .is_ok()
        {
            if let Some(server) = self.slots.first_mut() {
                server.bridge = None; // its worker is terminated
            }
        }
    }

    /// Explores every schedule of the current scenario in the explorer's
    /// own worker; progress and the result arrive as messages.
    pub fn explore(&mut self, symmetry: bool) {
        let order = self
            .explorations
            .explore(self.scenario.clone(), symmetry, PAGE_MAX_STATES);
        self.carry_out(Some(order));
        // The fixed version, which the result offers to explore beside it,
        // in the page by the time the result is shown.
        if let Some(fixed) = self.scenario.protocol.fixed.clone() {
            if crate::lang::builtin(&fixed).is_none() {
                let me = self.me.clone();
                super::protocols::with_builtin(&fixed, move |_| {
                    if let Some(shared) = me.upgrade() {
                        App::update(&shared, |_| {});
                    }
                });
            }
        }
    }

    /// Explores the fixed version of the current scenario, for the side by
    /// side view.
    pub fn explore_fix(&mut self) {
        if let Some(fixed) = self.scenario.fixed() {
            let order = self.explorations.explore(fixed, true, PAGE_MAX_STATES);
            self.carry_out(Some(order));
        }
    }

    /// Does what the explorations ask of the explorer's worker.
    fn carry_out(&mut self, order: Option<Order>) {
        match order {
            None => {}
            Some(Order::Start {
                generation,
                request,
            }) => {
                if let Some(old) = self.explorer.take() {
                    old.send(ToExplorer::Cancel);
                }
                let (bridge, of) = self
                    .spare_explorer
                    .take()
                    .unwrap_or_else(|| self.spawn_explorer());
                of.set(generation);
                bridge.send(request);
                self.explorer = Some(bridge);
            }
            Some(Order::Cancel) => {
                // The cancel goes through the worker's channel, then its
                // bridge is dropped so the worker closes.
                if let Some(bridge) = self.explorer.take() {
                    bridge.send(ToExplorer::Cancel);
                }
            }
            Some(Order::Close) => self.explorer = None, // the worker closes
        }
    }

    /// The pointer or the focus reached an Explore button (`true`), or
    /// left it unclicked: its worker starts now, or goes.
    pub fn prepare_explorer(&mut self, wanted: bool) {
        if !wanted {
            self.spare_explorer = None; // the worker closes
        } else if self.spare_explorer.is_none() {
            self.spare_explorer = Some(self.spawn_explorer());
        }
    }

    /// An explorer worker; what it sends goes to [`App::on_explorer`] with
    /// the generation in the cell, set when it is given its request (until
    /// then it sends nothing). One way to spawn one, for explorations and
    /// points of no return alike: each spawning site would add its own copy
    /// of gloo-worker's glue to the page's wasm.
    fn spawn_explorer(&self) -> (WorkerBridge<ExplorerWorker>, Rc<Cell<u32>>) {
        let me = self.me.clone();
        let of = Rc::new(Cell::new(u32::MAX));
        let generation = of.clone();
        let bridge = ExplorerWorker::spawner()
            .encoding::<WireCodec>()
            .with_loader(true)
            .callback(move |msg| {
                if let Some(app) = me.upgrade() {
                    App::update(&app, |app| app.on_explorer(generation.get(), msg));
                }
            })
            .spawn(&super::platform::analysis_url(explorer_worker::NAME));
        (bridge, of)
    }

    /// Stops an exploration under way.
    pub fn cancel_explore(&mut self) {
        let order = self.explorations.cancel();
        self.carry_out(order);
    }

    fn on_explorer(&mut self, generation: u32, msg: FromExplorer) {
        if let FromExplorer::Fate { .. } = msg {
            return self.on_fate(generation, msg);
        }
        let (order, explored) = self.explorations.received(generation, msg, &self.scenario);
        if explored {
            let explored = self.explorations.of(&self.scenario);
            self.challenges
                .explored(&self.scenario, &self.system, explored);
        }
        self.carry_out(order);
    }

    /// The whole run: the deliveries on show, then the undone ones.
    pub fn whole_run(&self) -> Schedule {
        let mut run = self.timeline.schedule();
        run.0.extend(self.timeline.future().0);
        run
    }

    /// The point of no return of the run on show, if it is known.
    pub fn known_fate(&self) -> Option<&FateSummary> {
        let fate = self.fate.as_ref()?;
        match &fate.result {
            Some(Ok(summary)) if fate.scenario == self.scenario && fate.run == self.whole_run() => {
                Some(summary)
            }
            _ => None,
        }
    }

    /// Keeps [`App::fate`] about the run on show: when that run (with its
    /// future) is a finished one, with no worker terminated, its point of
    /// no return is asked of an explorer worker of its own (also for an
    /// exploration's witness, whose point the exploration lists: looking it
    /// up here would cost the page's wasm more than the worker's search
    /// costs in time); otherwise there is none.
    fn follow_fate(&mut self) {
        if self.busy() || self.failure.is_some() {
            return;
        }
        let run = self.whole_run();
        if self
            .fate
            .as_ref()
            .is_some_and(|f| f.run == run && f.scenario == self.scenario)
        {
            return;
        }
        self.fate = None;
        self.fate_worker = None;
        self.fate_generation = self.fate_generation.wrapping_add(1);
        // Asked for at the run's end; kept while going back and forth.
        let finished = self.terminated_after().is_none()
            && self.timeline.next().is_none()
            && self.world().is_final();
        if !finished || run.is_empty() {
            return;
        }
        let (bridge, of) = self.spawn_explorer();
        of.set(self.fate_generation);
        bridge.send(ToExplorer::Fate {
            scenario: self.scenario.clone(),
            schedule: run.clone(),
            max_states: FATE_MAX_STATES,
        });
        self.fate_worker = Some(bridge);
        self.fate = Some(RunFate {
            scenario: self.scenario.clone(),
            run,
            result: None,
            elapsed_ms: None,
        });
        // A worker that never answers (its files did not load, it died)
        // must not leave the page saying it is still looking.
        let (me, generation) = (self.me.clone(), self.fate_generation);
        super::platform::after(FATE_WATCHDOG_MS, move || {
            let Some(shared) = me.upgrade() else { return };
            App::update(&shared, |app| {
                if app.fate_generation != generation {
                    return;
                }
                if let Some(f) = app.fate.as_mut().filter(|f| f.result.is_none()) {
                    app.fate_worker = None;
                    f.result = Some(Err(
                        "the explorer's worker did not answer within a minute".to_string()
                    ));
                }
            });
        });
    }

    fn on_fate(&mut self, generation: u32, msg: FromExplorer) {
        if generation != self.fate_generation {
            return;
        }
        if let FromExplorer::Fate {
            scenario,
            schedule,
            fate,
            elapsed_ms,
        } = msg
        {
            self.fate_worker = None; // the worker closes
            if let Some(f) = self.fate.as_mut() {
                if f.scenario == scenario && f.run == schedule {
                    f.result = Some(fate);
                    f.elapsed_ms = Some(elapsed_ms);
                }
            }
        }
    }

    /// Follows the alternative at the point of no return: the run it
    /// offers becomes a branch, which the stepper goes to at once (the run
    /// left is kept as a branch in its place).
    pub fn take_alternative(&mut self) {
        let Some(run) = self
            .known_fate()
            .and_then(|f| f.alternative.as_ref())
            .map(|a| a.run.clone())
        else {
            return;
        };
        if self.busy() || self.failure.is_some() {
            return;
        }
        self.pause();
        if let Some(i) = self.timeline.offer_branch(run) {
            self.notice = None;
            self.return_to_branch(i);
        }
    }

    /// Autoplay: steps forward through the run's undone deliveries at the
    /// page's Speed, through the real workers; at the end of a run, it
    /// first goes back to the start. Pauses at the end, or at the point of
    /// no return if the page's "Stop at the point of no return" is checked.
    pub fn play(&mut self) {
        if self.playing || self.failure.is_some() {
            return;
        }
        if self.timeline.next().is_none() {
            if self.timeline.is_empty() || self.busy() {
                return;
            }
            self.jump(0);
        }
        let point = self
            .known_fate()
            .map(|f| f.unsafe_from.unwrap_or(f.point_of_no_return) as usize);
        let (_, stop_at_point) = super::form::autoplay_settings();
        self.play_stop = point.filter(|&p| stop_at_point && p > self.timeline.len());
        self.playing = true;
        self.play_generation = self.play_generation.wrapping_add(1);
        self.schedule_tick(0);
    }

    pub fn pause(&mut self) {
        self.playing = false;
        self.play_stop = None;
        self.play_generation = self.play_generation.wrapping_add(1);
    }

    pub fn toggle_play(&mut self) {
        if self.playing {
            self.pause();
        } else {
            self.play();
        }
    }

    /// Autoplay can start: there is a run to play (ahead, or from the start).
    pub fn can_play(&self) -> bool {
        self.failure.is_none() && (self.timeline.next().is_some() || !self.timeline.is_empty())
    }

    fn schedule_tick(&self, ms: i32) {
        let me = self.me.clone();
        let generation = self.play_generation;
        super::platform::after(ms, move || {
            if let Some(app) = me.upgrade() {
                App::update(&app, |app| app.tick(generation));
            }
        });
    }

    /// One autoplay step, once the last one (or the rewind) is answered.
    fn tick(&mut self, generation: u32) {
        if !self.playing || generation != self.play_generation {
            return;
        }
        if self.failure.is_some() || self.timeline.next().is_none() {
            return self.pause();
        }
        if self.busy() {
            return self.schedule_tick(30);
        }
        if self.play_stop.is_some_and(|p| self.timeline.len() >= p) {
            return self.pause();
        }
        self.step_forward();
        // The last delivery, or the one at the point: paused as it goes out.
        if self.timeline.next().is_none()
            || self.play_stop.is_some_and(|p| self.timeline.len() >= p)
        {
            return self.pause();
        }
        self.schedule_tick(super::form::autoplay_settings().0);
    }

    /// Loads a witness schedule of `scenario` (the current one or its fixed
    /// version) into the stepper, replayed by fresh workers.
    pub fn show_witness(&mut self, scenario: Scenario, witness: &str) {
        match Schedule::parse(witness, scenario.system().server_letter) {
            Ok(schedule) => {
                self.notice = None;
                self.load(scenario, schedule);
            }
            Err(e) => self.notice = Some(format!("That witness could not be read: {e}.")),
        }
    }

    /// Stops every worker through its channel: the poison pill, then the
    /// bridge is dropped, after which gloo-worker asks the worker to close.
    fn stop_workers(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        for slot in self.slots.drain(..) {
            if let Some(bridge) = slot.bridge {
                bridge.send(ToActor::Stop);
            }
        }
    }

    fn spawn_workers(&mut self) {
        let generation = self.generation;
        for _ in 0..self.system.actors() {
            self.slots.push(Slot {
                bridge: None,
                confirmed: false,
                spawned: false,
                awaiting: VecDeque::new(),
            });
        }
        // Workers start once the page has shown its first frame: compiling
        // the wasm in four workers at once would otherwise take the two
        // cores of a small machine from the page's first layout and paint.
        // A delivery asked for before then spawns its worker at once.
        let me = self.me.clone();
        let spawn_all = move || {
            if let Some(app) = me.upgrade() {
                if app.borrow().generation == generation {
                    App::update(&app, |app| {
                        for i in 0..app.slots.len() {
                            app.ensure_spawned(i);
                        }
                    });
                }
            }
        };
        // One task later than the first frame's: the page's own
        // after-first-frame work (marking it interactive) goes first.
        after_next_frame(move || super::platform::after(0, spawn_all));
    }

    /// Spawns actor `i`'s worker, if it has not been, and asks it to start.
    fn ensure_spawned(&mut self, i: usize) {
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        if slot.spawned {
            return;
        }
        slot.spawned = true;
        let generation = self.generation;
        let me = self.me.clone();
        slot.bridge = Some(super::actor_worker::spawn(move |reply| {
            if let Some(app) = me.upgrade() {
                App::update(&app, |app| app.on_reply(generation, i, reply));
            }
        }));
        let scenario = self.scenario.clone();
        self.request(
            i,
            ToActor::Init {
                id: ActorId(i as u8),
                scenario,
            },
            Request::Init,
        );
    }

    fn request(&mut self, i: usize, msg: ToActor, what: Request) {
        self.ensure_spawned(i);
        self.serial += 1;
        let serial = self.serial;
        let Some(bridge) = self.slots.get(i).and_then(|s| s.bridge.as_ref()) else {
            return;
        };
        bridge.send(msg);
        self.slots[i].awaiting.push_back((serial, what));
        self.arm_watchdog(i, serial);
    }

    /// If request `serial` to actor `i` is still unanswered after
    /// WATCHDOG_MS, the worker is reported as failed.
    fn arm_watchdog(&self, i: usize, serial: u64) {
        let me = self.me.clone();
        let generation = self.generation;
        // A timer that cannot be set only loses the watchdog.
        super::platform::after(WATCHDOG_MS, move || {
            let Some(app) = me.upgrade() else { return };
            let stuck = {
                let app = app.borrow();
                app.generation == generation
                    && app
                        .slots
                        .get(i)
                        .and_then(|s| s.awaiting.front())
                        .map(|a| a.0)
                        == Some(serial)
            };
            if stuck {
                App::update(&app, |app| {
                    let name = app.system.name(ActorId(i as u8));
                    let what = if !app.slots[i].confirmed {
                        "start"
                    } else {
                        "answer"
                    };
                    app.fail(format!(
                        "{name}'s worker did not {what} within {} s.",
                        WATCHDOG_MS / 1000
                    ));
                });
            }
        });
    }

    /// Stops the run with a message; the rest of a link's replay waits for
    /// a restart.
    fn fail(&mut self, message: String) {
        self.failure.get_or_insert(message);
    }

    fn on_reply(&mut self, generation: u32, i: usize, reply: FromActor) {
        if generation != self.generation || i >= self.slots.len() {
            return; // a worker already replaced
        }
        let Some((_, what)) = self.slots[i].awaiting.pop_front() else {
            let name = self.system.name(ActorId(i as u8));
            return self.fail(format!("{name}'s worker sent a reply nobody asked for."));
        };
        let from = ActorId(i as u8);
        match (what, reply) {
            (Request::Init, FromActor::Started { state, sent }) => {
                let expected = self.system.start(from).ok();
                if expected != Some((state, sent)) {
                    let name = self.system.name(from);
                    return self.fail(format!(
                        "{name}'s worker started differently from the model; \
                         the page and the worker may be from different versions."
                    ));
                }
                self.slots[i].confirmed = true;
            }
            (
                Request::Deliver(step, msg),
                FromActor::Handled {
                    handled,
                    state,
                    sent,
                    error,
                },
            ) => {
                let Some(entry) = self.timeline.answer(handled, state, sent, error) else {
                    let name = self.system.name(from);
                    return self.fail(format!(
                        "{name}'s worker answered a delivery the page was not waiting for."
                    ));
                };
                let (before, by_hand) = (entry.before().states[i].clone(), entry.by_hand);
                let answered = Answered {
                    step,
                    msg,
                    handled,
                    before: &before,
                    after: self.timeline.world(),
                    at: self.timeline.len(),
                    by_hand,
                };
                let explored = self.explorations.of(&self.scenario);
                if self
                    .challenges
                    .check(&self.scenario, &self.system, explored, answered)
                {
                    self.ensure_explored();
                }
            }
            (Request::Restore, FromActor::Restored) => {}
            (_, FromActor::Failed { error }) => {
                let name = self.system.name(from);
                self.slots[i].bridge = None; // it closes itself after a failure
                return self.fail(format!("{name}'s worker failed: {error}"));
            }
            (what, reply) => {
                let name = self.system.name(from);
                return self.fail(format!(
                    "{name}'s worker answered \"{}\" to a request to {}; the page and the worker disagree.",
                    reply.kind(),
                    match what {
                        Request::Init => "start",
                        Request::Deliver(..) => "deliver",
                        Request::Restore => "restore a state",
                    }
                ));
            }
        }
        self.continue_script();
    }

    /// Replays the next permalink step once everything is quiet.
    fn continue_script(&mut self) {
        if self.failure.is_some() || !self.started() || self.awaiting_answer() {
            return;
        }
        if self.pending_terminate == Some(self.timeline.len()) {
            self.pending_terminate = None;
            self.kill_server();
        }
        if let Some(step) = self.script.pop_front() {
            if let Err(reason) = self.system.check_step(self.world(), step) {
                self.script.clear();
                self.notice = Some(format!("The link could not be replayed: {reason}."));
                return;
            }
            self.send_delivery(step, false);
        }
    }

    /// The world as the page knows it: every actor's last reported state
    /// and the messages in flight.
    pub fn world(&self) -> &World {
        self.timeline.world()
    }

    /// A person chose to deliver `step`.
    pub fn deliver(&mut self, step: Step) {
        if self.busy() || self.failure.is_some() {
            return;
        }
        if self.system.check_step(self.world(), step).is_err() {
            return; // a stale button; the redraw will remove it
        }
        self.notice = None;
        self.send_delivery(step, true);
    }

    /// Redoes the next undone delivery.
    pub fn step_forward(&mut self) {
        if let Some(step) = self.timeline.next() {
            self.deliver(step);
        }
    }

    /// Goes to just after delivery `k` (0 is the start) of the current
    /// branch, back by restoring states or forward by redoing deliveries.
    pub fn jump(&mut self, k: usize) {
        if self.busy() || self.failure.is_some() {
            return;
        }
        let travel = self.timeline.jump(k);
        self.travel(travel);
    }

    /// The last point going forward reaches.
    pub fn jump_to_end(&mut self) {
        self.jump(self.timeline.end());
    }

    /// Makes an abandoned branch current again (the current one is kept as
    /// a branch in its place).
    pub fn return_to_branch(&mut self, index: usize) {
        if self.busy() || self.failure.is_some() {
            return;
        }
        let travel = self.timeline.return_to_branch(index);
        self.travel(travel);
    }

    /// Undoes the last delivery: the network as it was, and the receiver's
    /// worker put back into its earlier state.
    pub fn step_back(&mut self) {
        if self.busy()
            || self.failure.is_some()
            || self.terminated_after() == Some(self.timeline.len())
        {
            return; // a terminated worker cannot be brought back by stepping
        }
        if !self.timeline.is_empty() {
            let travel = self.timeline.step_back();
            self.travel(travel);
        }
    }

    /// Carries out what the timeline says: each worker an undone delivery
    /// reached put back into its state from then, then the deliveries to
    /// redo replayed through the workers once those restores are answered.
    fn travel(&mut self, travel: Result<Travel, Refused>) {
        let travel = match travel {
            Ok(travel) => travel,
            Err(Refused::Terminated) => {
                self.notice = Some(
                    "A terminated worker cannot be brought back by stepping back; use Reset."
                        .to_string(),
                );
                return;
            }
            Err(Refused::Pending | Refused::Nowhere) => return,
        };
        let now = self.timeline.len();
        self.challenges.rewind(now);
        for (id, state) in travel.restore {
            self.request(id.index(), ToActor::Restore { state }, Request::Restore);
        }
        self.replay_total = travel.to;
        if !travel.redo.is_empty() {
            self.script = travel.redo.into();
            self.continue_script();
        }
    }

    fn send_delivery(&mut self, step: Step, by_hand: bool) {
        let Some(msg) = self.timeline.begin(step, by_hand) else {
            return;
        };
        if !step.delivers() {
            // The network lost it: no worker sees it. The page, being the
            // network, answers for the receiver at once, with what the
            // model says a loss does.
            let mut world = match self.timeline.past().last() {
                Some(entry) => entry.before().clone(),
                None => return,
            };
            if let Some(d) = self.system.deliver(&mut world, step) {
                let state = world.states[step.to.index()].clone();
                self.timeline.answer(d.handled, state, d.sent, d.error);
            }
            return self.continue_script();
        }
        self.request(
            step.to.index(),
            ToActor::Deliver {
                from: step.from,
                msg,
            },
            Request::Deliver(step, msg),
        );
    }
}
