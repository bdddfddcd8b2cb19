//! Genuinely different schedules: schedules that differ only in the order
//! of independent deliveries are one. Two deliveries are independent when
//! they go to different receivers: each takes the head of its own channel
//! and only appends to the tails of others, so doing them in either order
//! gives the same world. The classes are Mazurkiewicz traces.
//!
//! Under the other network semantics the same holds with the step named by
//! its message rather than its place (an unordered channel's order can
//! shift as others post to it), plus one rule: two losses, or two
//! duplications, are dependent even to different receivers, since they
//! spend one budget and the first may leave none for the second.
//!
//! Counted with sleep sets (partial-order reduction): at each state the
//! deliveries are tried in channel order, and a delivery already tried at
//! an ancestor, independent of everything done since, is asleep: trying it
//! again would only reorder independent deliveries. Each class is then
//! walked exactly once. The number of classes from a world `w` with sleep
//! set `S` is the number of classes from `w` none of whose possible first
//! deliveries is in `S`, which does not depend on the order of trying; so
//! it is the same for a world and its renaming under symmetry, and counts
//! are memoised on (representative, renamed sleep set), stored as bytes in
//! a [`Visited`] set like the search's states (looked up, never iterated).

use std::collections::BTreeSet;
use std::marker::PhantomData;

use super::count::Count;
use super::pack::{pack, put_msg, Layout};
use super::symmetry::{Perm, Symmetry};
use super::visited::Visited;
use crate::model::{Act, Msg, Outbox, Outcome, Scenario, Step, System, World};

/// What the partial-order-reduced walk found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classes {
    /// Genuinely different complete schedules; `None` if counting needed
    /// more than the allowed (state, sleep set) pairs (or the state graph
    /// has a cycle, when there is no number to give).
    pub count: Option<Count>,
    /// Deliveries tried: sleep sets skip reorderings of independent ones.
    pub tried: u64,
    /// The outcomes reached: the same set as the full search's.
    pub outcomes: Vec<Outcome>,
}

/// Counts the genuinely different complete schedules of `scenario` (see
/// [`super::Report::traces`]) with sleep sets, and symmetry if `symmetry`, within
/// `max_nodes` (state, sleep set) pairs.
pub fn count_traces(scenario: &Scenario, symmetry: bool, max_nodes: usize) -> Classes {
    fn walk<S: SleepSet>(scenario: &Scenario, symmetry: bool, max: usize) -> Classes {
        let mut traces = Traces::<S>::new(scenario, symmetry, max);
        let count = traces.count();
        Classes {
            count,
            tried: traces.transitions,
            outcomes: traces.outcomes.into_iter().collect(),
        }
    }
    let system = scenario.system();
    let reliable_fifo = !system.init().net.unordered() && system.budgets() == Default::default();
    if reliable_fifo && system.actors() * system.actors() <= 128 {
        walk::<Channels>(scenario, symmetry, max_nodes)
    } else {
        walk::<Steps>(scenario, symmetry, max_nodes)
    }
}

pub(crate) struct Traces<S: SleepSet> {
    system: System,
    /// Every outcome the reduced walk reaches (with people renamed back).
    pub outcomes: BTreeSet<Outcome>,
    symmetry: Symmetry,
    /// Every (representative, renamed sleep set) met, as bytes
    /// ([`SleepSet::put`]), numbered in the order met.
    memo: Visited,
    /// The classes from each pair in `memo`, by its number; `None` while
    /// it is being counted.
    counts: Vec<Option<Count>>,
    /// How many pairs have been counted.
    counted: usize,
    /// The sleep sets' form: only their bytes are kept.
    form: PhantomData<S>,
    limit: usize,
    pub transitions: u64,
}

/// A step as a sleep set holds it: its channel (`from * actors + to`),
/// what the network does, and the message it picks by its content, not
/// its position (which independent deliveries may shift in an unordered
/// channel).
type Key = (u16, Act, Msg);

