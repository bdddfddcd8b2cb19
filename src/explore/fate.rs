//! The point of no return of a finished run: the first delivery after which
//! every way of going on ends in the run's very outcome, and, when that
//! outcome is unsafe, the first after which every way of going on is
//! unsafe; and, just before that point, a delivery that still avoids it.
//!
//! Both points come from the outcomes *reachable* from each world the run
//! passed through, each found by the explorer's own [`Search`] started from
//! that world. Going along a run can only lose futures (what is reachable
//! from a world's successor is reachable from the world), so "every future
//! ends in this outcome" (or "is unsafe"), once true, stays true: each point
//! is found by bisection over the run, with a search per probe, most of them
//! from worlds late in the run, whose futures are small.
//!
//! The searches keep symmetry only among the clients interchangeable in the
//! world they start from (see [`super::symmetry::Symmetry::fixing`]), so the
//! outcomes they report are exactly the reachable ones, not those of
//! renamed clients. Nothing is estimated: a search that hits the state limit
//! makes the whole answer an error.

use std::collections::BTreeMap;

use crate::model::{Outcome, ReplayError, Scenario, Schedule, Step, System, World};

use super::search::{Options, Report, Search};

/// Where a finished run's outcome became certain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fate {
    /// How the run ended.
    pub outcome: Outcome,
    /// Why that outcome is unsafe, if it is.
    pub unsafe_why: Option<String>,
    /// K: after this many deliveries every continuation ends in `outcome`;
    /// 0 when it was settled from the start.
    pub point_of_no_return: usize,
    /// U: after this many deliveries every continuation is unsafe; `None`
    /// when the outcome is safe. Never after K.
    pub unsafe_from: Option<usize>,
    /// Instead of delivery U (or K, when the outcome is safe), a delivery
    /// that still avoids an unsafe outcome (or this outcome); `None` when
    /// the point is 0, and nothing could have been done.
    pub alternative: Option<Alternative>,
    /// States stored, over every search.
    pub states: u64,
    /// Searches run.
    pub searches: usize,
}

/// The delivery that still avoided the outcome, and a run that does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alternative {
    /// The delivery it takes the place of, from 1: the run's deliveries
    /// before it are kept.
    pub at: usize,
    pub step: Step,
    /// A whole run: the run's first `at - 1` deliveries, `step`, and a
    /// shortest way on from there to `outcome`.
    pub run: Schedule,
    /// Where `run` ends: a safe outcome (or, when the run's outcome was
    /// safe, another one).
    pub outcome: Outcome,
}

/// Why no point of no return could be given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FateError {
    /// The schedule cannot be replayed.
    Impossible(ReplayError),
    /// The run has not ended: messages are still in flight.
    Unfinished { in_flight: usize },
    /// A search from the world after `after` deliveries stopped at the
    /// state limit, so the reachable outcomes are not known exactly.
    TooLarge { after: usize, max_states: usize },
}

impl std::fmt::Display for FateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FateError::Impossible(e) => write!(f, "the schedule is impossible at {e}"),
            FateError::Unfinished { in_flight } => write!(
                f,
                "the run has not finished: {in_flight} message{} still in flight",
                if *in_flight == 1 { " is" } else { "s are" }
            ),
            FateError::TooLarge { after, max_states } => write!(
                f,
                "what can follow delivery {after} takes more than {max_states} states to search"
            ),
        }
    }
}

impl std::error::Error for FateError {}

/// The point of no return of `schedule`, a finished run of `scenario`, with
/// the explorer's default state limit for each search.
pub fn fate(scenario: &Scenario, schedule: &Schedule) -> Result<Fate, FateError> {
    fate_with(scenario, schedule, Options::default().max_states)
}

/// [`fate`], each search stopped at `max_states` states (then an error).
pub fn fate_with(
    scenario: &Scenario,
    schedule: &Schedule,
    max_states: usize,
) -> Result<Fate, FateError> {
    let system = scenario.system();
    let worlds = prefix_worlds(&system, schedule).map_err(FateError::Impossible)?;
    let last = worlds.last().cloned().unwrap_or_else(|| system.init());
    if !last.is_final() {
        return Err(FateError::Unfinished {
            in_flight: last.net.in_flight().count(),
        });
    }
    let outcome = system.outcome(&last);
    let unsafe_why = system.unsafe_why(&outcome);
    let mut probes = Probes {
        scenario,
        worlds: &worlds,
        options: Options {
            symmetry: true,
            partial_order: false,
            max_states,
        },
        reports: BTreeMap::new(),
        states: 0,
    };
    let n = schedule.len();
    let point_of_no_return =
        probes.first(n, |r| r.outcomes.iter().all(|o| o.outcome == outcome))?;
    let unsafe_from = match unsafe_why {
        Some(_) => Some(probes.first(point_of_no_return, |r| {
            r.outcomes
                .iter()
                .all(|o| system.unsafe_why(&o.outcome).is_some())
        })?),
        None => None,
    };
    let at = unsafe_from.unwrap_or(point_of_no_return);
    let alternative = match at.checked_sub(1) {
        None => None,
        Some(before) => {
            // Bisection probed `before` and found it still open; of the
            // outcomes it can reach that avoid this one, the nearest.
            let report = probes.report(before)?;
            report
                .outcomes
                .iter()
                .filter(|o| match unsafe_from {
                    Some(_) => system.unsafe_why(&o.outcome).is_none(),
                    None => o.outcome != outcome,
                })
                .min_by_key(|o| o.witness.len())
                .and_then(|o| {
                    let step = *o.witness.0.first()?;
                    let mut run = Schedule(schedule.0[..before].to_vec());
                    run.0.extend_from_slice(&o.witness.0);
                    Some(Alternative {
                        at,
                        step,
                        run,
                        outcome: o.outcome.clone(),
                    })
                })
        }
    };
    Ok(Fate {
        outcome,
        unsafe_why,
        point_of_no_return,
        unsafe_from,
        alternative,
        states: probes.states,
        searches: probes.reports.len(),
    })
}

