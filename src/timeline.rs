//! Time travel over the stepper's run: what was delivered, what was undone,
//! the branches left behind, and which send each delivery consumed.
//!
//! The page is the network: it holds the world (every actor's state and the
//! messages in flight) and moves it on one delivery at a time, each handled
//! by the receiver's worker. A [`Timeline`] is that bookkeeping with no
//! worker in it. The page asks it what to do and does it:
//!
//! - [`Timeline::begin`] takes a channel's head out of the network and
//!   gives the message to hand to the receiver's worker; the worker's answer
//!   goes to [`Timeline::answer`], which puts what the receiver sent in
//!   flight. One delivery is outstanding at a time.
//! - [`Timeline::jump`] and [`Timeline::return_to_branch`] answer with a
//!   [`Travel`]: the workers to put back into earlier states (the timeline's
//!   own world already is there), then the deliveries to redo, each again
//!   through `begin` and `answer`.
//! - Going back keeps the undone deliveries as the *future*: redoing the
//!   next one continues the run, delivering anything else starts a new
//!   branch, and the future abandoned is kept as a branch (a whole schedule)
//!   that can be returned to.
//! - [`Timeline::arrows`] matches every send with the step that consumed
//!   it (or lost it), for the space-time diagram.
//!
//! Nothing here knows what a message means: the answers come from the
//! actors' code (in the workers, or [`System::deliver`] in the tests), and
//! terminating an actor is [`System::terminate`]. The tests check that the
//! world on show is always the model's world after the schedule on show.

use std::collections::VecDeque;

use crate::sorted::SortedMap;

use crate::lang::RunError;
use crate::model::{
    Act, ActorId, ActorState, Delivery, Failure, Handled, Msg, Outbox, Schedule, Step, System,
    World,
};

/// One delivery of the run on show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub step: Step,
    pub msg: Msg,
    /// How the receiver took it, once it has answered.
    pub handled: Option<Handled>,
    /// What the receiver sent while handling it (empty until it answered).
    pub sent: Outbox,
    /// The runtime error that stopped the handler, if one did.
    pub error: Option<RunError>,
    /// Chosen by the person, not redone by a jump or replayed from a link.
    pub by_hand: bool,
    /// The world just before it: where going back to it returns.
    before: World,
}

impl Entry {
    /// The world just before this delivery.
    pub fn before(&self) -> &World {
        &self.before
    }

    /// The delivery as the model describes one, once it was answered.
    pub fn delivery(&self) -> Option<Delivery> {
        self.handled.map(|handled| Delivery {
            step: self.step,
            msg: self.msg,
            handled,
            sent: self.sent.clone(),
            error: self.error.clone(),
        })
    }
}

/// An actor killed at once ([`System::terminate`]), after `after` deliveries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terminated {
    pub after: usize,
    pub actor: ActorId,
    /// What was in flight to it and so was dropped, never handled.
    pub dropped: Vec<(Step, Msg)>,
}

/// What the page must do to carry out a jump or a return to a branch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Travel {
    /// Workers to put back into these states: every actor an undone
    /// delivery reached, in the order first reached. The timeline's world
    /// is already back there.
    pub restore: Vec<(ActorId, ActorState)>,
    /// Then these deliveries to redo, in order, each through
    /// [`Timeline::begin`] and [`Timeline::answer`].
    pub redo: Vec<Step>,
    /// The number of deliveries on show once the deliveries are redone.
    pub to: usize,
}

/// Why the timeline would not travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// A delivery is still waiting for its answer.
    Pending,
    /// Going there would need a terminated actor back.
    Terminated,
    /// There is no such point or branch.
    Nowhere,
}

/// One message of the run on show, from its send to its delivery: sent at
/// time `sent` (0 is the start, k just after the k-th delivery) and
/// delivered by delivery `delivered`, if it has been.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrow {
    pub step: Step,
    pub msg: Msg,
    pub sent: usize,
    pub delivered: Option<usize>,
    /// Never delivered because its receiver was terminated.
    pub dropped: bool,
    /// Lost by the network at step `delivered`: it never arrived.
    pub lost: bool,
}

