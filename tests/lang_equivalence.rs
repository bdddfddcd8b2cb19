//! The protocol files in `protocols/` against the hand-written Rust actors
//! they replace: every reachable state of each, walked in lockstep.
//!
//! From the initial states, every deliverable step is taken in both
//! systems, and everything a learner can observe must agree: which steps
//! are possible, every message (as shown), how each delivery was taken,
//! what it sent and to whom, the receiver's description after it, which
//! challenge goals it reached, and at every end the outcome (as shown),
//! whether it is unsafe, and its shape. The mapping from Rust states to
//! interpreted states must be one to one, so both have the same number of
//! states (324 for LOOK-before-TAKE with 3 people and 2 drinks).

use std::collections::{BTreeMap, VecDeque};

use racelab::explore::pack::pack;
use racelab::lang::{self, Handled as LHandled, Instance, Message};
use racelab::model::{ActorId, Handled, Protocol, Scenario, Step, World};

type Net = BTreeMap<(u8, u8), VecDeque<Message>>;

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct LWorld {
    states: Vec<Vec<i32>>,
    net: Vec<((u8, u8), Vec<Message>)>,
}

fn freeze(states: &[Vec<i32>], net: &Net) -> LWorld {
    LWorld {
        states: states.to_vec(),
        net: net
            .iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(k, q)| (*k, q.iter().copied().collect()))
            .collect(),
    }
}

fn instance(s: &Scenario) -> Instance {
    let program = lang::builtin(s.protocol.name()).expect("a built-in protocol");
    let params = program
        .params
        .iter()
        .map(|p| match p.name.as_str() {
            "people" | "customers" => i32::from(s.people),
            "drinks" => s.drinks,
            "ask" => s.ask,
            "balance" => s.balance,
            "amount" => s.amount,
            "requests" => s.requests,
            other => panic!("unknown parameter {other}"),
        })
        .collect();
    Instance::new(program, params).expect("parameters in range")
}

fn handled_matches(old: Handled, new: LHandled) -> bool {
    matches!(
        (old, new),
        (Handled::Done | Handled::Stopped, LHandled::Handled(_))
            | (Handled::Ignored, LHandled::Ignored(_))
            | (Handled::Unexpected, LHandled::Unexpected)
    )
}

