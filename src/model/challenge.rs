//! Challenges: goals a learner tries to reach by choosing deliveries, such as
//! "leave the fridge empty although everyone is polite". Each protocol
//! declares its goals; a goal is reached by one delivery (what it
//! delivered, how it was taken, the receiver before and after), so the page
//! detects it as it happens and the explorer finds the fewest deliveries
//! that reach it. Goals speak of a role ("a person"), never of one client,
//! so they hold the same under symmetry reduction.
//!
//! Also the learner's progress, as the text kept in the browser's storage.

use crate::sorted::SortedMap;

use serde::{Deserialize, Serialize};

use super::actor::{ActorState, Handled, Msg};
use super::scenario::Scenario;
use super::schedule::Step;
use super::system::{System, World};
use crate::lang;

/// A challenge goal: the index of one of the protocol's goals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Goal(pub u16);

impl Scenario {
    /// The goals this scenario offers (its protocol may leave some out
    /// where they would be reached before anything happens, or mean nothing).
    pub fn goals(&self) -> Vec<Goal> {
        match self.instance() {
            Ok(inst) => inst.goals().into_iter().map(|g| Goal(g as u16)).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// A goal's stable name, for storage and the page.
    pub fn goal_id(&self, goal: Goal) -> &str {
        self.protocol
            .goals
            .get(usize::from(goal.0))
            .map_or("", |g| g.id.as_str())
    }

    pub fn goal_title(&self, goal: Goal) -> &str {
        self.protocol
            .goals
            .get(usize::from(goal.0))
            .map_or("", |g| g.title.as_str())
    }
}

impl System {
    /// Whether delivering `msg` along `step`, taken as `handled` by a
    /// receiver that was in `before`, reached `goal`, `after` being the
    /// world it left.
    pub fn goal_reached(
        &self,
        goal: Goal,
        step: Step,
        msg: Msg,
        handled: Handled,
        before: &ActorState,
        after: &World,
    ) -> bool {
        let how = match handled {
            Handled::Done => lang::Handled::Handled(0),
            Handled::Ignored(reason) => lang::Handled::Ignored(reason),
            Handled::Terminated => lang::Handled::Ignored(None),
            Handled::Unexpected | Handled::Failed => lang::Handled::Unexpected,
            // Nobody received a lost message.
            Handled::Lost => return false,
        };
        let Some(receiver) = after.states.get(step.to.index()) else {
            return false;
        };
        usize::from(goal.0) < self.inst.program.goals.len()
            && self.inst.goal_reached(
                usize::from(goal.0),
                step.to.index(),
                msg,
                how,
                &before.slots,
                &receiver.slots,
            )
    }
}

/// The learner's progress: for each protocol and goal reached (by their
/// names), the fewest deliveries they reached it in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub best: SortedMap<(String, String), u32>,
}

/// The storage format's version prefix.
const PROGRESS_VERSION: &str = "racelab-progress-1";

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

impl Progress {
    /// Records a goal reached in `deliveries`; true if it is a new best.
    pub fn record(&mut self, protocol: &str, goal: &str, deliveries: u32) -> bool {
        let best = self
            .best
            .get_or_insert_with((protocol.to_string(), goal.to_string()), || u32::MAX);
        let better = deliveries < *best;
        *best = (*best).min(deliveries);
        better
    }

    pub fn get(&self, protocol: &str, goal: &str) -> Option<u32> {
        self.best
            .get(&(protocol.to_string(), goal.to_string()))
            .copied()
    }

    /// "racelab-progress-1;look-before-take/empty-fridge=6;..."
    pub fn to_text(&self) -> String {
        let mut text = PROGRESS_VERSION.to_string();
        for ((protocol, goal), &n) in &self.best {
            text.push_str(&format!(";{protocol}/{goal}={n}"));
        }
        text
    }

    /// Reads [`Progress::to_text`]'s format; anything else is an error
    /// saying what is wrong with it.
    pub fn parse(text: &str) -> Result<Progress, String> {
        let mut parts = text.split(';');
        if parts.next() != Some(PROGRESS_VERSION) {
            return Err("it is not racelab's progress format".into());
        }
        let mut progress = Progress::default();
        for part in parts {
            let bad = || format!("the entry {part:?} is not protocol/goal=deliveries");
            let (key, n) = part.split_once('=').ok_or_else(bad)?;
            let (protocol, goal) = key.split_once('/').ok_or_else(bad)?;
            if !is_name(protocol) || !is_name(goal) {
                return Err(bad());
            }
            let n: u32 = n.parse().map_err(|_| bad())?;
            progress.record(protocol, goal, n);
        }
        Ok(progress)
    }
}
