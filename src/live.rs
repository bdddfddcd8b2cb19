//! Live runs: the scenario run for real, many times, with nobody holding
//! messages back. This is the bookkeeping, with no web APIs and no clocks,
//! so it is tested natively; `web::app` drives it with the real workers and
//! real timers.
//!
//! The page still carries every message (workers never post to each other),
//! but forwards each one as soon as its sender's worker reports it, keeping
//! each channel first in, first out. An optional random delay per message
//! (up to `jitter_ms`, drawn from a seeded generator) shakes the timing. The
//! schedule of a run is the order in which the workers' replies reach the
//! page: a message is posted only after its send was reported, and each
//! worker answers in order, so that order is a schedule the model accepts,
//! and replaying it in the model must end in the workers' own states.
//!
//! Where the protocol's network is unordered, each message waits out its
//! own delay and is posted when it ends, whatever was sent before it on
//! its channel. Where the network may lose or duplicate messages, the same
//! seeded generator decides, for each message between two actors while
//! the budget lasts, whether it is lost (never posted; probability 1/4)
//! or else duplicated (posted twice in a row; 1/4). The run keeps a copy of the messages in flight
//! as the model sees them, so every step it records (`1F.2`, `1F.lost`,
//! `1F.dup`) is one the model accepts at that point. With a reliable FIFO
//! network nothing more is drawn, so such runs are as they always were.

use std::collections::VecDeque;

use crate::sorted::SortedMap;

use crate::model::{
    Act, ActorId, ActorState, Faults, Msg, Network, Outbox, Outcome, Scenario, Schedule, Step,
    System,
};

/// The most runs one batch may ask for.
pub const MAX_RUNS: u32 = 10_000;
/// The largest random delay per message, in milliseconds.
pub const MAX_JITTER_MS: u32 = 50;

/// SplitMix64: small, fast, and the same sequence everywhere for a seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..=max`.
    pub fn up_to(&mut self, max: u32) -> u32 {
        (((self.next_u64() >> 32) * (u64::from(max) + 1)) >> 32) as u32
    }
}

/// What the page must do, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Post `msg` from `from` to the worker of `to` now.
    Post {
        from: ActorId,
        to: ActorId,
        msg: Msg,
    },
    /// After `ms` milliseconds, call [`Run::release`] for this channel and
    /// this `id`.
    Wait {
        from: ActorId,
        to: ActorId,
        ms: u32,
        id: u32,
    },
}

/// What the network does with a message, drawn when it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Deliver,
    Lose,
    Duplicate,
}

/// A message waiting out its delay.
#[derive(Clone, Copy, Debug)]
struct Held {
    id: u32,
    msg: Msg,
    fate: Fate,
}

/// A delivery posted to a worker and not yet answered.
#[derive(Clone, Copy, Debug)]
struct Posted {
    from: ActorId,
    msg: Msg,
    /// The first of a duplicated message's two deliveries.
    first_copy: bool,
}

/// One live run's bookkeeping.
#[derive(Clone, Debug)]
pub struct Run {
    actors: usize,
    jitter_ms: u32,
    rng: Rng,
    /// Messages waiting out their delay, per channel (`from * actors + to`),
    /// oldest first. In a FIFO network a release posts the oldest, so
    /// channels stay FIFO whatever order the timers fire in; in an
    /// unordered one, the message whose delay ended.
    held: Vec<VecDeque<Held>>,
    held_total: usize,
    next_id: u32,
    /// Per receiver: the deliveries posted to its worker and not yet
    /// answered, oldest first (a worker answers in order).
    posted: Vec<VecDeque<Posted>>,
    posted_total: usize,
    /// Per channel of a FIFO network, the messages released and not yet in
    /// the schedule, oldest first: `true` for one lost, which is recorded
    /// once every message before it on its channel has been.
    released: Vec<VecDeque<bool>>,
    /// The messages in flight as the model sees them, for the steps'
    /// indices; and what is left of the fault budgets.
    net: Network,
    faults: Faults,
    /// The workers' states as last reported; `None` until started.
    states: Vec<Option<ActorState>>,
    schedule: Vec<Step>,
    /// A handler stopped with a runtime error: the run ended at that
    /// delivery. Answers to deliveries already posted are still awaited
    /// (so every worker is idle before the next run) but are not part of it.
    failed: bool,
}

