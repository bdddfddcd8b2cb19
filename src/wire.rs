//! The page ↔ worker protocol, and the worker side of it.
//!
//! This is the only module whose types exist to cross a `postMessage`. The
//! page sends [`ToActor`] to an actor's worker; the worker answers every one
//! with exactly one [`FromActor`], in order. The explorer's worker takes
//! [`ToExplorer`] and streams [`FromExplorer`]. The compiler's worker takes
//! [`ToCompiler`] and answers each with one [`FromCompiler`] ([`compile`]).
//! [`ActorHost`] is everything an actor's worker does, with no web APIs in
//! it, so it is tested natively and in a real worker alike.

use serde::{Deserialize, Serialize};

use crate::explore::{explain, fate_with, Fate, FateError, Options, Report, Search, TraceCount};
use crate::lang::diag::Diagnostic;
use crate::lang::RunError;
use crate::model::{
    ActorId, ActorState, Goal, Handled, Msg, Outbox, Outcome, Scenario, Schedule, System,
};

/// Page → compiler worker: a protocol source to compile. The compiler is a
/// build of its own, loaded the first time the page has a source to
/// compile, so that a first visit, which runs only built-ins (compiled when
/// racelab was built), does not load it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToCompiler {
    /// Names the source in diagnostics.
    pub file: String,
    pub source: String,
}

/// Compiler worker → page: one per [`ToCompiler`], in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FromCompiler {
    /// The program, as [`crate::lang::binary`] bytes: the page passes them
    /// on to the workers as they are.
    Compiled(Vec<u8>),
    /// What is wrong with the source, in source order (the page has the
    /// source, to place them).
    Rejected(Vec<Diagnostic>),
    /// The worker hit a bug; it says what.
    Failed(String),
}

/// Everything the compiler's worker does.
pub fn compile(request: ToCompiler) -> FromCompiler {
    match crate::lang::compile(&request.file, &request.source) {
        Ok(program) => FromCompiler::Compiled(crate::lang::binary::encode(&program)),
        Err(report) => FromCompiler::Rejected(report.diagnostics),
    }
}

/// Page → actor worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToActor {
    /// Become actor `id` of `scenario` (its protocol travels by name if it
    /// is built in, else as its source). The first message a worker gets.
    Init { id: ActorId, scenario: Scenario },
    /// A network message delivered by the page, which is the network.
    Deliver { from: ActorId, msg: Msg },
    /// The poison pill, sent when the page is about to replace this worker.
    Stop,
    /// Go back to a state the page recorded earlier (step back).
    Restore { state: ActorState },
    /// Answer at once; measures the bridge itself.
    Ping(u32),
    /// Start over as the same actor, for the next live run: answered with
    /// `Started`, as `Init` is.
    Restart,
}

/// Actor worker → page: one per [`ToActor`], in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FromActor {
    /// The actor's initial state and the messages it sent on starting.
    Started {
        state: ActorState,
        sent: Outbox,
    },
    /// A delivery was taken to completion, or stopped with a runtime
    /// error (`handled` is then [`Handled::Failed`]).
    Handled {
        handled: Handled,
        state: ActorState,
        sent: Outbox,
        error: Option<RunError>,
    },
    /// The poison pill was taken; the actor handles nothing more.
    Stopped,
    Restored,
    Pong(u32),
    /// The worker could not do what was asked (or hit a bug); it says why.
    Failed {
        error: String,
    },
}

impl FromActor {
    /// The reply's kind, for messages about a reply that was not expected.
    pub fn kind(&self) -> &'static str {
        match self {
            FromActor::Started { .. } => "started",
            FromActor::Handled { .. } => "handled a delivery",
            FromActor::Stopped => "stopped",
            FromActor::Restored => "restored a state",
            FromActor::Pong(_) => "pong",
            FromActor::Failed { .. } => "failed",
        }
    }
}

/// The worker side: one hosted actor and its state.
#[derive(Debug, Default)]
pub struct ActorHost {
    hosted: Option<(ActorId, System, ActorState)>,
}

