//! What more than one test file needs: the brute-force counts (of
//! schedules per outcome, and of genuinely different schedules) that the
//! explorer is checked against, and every reachable world.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

use racelab::explore::{Options, Report};
use racelab::model::{Act, ActorId, Msg, Outcome, Scenario, System, World};

/// A step as trace equivalence sees it: its channel, what the network
/// does, and the message by its content (its index in an unordered
/// channel can shift as others post to it).
type Letter = (ActorId, ActorId, Act, Msg);

/// Two steps are dependent when they go to the same receiver, or spend
/// the same fault budget (two losses, two duplications).
fn dependent(a: &Letter, b: &Letter) -> bool {
    a.1 == b.1 || (a.2 == b.2 && a.2 != Act::Deliver)
}

/// The Foata normal form of a schedule: each step at one level past the
/// last step it depends on; each level sorted. Two schedules differ only
/// in the order of independent steps exactly when their forms are equal.
fn foata(schedule: &[Letter]) -> Vec<Vec<Letter>> {
    let mut levels: Vec<Vec<Letter>> = Vec::new();
    let mut placed: Vec<(Letter, usize)> = Vec::new();
    for &s in schedule {
        let level = placed
            .iter()
            .filter(|(p, _)| dependent(p, &s))
            .map(|&(_, l)| l + 1)
            .max()
            .unwrap_or(0);
        if levels.len() <= level {
            levels.resize(level + 1, Vec::new());
        }
        levels[level].push(s);
        placed.push((s, level));
    }
    for l in &mut levels {
        l.sort();
    }
    levels
}

/// Every complete schedule, one by one, reduced to its class.
pub fn brute_force_classes(scenario: &Scenario) -> usize {
    fn walk(
        system: &System,
        world: &World,
        path: &mut Vec<Letter>,
        out: &mut BTreeSet<Vec<Vec<Letter>>>,
    ) {
        let steps: Vec<_> = world.deliverable().collect();
        if steps.is_empty() {
            out.insert(foata(path));
        }
        for (step, msg) in steps {
            let mut next = world.clone();
            system.deliver(&mut next, step).expect("deliverable");
            path.push((step.from, step.to, step.act, msg));
            walk(system, &next, path, out);
            path.pop();
        }
    }
    let system = scenario.system();
    let mut out = BTreeSet::new();
    walk(&system, &system.init(), &mut Vec::new(), &mut out);
    out.len()
}

/// Every complete schedule, one by one, by plain recursion: outcome → count.
/// A run that fails is over: it is complete, and its outcome is the error.
pub fn brute_force(scenario: &Scenario) -> BTreeMap<Outcome, u128> {
    fn walk(system: &System, world: &World, out: &mut BTreeMap<Outcome, u128>) {
        let steps: Vec<_> = world.deliverable().map(|(s, _)| s).collect();
        if steps.is_empty() {
            *out.entry(system.outcome(world)).or_default() += 1;
        }
        for step in steps {
            let mut next = world.clone();
            system.deliver(&mut next, step).expect("deliverable");
            walk(system, &next, out);
        }
    }
    let system = scenario.system();
    let mut out = BTreeMap::new();
    walk(&system, &system.init(), &mut out);
    out
}

/// The explorer's count of schedules per outcome, to set beside [`brute_force`].
pub fn counts(report: &Report) -> BTreeMap<Outcome, u128> {
    report
        .outcomes
        .iter()
        .map(|o| (o.outcome.clone(), o.schedules.value))
        .collect()
}

/// Both reductions on, or both off.
pub fn full(reduce: bool) -> Options {
    Options {
        symmetry: reduce,
        partial_order: reduce,
        ..Options::default()
    }
}

/// Every world reachable in `scenario`, breadth first, each once.
pub fn reachable(scenario: &Scenario) -> Vec<World> {
    let system = scenario.system();
    let init = system.init();
    let mut seen = vec![init.clone()];
    let mut index: HashSet<World> = HashSet::from([init.clone()]);
    let mut queue = VecDeque::from([init]);
    while let Some(world) = queue.pop_front() {
        for (step, _) in world.deliverable() {
            let mut next = world.clone();
            system.deliver(&mut next, step);
            if index.insert(next.clone()) {
                seen.push(next.clone());
                queue.push_back(next);
            }
        }
    }
    seen
}
