//! The network: one channel per (sender, receiver) pair. One step picks a
//! message of one channel and delivers it, or, where the protocol allows
//! faults, loses it or delivers it while keeping a copy in flight. The page
//! holds its messages in flight in this very type, and the explorer's
//! states contain one, so "what can happen next" is decided in one place:
//! [`Network::deliverable`].
//!
//! Channels are FIFO (only a channel's head can arrive) unless the network
//! is *unordered*, when any message in flight can. An unordered channel is
//! a bag: its messages are kept sorted (by kind, then fields), so two
//! networks holding the same messages are equal, and equal messages in one
//! channel are one choice, not several that lead to the same world.

use serde::{Deserialize, Serialize};

use super::actor::{ActorId, Msg};
use super::schedule::{Act, Step};

/// What is left of the protocol's fault budgets in a run: how many more
/// messages the network may lose, and duplicate. Part of every world, so
/// two worlds that differ only in what the network may still do are two
/// states.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Faults {
    pub lose: u8,
    pub duplicate: u8,
}

impl Faults {
    /// Whether `act` is within the budget.
    pub fn allow(self, act: Act) -> bool {
        match act {
            Act::Deliver => true,
            Act::Lose => self.lose > 0,
            Act::Duplicate => self.duplicate > 0,
        }
    }

    /// Spends the budget `act` takes, if it takes one and one is left.
    pub fn spend(&mut self, act: Act) -> bool {
        let left = match act {
            Act::Deliver => return true,
            Act::Lose => &mut self.lose,
            Act::Duplicate => &mut self.duplicate,
        };
        match left.checked_sub(1) {
            Some(l) => {
                *left = l;
                true
            }
            None => false,
        }
    }
}

/// Messages in flight, all in one vector ordered by channel (sender, then
/// receiver) and, within a channel, oldest first. So iteration order is fixed
/// (no hash order), equal networks are equal vectors, and copying one is a
/// single copy: the explorer copies a network for every successor it tries.
#[derive(Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Network {
    actors: usize,
    /// Any message in flight may arrive next, not only each channel's head.
    unordered: bool,
    /// (channel slot, message), sorted by slot; within a slot oldest first
    /// (FIFO) or sorted by message (unordered).
    queue: Vec<(u16, Msg)>,
}

impl Clone for Network {
    fn clone(&self) -> Network {
        Network {
            actors: self.actors,
            unordered: self.unordered,
            queue: self.queue.clone(),
        }
    }

    /// Reuses this network's buffer.
    fn clone_from(&mut self, source: &Network) {
        self.actors = source.actors;
        self.unordered = source.unordered;
        self.queue.clone_from(&source.queue);
    }
}

impl Network {
    /// An empty network of FIFO channels.
    pub fn new(actors: usize) -> Network {
        Network::with_order(actors, false)
    }

    /// An empty network; `unordered`: any message in flight may arrive next.
    pub fn with_order(actors: usize, unordered: bool) -> Network {
        Network {
            actors,
            unordered,
            queue: Vec::new(),
        }
    }

    /// Whether any message in flight may arrive next.
    pub fn unordered(&self) -> bool {
        self.unordered
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
        Step::new(
            ActorId((slot / self.actors) as u8),
            ActorId((slot % self.actors) as u8),
        )
    }

    /// Where channel `slot` starts and ends in the queue.
    fn range(&self, slot: u16) -> (usize, usize) {
        let start = self.queue.partition_point(|&(s, _)| s < slot);
        let end = start + self.queue[start..].partition_point(|&(s, _)| s == slot);
        (start, end)
    }

    /// Posts `msg` at the tail of the channel from `from` to `to` (in an
    /// unordered network, in its sorted place). Returns false (and drops
    /// the message) if either actor does not exist.
    pub fn post(&mut self, from: ActorId, to: ActorId, msg: Msg) -> bool {
        match self.slot(from, to) {
            Some(slot) => {
                let at = if self.unordered {
                    self.queue.partition_point(|&(s, m)| (s, m) <= (slot, msg))
                } else {
                    self.queue.partition_point(|&(s, _)| s <= slot)
                };
                self.queue.insert(at, (slot, msg));
                true
            }
            None => false,
        }
    }

    /// Where in the queue the message `step` picks is, if it can be picked:
    /// the channel has that many messages, and past the head only in an
    /// unordered network; a fault never touches a message an actor sent
    /// itself. (Budgets are the world's: see [`Network::deliverable`].)
    #[inline]
    fn position(&self, step: Step) -> Option<usize> {
        let slot = self.slot(step.from, step.to)?;
        if step.act != Act::Deliver && step.from == step.to {
            return None;
        }
        if step.pick > 0 && !self.unordered {
            return None;
        }
        let (start, end) = self.range(slot);
        let at = start + usize::from(step.pick);
        (at < end).then_some(at)
    }

