//! Challenges: goals a learner tries to reach by choosing deliveries, such as
//! "leave the fridge empty although everyone is polite". A goal is reached
//! by one delivery (what it delivered, how it was taken, and the world
//! after), so the page detects it as it happens and the explorer finds the
//! fewest deliveries that reach it. Goals speak of "someone", never of a
//! particular person, so they hold the same under symmetry reduction.
//!
//! Also the learner's progress, as the text kept in the browser's storage.

use std::collections::BTreeMap;

use super::actor::{ActorState, Handled, Msg};
use super::people::Phase;
use super::scenario::{Protocol, Scenario};
use super::schedule::Step;
use super::system::World;

/// A challenge's goal.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Goal {
    /// The fridge reaches 0 drinks although every person is polite.
    EmptyFridge,
    /// A polite person who asked to take a drink is told 0 were taken.
    PoliteToldZero,
    /// A thirsty person gets no drink at all.
    ThirstyGetsNone,
    /// The fridge reaches 0 drinks under the fixed protocol (impossible).
    EmptyFixedFridge,
    /// The balance goes below 0.
    Overdrawn,
    /// The balance goes below 0 under the fixed protocol (impossible).
    OverdrawnFixed,
    /// The fridge ignores a drink request because it had already stopped.
    RequestIgnored,
}

pub const ALL: [Goal; 7] = [
    Goal::EmptyFridge,
    Goal::PoliteToldZero,
    Goal::ThirstyGetsNone,
    Goal::EmptyFixedFridge,
    Goal::Overdrawn,
    Goal::OverdrawnFixed,
    Goal::RequestIgnored,
];

impl Goal {
    /// A stable name, for storage and the page.
    pub fn id(self) -> &'static str {
        match self {
            Goal::EmptyFridge => "empty-fridge",
            Goal::PoliteToldZero => "polite-told-zero",
            Goal::ThirstyGetsNone => "thirsty-gets-none",
            Goal::EmptyFixedFridge => "empty-fixed-fridge",
            Goal::Overdrawn => "overdrawn",
            Goal::OverdrawnFixed => "overdrawn-fixed",
            Goal::RequestIgnored => "request-ignored",
        }
    }

    pub fn from_id(id: &str) -> Option<Goal> {
        ALL.into_iter().find(|g| g.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            Goal::EmptyFridge => "Leave the fridge empty, although everyone is polite",
            Goal::PoliteToldZero => "Make a polite person receive a reply of 0 drinks taken",
            Goal::ThirstyGetsNone => "Leave a thirsty person with no drink at all",
            Goal::EmptyFixedFridge => {
                "Empty the fridge even with the fix (take 1 if more than 1 is left)"
            }
            Goal::Overdrawn => "Overdraw the account",
            Goal::OverdrawnFixed => "Overdraw the account even with the fix (withdraw if enough)",
            Goal::RequestIgnored => {
                "Make the fridge ignore a request: deliver one after the poison pill"
            }
        }
    }

    /// Whether delivering `msg` along `step`, taken as `handled` by a
    /// receiver that was in `before`, reached the goal, `after` being the
    /// world it left.
    pub fn reached(
        self,
        step: Step,
        msg: Msg,
        handled: Handled,
        before: &ActorState,
        after: &World,
    ) -> bool {
        let server = &after.states[0];
        let receiver = &after.states[step.to.index()];
        let at_server = step.to.index() == 0;
        match self {
            Goal::EmptyFridge | Goal::EmptyFixedFridge => {
                at_server && before.drinks().is_some_and(|d| d > 0) && server.drinks() == Some(0)
            }
            Goal::PoliteToldZero => {
                before.phase() == Some(Phase::Taking)
                    && matches!(
                        msg,
                        Msg::FridgeResult {
                            taken_or_added: 0,
                            ..
                        }
                    )
            }
            Goal::ThirstyGetsNone => {
                before.phase() != receiver.phase()
                    && receiver.phase() == Some(Phase::Got { drinks: 0 })
            }
            Goal::Overdrawn | Goal::OverdrawnFixed => {
                at_server
                    && before.balance().is_some_and(|b| b >= 0)
                    && server.balance().is_some_and(|b| b < 0)
            }
            Goal::RequestIgnored => handled == Handled::Ignored && matches!(msg, Msg::Drink(_)),
        }
    }
}

impl Scenario {
    /// The challenges this scenario offers (none where a goal would be
    /// reached before anything happens, or means nothing).
    pub fn goals(&self) -> Vec<Goal> {
        match self.protocol {
            // With fewer than 2 drinks no polite person ever takes one.
            Protocol::LookBeforeTake if self.drinks >= 2 => {
                vec![Goal::EmptyFridge, Goal::PoliteToldZero]
            }
            Protocol::Thirsty => vec![Goal::ThirstyGetsNone],
            Protocol::TakeIf if self.drinks >= 1 => vec![Goal::EmptyFixedFridge],
            Protocol::CheckThenWithdraw if self.balance >= 0 => vec![Goal::Overdrawn],
            Protocol::WithdrawIf if self.balance >= 0 => vec![Goal::OverdrawnFixed],
            Protocol::PoisonPill => vec![Goal::RequestIgnored],
            _ => Vec::new(),
        }
    }
}

/// The learner's progress: for each protocol and goal reached, the fewest
/// deliveries they reached it in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub best: BTreeMap<(Protocol, Goal), u32>,
}

/// The storage format's version prefix.
const PROGRESS_VERSION: &str = "racelab-progress-1";

impl Progress {
    /// Records a goal reached in `deliveries`; true if it is a new best.
    pub fn record(&mut self, protocol: Protocol, goal: Goal, deliveries: u32) -> bool {
        let best = self.best.entry((protocol, goal)).or_insert(u32::MAX);
        let better = deliveries < *best;
        *best = (*best).min(deliveries);
        better
    }

    pub fn get(&self, protocol: Protocol, goal: Goal) -> Option<u32> {
        self.best.get(&(protocol, goal)).copied()
    }

    /// "racelab-progress-1;look-before-take/empty-fridge=6;..."
    pub fn to_text(&self) -> String {
        let mut text = PROGRESS_VERSION.to_string();
        for (&(protocol, goal), &n) in &self.best {
            text.push_str(&format!(";{}/{}={n}", protocol.name(), goal.id()));
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
            let protocol = Protocol::from_name(protocol).ok_or_else(bad)?;
            let goal = Goal::from_id(goal).ok_or_else(bad)?;
            let n: u32 = n.parse().map_err(|_| bad())?;
            progress.record(protocol, goal, n);
        }
        Ok(progress)
    }
}
