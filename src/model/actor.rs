//! Actors, seen from the model: who they are ([`ActorId`]), the data each
//! owns ([`ActorState`]), the messages they exchange ([`Msg`]) and what
//! handling one did ([`Handled`]).
//!
//! What an actor *does* is written in its protocol file and run by the
//! interpreter ([`crate::lang`]); nothing here knows the fridge or the
//! bank. The explorer and the Web Workers, the two interpreters of a
//! protocol, both go through [`super::System`].

use serde::{Deserialize, Serialize};

pub use crate::lang::{ActorId, Message as Msg, Outbox};

/// The data an actor owns: its slots, as its protocol lays them out (slot
/// 0 is its phase). `stopped`: the page terminated the actor's worker, so it
/// handles nothing more (a protocol's own poison pill is a phase instead).
#[derive(Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ActorState {
    pub stopped: bool,
    pub slots: Vec<i32>,
}

impl Clone for ActorState {
    fn clone(&self) -> ActorState {
        ActorState {
            stopped: self.stopped,
            slots: self.slots.clone(),
        }
    }

    /// Reuses this state's buffer: the explorer's inner loop allocates nothing.
    fn clone_from(&mut self, source: &ActorState) {
        self.stopped = source.stopped;
        self.slots.clone_from(&source.slots);
    }
}

impl ActorState {
    /// The index of the actor's phase among its role's phases.
    pub fn phase(&self) -> usize {
        self.slots.first().copied().unwrap_or(0).max(0) as usize
    }
}

/// What handling one message did, for traces and the page's narration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Handled {
    /// A handler ran to completion (replies, if any, are in the outbox).
    Done,
    /// The protocol ignores this message here (`ignore ...`), with the
    /// reason's index among the role's reasons, if it gives one.
    Ignored(Option<u16>),
    /// The actor had been terminated and did not look at the message.
    Terminated,
    /// No handler for this message in the receiver's phase: nothing changed.
    Unexpected,
    /// The handler stopped with a runtime error; the run ends there.
    Failed,
    /// The network lost the message: the receiver never saw it.
    Lost,
}