/// The world before the first delivery and after each one.
fn prefix_worlds(system: &System, schedule: &Schedule) -> Result<Vec<World>, ReplayError> {
    let mut world = system.init();
    let mut worlds = Vec::with_capacity(schedule.len() + 1);
    worlds.push(world.clone());
    for (i, &step) in schedule.0.iter().enumerate() {
        system
            .check_step(&world, step)
            .map_err(|reason| ReplayError {
                step: i + 1,
                reason,
            })?;
        system.deliver(&mut world, step);
        worlds.push(world.clone());
    }
    Ok(worlds)
}

/// The searches made so far, one per world of the run probed.
struct Probes<'a> {
    scenario: &'a Scenario,
    worlds: &'a [World],
    options: Options,
    reports: BTreeMap<usize, Report>,
    states: u64,
}

impl Probes<'_> {
    /// What can happen after delivery `i` (0: from the start).
    fn report(&mut self, i: usize) -> Result<&Report, FateError> {
        if !self.reports.contains_key(&i) {
            let mut search =
                Search::from_world(self.scenario, &self.options, self.worlds[i].clone());
            while !search.run(4096) {}
            let report = search.finish();
            self.states += report.states;
            if !report.complete {
                return Err(FateError::TooLarge {
                    after: i,
                    max_states: self.options.max_states,
                });
            }
            self.reports.insert(i, report);
        }
        Ok(&self.reports[&i])
    }

    /// The first `i` in `0..=hi` whose future satisfies `settled`, which
    /// holds at `hi` and, once it holds, holds for every later `i`.
    fn first(&mut self, hi: usize, settled: impl Fn(&Report) -> bool) -> Result<usize, FateError> {
        let (mut lo, mut hi) = (0, hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if settled(self.report(mid)?) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok(lo)
    }
}

/// The point of no return in a sentence or two, for the page and the
/// command line: "After delivery 2 (Fridge received look from Person 2 and
/// replied: took 0, 2 left), the run ends unsafe whatever happens next:
/// ... Before it, delivering ... instead would still have avoided it."
pub fn explain(system: &System, schedule: &Schedule, fate: &Fate) -> String {
    let Ok(worlds) = prefix_worlds(system, schedule) else {
        return String::new();
    };
    let delivery = |k: usize| -> String {
        let mut world = worlds[k - 1].clone();
        match system.deliver(&mut world, schedule.0[k - 1]) {
            Some(d) => format!("delivery {k} ({})", system.narrate(&d)),
            None => format!("delivery {k}"),
        }
    };
    let shown = system.show_outcome(&fate.outcome);
    let k = fate.point_of_no_return;
    let mut text = match (fate.unsafe_from, &fate.unsafe_why) {
        (Some(0), Some(why)) => {
            format!("Every run of this scenario ends unsafe, whatever the order ({why}).")
        }
        (Some(u), Some(why)) if u == k => format!(
            "After {}, the run ends with “{shown}” whatever happens next, and that is unsafe ({why}).",
            delivery(u)
        ),
        (Some(u), Some(why)) => format!(
            "After {}, the run ends unsafe whatever happens next ({why}). After {}, it ends exactly with “{shown}”.",
            delivery(u),
            delivery(k)
        ),
        _ if k == 0 => format!("Every run of this scenario ends with “{shown}”, whatever the order."),
        _ => format!(
            "After {}, the run ends with “{shown}” whatever happens next.",
            delivery(k)
        ),
    };
    if let Some(alt) = &fate.alternative {
        let world = &worlds[alt.at - 1];
        if let Some(msg) = world.net.head(alt.step) {
            let avoided = if fate.unsafe_from.is_some() {
                "could still have ended safely"
            } else {
                "could still have ended otherwise"
            };
            text.push_str(&format!(
                " Before it, delivering {} from {} to {} instead {avoided}: {} ends with “{}”.",
                system.show(msg),
                system.name(alt.step.from),
                system.name(alt.step.to),
                alt.run.display(system.server_letter),
                system.show_outcome(&alt.outcome)
            ));
        }
    }
    text
}
