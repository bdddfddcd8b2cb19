//! The actors: pure state machines that own their state and talk only by
//! messages.
//!
//! An [`Actor`] is a *description* (which role, with which parameters); its
//! [`ActorState`] is the data it owns. [`Actor::start`] gives the initial state
//! and the first messages; [`Actor::handle`] takes one message to completion.
//! Neither does I/O, reads a clock or draws a random number, so the explorer
//! and the Web Workers, the two interpreters of this code, always agree.

use serde::{Deserialize, Serialize};

use super::fridge::Fridge;
use super::people::{Person, Phase};

/// An actor's index in a scenario: 0 is the server (the fridge), clients are
/// numbered from 1 as on the page.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct ActorId(pub u8);

impl ActorId {
    /// The fridge (or, later, the bank): the actor every client talks to.
    pub const SERVER: ActorId = ActorId(0);

    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Every message any actor sends. Messages are immutable values (`Copy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Msg {
    /// A drink request to the fridge: `n > 0` takes up to `n`, `n == 0` only
    /// looks, `n < 0` loads `-n` drinks.
    Drink(i32),
    /// The fridge's reply: drinks taken (> 0) or added (< 0), and drinks left.
    FridgeResult { taken_or_added: i32, left: i32 },
    /// The poison pill: the receiver handles nothing after it.
    Stop,
}

impl std::fmt::Display for Msg {
    /// The short label the page and the traces use ("look", "take 1", ...).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Msg::Drink(0) => write!(f, "look"),
            Msg::Drink(n) if n > 0 => write!(f, "take {n}"),
            Msg::Drink(n) => write!(f, "load {}", -i64::from(n)),
            Msg::FridgeResult {
                taken_or_added,
                left,
            } if taken_or_added < 0 => {
                write!(f, "added {}, {left} left", -i64::from(taken_or_added))
            }
            Msg::FridgeResult {
                taken_or_added,
                left,
            } => {
                write!(f, "took {taken_or_added}, {left} left")
            }
            Msg::Stop => write!(f, "stop"),
        }
    }
}

/// What an actor is: its role and the parameters it was created with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Actor {
    /// The drinks fridge, starting with `drinks` drinks.
    Fridge { drinks: i32 },
    /// LOOK, then TAKE 1 only if more than one drink is left.
    PolitePerson,
    /// Asks for `ask` drinks once.
    ThirstyPerson { ask: i32 },
}

/// The data an actor owns. `stopped` is common to every role: after the
/// poison pill the actor handles nothing more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ActorState {
    pub stopped: bool,
    pub role: RoleState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RoleState {
    Fridge(Fridge),
    Person(Person),
}

/// Messages an actor sends while taking one step, in the order sent.
pub type Outbox = Vec<(ActorId, Msg)>;

/// What handling one message did, for traces and the page's narration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Handled {
    /// The message was handled (replies, if any, are in the outbox).
    Done,
    /// The message was the poison pill; the actor is now stopped.
    Stopped,
    /// The actor had already stopped and did not look at the message.
    Ignored,
    /// The message does not belong to the actor's protocol at this point; the
    /// state is unchanged.
    Unexpected,
}

impl Actor {
    /// The initial state, and the messages the actor sends before receiving any.
    pub fn start(&self, out: &mut Outbox) -> ActorState {
        let role = match *self {
            Actor::Fridge { drinks } => RoleState::Fridge(Fridge::new(drinks)),
            Actor::PolitePerson => RoleState::Person(Person::polite(out)),
            Actor::ThirstyPerson { ask } => RoleState::Person(Person::thirsty(ask, out)),
        };
        ActorState {
            stopped: false,
            role,
        }
    }

    /// Takes one message to completion. Interleaving happens only between calls.
    pub fn handle(
        &self,
        state: &mut ActorState,
        from: ActorId,
        msg: Msg,
        out: &mut Outbox,
    ) -> Handled {
        if state.stopped {
            return Handled::Ignored;
        }
        if msg == Msg::Stop {
            state.stopped = true;
            return Handled::Stopped;
        }
        let handled = match (&mut state.role, *self) {
            (RoleState::Fridge(fridge), Actor::Fridge { .. }) => fridge.handle(from, msg, out),
            (RoleState::Person(person), Actor::PolitePerson) => person.handle_polite(msg, out),
            (RoleState::Person(person), Actor::ThirstyPerson { .. }) => person.handle_thirsty(msg),
            _ => false,
        };
        if handled {
            Handled::Done
        } else {
            Handled::Unexpected
        }
    }

    /// Whether this actor is a client (a person), not the server.
    pub fn is_client(&self) -> bool {
        !matches!(self, Actor::Fridge { .. })
    }
}

impl ActorState {
    /// The person's phase, if this is a person.
    pub fn phase(&self) -> Option<Phase> {
        match self.role {
            RoleState::Person(p) => Some(p.phase),
            RoleState::Fridge(_) => None,
        }
    }

    /// The drinks in the fridge, if this is the fridge.
    pub fn drinks(&self) -> Option<i32> {
        match self.role {
            RoleState::Fridge(f) => Some(f.drinks),
            RoleState::Person(_) => None,
        }
    }

    /// One line for the page ("2 drinks", "saw 2 left, taking"). `last` is
    /// the last message the actor received, if any: what a person saw is in
    /// that message, not in their state.
    pub fn describe(&self, last: Option<Msg>) -> String {
        let text = match self.role {
            RoleState::Fridge(f) => match f.drinks {
                1 => "1 drink".to_string(),
                n => format!("{n} drinks"),
            },
            RoleState::Person(p) => match (p.phase, last) {
                (Phase::Taking | Phase::Left, Some(Msg::FridgeResult { left, .. })) => {
                    format!("saw {left} left, {}", p.phase)
                }
                (phase, _) => phase.to_string(),
            },
        };
        if self.stopped {
            format!("{text} (stopped)")
        } else {
            text
        }
    }
}
