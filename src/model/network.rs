//! The network: one FIFO channel per (sender, receiver) pair. One step
//! delivers the head of one channel. The page holds its messages in flight in
//! this very type, and the explorer's states contain one, so "what can be
//! delivered next" is decided in one place.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::actor::{ActorId, Msg};
use super::schedule::Step;

/// Messages in flight. Channels are kept in a vector indexed by
/// `from * actors + to`, so iteration order is fixed (no hash order).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Network {
    actors: usize,
    channels: Vec<VecDeque<Msg>>,
}

impl Network {
    pub fn new(actors: usize) -> Network {
        Network {
            actors,
            channels: vec![VecDeque::new(); actors * actors],
        }
    }

    pub fn actors(&self) -> usize {
        self.actors
    }

    fn slot(&self, from: ActorId, to: ActorId) -> Option<usize> {
        (from.index() < self.actors && to.index() < self.actors)
            .then(|| from.index() * self.actors + to.index())
    }

    /// Posts `msg` at the tail of the channel from `from` to `to`. Returns
    /// false (and drops the message) if either actor does not exist.
    pub fn post(&mut self, from: ActorId, to: ActorId, msg: Msg) -> bool {
        match self.slot(from, to) {
            Some(i) => {
                self.channels[i].push_back(msg);
                true
            }
            None => false,
        }
    }

    /// The message that `step` would deliver, if its channel is not empty.
    pub fn head(&self, step: Step) -> Option<Msg> {
        self.slot(step.from, step.to)
            .and_then(|i| self.channels[i].front().copied())
    }

    /// Removes and returns the head of the channel `step` names.
    pub fn take(&mut self, step: Step) -> Option<Msg> {
        let i = self.slot(step.from, step.to)?;
        self.channels[i].pop_front()
    }

    /// Every step possible now, with the message it delivers, in a fixed order
    /// (by sender, then receiver).
    pub fn deliverable(&self) -> impl Iterator<Item = (Step, Msg)> + '_ {
        let n = self.actors;
        self.channels.iter().enumerate().filter_map(move |(i, ch)| {
            ch.front().map(|&msg| {
                let step = Step {
                    from: ActorId((i / n) as u8),
                    to: ActorId((i % n) as u8),
                };
                (step, msg)
            })
        })
    }

    /// Every message in flight, channel by channel, head first.
    pub fn in_flight(&self) -> impl Iterator<Item = (Step, Msg)> + '_ {
        let n = self.actors;
        self.channels.iter().enumerate().flat_map(move |(i, ch)| {
            let step = Step {
                from: ActorId((i / n) as u8),
                to: ActorId((i % n) as u8),
            };
            ch.iter().map(move |&msg| (step, msg))
        })
    }

    pub fn is_empty(&self) -> bool {
        self.channels.iter().all(VecDeque::is_empty)
    }

    /// Messages queued on one channel, head first.
    pub fn channel(&self, step: Step) -> impl Iterator<Item = Msg> + '_ {
        self.slot(step.from, step.to)
            .into_iter()
            .flat_map(|i| self.channels[i].iter().copied())
    }
}