fn sleep_key(step: Step, msg: Msg, n: usize) -> Key {
    (
        (step.from.index() * n + step.to.index()) as u16,
        step.act,
        msg,
    )
}

/// Whether two steps are independent: either order gives the same world,
/// and neither disables the other. They are when they go to different
/// receivers (each picks a message of its own channel and only adds to
/// others) and do not spend the same budget (two losses, or two
/// duplications, may not both fit what is left).
fn independent(a: Key, b: Key, n: usize) -> bool {
    let to = |k: Key| usize::from(k.0) % n;
    to(a) != to(b) && (a.1 != b.1 || a.1 == Act::Deliver)
}

fn rename_slot(slot: u16, perm: &Perm, n: usize) -> u16 {
    let slot = usize::from(slot);
    let s = perm.step(Step::new(
        crate::model::ActorId((slot / n) as u8),
        crate::model::ActorId((slot % n) as u8),
    ));
    (s.from.index() * n + s.to.index()) as u16
}

/// A set of steps asleep. Two forms, one meaning: the general one, and
/// for reliable FIFO networks (one step per channel, its head, delivered)
/// a bit per channel, which the explorer's largest walks need for speed.
pub(crate) trait SleepSet: Clone + Default + Eq {
    fn contains(&self, k: Key) -> bool;
    fn insert(&mut self, k: Key);
    /// The steps of `self` and `other` independent of `k`.
    fn asleep_after(&self, other: &Self, k: Key, n: usize) -> Self;
    fn renamed(&self, perm: &Perm, n: usize) -> Self;
    /// Appends the set's bytes and then their length, so that a packed
    /// world followed by them tells every (world, set) pair apart.
    fn put(&self, layout: &Layout, out: &mut Vec<u8>);
}

/// Any network: the steps, sorted, so equal sets are equal vectors.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Steps(Vec<Key>);

impl SleepSet for Steps {
    fn contains(&self, k: Key) -> bool {
        self.0.binary_search(&k).is_ok()
    }
    fn insert(&mut self, k: Key) {
        if let Err(at) = self.0.binary_search(&k) {
            self.0.insert(at, k);
        }
    }
    fn asleep_after(&self, other: &Steps, k: Key, n: usize) -> Steps {
        let mut out: Vec<Key> = self
            .0
            .iter()
            .chain(&other.0)
            .copied()
            .filter(|&o| independent(o, k, n))
            .collect();
        out.sort_unstable();
        out.dedup();
        Steps(out)
    }
    fn renamed(&self, perm: &Perm, n: usize) -> Steps {
        let mut out: Vec<Key> = self
            .0
            .iter()
            .map(|&(slot, act, msg)| (rename_slot(slot, perm, n), act, msg))
            .collect();
        out.sort_unstable();
        Steps(out)
    }
    fn put(&self, layout: &Layout, out: &mut Vec<u8>) {
        let start = out.len();
        for &(slot, act, msg) in &self.0 {
            out.extend_from_slice(&slot.to_le_bytes());
            out.push(act as u8);
            put_msg(out, msg, layout);
        }
        let len = (out.len() - start) as u32;
        out.extend_from_slice(&len.to_le_bytes());
    }
}

/// A reliable FIFO network with at most 11 actors: a channel's only step
/// is delivering its head, which independent steps leave in place, so the
/// channel names the step. Bit `from * actors + to`.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Channels(u128);