impl ActorHost {
    /// Handles one request from the page and returns the reply.
    pub fn receive(&mut self, input: ToActor) -> FromActor {
        match (input, &mut self.hosted) {
            (ToActor::Ping(n), _) => FromActor::Pong(n),
            (ToActor::Init { id, scenario }, None) => {
                let system = scenario.system();
                if id.index() >= system.actors() {
                    return FromActor::Failed {
                        error: format!("{} has no actor {}", scenario.name(), id.0),
                    };
                }
                match start(&system, id) {
                    Ok((state, sent)) => {
                        self.hosted = Some((id, system, state.clone()));
                        FromActor::Started { state, sent }
                    }
                    Err(error) => FromActor::Failed { error },
                }
            }
            (ToActor::Init { .. }, Some((id, ..))) => FromActor::Failed {
                error: format!("this worker already hosts actor {}", id.0),
            },
            (_, None) => FromActor::Failed {
                error: "this worker hosts no actor yet".to_string(),
            },
            (ToActor::Deliver { from, msg }, Some((id, system, state))) => {
                let mut sent = Outbox::new();
                let (handled, error) = match system.handle(*id, state, from, msg, &mut sent) {
                    Ok(handled) => (handled, None),
                    Err(e) => {
                        sent.clear();
                        (Handled::Failed, Some(e))
                    }
                };
                FromActor::Handled {
                    handled,
                    state: state.clone(),
                    sent,
                    error,
                }
            }
            (ToActor::Stop, Some((_, _, state))) => {
                state.stopped = true;
                FromActor::Stopped
            }
            (ToActor::Restart, Some((id, system, state))) => match start(system, *id) {
                Ok((fresh, sent)) => {
                    *state = fresh.clone();
                    FromActor::Started { state: fresh, sent }
                }
                Err(error) => FromActor::Failed { error },
            },
            (ToActor::Restore { state: saved }, Some((_, _, state))) => {
                *state = saved;
                FromActor::Restored
            }
        }
    }
}

/// Actor `id`'s first state and first messages, as the model has them.
fn start(system: &System, id: ActorId) -> Result<(ActorState, Outbox), String> {
    system
        .start(id)
        .map_err(|e| format!("{} could not start: {e}", system.name(id)))
}

/// Page → explorer worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToExplorer {
    /// Explore every schedule of `scenario`.
    Explore {
        scenario: Scenario,
        /// Symmetry and partial-order reduction, or neither.
        reduce: bool,
        max_states: u32,
    },
    /// Stop the exploration under way.
    Cancel,
    /// Find the point of no return of `schedule`, a finished run of
    /// `scenario` (answered with one [`FromExplorer::Fate`]).
    Fate {
        scenario: Scenario,
        schedule: Schedule,
        max_states: u32,
    },
}

/// Explorer worker → page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromExplorer {
    /// Sent every few dozen milliseconds while exploring.
    Progress {
        states: u64,
        transitions: u64,
        elapsed_ms: f64,
    },
    /// The search is over: the outcomes are ready to show. `elapsed_ms` is
    /// the search's own time.
    Done {
        summary: Summary,
        elapsed_ms: f64,
        /// One [`FromExplorer::Traces`] follows, with the summary's
        /// genuinely different schedules (a search as long again, so the
        /// outcomes do not wait for it).
        traces_follow: bool,
        /// [`FromExplorer::Fates`] follow (after the traces), the
        /// witnesses' points of no return, until one says there are no
        /// more. The worker stays until what follows has gone.
        fates_follow: bool,
    },
    /// The last `Done`'s genuinely different schedules: `None` if too many
    /// to count within its state limit.
    Traces {
        traces: Option<String>,
    },
    /// Points of no return of the witnesses in the last `Done`'s summary,
    /// each with its outcome's index there, a few at a time. `more`: the
    /// worker is still looking.
    Fates {
        found: Vec<(u32, FateSummary)>,
        more: bool,
    },
    Cancelled,
    /// The answer to [`ToExplorer::Fate`]: the point of no return, or why
    /// there is none to give.
    Fate {
        scenario: Scenario,
        schedule: Schedule,
        fate: Result<FateSummary, String>,
        elapsed_ms: f64,
    },
}

