//! Schedules: which channel head is delivered at each step, as a short
//! printable string that replays deterministically.
//!
//! A step is written sender then receiver: the server by its letter (`F` for
//! the fridge), clients by their number from 1. Steps are joined by `-`:
//! `1F-2F-F1` delivers Person 1's message to the fridge, then Person 2's, then
//! the fridge's reply to Person 1. A message an actor sent itself (a
//! timer) is delivered by a step from it to itself: `11`. The empty
//! schedule is the empty string.
//!
//! Where the protocol's network allows more (see `network` in the
//! language), a step says which message and what the network does with
//! it: `1F.2` delivers the message at index 2 of channel 1→F (counting
//! from 0, in the order [`crate::model::Network::channel`] gives; only an
//! unordered network delivers past the head), `1F.lost` loses the head
//! without delivering it, `1F.dup` delivers it and keeps a copy in flight,
//! and `1F.2.lost` / `1F.2.dup` do so to message 2. A plain delivery of a
//! head is written as before, so every FIFO schedule keeps its form.
//! Only unreserved URL characters are used, so a schedule can sit in a URL as
//! it is.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::actor::ActorId;

/// One step of a run: a message of the channel from `from` to `to` (the
/// `pick`-th, 0 being the oldest), and what the network does with it.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Step {
    pub from: ActorId,
    pub to: ActorId,
    /// Which message of the channel: 0 is its head; more only where the
    /// network is unordered.
    pub pick: u16,
    pub act: Act,
}

/// What the network does with the message a step picks.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub enum Act {
    /// Delivers it: the receiver handles it.
    #[default]
    Deliver,
    /// Loses it: it leaves the network and nobody handles it.
    Lose,
    /// Delivers it and keeps a copy in flight, to arrive again later.
    Duplicate,
}

impl Step {
    /// Delivers the head of the channel from `from` to `to`.
    pub const fn new(from: ActorId, to: ActorId) -> Step {
        Step {
            from,
            to,
            pick: 0,
            act: Act::Deliver,
        }
    }

    /// The same message, the same channel, with `act` done to it.
    pub const fn with(self, act: Act) -> Step {
        Step { act, ..self }
    }

    /// The step's channel, as a plain delivery of its head.
    pub const fn channel(self) -> Step {
        Step::new(self.from, self.to)
    }

    /// Whether the step delivers its message to its receiver (once, or
    /// twice over time): not a loss.
    pub fn delivers(self) -> bool {
        self.act != Act::Lose
    }
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
    /// The printable form: `1F`, and where needed the message's index
    /// and the fault, `1F.2`, `1F.lost`, `1F.2.dup`.
    pub fn display(self, server: char) -> String {
        let mut text: String = [actor_char(self.from, server), actor_char(self.to, server)]
            .iter()
            .collect();
        if self.pick > 0 {
            text.push('.');
            text.push_str(&self.pick.to_string());
        }
        match self.act {
            Act::Deliver => {}
            Act::Lose => text.push_str(".lost"),
            Act::Duplicate => text.push_str(".dup"),
        }
        text
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
            let mut parts = token.split('.');
            let channel = parts.next().unwrap_or("");
            let chars: Vec<char> = channel.chars().collect();
            let [a, b] = chars[..] else {
                return Err(bad(format!(
                    "{token:?} does not start with two characters (sender then receiver, like 1{server})"
                )));
            };
            let from = parse_actor(a, server)
                .ok_or_else(|| bad(format!("{a:?} is not {server} or a client number 1-9")))?;
            let to = parse_actor(b, server)
                .ok_or_else(|| bad(format!("{b:?} is not {server} or a client number 1-9")))?;
            let mut step = Step::new(from, to);
            let mut rest: Vec<&str> = parts.collect();
            let act = match rest.last() {
                Some(&"lost") => Some(Act::Lose),
                Some(&"dup") => Some(Act::Duplicate),
                _ => None,
            };
            if let Some(act) = act {
                step.act = act;
                rest.pop();
            }
            match rest[..] {
                [] => {}
                [index] => {
                    step.pick = index
                        .parse::<u16>()
                        .ok()
                        .filter(|_| index.len() <= 5 && index.bytes().all(|c| c.is_ascii_digit()))
                        .ok_or_else(|| {
                            bad(format!(
                                "{index:?} in {token:?} is not a message's index (0 to 65535), \
                                 `lost` or `dup`"
                            ))
                        })?;
                }
                _ => {
                    return Err(bad(format!(
                        "{token:?} has too many parts: a step is like 1{server}, 1{server}.2, \
                         1{server}.lost or 1{server}.2.dup"
                    )))
                }
            }
            steps.push(step);
        }
        Ok(Schedule(steps))
    }
}