impl Run {
    /// Run number `index` of a batch seeded with `seed`: each run draws its
    /// delays from its own stream, so any run's delays can be drawn again.
    pub fn new(actors: usize, jitter_ms: u32, seed: u64, index: u32) -> Run {
        let mut mix = Rng::new(seed ^ ((u64::from(index) << 32) | u64::from(index)));
        Run {
            actors,
            jitter_ms: jitter_ms.min(MAX_JITTER_MS),
            rng: Rng::new(mix.next_u64()),
            held: vec![VecDeque::new(); actors * actors],
            held_total: 0,
            next_id: 0,
            posted: vec![VecDeque::new(); actors],
            posted_total: 0,
            released: vec![VecDeque::new(); actors * actors],
            net: Network::new(actors),
            faults: Faults::default(),
            states: vec![None; actors],
            schedule: Vec::new(),
            failed: false,
        }
    }

    /// Run number `index` of a batch of `system`'s runs, under its
    /// protocol's network: unordered if it says so, and its faults drawn
    /// within its budgets.
    pub fn for_system(system: &System, jitter_ms: u32, seed: u64, index: u32) -> Run {
        let mut run = Run::new(system.actors(), jitter_ms, seed, index);
        run.net = Network::with_order(system.actors(), system.init().net.unordered());
        run.faults = system.budgets();
        run
    }

    /// Actor `actor`'s worker (re)started in `state`, having sent `sent`.
    pub fn started(
        &mut self,
        actor: ActorId,
        state: ActorState,
        sent: &Outbox,
        out: &mut Vec<Action>,
    ) -> Result<(), String> {
        let slot = self.states.get_mut(actor.index()).ok_or_else(|| {
            format!(
                "a reply came from actor {}, which this run does not have",
                actor.0
            )
        })?;
        if slot.is_some() {
            return Err(format!("actor {} started twice in one run", actor.0));
        }
        *slot = Some(state);
        if self.failed {
            return Ok(()); // the run already ended: what it sends goes nowhere
        }
        self.send_all(actor, sent, out)
    }

    /// Actor `actor`'s worker handled the oldest delivery posted to it;
    /// `failed`: its handler stopped with a runtime error, which ends the
    /// run (nothing held back is posted any more).
    pub fn handled(
        &mut self,
        actor: ActorId,
        state: ActorState,
        sent: &Outbox,
        failed: bool,
        out: &mut Vec<Action>,
    ) -> Result<(), String> {
        let posted = self
            .posted
            .get_mut(actor.index())
            .and_then(VecDeque::pop_front)
            .ok_or_else(|| format!("actor {} answered a delivery nobody posted", actor.0))?;
        self.posted_total -= 1;
        if self.failed {
            return Ok(()); // posted before the run ended; not part of it
        }
        self.states[actor.index()] = Some(state);
        let act = if posted.first_copy {
            Act::Duplicate
        } else {
            Act::Deliver
        };
        self.record(posted.from, actor, posted.msg, act);
        if !self.net.unordered() {
            let ch = posted.from.index() * self.actors + actor.index();
            self.released[ch].pop_front();
            self.record_losses(posted.from, actor);
        }
        if failed {
            self.failed = true;
            for queue in &mut self.held {
                queue.clear();
            }
            self.held_total = 0;
            return Ok(());
        }
        self.send_all(actor, sent, out)
    }

