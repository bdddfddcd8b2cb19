//! Challenges: the explorer's shortest schedule to each goal really reaches
//! it, on its last delivery and not before, and no shorter schedule does
//! (checked by an independent breadth-first search over plain worlds); the
//! fixes make their goals impossible; and stored progress reads back, with
//! bad text refused.

use std::collections::{HashSet, VecDeque};

use racelab::explore::{explore, Options};
use racelab::model::{Goal, Progress, Scenario, Schedule, World};

/// A built-in protocol with some parameters set.
fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

fn fridge(name: &str, people: i64, drinks: i64) -> Scenario {
    scenario(name, &[("people", people), ("drinks", drinks)])
}

fn bank(name: &str, customers: i64, balance: i64, amount: i64) -> Scenario {
    scenario(
        name,
        &[
            ("customers", customers),
            ("balance", balance),
            ("amount", amount),
        ],
    )
}

/// A goal of `scenario` by its name.
fn goal(scenario: &Scenario, id: &str) -> Goal {
    scenario
        .goals()
        .into_iter()
        .find(|&g| scenario.goal_id(g) == id)
        .unwrap_or_else(|| panic!("{} offers no goal {id}", scenario.name()))
}

/// Fewest deliveries that reach `goal`, by brute force (no symmetry, no
/// packing, no sharing with the explorer's code beyond the model).
fn brute_force_shortest(scenario: &Scenario, goal: Goal) -> Option<usize> {
    let system = scenario.system();
    let init = system.init();
    let mut seen: HashSet<World> = HashSet::from([init.clone()]);
    let mut queue = VecDeque::from([(init, 0usize)]);
    while let Some((world, depth)) = queue.pop_front() {
        for (step, _) in world.deliverable().collect::<Vec<_>>() {
            let mut next = world.clone();
            let before = &world.states[step.to.index()];
            let d = system.deliver(&mut next, step).expect("deliverable");
            if system.goal_reached(goal, step, d.msg, d.handled, before, &next) {
                return Some(depth + 1);
            }
            if seen.insert(next.clone()) {
                queue.push_back((next, depth + 1));
            }
        }
    }
    None
}

/// Replays `schedule` and returns the 1-based delivery that first reaches
/// `goal`.
fn first_reached(scenario: &Scenario, goal: Goal, schedule: &Schedule) -> Option<usize> {
    let system = scenario.system();
    let mut world = system.init();
    for (i, &step) in schedule.0.iter().enumerate() {
        let before = world.states[step.to.index()].clone();
        let d = system
            .deliver(&mut world, step)
            .expect("the witness is possible");
        if system.goal_reached(goal, step, d.msg, d.handled, &before, &world) {
            return Some(i + 1);
        }
    }
    None
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::default(),
        fridge("look-before-take", 4, 3),
        scenario("thirsty", &[("people", 3), ("drinks", 2), ("ask", 3)]),
        fridge("take-if", 3, 2),
        bank("check-then-withdraw", 2, 100, 60),
        bank("check-then-withdraw", 3, 100, 40),
        bank("withdraw-if", 3, 100, 60),
        scenario(
            "poison-pill",
            &[("people", 2), ("drinks", 3), ("requests", 2)],
        ),
    ]
}

#[test]
fn the_explorers_shortest_schedule_to_each_goal_is_shortest_and_reaches_it() {
    for scenario in scenarios() {
        for symmetry in [true, false] {
            let report = explore(
                &scenario,
                &Options {
                    symmetry,
                    ..Options::default()
                },
            );
            assert!(report.complete);
            let goals: Vec<Goal> = report.goals.iter().map(|g| g.goal).collect();
            assert_eq!(goals, scenario.goals(), "{}", scenario.describe());
            for g in &report.goals {
                let expected = brute_force_shortest(&scenario, g.goal);
                let found = g.witness.as_ref().map(|w| w.len());
                assert_eq!(
                    found,
                    expected,
                    "{}: {}",
                    scenario.describe(),
                    scenario.goal_id(g.goal)
                );
                if let Some(w) = &g.witness {
                    assert_eq!(first_reached(&scenario, g.goal, w), Some(w.len()));
                }
            }
        }
    }
}

#[test]
fn the_classic_goals_take_the_deliveries_the_reading_describes() {
    let s = Scenario::default();
    let report = explore(&s, &Options::default());
    let len = |goal| {
        report
            .goals
            .iter()
            .find(|g| g.goal == goal)
            .and_then(|g| g.witness.as_ref())
            .map(Schedule::len)
    };
    // Two look, both see 2, both take: six deliveries empty the fridge.
    assert_eq!(len(goal(&s, "empty-fridge")), Some(6));
    // All three must take, and the last take's reply must arrive.
    assert_eq!(len(goal(&s, "polite-told-zero")), Some(10));
}

