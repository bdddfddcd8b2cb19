//! Challenges: the explorer's shortest schedule to each goal really reaches
//! it, on its last delivery and not before, and no shorter schedule does
//! (checked by an independent breadth-first search over plain worlds); the
//! fixes make their goals impossible; and stored progress reads back, with
//! bad text refused.

use std::collections::{HashSet, VecDeque};

use racelab::explore::{explore, Options};
use racelab::model::challenge::ALL;
use racelab::model::{Goal, Progress, Protocol, Scenario, Schedule, World};

/// Fewest deliveries that reach `goal`, by brute force (no symmetry, no
/// packing, no sharing with the explorer's code beyond the model).
fn brute_force_shortest(scenario: &Scenario, goal: Goal) -> Option<usize> {
    let system = scenario.system();
    let init = system.init();
    let mut seen: HashSet<World> = HashSet::from([init.clone()]);
    let mut queue = VecDeque::from([(init, 0usize)]);
    while let Some((world, depth)) = queue.pop_front() {
        for (step, _) in world.net.deliverable().collect::<Vec<_>>() {
            let mut next = world.clone();
            let before = world.states[step.to.index()];
            let d = system.deliver(&mut next, step).expect("deliverable");
            if goal.reached(step, d.msg, d.handled, &before, &next) {
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
        let before = world.states[step.to.index()];
        let d = system
            .deliver(&mut world, step)
            .expect("the witness is possible");
        if goal.reached(step, d.msg, d.handled, &before, &world) {
            return Some(i + 1);
        }
    }
    None
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::default(),
        Scenario::new(Protocol::LookBeforeTake, 4, 3, 1).unwrap(),
        Scenario::new(Protocol::Thirsty, 3, 2, 3).unwrap(),
        Scenario::new(Protocol::TakeIf, 3, 2, 1).unwrap(),
        Scenario::bank(Protocol::CheckThenWithdraw, 2, 100, 60).unwrap(),
        Scenario::bank(Protocol::CheckThenWithdraw, 3, 100, 40).unwrap(),
        Scenario::bank(Protocol::WithdrawIf, 3, 100, 60).unwrap(),
        Scenario::poison_pill(2, 3, 2).unwrap(),
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
                assert_eq!(found, expected, "{}: {:?}", scenario.describe(), g.goal);
                if let Some(w) = &g.witness {
                    assert_eq!(first_reached(&scenario, g.goal, w), Some(w.len()));
                }
            }
        }
    }
}

#[test]
fn the_classic_goals_take_the_deliveries_the_reading_describes() {
    let report = explore(&Scenario::default(), &Options::default());
    let len = |goal| {
        report
            .goals
            .iter()
            .find(|g| g.goal == goal)
            .and_then(|g| g.witness.as_ref())
            .map(Schedule::len)
    };
    // Two look, both see 2, both take: six deliveries empty the fridge.
    assert_eq!(len(Goal::EmptyFridge), Some(6));
    // All three must take, and the last take's reply must arrive.
    assert_eq!(len(Goal::PoliteToldZero), Some(10));
}

#[test]
fn the_fixes_make_their_goals_impossible() {
    for scenario in [
        Scenario::new(Protocol::TakeIf, 4, 2, 1).unwrap(),
        Scenario::new(Protocol::TakeIf, 3, 5, 1).unwrap(),
        Scenario::bank(Protocol::WithdrawIf, 3, 100, 60).unwrap(),
        Scenario::bank(Protocol::WithdrawIf, 4, 100, 30).unwrap(),
    ] {
        let report = explore(&scenario, &Options::default());
        assert!(report.complete);
        assert!(!report.goals.is_empty());
        for g in &report.goals {
            assert_eq!(g.witness, None, "{}: {:?}", scenario.describe(), g.goal);
        }
    }
    // And the unfixed versions can be broken.
    for scenario in [
        Scenario::default(),
        Scenario::bank(Protocol::CheckThenWithdraw, 2, 100, 60).unwrap(),
    ] {
        let report = explore(&scenario, &Options::default());
        assert!(report.goals.iter().all(|g| g.witness.is_some()));
    }
}

#[test]
fn scenarios_where_a_goal_means_nothing_offer_none() {
    // With one drink, no polite person ever takes: nothing to race for.
    assert!(Scenario::new(Protocol::LookBeforeTake, 3, 1, 1)
        .unwrap()
        .goals()
        .is_empty());
    assert_eq!(
        Scenario::default().goals(),
        vec![Goal::EmptyFridge, Goal::PoliteToldZero]
    );
}

#[test]
fn progress_is_kept_as_text_and_bad_text_is_refused() {
    let mut p = Progress::default();
    assert!(p.record(Protocol::LookBeforeTake, Goal::EmptyFridge, 9));
    assert!(p.record(Protocol::LookBeforeTake, Goal::EmptyFridge, 6));
    assert!(!p.record(Protocol::LookBeforeTake, Goal::EmptyFridge, 7));
    assert!(p.record(Protocol::CheckThenWithdraw, Goal::Overdrawn, 8));
    assert_eq!(p.get(Protocol::LookBeforeTake, Goal::EmptyFridge), Some(6));
    assert_eq!(p.get(Protocol::Thirsty, Goal::ThirstyGetsNone), None);
    let text = p.to_text();
    assert_eq!(
        text,
        "racelab-progress-1;look-before-take/empty-fridge=6;check-then-withdraw/overdrawn=8"
    );
    assert_eq!(Progress::parse(&text), Ok(p));
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
        "racelab-progress-1;look-before-take/nonsense=3",
        "racelab-progress-1;juggling/empty-fridge=3",
        "racelab-progress-1;empty-fridge=3",
    ] {
        assert!(Progress::parse(bad).is_err(), "{bad:?}");
    }
    for goal in ALL {
        assert_eq!(Goal::from_id(goal.id()), Some(goal));
    }
}