    /// The message `step` picks (for a plain step, its channel's head), if
    /// the step is possible in this network.
    pub fn head(&self, step: Step) -> Option<Msg> {
        self.position(step).map(|at| self.queue[at].1)
    }

    /// Takes the message `step` picks out of its channel and returns it;
    /// for a duplication, returns it and leaves it in flight (where it was:
    /// still at the head of a FIFO channel). Does not look at budgets.
    pub fn take(&mut self, step: Step) -> Option<Msg> {
        let at = self.position(step)?;
        Some(match step.act {
            Act::Duplicate => self.queue[at].1,
            Act::Deliver | Act::Lose => self.queue.remove(at).1,
        })
    }

    /// Every step possible now, with the message it picks, in a fixed
    /// order: by sender, then receiver; within a channel, its head only
    /// (FIFO), or each *different* message once, in the channel's order
    /// (unordered: picking either of two equal messages is one step, as
    /// it gives one world); and for each message, delivering it, then, if
    /// `faults` allows and it is not a message to oneself, losing it, then
    /// duplicating it. (Past index 65,534 of one channel nothing is offered:
    /// no protocol the explorer can finish comes near.)
    pub fn deliverable(&self, faults: Faults) -> Deliverable<'_> {
        Deliverable {
            net: self,
            faults,
            next: 0,
            start: 0,
            current: None,
            act: 0,
        }
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

    /// Messages queued on one channel, head first (unordered: in the sorted
    /// order that [`Step::pick`] counts in).
    pub fn channel(&self, step: Step) -> impl Iterator<Item = Msg> + '_ {
        let (start, end) = self
            .slot(step.from, step.to)
            .map_or((0, 0), |slot| self.range(slot));
        self.queue[start..end].iter().map(|&(_, m)| m)
    }

    /// What the next step can do, message by message, as the stepper
    /// offers it: [`Network::deliverable`] grouped by the message each step
    /// picks, in the same order, with what the network may do to it
    /// instead and what waits in its channel. The one place the page
    /// learns channel order from.
    pub fn offers(&self, faults: Faults) -> Vec<Offer> {
        let mut offers: Vec<Offer> = Vec::new();
        for (step, msg) in self.deliverable(faults) {
            if step.act != Act::Deliver {
                if let Some(offer) = offers
                    .iter_mut()
                    .rev()
                    .find(|o| o.deliver.channel() == step.channel() && o.deliver.pick == step.pick)
                {
                    offer.faults.push(step);
                }
                continue;
            }
            let (behind, copies) = if self.unordered {
                (Vec::new(), self.channel(step).filter(|&m| m == msg).count())
            } else {
                (self.channel(step).skip(1).collect(), 1)
            };
            offers.push(Offer {
                deliver: step,
                msg,
                faults: Vec::new(),
                behind,
                copies,
            });
        }
        offers
    }
}

/// One message the next step can take (see [`Network::offers`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Delivering it.
    pub deliver: Step,
    pub msg: Msg,
    /// Losing it, then duplicating it, as far as the budgets allow (never
    /// for a message to oneself).
    pub faults: Vec<Step>,
    /// FIFO: the messages queued behind it on its channel, next first.
    pub behind: Vec<Msg>,
    /// Unordered: how many equal messages its channel holds (any one of
    /// them arriving is the same step). 1 in a FIFO channel.
    pub copies: usize,
}

/// The steps [`Network::deliverable`] gives, in its order; an iterator of
/// its own (not a chain of adapters) because the explorer asks for every
/// state's.
pub struct Deliverable<'a> {
    net: &'a Network,
    faults: Faults,
    /// The next queue position to consider, and where its channel starts.
    next: usize,
    start: usize,
    /// The message whose steps are being given, and the next act to try.
    current: Option<(Step, Msg)>,
    act: usize,
}

const ACTS: [Act; 3] = [Act::Deliver, Act::Lose, Act::Duplicate];

impl Iterator for Deliverable<'_> {
    type Item = (Step, Msg);

    fn next(&mut self) -> Option<(Step, Msg)> {
        let queue = &self.net.queue;
        loop {
            if let Some((step, msg)) = self.current {
                while let Some(&act) = ACTS.get(self.act) {
                    self.act += 1;
                    if act == Act::Deliver || (step.from != step.to && self.faults.allow(act)) {
                        return Some((step.with(act), msg));
                    }
                }
                self.current = None;
            }
            let i = self.next;
            let &(slot, msg) = queue.get(i)?;
            self.next += 1;
            if i == 0 || queue[i - 1].0 != slot {
                self.start = i;
            } else if !self.net.unordered || queue[i - 1].1 == msg {
                continue; // not a head, or equal to the message before it
            }
            let Ok(pick) = u16::try_from(i - self.start) else {
                continue;
            };
            if pick == u16::MAX {
                continue;
            }
            self.current = Some((
                Step {
                    pick,
                    ..self.net.step_of(slot)
                },
                msg,
            ));
            self.act = 0;
        }
    }
}