/// An exploration's [`Report`] as it crosses the wire: counts as decimal
/// strings (they can pass 2^53), witnesses as schedule strings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub scenario: Scenario,
    pub states: u64,
    pub transitions: u64,
    pub schedules: String,
    /// Genuinely different schedules, when counted.
    pub traces: Option<String>,
    pub complete: bool,
    pub counts_exact: bool,
    pub symmetry: bool,
    pub max_states: u32,
    pub outcomes: Vec<OutcomeSummary>,
    /// The scenario's challenge goals, each with a shortest schedule that
    /// reaches it, if one was found.
    pub goals: Vec<GoalSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalSummary {
    pub goal: Goal,
    pub witness: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeSummary {
    pub outcome: Outcome,
    pub schedules: String,
    pub witness: String,
    /// The witness's point of no return, when the worker found it within
    /// its budget (otherwise the page asks once the witness is loaded).
    pub fate: Option<FateSummary>,
}

/// A run's [`Fate`] as it crosses the wire, with its sentence written by
/// the worker (the page draws it, and holds no explorer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FateSummary {
    /// K: after this many deliveries the outcome is certain (0: from the start).
    pub point_of_no_return: u32,
    /// U: after this many the outcome is certainly unsafe; `None` if safe.
    pub unsafe_from: Option<u32>,
    /// The whole thing in a sentence or two ([`explain`]).
    pub sentence: String,
    pub alternative: Option<AlternativeSummary>,
    /// States searched to find it.
    pub states: u64,
}

/// The delivery that still avoided the outcome, as the page offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlternativeSummary {
    /// The delivery it replaces, from 1.
    pub at: u32,
    /// "take 1 from Person 1 to Fridge".
    pub what: String,
    /// A whole run that takes it and avoids the outcome (how it ends is
    /// in the sentence).
    pub run: Schedule,
}

impl FateSummary {
    /// The point of no return of `schedule`, a finished run of `scenario`,
    /// searched within `max_states`.
    pub fn find(
        scenario: &Scenario,
        schedule: &Schedule,
        max_states: u32,
    ) -> Result<FateSummary, FateError> {
        let fate = fate_with(scenario, schedule, max_states as usize)?;
        Ok(FateSummary::new(scenario, schedule, &fate))
    }

    pub fn new(scenario: &Scenario, schedule: &Schedule, fate: &Fate) -> FateSummary {
        let system = scenario.system();
        let alternative = fate.alternative.as_ref().map(|a| {
            let what = system
                .replay(&Schedule(a.run.0[..a.at - 1].to_vec()))
                .ok()
                .and_then(|(world, _)| world.net.head(a.step))
                .map(|msg| {
                    format!(
                        "{} from {} to {}",
                        system.show(msg),
                        system.name(a.step.from),
                        system.name(a.step.to)
                    )
                })
                .unwrap_or_default();
            AlternativeSummary {
                at: a.at as u32,
                what,
                run: a.run.clone(),
            }
        });
        FateSummary {
            point_of_no_return: fate.point_of_no_return as u32,
            unsafe_from: fate.unsafe_from.map(|u| u as u32),
            sentence: explain(&system, schedule, fate),
            alternative,
            states: fate.states,
        }
    }
}

/// After an exploration's outcomes have gone to the page, the witnesses'
/// points of no return are found and sent until this much time has gone,
/// each search within [`WITNESS_MAX_STATES`]; the page asks for any other
/// once its witness is loaded.
pub const WITNESS_FATES_MS: f64 = 1500.0;
pub const WITNESS_MAX_STATES: u32 = 300_000;

