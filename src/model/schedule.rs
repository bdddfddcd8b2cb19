//! Schedules: which channel head is delivered at each step, as a short
//! printable string that replays deterministically.
//!
//! A step is written sender then receiver: the server by its letter (`F` for
//! the fridge), clients by their number from 1. Steps are joined by `-`:
//! `1F-2F-F1` delivers Person 1's message to the fridge, then Person 2's, then
//! the fridge's reply to Person 1. A message an actor sent itself (a
//! timer) is delivered by a step from it to itself: `11`. The empty
//! schedule is the empty string.
//! Only unreserved URL characters are used, so a schedule can sit in a URL as
//! it is.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::actor::ActorId;

/// Deliver the head of the channel from `from` to `to`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Step {
    pub from: ActorId,
    pub to: ActorId,
}

/// A sequence of steps.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schedule(pub Vec<Step>);

/// Clients are written 1..=MAX_CLIENTS, one character each.
pub const MAX_CLIENTS: u8 = 9;

/// Why a schedule string was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub step: usize,
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {}: {}", self.step, self.reason)
    }
}

impl std::error::Error for ParseError {}

fn actor_char(id: ActorId, server: char) -> char {
    if id == ActorId::SERVER {
        server
    } else {
        char::from_digit(u32::from(id.0), 10).unwrap_or('?')
    }
}

fn parse_actor(c: char, server: char) -> Option<ActorId> {
    if c == server {
        return Some(ActorId::SERVER);
    }
    match c.to_digit(10) {
        Some(d) if d >= 1 && d <= u32::from(MAX_CLIENTS) => Some(ActorId(d as u8)),
        _ => None,
    }
}

impl Step {
    /// The two-character form, e.g. `1F`.
    pub fn display(self, server: char) -> String {
        [actor_char(self.from, server), actor_char(self.to, server)]
            .iter()
            .collect()
    }
}

impl Schedule {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The printable form; `server` is the server's letter (`F` for the fridge).
    pub fn display(&self, server: char) -> String {
        let steps: Vec<String> = self.0.iter().map(|s| s.display(server)).collect();
        steps.join("-")
    }

    /// Parses the printable form. Refuses anything else with the number of the
    /// first bad step; never panics. Whether each step is *possible* is for
    /// replay to decide.
    pub fn parse(text: &str, server: char) -> Result<Schedule, ParseError> {
        if text.is_empty() {
            return Ok(Schedule::default());
        }
        let mut steps = Vec::new();
        for (i, token) in text.split('-').enumerate() {
            let bad = |reason: String| ParseError {
                step: i + 1,
                reason,
            };
            let chars: Vec<char> = token.chars().collect();
            let [a, b] = chars[..] else {
                return Err(bad(format!(
                    "{token:?} is not two characters (sender then receiver, like 1{server})"
                )));
            };
            let from = parse_actor(a, server)
                .ok_or_else(|| bad(format!("{a:?} is not {server} or a client number 1-9")))?;
            let to = parse_actor(b, server)
                .ok_or_else(|| bad(format!("{b:?} is not {server} or a client number 1-9")))?;
            steps.push(Step { from, to });
        }
        Ok(Schedule(steps))
    }
}
