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
//! are memoised on (representative, renamed sleep set).

use std::collections::BTreeSet;

use hashbrown::HashMap;

use super::pack::pack;
use super::symmetry::{Perm, Symmetry};
use super::Count;
use crate::model::{Act, Msg, Outbox, Outcome, Scenario, Step, System, World};

pub(crate) struct Traces {
    system: System,
    /// Every outcome the reduced walk reaches (with people renamed back).
    pub outcomes: BTreeSet<Outcome>,
    symmetry: Symmetry,
    memo: HashMap<MemoKey, Count, Fixed>,
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

/// A step as a sleep set holds it: its channel (`from * actors + to`),
/// what the network does, and the message it picks by its content, not
/// its position (which independent deliveries may shift in an unordered
/// channel).
type Key = (u16, Act, Msg);

/// A representative's packed world and its renamed sleep set.
type MemoKey = (Box<[u8]>, Box<[Key]>);

/// A sleep set, sorted, so equal sets are equal vectors.
type Sleep = Vec<Key>;

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

fn rename(sleep: &[Key], perm: &Perm, n: usize) -> Sleep {
    let mut out: Sleep = sleep
        .iter()
        .map(|&(slot, act, msg)| {
            let slot = usize::from(slot);
            let s = perm.step(Step::new(
                crate::model::ActorId((slot / n) as u8),
                crate::model::ActorId((slot % n) as u8),
            ));
            (sleep_key(s, msg, n).0, act, msg)
        })
        .collect();
    out.sort_unstable();
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
    /// when more than `limit` (state, sleep set) pairs would be needed.
    pub fn count(&mut self) -> Option<Count> {
        let init = self.system.init();
        self.classes(&init, Vec::new())
    }

    fn classes(&mut self, world: &World, sleep: Sleep) -> Option<Count> {
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
        let memo_key = (
            canonical_key.into_boxed_slice(),
            rename(&sleep, &perm, n).into_boxed_slice(),
        );
        if let Some(&c) = self.memo.get(&memo_key) {
            return Some(c);
        }
        if self.memo.len() >= self.limit {
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
        let mut tried: Sleep = Vec::new();
        let mut succ = world.clone();
        let mut sent = Outbox::new();
        for (step, msg) in steps {
            let k = sleep_key(step, msg, n);
            if sleep.binary_search(&k).is_ok() {
                continue;
            }
            succ.clone_from(world);
            self.system.deliver_into(&mut succ, step, &mut sent);
            self.transitions += 1;
            let mut asleep: Sleep = sleep
                .iter()
                .chain(&tried)
                .copied()
                .filter(|&other| independent(other, k, n))
                .collect();
            asleep.sort_unstable();
            asleep.dedup();
            total.add(self.classes(&succ, asleep)?);
            tried.push(k);
        }
        self.memo.insert(memo_key, total);
        Some(total)
    }
}