/// What the explorer's worker does for one [`ToExplorer::Explore`], a slice
/// at a time: the search, with `Progress` after each slice; `Done` with
/// the outcomes; one `Traces`; then `Fates` until the witnesses are done
/// or [`WITNESS_FATES_MS`] have gone. The worker only keeps time and
/// yields between slices (so a cancel gets in); the tests drive the same
/// job with a clock of their own.
pub struct ExplorerJob {
    work: Work,
    started: Option<f64>,
}

enum Work {
    Search {
        search: Box<Search>,
        scenario: Scenario,
        max_states: u32,
    },
    Follow {
        traces: Option<TraceCount>,
        fates: Option<WitnessFates>,
        fates_until: Option<f64>,
    },
    Over,
}

impl ExplorerJob {
    pub fn new(scenario: Scenario, reduce: bool, max_states: u32) -> ExplorerJob {
        let options = Options {
            symmetry: reduce,
            partial_order: reduce,
            max_states: max_states as usize,
        };
        ExplorerJob {
            work: Work::Search {
                search: Box::new(Search::new(&scenario, &options)),
                scenario,
                max_states,
            },
            started: None,
        }
    }

    /// Works for `slice_ms` by `clock` (milliseconds), and says what to
    /// send; `None` once there is nothing left to do.
    pub fn slice(&mut self, clock: &mut dyn FnMut() -> f64, slice_ms: f64) -> Option<FromExplorer> {
        let start = clock();
        let started = *self.started.get_or_insert(start);
        let slice_end = start + slice_ms;
        match &mut self.work {
            Work::Search { search, .. } => {
                let mut over = false;
                while !over && clock() < slice_end {
                    over = search.run(2048);
                }
                let elapsed_ms = clock() - started;
                if !over {
                    let p = search.progress();
                    return Some(FromExplorer::Progress {
                        states: p.states,
                        transitions: p.transitions,
                        elapsed_ms,
                    });
                }
                let Work::Search {
                    search,
                    scenario,
                    max_states,
                } = std::mem::replace(&mut self.work, Work::Over)
                else {
                    return None;
                };
                let (report, traces) = (*search).finish_outcomes();
                let summary = Summary::new(scenario, max_states, &report);
                let fates = summary
                    .complete
                    .then(|| WitnessFates::new(&summary, max_states.min(WITNESS_MAX_STATES)))
                    .filter(|f| f.left() > 0);
                let done = FromExplorer::Done {
                    summary,
                    elapsed_ms,
                    traces_follow: traces.is_some(),
                    fates_follow: fates.is_some(),
                };
                if traces.is_some() || fates.is_some() {
                    self.work = Work::Follow {
                        traces,
                        fates,
                        fates_until: None,
                    };
                }
                Some(done)
            }
            Work::Follow {
                traces,
                fates,
                fates_until,
            } => {
                // The count is one search, not sliced: a slice of its own.
                if let Some(count) = traces.take() {
                    if fates.is_none() {
                        self.work = Work::Over;
                    }
                    let traces = count.count().map(|c| c.to_string());
                    return Some(FromExplorer::Traces { traces });
                }
                let witnesses = fates.as_mut()?;
                let until = *fates_until.get_or_insert(start + WITNESS_FATES_MS);
                let mut found = Vec::new();
                while clock() < slice_end.min(until) {
                    match witnesses.next() {
                        Some(fate) => found.push(fate),
                        None => break,
                    }
                }
                let more = witnesses.left() > 0 && clock() < until;
                if !more {
                    self.work = Work::Over;
                }
                Some(FromExplorer::Fates { found, more })
            }
            Work::Over => None,
        }
    }
}

/// The points of no return of a summary's witnesses, in the outcomes'
/// order, one search at a time: the explorer's worker sends the outcomes
/// first and these after, a few per slice, so the page shows the outcomes
/// without waiting for them. A witness whose search fails (over
/// `max_states`) is skipped; the page asks for it once it is loaded.
pub struct WitnessFates {
    scenario: Scenario,
    max_states: u32,
    pending: std::vec::IntoIter<(u32, Schedule)>,
}