#[test]
fn the_fixes_make_their_goals_impossible() {
    for scenario in [
        fridge("take-if", 4, 2),
        fridge("take-if", 3, 5),
        bank("withdraw-if", 3, 100, 60),
        bank("withdraw-if", 4, 100, 30),
    ] {
        let report = explore(&scenario, &Options::default());
        assert!(report.complete);
        assert!(!report.goals.is_empty());
        for g in &report.goals {
            assert_eq!(
                g.witness,
                None,
                "{}: {}",
                scenario.describe(),
                scenario.goal_id(g.goal)
            );
        }
    }
    // And the unfixed versions can be broken.
    for scenario in [Scenario::default(), bank("check-then-withdraw", 2, 100, 60)] {
        let report = explore(&scenario, &Options::default());
        assert!(!report.goals.is_empty());
        assert!(report.goals.iter().all(|g| g.witness.is_some()));
    }
}

#[test]
fn scenarios_where_a_goal_means_nothing_offer_none() {
    // With one drink, no polite person ever takes: nothing to race for.
    assert!(fridge("look-before-take", 3, 1).goals().is_empty());
    let s = Scenario::default();
    let ids: Vec<&str> = s.goals().into_iter().map(|g| s.goal_id(g)).collect();
    assert_eq!(ids, ["empty-fridge", "polite-told-zero"]);
    assert_eq!(
        s.goal_title(s.goals()[0]),
        "Leave the fridge empty, although everyone is polite"
    );
    // The fixed fridge's goal needs a drink to take.
    assert!(fridge("take-if", 3, 0).goals().is_empty());
    assert_eq!(fridge("take-if", 3, 1).goals().len(), 1);
}

#[test]
fn progress_is_kept_as_text_and_bad_text_is_refused() {
    let mut p = Progress::default();
    assert!(p.record("look-before-take", "empty-fridge", 9));
    assert!(p.record("look-before-take", "empty-fridge", 6));
    assert!(!p.record("look-before-take", "empty-fridge", 7));
    assert!(p.record("check-then-withdraw", "overdrawn", 8));
    assert_eq!(p.get("look-before-take", "empty-fridge"), Some(6));
    assert_eq!(p.get("thirsty", "thirsty-gets-none"), None);
    let text = p.to_text();
    assert_eq!(Progress::parse(&text), Ok(p.clone()));
    assert_eq!(
        Progress::parse("racelab-progress-1"),
        Ok(Progress::default())
    );
    for bad in [
        "",
        "{\"json\": true}",
        "racelab-progress-2;look-before-take/empty-fridge=6",
        "racelab-progress-1;look-before-take/empty-fridge",
        "racelab-progress-1;look-before-take/empty-fridge=-1",
        "racelab-progress-1;empty-fridge=3",
        "racelab-progress-1;look-before-take/=3",
        "racelab-progress-1;Look-Before-Take/empty-fridge=3",
        "racelab-progress-1;look before take/empty-fridge=3",
        "racelab-progress-1;look-before-take/empty-fridge=6;",
    ] {
        assert!(Progress::parse(bad).is_err(), "{bad:?}");
    }
    // Changed on purpose: protocols and their goals are no longer a closed
    // list (a protocol file declares its own), so well-formed names this
    // build does not know are kept rather than refused.
    let kept =
        Progress::parse("racelab-progress-1;juggling/empty-fridge=3;look-before-take/nonsense=4")
            .unwrap();
    assert_eq!(kept.get("juggling", "empty-fridge"), Some(3));
    assert_eq!(kept.get("look-before-take", "nonsense"), Some(4));
    // Every built-in's goals have distinct names the format can store.
    for name in Scenario::builtin_names() {
        let s = Scenario::builtin(name).unwrap();
        let ids: Vec<&str> = (0..s.protocol.goals.len())
            .map(|i| s.goal_id(Goal(i as u16)))
            .collect();
        assert!(!ids.is_empty(), "{name} has goals");
        let distinct: HashSet<&str> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len(), "{name}: {ids:?}");
        let mut progress = Progress::default();
        for (n, id) in ids.iter().enumerate() {
            assert!(progress.record(name, id, n as u32 + 1));
        }
        let back = Progress::parse(&progress.to_text()).unwrap();
        assert_eq!(back, progress, "{name}");
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(back.get(name, id), Some(n as u32 + 1));
        }
    }
    // Pinned: the text as the browser stores it, entries in the order of
    // their names (protocols are files now, so there is no other order).
    // Text stored by an earlier page, in the old order, still reads the same.
    assert_eq!(
        text,
        "racelab-progress-1;check-then-withdraw/overdrawn=8;look-before-take/empty-fridge=6"
    );
    assert_eq!(
        Progress::parse(
            "racelab-progress-1;look-before-take/empty-fridge=6;check-then-withdraw/overdrawn=8"
        )
        .unwrap()
        .to_text(),
        text
    );
}
