//! What a finished run left behind: the protocol's outcome values, or the
//! runtime error that ended it, and the clients left waiting in a stuck
//! run. A module of its own, below both [`super::scenario`] and
//! [`super::system`], which both speak of outcomes.

use serde::{Deserialize, Serialize};

use crate::lang::Value;

/// What a finished run left behind: the protocol's outcome values, in its
/// order, or the runtime error that ended it; and the clients left waiting
/// when nothing was in flight any more (then the run is *stuck*).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Outcome {
    pub values: Vec<Value>,
    pub error: Option<String>,
    /// Every client not finished at the end, as its protocol's `finished
    /// if` says, by number, with the phase it waits in; empty for a run
    /// that ended with an error.
    pub stuck: Vec<Waiting>,
}

/// A client that waits for a message that will never come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Waiting {
    /// Its number, from 1.
    pub client: u8,
    /// The index of its phase in its role's phases.
    pub phase: u16,
}

impl Outcome {
    /// The clients the outcome's first list names (who got a drink, who
    /// withdrew), for the page's markings.
    pub fn clients(&self) -> &[u8] {
        self.values
            .iter()
            .find_map(|v| match v {
                Value::Clients(ids) => Some(ids.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }
}
