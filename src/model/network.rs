//! The network: one FIFO channel per (sender, receiver) pair. One step
//! delivers the head of one channel. The page holds its messages in flight in
//! this very type, and the explorer's states contain one, so "what can be
//! delivered next" is decided in one place.

use serde::{Deserialize, Serialize};

use super::actor::{ActorId, Msg};
use super::schedule::Step;

/// Messages in flight, all in one vector ordered by channel (sender, then
/// receiver) and, within a channel, oldest first. So iteration order is fixed
/// (no hash order), equal networks are equal vectors, and copying one is a
/// single copy: the explorer copies a network for every successor it tries.
#[derive(Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Network {
    actors: usize,
    /// (channel slot, message), sorted by slot; FIFO within a slot.
    queue: Vec<(u16, Msg)>,
}

impl Clone for Network {
    fn clone(&self) -> Network {
        Network {
            actors: self.actors,
            queue: self.queue.clone(),
        }
    }

    /// Reuses this network's buffer.
    fn clone_from(&mut self, source: &Network) {
        self.actors = source.actors;
        self.queue.clone_from(&source.queue);
    }
}

impl Network {
    pub fn new(actors: usize) -> Network {
        Network {
            actors,
            queue: Vec::new(),
        }
    }

    /// Empties the network (keeping its buffer) for `actors` actors.
    pub fn clear(&mut self, actors: usize) {
        self.actors = actors;
        self.queue.clear();
    }

    pub fn actors(&self) -> usize {
        self.actors
    }

    fn slot(&self, from: ActorId, to: ActorId) -> Option<u16> {
        (from.index() < self.actors && to.index() < self.actors)
            .then(|| (from.index() * self.actors + to.index()) as u16)
    }

    fn step_of(&self, slot: u16) -> Step {
        let slot = usize::from(slot);
        Step {
            from: ActorId((slot / self.actors) as u8),
            to: ActorId((slot % self.actors) as u8),
        }
    }

    /// Where channel `slot` starts and ends in the queue.
    fn range(&self, slot: u16) -> (usize, usize) {
        let start = self.queue.partition_point(|&(s, _)| s < slot);
        let end = start + self.queue[start..].partition_point(|&(s, _)| s == slot);
        (start, end)
    }

    /// Posts `msg` at the tail of the channel from `from` to `to`. Returns
    /// false (and drops the message) if either actor does not exist.
    pub fn post(&mut self, from: ActorId, to: ActorId, msg: Msg) -> bool {
        match self.slot(from, to) {
            Some(slot) => {
                let at = self.queue.partition_point(|&(s, _)| s <= slot);
                self.queue.insert(at, (slot, msg));
                true
            }
            None => false,
        }
    }

    /// The message that `step` would deliver, if its channel is not empty.
    pub fn head(&self, step: Step) -> Option<Msg> {
        let slot = self.slot(step.from, step.to)?;
        let (start, end) = self.range(slot);
        (start < end).then(|| self.queue[start].1)
    }

    /// Removes and returns the head of the channel `step` names.
    pub fn take(&mut self, step: Step) -> Option<Msg> {
        let slot = self.slot(step.from, step.to)?;
        let (start, end) = self.range(slot);
        (start < end).then(|| self.queue.remove(start).1)
    }

    /// Every step possible now, with the message it delivers, in a fixed order
    /// (by sender, then receiver).
    pub fn deliverable(&self) -> impl Iterator<Item = (Step, Msg)> + '_ {
        self.queue
            .iter()
            .enumerate()
            .filter(|&(i, &(slot, _))| i == 0 || self.queue[i - 1].0 != slot)
            .map(|(_, &(slot, msg))| (self.step_of(slot), msg))
    }

    /// Every message in flight, channel by channel, head first.
    pub fn in_flight(&self) -> impl Iterator<Item = (Step, Msg)> + '_ {
        self.queue
            .iter()
            .map(|&(slot, msg)| (self.step_of(slot), msg))
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// The messages in flight as (channel slot, message), sorted by slot and
    /// oldest first; slot = sender * actors + receiver. For compact encodings.
    pub fn raw(&self) -> &[(u16, Msg)] {
        &self.queue
    }

    /// Appends a message to channel `slot`, which must not be smaller than
    /// any slot in the network: rebuilds a network from [`Network::raw`] order.
    pub fn push_raw(&mut self, slot: u16, msg: Msg) {
        debug_assert!(self.queue.last().is_none_or(|&(s, _)| s <= slot));
        self.queue.push((slot, msg));
    }

    /// Messages queued on one channel, head first.
    pub fn channel(&self, step: Step) -> impl Iterator<Item = Msg> + '_ {
        let (start, end) = self
            .slot(step.from, step.to)
            .map_or((0, 0), |slot| self.range(slot));
        self.queue[start..end].iter().map(|&(_, m)| m)
    }
}
