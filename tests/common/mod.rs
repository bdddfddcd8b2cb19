//! What more than one test file needs: the brute-force count of genuinely
//! different schedules that the explorer's sleep-set count is checked
//! against.
#![allow(dead_code)]

use std::collections::BTreeSet;

use racelab::model::{Act, ActorId, Msg, Scenario, System, World};

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
