//! Genuinely different schedules: schedules that differ only in the order
//! of independent deliveries are one. Two deliveries are independent when
//! they go to different receivers: each takes the head of its own channel
//! and only appends to the tails of others, so doing them in either order
//! gives the same world. The classes are Mazurkiewicz traces.
//!
//! Counted with sleep sets (partial-order reduction): at each state the
//! deliveries are tried in channel order, and a delivery already tried at
//! an ancestor, independent of everything done since, is asleep: trying it
//! again would only reorder independent deliveries. Each class is then
//! walked exactly once. The number of classes from a world `w` with sleep
//! set `S` is the number of classes from `w` none of whose possible first
//! deliveries is in `S`, which does not depend on the order of trying; so
//! it is the same for a world and its renaming under symmetry, and counts
//! are memoised on (representative, renamed sleep set).

use std::collections::BTreeSet;

use hashbrown::HashMap;

use super::pack::pack;
use super::symmetry::{Perm, Symmetry};
use super::Count;
use crate::model::{Outbox, Outcome, Scenario, Step, System, World};

/// Channels as bits: `from * actors + to` (at most 16 × 16 actors).
type Mask = u128;

pub(crate) struct Traces {
    system: System,
    /// Every outcome the reduced walk reaches (with people renamed back).
    pub outcomes: BTreeSet<Outcome>,
    symmetry: Symmetry,
    memo: HashMap<(Box<[u8]>, Mask), Count, Fixed>,
    limit: usize,
    pub transitions: u64,
}

/// A fixed hasher: lookups only, never iterated, so results cannot depend on it.
#[derive(Clone, Default)]
struct Fixed;

impl std::hash::BuildHasher for Fixed {
    type Hasher = FxHasher;
    fn build_hasher(&self) -> FxHasher {
        FxHasher(0)
    }
}

struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
}

fn bit(step: Step, n: usize) -> Mask {
    1 << (step.from.index() * n + step.to.index())
}

/// The channels whose deliveries are independent of delivering on `step`.
fn independent_of(step: Step, n: usize) -> Mask {
    let mut mask: Mask = 0;
    for from in 0..n {
        for to in 0..n {
            if to != step.to.index() {
                mask |= 1 << (from * n + to);
            }
        }
    }
    mask
}

fn rename(mask: Mask, perm: &Perm, n: usize) -> Mask {
    let mut out = 0;
    for slot in 0..n * n {
        if mask & (1 << slot) != 0 {
            let s = perm.step(Step {
                from: crate::model::ActorId((slot / n) as u8),
                to: crate::model::ActorId((slot % n) as u8),
            });
            out |= bit(s, n);
        }
    }
    out
}

impl Traces {
    pub fn new(scenario: &Scenario, symmetry: bool, limit: usize) -> Traces {
        let system = scenario.system();
        Traces {
            outcomes: BTreeSet::new(),
            symmetry: Symmetry::new(&system, symmetry),
            system,
            memo: HashMap::with_hasher(Fixed),
            limit,
            transitions: 0,
        }
    }

    /// The classes of complete schedules from the initial state; `None`
    /// when more than `limit` (state, sleep set) pairs would be needed, or
    /// the system has more actors than the masks hold.
    pub fn count(&mut self) -> Option<Count> {
        let n = self.system.actors();
        if n * n > 128 {
            return None;
        }
        let init = self.system.init();
        self.classes(&init, 0)
    }

    fn classes(&mut self, world: &World, sleep: Mask) -> Option<Count> {
        let n = self.system.actors();
        let mut key = Vec::new();
        let (perm, canonical_key) = match self.symmetry.canonical(world, &mut key) {
            Some(perm) => (perm, key),
            None => {
                let mut plain = Vec::new();
                pack(world, self.symmetry.layout(), &mut plain);
                (Perm::default(), plain)
            }
        };
        let memo_key = (canonical_key.into_boxed_slice(), rename(sleep, &perm, n));
        if let Some(&c) = self.memo.get(&memo_key) {
            return Some(c);
        }
        if self.memo.len() >= self.limit {
            return None;
        }
        let steps: Vec<Step> = world.deliverable().map(|(s, _)| s).collect();
        let mut total = Count::default();
        if steps.is_empty() {
            total = Count::ONE;
            for member in self.symmetry.members(world, Count::ONE) {
                self.outcomes.insert(self.system.outcome(&member.world));
            }
        }
        let mut tried: Mask = 0;
        let mut succ = world.clone();
        let mut sent = Outbox::new();
        for step in steps {
            let b = bit(step, n);
            if sleep & b != 0 {
                continue;
            }
            succ.clone_from(world);
            self.system.deliver_into(&mut succ, step, &mut sent);
            self.transitions += 1;
            let asleep = (sleep | tried) & independent_of(step, n);
            total.add(self.classes(&succ, asleep)?);
            tried |= b;
        }
        self.memo.insert(memo_key, total);
        Some(total)
    }
}