/// Walks both systems; returns the number of states.
fn walk(s: &Scenario) -> usize {
    let system = s.system();
    let inst = instance(s);
    assert_eq!(inst.actors(), system.actors.len(), "{s:?}: actors");
    for a in 0..inst.actors() {
        assert_eq!(
            inst.name(a),
            system.name(ActorId(a as u8)),
            "{s:?}: name of actor {a}"
        );
    }
    let letter = system.server_letter;
    assert_eq!(inst.program.server().letter, Some(letter));

    // Predictions and goals do not depend on the run.
    let old_candidates: Vec<(i32, i32)> = s
        .candidates()
        .iter()
        .map(|c| (c.left, c.count as i32))
        .collect();
    assert_eq!(inst.candidates(), old_candidates, "{s:?}: candidates");
    for c in s.candidates() {
        assert_eq!(
            inst.show_shape((c.left, c.count as i32)),
            s.describe_shape(c),
            "{s:?}: candidate in words"
        );
    }
    let old_goals: Vec<&str> = s.goals().iter().map(|g| g.id()).collect();
    let new_goals: Vec<usize> = inst.goals();
    let new_goal_ids: Vec<&str> = new_goals
        .iter()
        .map(|&g| inst.program.goals[g].id.as_str())
        .collect();
    assert_eq!(new_goal_ids, old_goals, "{s:?}: goals offered");
    for (g, goal) in new_goals.iter().zip(s.goals()) {
        assert_eq!(inst.program.goals[*g].title, goal.title());
    }

    // The initial states.
    let old_init = system.init();
    let mut states = Vec::new();
    let mut net = Net::new();
    let mut out = Vec::new();
    for a in 0..inst.actors() {
        states.push(inst.start(a, &mut out).expect("start"));
        for &(to, m) in &out {
            net.entry((a as u8, to)).or_default().push_back(m);
        }
    }
    let new_init = freeze(&states, &net);

    let mut seen: BTreeMap<Vec<u8>, LWorld> = BTreeMap::new();
    let mut seen_new: BTreeMap<LWorld, Vec<u8>> = BTreeMap::new();
    let mut queue: VecDeque<(World, LWorld)> = VecDeque::new();
    let key = |w: &World| {
        let mut k = Vec::new();
        pack(w, &mut k);
        k
    };
    seen.insert(key(&old_init), new_init.clone());
    seen_new.insert(new_init.clone(), key(&old_init));
    queue.push_back((old_init, new_init));

    while let Some((old, new)) = queue.pop_front() {
        let old_steps: Vec<(u8, u8)> = old
            .net
            .deliverable()
            .map(|(st, _)| (st.from.0, st.to.0))
            .collect();
        let new_steps: Vec<(u8, u8)> = new.net.iter().map(|(k, _)| *k).collect();
        assert_eq!(old_steps, new_steps, "{s:?}: deliverable steps");
        if old_steps.is_empty() {
            let outcome = s.outcome(&old);
            let slices: Vec<&[i32]> = new.states.iter().map(Vec::as_slice).collect();
            let values = inst.outcome(&slices).expect("outcome");
            assert_eq!(inst.show_outcome(&values), outcome.to_string(), "{s:?}");
            assert_eq!(
                inst.unsafe_why(&values).is_some(),
                outcome.is_unsafe(),
                "{s:?}: unsafe {outcome}"
            );
            let shape = outcome.shape();
            assert_eq!(
                inst.shape(&values),
                Some((shape.left, shape.count as i32)),
                "{s:?}: shape of {outcome}"
            );
        }
        for &(from, to) in &old_steps {
            let step = Step {
                from: ActorId(from),
                to: ActorId(to),
            };
            let mut old_next = old.clone();
            let before = old.states[usize::from(to)];
            let d = system.deliver(&mut old_next, step).expect("deliverable");

            let mut states = new.states.clone();
            let mut net: Net = new
                .net
                .iter()
                .map(|(k, v)| (*k, v.iter().copied().collect()))
                .collect();
            let msg = net
                .get_mut(&(from, to))
                .and_then(VecDeque::pop_front)
                .expect("head");
            assert_eq!(inst.show_message(msg), d.msg.to_string(), "{s:?}: message");
            let new_before = states[usize::from(to)].clone();
            let how = inst
                .handle(
                    usize::from(to),
                    &mut states[usize::from(to)],
                    usize::from(from),
                    msg,
                    &mut out,
                )
                .expect("no runtime error in a built-in");
            assert!(
                handled_matches(d.handled, how),
                "{s:?}: {:?} vs {how:?} delivering {} to {}",
                d.handled,
                d.msg,
                system.name(step.to)
            );
            let sent: Vec<(u8, String)> = out
                .iter()
                .map(|&(t, m)| (t, inst.show_message(m)))
                .collect();
            let old_sent: Vec<(u8, String)> =
                d.sent.iter().map(|&(t, m)| (t.0, m.to_string())).collect();
            assert_eq!(sent, old_sent, "{s:?}: sent");
            for &(t, m) in &out {
                net.entry((to, t)).or_default().push_back(m);
            }
            // How the page describes the receiver now.
            let old_text = old_next.states[usize::from(to)].describe(Some(d.msg));
            let new_text = inst.show_actor(usize::from(to), &states[usize::from(to)], Some(msg));
            assert_eq!(new_text, old_text, "{s:?}: receiver's description");
            // Challenge goals.
            for (g, goal) in new_goals.iter().zip(s.goals()) {
                assert_eq!(
                    inst.goal_reached(
                        *g,
                        usize::from(to),
                        msg,
                        how,
                        &new_before,
                        &states[usize::from(to)]
                    ),
                    goal.reached(step, d.msg, d.handled, &before, &old_next),
                    "{s:?}: goal {} delivering {} to {}",
                    goal.id(),
                    d.msg,
                    system.name(step.to)
                );
            }

            let new_next = freeze(&states, &net);
            let k = key(&old_next);
            match seen.get(&k) {
                Some(known) => {
                    assert_eq!(known, &new_next, "{s:?}: one Rust state, two interpreted")
                }
                None => {
                    assert!(
                        seen_new.insert(new_next.clone(), k.clone()).is_none(),
                        "{s:?}: two Rust states, one interpreted"
                    );
                    seen.insert(k, new_next.clone());
                    queue.push_back((old_next, new_next));
                }
            }
        }
    }
    assert_eq!(seen.len(), seen_new.len());
    seen.len()
}

fn fridge(protocol: Protocol, people: u8, drinks: i32) -> Scenario {
    Scenario {
        protocol,
        people,
        drinks,
        ..Scenario::default()
    }
}

#[test]
fn look_before_take_is_the_same_in_every_state() {
    assert_eq!(walk(&Scenario::default()), 324);
    for (p, d) in [(1, 2), (2, 2), (3, 0), (3, 1), (4, 3), (5, 4)] {
        walk(&fridge(Protocol::LookBeforeTake, p, d));
    }
}

#[test]
fn take_if_is_the_same_in_every_state() {
    for (p, d) in [(1, 0), (3, 2), (4, 3), (5, 1)] {
        walk(&fridge(Protocol::TakeIf, p, d));
    }
}

#[test]
fn thirsty_is_the_same_in_every_state() {
    for (p, d, ask) in [(2, 2, 3), (3, 5, 2), (1, 0, 1), (4, 20, 20)] {
        walk(&Scenario {
            ask,
            ..fridge(Protocol::Thirsty, p, d)
        });
    }
}

#[test]
fn the_bank_is_the_same_in_every_state() {
    for protocol in [Protocol::CheckThenWithdraw, Protocol::WithdrawIf] {
        for (k, balance, amount) in [
            (2, 100, 60),
            (3, 100, 40),
            (1, 0, 1),
            (4, 1_000_000, 1_000_000),
        ] {
            walk(&Scenario {
                protocol,
                people: k,
                balance,
                amount,
                ..Scenario::default()
            });
        }
    }
}

#[test]
fn the_poison_pill_is_the_same_in_every_state() {
    for (p, d, r) in [(1, 1, 1), (2, 2, 2), (3, 2, 2), (2, 0, 3)] {
        walk(&Scenario {
            requests: r,
            ..fridge(Protocol::PoisonPill, p, d)
        });
    }
}