    /// A delay on channel `from → to` ended: in a FIFO network its oldest
    /// held message goes, in an unordered one message `id`. Unless the
    /// network loses it: then it is never posted.
    pub fn release(&mut self, from: ActorId, to: ActorId, id: u32, out: &mut Vec<Action>) {
        let ch = from.index() * self.actors + to.index();
        let Some(queue) = self.held.get_mut(ch) else {
            return;
        };
        let at = if self.net.unordered() {
            queue.iter().position(|h| h.id == id)
        } else {
            (!queue.is_empty()).then_some(0)
        };
        if let Some(held) = at.and_then(|at| queue.remove(at)) {
            self.held_total -= 1;
            self.let_go(from, to, held, out);
        }
    }

    /// A message whose delay is over: posted, posted twice, or lost.
    fn let_go(&mut self, from: ActorId, to: ActorId, held: Held, out: &mut Vec<Action>) {
        let ch = from.index() * self.actors + to.index();
        match held.fate {
            Fate::Lose if self.net.unordered() => self.record(from, to, held.msg, Act::Lose),
            Fate::Lose => {
                self.released[ch].push_back(true);
                self.record_losses(from, to);
            }
            Fate::Deliver | Fate::Duplicate => {
                let copies = if held.fate == Fate::Duplicate { 2 } else { 1 };
                for copy in 0..copies {
                    if !self.net.unordered() {
                        self.released[ch].push_back(false);
                    }
                    self.post(from, to, held.msg, copies == 2 && copy == 0, out);
                }
            }
        }
    }

    /// Records the losses at the front of a FIFO channel: each is the
    /// channel's head in the model once everything before it is recorded.
    fn record_losses(&mut self, from: ActorId, to: ActorId) {
        let ch = from.index() * self.actors + to.index();
        while self.released[ch].front() == Some(&true) {
            self.released[ch].pop_front();
            if let Some(msg) = self.net.head(Step::new(from, to)) {
                self.record(from, to, msg, Act::Lose);
            }
        }
    }

    /// Appends the step that does `act` to `msg` on its channel, as the
    /// model names it, and takes it out of the run's copy of the network.
    fn record(&mut self, from: ActorId, to: ActorId, msg: Msg, act: Act) {
        let pick = self
            .net
            .channel(Step::new(from, to))
            .position(|m| m == msg)
            .unwrap_or(0);
        let step = Step {
            pick: pick.min(usize::from(u16::MAX)) as u16,
            act,
            ..Step::new(from, to)
        };
        self.net.take(step);
        self.schedule.push(step);
    }

    /// What the network will do with a message just sent: drawn from the
    /// run's generator only where a budget is left, so a reliable network's
    /// runs draw exactly the delays they always did.
    fn fate(&mut self, from: ActorId, to: ActorId) -> Fate {
        if from == to {
            return Fate::Deliver; // a timer does not cross the network
        }
        if self.faults.lose > 0 && self.rng.up_to(3) == 0 {
            self.faults.lose -= 1;
            return Fate::Lose;
        }
        if self.faults.duplicate > 0 && self.rng.up_to(3) == 0 {
            self.faults.duplicate -= 1;
            return Fate::Duplicate;
        }
        Fate::Deliver
    }

    fn send_all(
        &mut self,
        from: ActorId,
        sent: &Outbox,
        out: &mut Vec<Action>,
    ) -> Result<(), String> {
        for &(to, msg) in sent {
            if to.index() >= self.actors {
                return Err(format!(
                    "actor {} sent to actor {}, which does not exist",
                    from.0, to.0
                ));
            }
            let ch = from.index() * self.actors + to.index();
            self.net.post(from, to, msg);
            let fate = self.fate(from, to);
            let ms = if self.jitter_ms == 0 {
                0
            } else {
                self.rng.up_to(self.jitter_ms)
            };
            let held = Held {
                id: self.next_id,
                msg,
                fate,
            };
            self.next_id = self.next_id.wrapping_add(1);
            if ms == 0 && self.held[ch].is_empty() {
                self.let_go(from, to, held, out);
            } else {
                self.held[ch].push_back(held);
                self.held_total += 1;
                out.push(Action::Wait {
                    from,
                    to,
                    ms,
                    id: held.id,
                });
            }
        }
        Ok(())
    }

