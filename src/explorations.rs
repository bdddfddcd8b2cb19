//! The page's explorations, as the explorer's worker reports them: the one
//! under way, those of the scenario on show (with and without reductions),
//! and that of its fixed version.
//!
//! An exploration comes back in pieces, so the outcomes are on show as soon
//! as the search is over: `Done` with the outcomes, then the genuinely
//! different schedules (`Traces`, a search as long again), then the
//! witnesses' points of no return (`Fates`, a few at a time). After a
//! reduced exploration, an unreduced one up to [`COMPARE_MAX_STATES`] shows
//! what the reductions saved; it waits for the pieces, which the learner
//! looks at first, so the two do not share the machine's cores.
//!
//! Pure: each call returns the [`Order`] the page carries out on the worker
//! (start one, cancel it, let it go), so every path is tested natively
//! (tests/explorations.rs).

use crate::model::Scenario;
use crate::wire::{FromExplorer, Summary, ToExplorer};

/// The page's explorer stops here rather than exhaust the tab's memory
/// (about 100 bytes a state).
pub const PAGE_MAX_STATES: u32 = 3_000_000;

/// The unreduced run that follows a reduced one, only to show what the
/// reductions saved, stops here.
pub const COMPARE_MAX_STATES: u32 = 200_000;

/// An exploration under way in the explorer's worker.
#[derive(Clone, Debug, PartialEq)]
pub struct Exploring {
    pub symmetry: bool,
    pub states: u64,
    pub elapsed_ms: f64,
    /// Started after a reduced run, to compare state counts.
    pub comparison: bool,
}

/// A finished exploration.
#[derive(Clone, Debug, PartialEq)]
pub struct Explored {
    pub summary: Summary,
    /// The search's own time in the worker.
    pub elapsed_ms: f64,
    pub comparison: bool,
    /// Its genuinely different schedules are still being counted.
    pub counting_traces: bool,
}

/// What the page does with the explorer's worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Order {
    /// Cancel the worker there is, if any, and start a fresh one with this
    /// request; what it sends comes back with `generation`.
    Start {
        generation: u32,
        request: ToExplorer,
    },
    /// Send the worker a cancel and let it go.
    Cancel,
    /// Let the worker go: it has nothing more to say.
    Close,
}

/// What an exploration still sends after `Done`.
#[derive(Clone, Debug, PartialEq)]
struct Following {
    scenario: Scenario,
    symmetry: bool,
    traces: bool,
    fates: bool,
    /// The comparison starts when nothing more follows.
    compare_after: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Explorations {
    generation: u32,
    /// A worker is at work for the current generation.
    working: bool,
    pub exploring: Option<Exploring>,
    /// Explorations of the current scenario, newest last (at most one with
    /// and one without symmetry reduction).
    pub explored: Vec<Explored>,
    /// The exploration of the current scenario's fixed version, shown side
    /// by side with it.
    pub fix_explored: Option<Explored>,
    following: Option<Following>,
}

impl Explorations {
    /// Explores `scenario`, in place of whatever the worker was doing.
    pub fn explore(&mut self, scenario: Scenario, symmetry: bool, max_states: u32) -> Order {
        self.start(scenario, symmetry, max_states, false)
    }