impl WitnessFates {
    pub fn new(summary: &Summary, max_states: u32) -> WitnessFates {
        let letter = summary.scenario.system().server_letter;
        let pending: Vec<(u32, Schedule)> = summary
            .outcomes
            .iter()
            .enumerate()
            .filter(|(_, o)| o.fate.is_none())
            .filter_map(|(i, o)| Some((i as u32, Schedule::parse(&o.witness, letter).ok()?)))
            .collect();
        WitnessFates {
            scenario: summary.scenario.clone(),
            max_states,
            pending: pending.into_iter(),
        }
    }

    /// Witnesses not yet searched.
    pub fn left(&self) -> usize {
        self.pending.len()
    }
}

impl Iterator for WitnessFates {
    type Item = (u32, FateSummary);

    fn next(&mut self) -> Option<(u32, FateSummary)> {
        let scenario = &self.scenario;
        let max_states = self.max_states;
        self.pending.by_ref().find_map(|(i, schedule)| {
            Some((i, FateSummary::find(scenario, &schedule, max_states).ok()?))
        })
    }
}

impl Summary {
    /// Puts the points of no return of [`FromExplorer::Fates`] in place;
    /// an index past the outcomes (from another summary) is ignored.
    pub fn add_fates(&mut self, found: Vec<(u32, FateSummary)>) {
        for (i, fate) in found {
            if let Some(o) = self.outcomes.get_mut(i as usize) {
                o.fate = Some(fate);
            }
        }
    }

    pub fn new(scenario: Scenario, max_states: u32, report: &Report) -> Summary {
        let letter = scenario.system().server_letter;
        Summary {
            scenario,
            states: report.states,
            transitions: report.transitions,
            schedules: report.schedules.to_string(),
            traces: report.traces.map(|t| t.to_string()),
            complete: report.complete,
            counts_exact: report.counts_exact,
            symmetry: report.symmetry,
            max_states,
            outcomes: report
                .outcomes
                .iter()
                .map(|o| OutcomeSummary {
                    outcome: o.outcome.clone(),
                    schedules: o.schedules.to_string(),
                    witness: o.witness.display(letter),
                    fate: None,
                })
                .collect(),
            goals: report
                .goals
                .iter()
                .map(|g| GoalSummary {
                    goal: g.goal,
                    witness: g.witness.as_ref().map(|w| w.display(letter)),
                })
                .collect(),
        }
    }
}

/// Up to this many bytes travel as one JavaScript number.
pub const NUMBER_BYTES: usize = 6;

/// Up to [`NUMBER_BYTES`] bytes as one integer below 2^49 (exact in an
/// `f64`): a marker bit, then the bytes, first byte highest.
pub fn bytes_to_number(bytes: &[u8]) -> Option<f64> {
    (bytes.len() <= NUMBER_BYTES)
        .then(|| bytes.iter().fold(1u64, |n, &b| (n << 8) | u64::from(b)) as f64)
}

/// The inverse of [`bytes_to_number`]; `None` for any other number.
pub fn number_to_bytes(x: f64) -> Option<Vec<u8>> {
    let limit = (1u64 << (8 * NUMBER_BYTES + 1)) as f64;
    if !(x >= 1.0 && x < limit && x.fract() == 0.0) {
        return None;
    }
    let n = x as u64;
    let len = (63 - n.leading_zeros() as usize) / 8;
    (n >> (8 * len) == 1).then(|| (0..len).rev().map(|i| (n >> (8 * i)) as u8).collect())
}

/// Bytes as a string of the characters with those code points (U+0000 to
/// U+00FF).
pub fn bytes_to_text(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The inverse of [`bytes_to_text`]; `None` if a character is above U+00FF.
pub fn text_to_bytes(text: &str) -> Option<Vec<u8>> {
    text.chars().map(|c| u8::try_from(c).ok()).collect()
}