    fn post(
        &mut self,
        from: ActorId,
        to: ActorId,
        msg: Msg,
        first_copy: bool,
        out: &mut Vec<Action>,
    ) {
        self.posted[to.index()].push_back(Posted {
            from,
            msg,
            first_copy,
        });
        self.posted_total += 1;
        out.push(Action::Post { from, to, msg });
    }

    /// Every worker started, nothing held back, nothing awaiting an answer:
    /// the run is over.
    pub fn is_over(&self) -> bool {
        self.held_total == 0 && self.posted_total == 0 && self.states.iter().all(Option::is_some)
    }

    /// Whether a handler stopped with a runtime error, ending the run.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// Messages posted and not yet answered, plus those held back: bounded
    /// by what the scenario's actors send in one run.
    pub fn in_flight(&self) -> usize {
        self.held_total + self.posted_total
    }

    /// The actors whose workers owe an answer: not yet started, or with a
    /// delivery posted and unanswered. When a run stalls, these are the
    /// suspects.
    pub fn waiting_on(&self) -> Vec<ActorId> {
        (0..self.actors)
            .filter(|&i| self.states[i].is_none() || !self.posted[i].is_empty())
            .map(|i| ActorId(i as u8))
            .collect()
    }

    /// The deliveries so far, in the order the workers' answers arrived.
    pub fn schedule(&self) -> Schedule {
        Schedule(self.schedule.clone())
    }

    /// The run's outcome, checked: its schedule is replayed in the model,
    /// which must end where the workers ended.
    pub fn finish(&self, scenario: &Scenario) -> Result<(Outcome, Schedule), String> {
        let schedule = self.schedule();
        let system = scenario.system();
        let (world, _) = system
            .replay(&schedule)
            .map_err(|e| format!("the model refuses the schedule the workers followed ({e})"))?;
        if !world.is_final() {
            return Err(
                "the workers went quiet while the model still has messages in flight".into(),
            );
        }
        // After a runtime error, deliveries already posted went on in their
        // workers; the model's run ended at the error, so states differ.
        let compared = if self.failed { 0 } else { world.states.len() };
        for (i, (model, worker)) in world
            .states
            .iter()
            .zip(&self.states)
            .enumerate()
            .take(compared)
        {
            if worker.as_ref() != Some(model) {
                return Err(format!(
                    "{}'s worker ended in a state the model does not reach by the same schedule",
                    system.name(ActorId(i as u8))
                ));
            }
        }
        Ok((system.outcome(&world), schedule))
    }
}

/// How often each outcome happened in a batch of live runs, and every run's
/// schedule (so any run can be loaded into the stepper).
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Per outcome: how many runs ended so, and the first of them (0-based).
    pub outcomes: SortedMap<Outcome, (u32, u32)>,
    /// Run `i`'s schedule, as steps.
    runs: Vec<Box<[Step]>>,
}

impl Tally {
    pub fn record(&mut self, outcome: Outcome, schedule: Schedule) {
        let index = self.runs.len() as u32;
        self.outcomes.get_or_insert_with(outcome, || (0, index)).0 += 1;
        self.runs.push(schedule.0.into_boxed_slice());
    }

    pub fn runs(&self) -> u32 {
        self.runs.len() as u32
    }

    /// Run `index` (0-based)'s schedule.
    pub fn schedule(&self, index: u32) -> Option<Schedule> {
        self.runs.get(index as usize).map(|s| Schedule(s.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_uniform_enough_and_repeatable() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let mut counts = [0u32; 5];
        for _ in 0..5000 {
            let x = a.up_to(4);
            assert_eq!(x, b.up_to(4));
            counts[x as usize] += 1;
        }
        for c in counts {
            assert!((800..1200).contains(&c), "{counts:?}");
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}
