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

use std::collections::{BTreeMap, VecDeque};

use crate::model::{ActorId, ActorState, Msg, Outbox, Outcome, Scenario, Schedule, Step};

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
    /// After `ms` milliseconds, call [`Run::release`] for this channel.
    Wait { from: ActorId, to: ActorId, ms: u32 },
}

/// One live run's bookkeeping.
#[derive(Clone, Debug)]
pub struct Run {
    actors: usize,
    jitter_ms: u32,
    rng: Rng,
    /// Messages waiting out their delay, per channel (`from * actors + to`),
    /// oldest first. A release posts the oldest, so channels stay FIFO
    /// whatever order the timers fire in.
    held: Vec<VecDeque<Msg>>,
    held_total: usize,
    /// Per receiver: the senders of the deliveries posted to its worker and
    /// not yet answered, oldest first (a worker answers in order).
    posted: Vec<VecDeque<ActorId>>,
    posted_total: usize,
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
            posted: vec![VecDeque::new(); actors],
            posted_total: 0,
            states: vec![None; actors],
            schedule: Vec::new(),
            failed: false,
        }
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
        let from = self
            .posted
            .get_mut(actor.index())
            .and_then(VecDeque::pop_front)
            .ok_or_else(|| format!("actor {} answered a delivery nobody posted", actor.0))?;
        self.posted_total -= 1;
        if self.failed {
            return Ok(()); // posted before the run ended; not part of it
        }
        self.states[actor.index()] = Some(state);
        self.schedule.push(Step::new(from, actor));
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

    /// A delay on channel `from → to` ended: its oldest held message goes.
    pub fn release(&mut self, from: ActorId, to: ActorId, out: &mut Vec<Action>) {
        let ch = from.index() * self.actors + to.index();
        if let Some(msg) = self.held.get_mut(ch).and_then(VecDeque::pop_front) {
            self.held_total -= 1;
            self.post(from, to, msg, out);
        }
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
            let ms = if self.jitter_ms == 0 {
                0
            } else {
                self.rng.up_to(self.jitter_ms)
            };
            if ms == 0 && self.held[ch].is_empty() {
                self.post(from, to, msg, out);
            } else {
                self.held[ch].push_back(msg);
                self.held_total += 1;
                out.push(Action::Wait { from, to, ms });
            }
        }
        Ok(())
    }

    fn post(&mut self, from: ActorId, to: ActorId, msg: Msg, out: &mut Vec<Action>) {
        self.posted[to.index()].push_back(from);
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
    pub outcomes: BTreeMap<Outcome, (u32, u32)>,
    /// Run `i`'s schedule, as steps.
    runs: Vec<Box<[Step]>>,
}

impl Tally {
    pub fn record(&mut self, outcome: Outcome, schedule: Schedule) {
        let index = self.runs.len() as u32;
        self.outcomes.entry(outcome).or_insert((0, index)).0 += 1;
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