/// The run on show, its undone future, and the branches left.
#[derive(Clone, Debug)]
pub struct Timeline {
    start: World,
    now: World,
    past: Vec<Entry>,
    /// Undone deliveries, the next one last.
    future: Vec<Step>,
    /// Abandoned runs, as whole schedules, oldest first.
    branches: Vec<Schedule>,
    terminated: Option<Terminated>,
}

impl Timeline {
    /// A run starting from `start` (a system's [`System::init`]).
    pub fn new(start: World) -> Timeline {
        Timeline {
            now: start.clone(),
            start,
            past: Vec::new(),
            future: Vec::new(),
            branches: Vec::new(),
            terminated: None,
        }
    }

    /// Starts over from `start` (Reset, or another schedule of the same
    /// scenario): the run and its future go, the branches stay.
    pub fn restart(&mut self, start: World) {
        let branches = std::mem::take(&mut self.branches);
        *self = Timeline::new(start);
        self.branches = branches;
    }

    /// The world on show: every actor's state as last answered, and the
    /// messages in flight (not the one being delivered).
    pub fn world(&self) -> &World {
        &self.now
    }

    /// The deliveries on show, oldest first.
    pub fn past(&self) -> &[Entry] {
        &self.past
    }

    /// The last message delivered to `id` in the deliveries on show (a
    /// lost one never arrived), which its state on show is described by.
    pub fn last_received(&self, id: ActorId) -> Option<Msg> {
        self.past
            .iter()
            .rev()
            .find(|e| e.step.to == id && e.step.delivers())
            .map(|e| e.msg)
    }

    /// How many deliveries are on show.
    pub fn len(&self) -> usize {
        self.past.len()
    }

    pub fn is_empty(&self) -> bool {
        self.past.is_empty()
    }

    /// The schedule on show.
    pub fn schedule(&self) -> Schedule {
        Schedule(self.past.iter().map(|e| e.step).collect())
    }

    /// The next undone delivery, which stepping forward redoes.
    pub fn next(&self) -> Option<Step> {
        self.future.last().copied()
    }

    /// The undone deliveries, next first.
    pub fn future(&self) -> Schedule {
        Schedule(self.future.iter().rev().copied().collect())
    }

    /// The last point going forward reaches: deliveries on show and undone.
    pub fn end(&self) -> usize {
        self.past.len() + self.future.len()
    }

    /// Abandoned runs, oldest first.
    pub fn branches(&self) -> &[Schedule] {
        &self.branches
    }

    pub fn terminated(&self) -> Option<&Terminated> {
        self.terminated.as_ref()
    }

    /// A delivery has begun and its answer has not come yet.
    pub fn pending(&self) -> bool {
        self.past.last().is_some_and(|e| e.handled.is_none())
    }

    /// Begins delivering the message `step` picks (see [`World::take`]):
    /// returns the message to hand to its receiver, or `None` if the step
    /// is not possible or a delivery is pending. A loss is answered at once
    /// by the page ([`Handled::Lost`], the receiver's state unchanged): no
    /// worker sees it. Redoing the next undone delivery continues the
    /// run; anything else abandons the future, kept as a branch.
    pub fn begin(&mut self, step: Step, by_hand: bool) -> Option<Msg> {
        if self.pending() || self.now.failed.is_some() || !self.now.faults.allow(step.act) {
            return None;
        }
        self.now.net.head(step)?;
        if self.future.last() == Some(&step) {
            self.future.pop();
        } else {
            self.abandon_future();
        }
        let before = self.now.clone();
        let msg = self.now.take(step)?;
        self.past.push(Entry {
            step,
            msg,
            handled: None,
            sent: Outbox::new(),
            error: None,
            by_hand,
            before,
        });
        Some(msg)
    }