    fn start(
        &mut self,
        scenario: Scenario,
        symmetry: bool,
        max_states: u32,
        comparison: bool,
    ) -> Order {
        self.next_generation();
        self.working = true;
        self.exploring = Some(Exploring {
            symmetry,
            states: 0,
            elapsed_ms: 0.0,
            comparison,
        });
        Order::Start {
            generation: self.generation,
            request: ToExplorer::Explore {
                scenario,
                reduce: symmetry,
                max_states,
            },
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.exploring = None;
        self.following = None;
        for e in self.explored.iter_mut().chain(self.fix_explored.as_mut()) {
            e.counting_traces = false;
        }
    }

    /// Stops what the worker is doing (an exploration, or what follows
    /// one); what it found so far stays.
    pub fn cancel(&mut self) -> Option<Order> {
        self.next_generation();
        std::mem::take(&mut self.working).then_some(Order::Cancel)
    }

    /// Another scenario is on show: every exploration goes.
    pub fn clear(&mut self) -> Option<Order> {
        let order = self.cancel();
        self.explored.clear();
        self.fix_explored = None;
        order
    }

    /// A worker is alive (exploring, or sending what follows).
    pub fn working(&self) -> bool {
        self.working
    }

    /// The exploration of `scenario` the person asked for (not a
    /// comparison), if there is one.
    pub fn of(&self, scenario: &Scenario) -> Option<&Summary> {
        self.explored
            .iter()
            .rev()
            .find(|e| !e.comparison && e.summary.scenario == *scenario)
            .map(|e| &e.summary)
    }

    /// A complete exploration the person asked for is at hand.
    pub fn complete(&self) -> bool {
        self.explored
            .iter()
            .any(|e| !e.comparison && e.summary.complete)
    }

    /// Takes a message of the worker of `generation` while `current` is on
    /// show. Returns what to do with the worker, and whether a new
    /// exploration of `current` is in (the challenges look at it).
    pub fn received(
        &mut self,
        generation: u32,
        msg: FromExplorer,
        current: &Scenario,
    ) -> (Option<Order>, bool) {
        if generation != self.generation || !self.working {
            return (None, false);
        }
        match msg {
            FromExplorer::Progress {
                states, elapsed_ms, ..
            } => {
                if let Some(e) = self.exploring.as_mut() {
                    e.states = states;
                    e.elapsed_ms = elapsed_ms;
                }
                (None, false)
            }
            FromExplorer::Done {
                summary,
                elapsed_ms,
                traces_follow,
                fates_follow,
            } => self.done(summary, elapsed_ms, traces_follow, fates_follow, current),
            FromExplorer::Traces { traces } => {
                if let Some(f) = self.following.as_mut() {
                    f.traces = false;
                    let (scenario, symmetry) = (f.scenario.clone(), f.symmetry);
                    if let Some(e) = self.followed(&scenario, symmetry) {
                        e.summary.traces = traces;
                        e.counting_traces = false;
                    }
                }
                (self.maybe_over(current), false)
            }
            FromExplorer::Fates { found, more } => {
                if let Some(f) = self.following.as_mut() {
                    f.fates = more;
                    let (scenario, symmetry) = (f.scenario.clone(), f.symmetry);
                    if let Some(e) = self.followed(&scenario, symmetry) {
                        e.summary.add_fates(found);
                    }
                }
                (self.maybe_over(current), false)
            }
            FromExplorer::Cancelled => {
                self.working = false;
                self.exploring = None;
                (Some(Order::Close), false)
            }
            // A point of no return asked on its own goes to the page's fate
            // worker, never here.
            FromExplorer::Fate { .. } => (None, false),
        }
    }

    fn done(
        &mut self,
        summary: Summary,
        elapsed_ms: f64,
        traces_follow: bool,
        fates_follow: bool,
        current: &Scenario,
    ) -> (Option<Order>, bool) {
        let comparison = self.exploring.take().is_some_and(|e| e.comparison);
        // A comparison's outcomes are not shown: nothing that follows them
        // is wanted.
        let follows = !comparison && (traces_follow || fates_follow);
        let following = Following {
            scenario: summary.scenario.clone(),
            symmetry: summary.symmetry,
            traces: traces_follow,
            fates: fates_follow,
            compare_after: false,
        };
        let explored = Explored {
            counting_traces: follows && traces_follow,
            summary,
            elapsed_ms,
            comparison,
        };
        let mut new_exploration = false;
        let mut compare = false;
        if explored.summary.scenario == *current {
            compare = explored.summary.symmetry
                && explored.summary.complete
                && !comparison
                && !self.explored.iter().any(|e| !e.summary.symmetry);
            self.explored
                .retain(|e| e.summary.symmetry != explored.summary.symmetry);
            self.explored.push(explored);
            new_exploration = true;
        } else if Some(&explored.summary.scenario) == current.fixed().as_ref() {
            self.fix_explored = Some(explored);
        } else {
            // Not the scenario on show, nor its fixed version.
            self.working = false;
            return (Some(Order::Close), false);
        }
        if follows {
            self.following = Some(Following {
                compare_after: compare,
                ..following
            });
            (None, new_exploration)
        } else if compare {
            (Some(self.start_comparison(current)), new_exploration)
        } else {
            self.working = false;
            (Some(Order::Close), new_exploration)
        }
    }

    /// The exploration that what follows belongs to.
    fn followed(&mut self, scenario: &Scenario, symmetry: bool) -> Option<&mut Explored> {
        self.explored
            .iter_mut()
            .chain(self.fix_explored.as_mut())
            .find(|e| {
                !e.comparison && e.summary.scenario == *scenario && e.summary.symmetry == symmetry
            })
    }

    /// When nothing more follows: the worker goes, and the comparison
    /// starts if it waited.
    fn maybe_over(&mut self, current: &Scenario) -> Option<Order> {
        let f = self.following.as_ref()?;
        if f.traces || f.fates {
            return None;
        }
        let compare = f.compare_after && f.scenario == *current;
        self.following = None;
        if compare {
            Some(self.start_comparison(current))
        } else {
            self.working = false;
            Some(Order::Close)
        }
    }

    fn start_comparison(&mut self, current: &Scenario) -> Order {
        self.start(current.clone(), false, COMPARE_MAX_STATES, true)
    }
}