impl SleepSet for Channels {
    fn contains(&self, k: Key) -> bool {
        self.0 & (1 << k.0) != 0
    }
    fn insert(&mut self, k: Key) {
        self.0 |= 1 << k.0;
    }
    fn asleep_after(&self, other: &Channels, k: Key, n: usize) -> Channels {
        let receiver = usize::from(k.0) % n;
        let mut dependent: u128 = 0;
        for from in 0..n {
            dependent |= 1 << (from * n + receiver);
        }
        Channels((self.0 | other.0) & !dependent)
    }
    fn renamed(&self, perm: &Perm, n: usize) -> Channels {
        let mut out = 0;
        for slot in 0..n * n {
            if self.0 & (1 << slot) != 0 {
                out |= 1 << rename_slot(slot as u16, perm, n);
            }
        }
        Channels(out)
    }
    fn put(&self, _: &Layout, out: &mut Vec<u8>) {
        let bits = self.0.to_le_bytes();
        let len = bits
            .iter()
            .rposition(|&b| b != 0)
            .map_or(0, |last| last + 1);
        out.extend_from_slice(&bits[..len]);
        out.push(len as u8);
    }
}

impl<S: SleepSet> Traces<S> {
    pub fn new(scenario: &Scenario, symmetry: bool, limit: usize) -> Traces<S> {
        let system = scenario.system();
        Traces {
            outcomes: BTreeSet::new(),
            symmetry: Symmetry::new(&system, symmetry),
            system,
            memo: Visited::default(),
            counts: Vec::new(),
            counted: 0,
            form: PhantomData,
            limit,
            transitions: 0,
        }
    }

    /// The classes of complete schedules from the initial state; `None`
    /// when more than `limit` (state, sleep set) pairs would be needed.
    pub fn count(&mut self) -> Option<Count> {
        let init = self.system.init();
        self.classes(&init, S::default())
    }

    fn classes(&mut self, world: &World, sleep: S) -> Option<Count> {
        let n = self.system.actors();
        let mut key = Vec::new();
        let perm = self.symmetry.canonical(world, &mut key).unwrap_or_else(|| {
            key.clear();
            pack(world, self.symmetry.layout(), &mut key);
            Perm::default()
        });
        sleep
            .renamed(&perm, n)
            .put(self.symmetry.layout(), &mut key);
        let (id, new) = self.memo.insert(&key).ok()?;
        if !new {
            // Counted already; or still being counted, met again only
            // around a cycle in the state graph, which has no number.
            return self.counts[id];
        }
        self.counts.push(None);
        if self.counted >= self.limit {
            return None;
        }
        let steps: Vec<(Step, Msg)> = world.deliverable().collect();
        let mut total = Count::default();
        if steps.is_empty() {
            total = Count::ONE;
            for member in self.symmetry.members(world, Count::ONE) {
                self.outcomes.insert(self.system.outcome(&member.world));
            }
        }
        let mut tried = S::default();
        let mut succ = world.clone();
        let mut sent = Outbox::new();
        for (step, msg) in steps {
            let k = sleep_key(step, msg, n);
            if sleep.contains(k) {
                continue;
            }
            succ.clone_from(world);
            self.system.deliver_into(&mut succ, step, &mut sent);
            self.transitions += 1;
            let asleep = sleep.asleep_after(&tried, k, n);
            total.add(self.classes(&succ, asleep)?);
            tried.insert(k);
        }
        self.counts[id] = Some(total);
        self.counted += 1;
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two forms of a sleep set count the same classes and reach the
    /// same outcomes wherever both apply.
    #[test]
    fn a_bit_per_channel_counts_as_the_general_form_does() {
        // The built-ins at their defaults (their parameters are the
        // protocols' business, not this module's).
        for name in [
            "look-before-take",
            "thirsty",
            "take-if",
            "poison-pill",
            "web-api-retry",
            "deadlock",
            "bounded-pool",
        ] {
            let scenario = Scenario::builtin(name).unwrap();
            for symmetry in [false, true] {
                let mut general = Traces::<Steps>::new(&scenario, symmetry, usize::MAX);
                let mut bits = Traces::<Channels>::new(&scenario, symmetry, usize::MAX);
                let (a, b) = (general.count(), bits.count());
                assert!(a.is_some(), "{name}");
                assert_eq!(a, b, "{name}, symmetry {symmetry}");
                assert_eq!(general.outcomes, bits.outcomes, "{name}");
                assert_eq!(general.transitions, bits.transitions, "{name}");
            }
        }
    }
}