    /// The receiver's answer to the pending delivery: how it took it, its
    /// new state and what it sent, which is put in flight, or the runtime
    /// error that ended the run. Returns the completed entry, or `None` if
    /// nothing was pending.
    pub fn answer(
        &mut self,
        handled: Handled,
        state: ActorState,
        sent: Outbox,
        error: Option<RunError>,
    ) -> Option<&Entry> {
        if !self.pending() {
            return None;
        }
        let entry = self.past.last_mut()?;
        let to = entry.step.to;
        if let Some(s) = self.now.states.get_mut(to.index()) {
            *s = state;
        }
        match &error {
            Some(e) => {
                self.now.failed = Some(Failure {
                    actor: to,
                    error: e.clone(),
                })
            }
            None => {
                for &(receiver, msg) in &sent {
                    self.now.net.post(to, receiver, msg);
                }
            }
        }
        entry.handled = Some(handled);
        entry.sent = sent;
        entry.error = error;
        Some(entry)
    }

    /// Goes to just after delivery `k` of the run (0 is the start): back by
    /// undoing deliveries, forward by redoing undone ones.
    pub fn jump(&mut self, k: usize) -> Result<Travel, Refused> {
        if self.pending() {
            return Err(Refused::Pending);
        }
        let now = self.past.len();
        if k > self.end() {
            return Err(Refused::Nowhere);
        }
        if k < now {
            self.check_can_rewind(k)?;
            let (restore, undone) = self.rewind(k);
            self.future.extend(undone.into_iter().rev());
            return Ok(Travel {
                restore,
                redo: Vec::new(),
                to: k,
            });
        }
        Ok(Travel {
            restore: Vec::new(),
            redo: self.future.iter().rev().take(k - now).copied().collect(),
            to: k,
        })
    }

    /// Undoes the last delivery.
    pub fn step_back(&mut self) -> Result<Travel, Refused> {
        let k = self.past.len().checked_sub(1).ok_or(Refused::Nowhere)?;
        self.jump(k)
    }

    /// Makes branch `index` the run on show: back to where it parted from
    /// the run (counting the future), then forward along it. The run left
    /// is kept as a branch in its place, unless the branch contains it.
    pub fn return_to_branch(&mut self, index: usize) -> Result<Travel, Refused> {
        if self.pending() {
            return Err(Refused::Pending);
        }
        let branch = self.branches.get(index).ok_or(Refused::Nowhere)?;
        let mut current = self.schedule();
        current.0.extend(self.future.iter().rev());
        let common = current
            .0
            .iter()
            .zip(&branch.0)
            .take_while(|(a, b)| a == b)
            .count();
        let back_to = common.min(self.past.len());
        // Branches are schedules with every actor alive: one that parts
        // from the run at or before a termination cannot be followed
        // without bringing the terminated actor back.
        if self.terminated.as_ref().is_some_and(|t| back_to <= t.after) {
            return Err(Refused::Terminated);
        }
        let branch = self.branches.remove(index);
        if current.len() > common && !self.branches.contains(&current) {
            self.branches.push(current);
        }
        let (restore, _) = self.rewind(back_to);
        let redo = branch.0[back_to..].to_vec();
        self.future = redo.iter().rev().copied().collect();
        Ok(Travel {
            restore,
            redo,
            to: branch.len(),
        })
    }

    /// Keeps `run` among the branches (once), for [`Timeline::return_to_branch`]
    /// to follow: how the page offers a run that parts from this one, such
    /// as the alternative at a point of no return. Returns its index, or
    /// `None` when `run` is the run on show (with its future) already.
    pub fn offer_branch(&mut self, run: Schedule) -> Option<usize> {
        let mut current = self.schedule();
        current.0.extend(self.future.iter().rev());
        if run == current {
            return None;
        }
        if let Some(i) = self.branches.iter().position(|b| *b == run) {
            return Some(i);
        }
        self.branches.push(run);
        Some(self.branches.len() - 1)
    }

    /// Kills `actor` at once ([`System::terminate`]): what is in flight to
    /// it is dropped, and the run cannot go back before this point. The
    /// future, which had the actor alive, is kept as a branch.
    pub fn terminate(&mut self, system: &System, actor: ActorId) -> Result<(), Refused> {
        if self.pending() {
            return Err(Refused::Pending);
        }
        if self.terminated.is_some() {
            return Err(Refused::Terminated);
        }
        self.abandon_future();
        let dropped = system.terminate(&mut self.now, actor);
        self.terminated = Some(Terminated {
            after: self.past.len(),
            actor,
            dropped,
        });
        Ok(())
    }

    /// Every message of the run on show: each step meets the oldest send
    /// still unmatched on its channel that carried the same message (in a
    /// FIFO channel, its head); a duplication leaves that send unmatched,
    /// so the copy meets it again. Delivered (or lost) ones come first, in
    /// step order; then those never delivered, by channel (the network's
    /// order) and oldest first.
    pub fn arrows(&self) -> Vec<Arrow> {
        let mut queues: SortedMap<Step, VecDeque<(usize, Msg)>> = SortedMap::new();
        for (step, msg) in self.start.net.in_flight() {
            queues.get_or_default(step).push_back((0, msg));
        }
        let mut out = Vec::new();
        for (k, entry) in self.past.iter().enumerate() {
            let sent = queues.get_mut(&entry.step.channel()).and_then(|queue| {
                let at = queue.iter().position(|&(_, m)| m == entry.msg)?;
                if entry.step.act == Act::Duplicate {
                    queue.get(at).map(|&(t, _)| t)
                } else {
                    queue.remove(at).map(|(t, _)| t)
                }
            });
            out.push(Arrow {
                step: entry.step,
                msg: entry.msg,
                sent: sent.unwrap_or(0),
                delivered: Some(k + 1),
                dropped: false,
                lost: entry.step.act == Act::Lose,
            });
            for &(to, msg) in &entry.sent {
                let step = Step::new(entry.step.to, to);
                queues.get_or_default(step).push_back((k + 1, msg));
            }
        }
        let killed = self.terminated.as_ref().map(|t| t.actor);
        for (step, queue) in queues {
            for (sent, msg) in queue {
                out.push(Arrow {
                    step,
                    msg,
                    sent,
                    delivered: None,
                    dropped: killed == Some(step.to),
                    lost: false,
                });
            }
        }
        out
    }

    fn check_can_rewind(&self, k: usize) -> Result<(), Refused> {
        match &self.terminated {
            Some(t) if k < t.after => Err(Refused::Terminated),
            _ => Ok(()),
        }
    }

    /// Undoes every delivery after the first `k`: returns the actors to put
    /// back (and their states then) and the steps undone, oldest first.
    fn rewind(&mut self, k: usize) -> (Vec<(ActorId, ActorState)>, Vec<Step>) {
        let undone = self.past.split_off(k.min(self.past.len()));
        let Some(first) = undone.first() else {
            return (Vec::new(), Vec::new());
        };
        self.now = first.before.clone();
        let mut restore: Vec<(ActorId, ActorState)> = Vec::new();
        for entry in &undone {
            let to = entry.step.to;
            if restore.iter().all(|(id, _)| *id != to) {
                if let Some(state) = self.now.states.get(to.index()) {
                    restore.push((to, state.clone()));
                }
            }
        }
        (restore, undone.iter().map(|e| e.step).collect())
    }

    /// Keeps the run with its future as a branch, and drops the future.
    fn abandon_future(&mut self) {
        if self.future.is_empty() {
            return;
        }
        let mut abandoned = self.schedule();
        abandoned.0.extend(self.future.drain(..).rev());
        if !self.branches.contains(&abandoned) {
            self.branches.push(abandoned);
        }
    }
}
