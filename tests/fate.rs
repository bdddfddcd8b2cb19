//! The point of no return, against brute force: for every complete schedule
//! of small scenarios (a deterministic sample of the larger ones), the
//! outcomes reachable from each world the run passes through are found by
//! plain recursion over every continuation, and the first points where they
//! are only the run's outcome, or only unsafe ones, must be the explorer's.
//! The alternative offered must replay, part from the run exactly there,
//! and end as promised.

use std::collections::{BTreeSet, HashMap};

use racelab::explore::{explain, fate, fate_with, FateError};
use racelab::model::{Outcome, Scenario, Schedule, System, World};

fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

/// Every outcome some continuation of `world` ends in, by recursion
/// (memoised on the world itself: no symmetry, no packing).
fn reachable(
    system: &System,
    world: &World,
    memo: &mut HashMap<World, BTreeSet<Outcome>>,
) -> BTreeSet<Outcome> {
    if let Some(known) = memo.get(world) {
        return known.clone();
    }
    let steps: Vec<_> = world.deliverable().map(|(s, _)| s).collect();
    let mut out = BTreeSet::new();
    if steps.is_empty() {
        out.insert(system.outcome(world));
    }
    for step in steps {
        let mut next = world.clone();
        system.deliver(&mut next, step).expect("deliverable");
        out.extend(reachable(system, &next, memo));
    }
    memo.insert(world.clone(), out.clone());
    out
}

/// Every complete schedule, in depth-first order of `deliverable`.
fn schedules(system: &System) -> Vec<Schedule> {
    fn walk(system: &System, world: &World, prefix: &mut Schedule, out: &mut Vec<Schedule>) {
        let steps: Vec<_> = world.deliverable().map(|(s, _)| s).collect();
        if steps.is_empty() {
            out.push(prefix.clone());
        }
        for step in steps {
            let mut next = world.clone();
            system.deliver(&mut next, step).expect("deliverable");
            prefix.0.push(step);
            walk(system, &next, prefix, out);
            prefix.0.pop();
        }
    }
    let mut out = Vec::new();
    walk(system, &system.init(), &mut Schedule::default(), &mut out);
    out
}

/// Checks `fate` on every `every`-th complete schedule of `s`; returns how
/// many were checked.
fn check(s: &Scenario, every: usize) -> usize {
    let system = s.system();
    let label = format!("{}: {}", s.name(), s.describe());
    let mut memo = HashMap::new();
    let all = schedules(&system);
    let mut checked = 0;
    for schedule in all.iter().step_by(every) {
        let shown = schedule.display(system.server_letter);
        let mut world = system.init();
        let mut futures = vec![reachable(&system, &world, &mut memo)];
        for &step in &schedule.0 {
            system.deliver(&mut world, step);
            futures.push(reachable(&system, &world, &mut memo));
        }
        let outcome = system.outcome(&world);
        let bad = |o: &Outcome| system.unsafe_why(o).is_some();
        let k = futures
            .iter()
            .position(|f| f.len() == 1 && f.contains(&outcome))
            .expect("the final world's future is its outcome");
        let u = bad(&outcome).then(|| {
            futures
                .iter()
                .position(|f| f.iter().all(bad))
                .expect("the final world's future is unsafe")
        });
        let got = fate(s, schedule).unwrap_or_else(|e| panic!("{label} {shown}: {e}"));
        assert_eq!(got.outcome, outcome, "{label} {shown}");
        assert_eq!(got.point_of_no_return, k, "{label} {shown}: K");
        assert_eq!(got.unsafe_from, u, "{label} {shown}: U");
        let at = u.unwrap_or(k);
        match &got.alternative {
            None => assert_eq!(at, 0, "{label} {shown}: no alternative after {at}"),
            Some(alt) => {
                assert_eq!(alt.at, at, "{label} {shown}");
                assert_eq!(alt.run.0[..at - 1], schedule.0[..at - 1], "{label} {shown}");
                assert_eq!(alt.run.0[at - 1], alt.step, "{label} {shown}");
                assert_ne!(alt.step, schedule.0[at - 1], "{label} {shown}");
                let (end, _) = system.replay(&alt.run).expect("the alternative replays");
                assert!(end.is_final(), "{label} {shown}: the alternative finishes");
                let ends = system.outcome(&end);
                assert_eq!(ends, alt.outcome, "{label} {shown}");
                match u {
                    Some(_) => assert!(!bad(&ends), "{label} {shown}: ends safe"),
                    None => assert_ne!(ends, outcome, "{label} {shown}: ends otherwise"),
                }
            }
        }
        assert!(!explain(&system, schedule, &got).is_empty());
        checked += 1;
    }
    assert!(checked > 0, "{label}: no schedule checked");
    checked
}

#[test]
fn the_point_of_no_return_is_brute_forces_on_small_scenarios() {
    let mut checked = 0;
    for people in 1..=2 {
        for drinks in 0..=3 {
            checked += check(
                &scenario(
                    "look-before-take",
                    &[("people", people), ("drinks", drinks)],
                ),
                1,
            );
            checked += check(
                &scenario("take-if", &[("people", people), ("drinks", drinks)]),
                1,
            );
        }
    }
    checked += check(
        &scenario("thirsty", &[("people", 3), ("drinks", 2), ("ask", 3)]),
        1,
    );
    for (customers, balance, amount) in [(2, 100, 60), (2, 100, 40), (3, 50, 60)] {
        let p = [
            ("customers", customers),
            ("balance", balance),
            ("amount", amount),
        ];
        checked += check(&scenario("check-then-withdraw", &p), 1);
        checked += check(&scenario("withdraw-if", &p), 1);
    }
    checked += check(
        &scenario(
            "poison-pill",
            &[("people", 2), ("drinks", 1), ("requests", 2)],
        ),
        1,
    );
    checked += check(&scenario("deadlock", &[]), 1);
    checked += check(&scenario("lock-ordering", &[]), 1);
    checked += check(
        &scenario("unbounded-pool", &[("tasks", 3), ("workers", 2)]),
        1,
    );
    checked += check(
        &scenario(
            "bounded-pool",
            &[("tasks", 3), ("workers", 1), ("bound", 1)],
        ),
        1,
    );
    checked += check(
        &scenario("web-api-retry", &[("clients", 1), ("drinks", 1)]),
        1,
    );
    checked += check(
        &scenario("idempotent-retry", &[("clients", 1), ("drinks", 1)]),
        1,
    );
    assert!(checked > 1000, "only {checked} schedules checked");
}

/// The reading's own puzzle, three people and two drinks (26,190
/// schedules), sampled: symmetry between the clients still alike matters
/// here, and must not add outcomes a run can no longer reach.
#[test]
fn the_point_of_no_return_is_brute_forces_for_three_polite_people() {
    let s = scenario("look-before-take", &[("people", 3), ("drinks", 2)]);
    assert!(check(&s, 97) > 200);
}

#[test]
fn the_readings_emptying_run_is_settled_at_the_look_that_came_too_soon() {
    // Person 1 looks (2 left), then Person 2 looks before Person 1 takes:
    // from then on the fridge ends empty; delivering Person 1's take
    // instead still avoided it.
    let s = Scenario::default();
    let system = s.system();
    let run = Schedule::parse("1F-F1-2F-F2-2F-F2-3F-F3-1F-F1", 'F').unwrap();
    let got = fate(&s, &run).unwrap();
    assert_eq!(got.unsafe_from, Some(3));
    assert_eq!(got.point_of_no_return, 5);
    let alt = got.alternative.as_ref().unwrap();
    assert_eq!((alt.at, alt.step.display('F')), (3, "1F".to_string()));
    assert!(system.unsafe_why(&alt.outcome).is_none());
    let text = explain(&system, &run, &got);
    assert!(
        text.starts_with(
            "After delivery 3 (Fridge received look from Person 2 and replied: took 0, 2 left)"
        ),
        "{text}"
    );
    assert!(
        text.contains("delivering take 1 from Person 1 to Fridge instead"),
        "{text}"
    );
}

#[test]
fn unfinished_impossible_and_too_large_runs_are_refused() {
    let s = Scenario::default();
    let short = Schedule::parse("1F-F1", 'F').unwrap();
    assert_eq!(
        fate(&s, &short),
        Err(FateError::Unfinished { in_flight: 3 })
    );
    let wrong = Schedule::parse("F1", 'F').unwrap();
    assert!(matches!(fate(&s, &wrong), Err(FateError::Impossible(e)) if e.step == 1));
    let run = Schedule::parse("1F-F1-2F-F2-2F-F2-3F-F3-1F-F1", 'F').unwrap();
    assert!(matches!(
        fate_with(&s, &run, 10),
        Err(FateError::TooLarge { max_states: 10, .. })
    ));
}

#[test]
fn the_page_gets_the_point_its_sentence_and_the_alternative_in_one_message() {
    use racelab::wire::{FateSummary, FromExplorer};
    let s = Scenario::default();
    let run = Schedule::parse("1F-F1-2F-F2-2F-F2-3F-F3-1F-F1", 'F').unwrap();
    let summary = FateSummary::new(&s, &run, &fate(&s, &run).unwrap());
    assert_eq!(
        (summary.point_of_no_return, summary.unsafe_from),
        (5, Some(3))
    );
    let alt = summary.alternative.as_ref().unwrap();
    assert_eq!(alt.at, 3);
    assert_eq!(alt.what, "take 1 from Person 1 to Fridge");
    assert_eq!(alt.run.display('F'), "1F-F1-1F-F1-3F-F3-2F-F2");
    assert!(summary
        .sentence
        .ends_with("ends with “1 drink left; Person 1 got a drink”."));
    assert!(summary.sentence.starts_with("After delivery 3 ("));
    assert!(summary.states > 0);
    let msg = FromExplorer::Fate {
        scenario: s.clone(),
        schedule: run.clone(),
        fate: Ok(summary),
        elapsed_ms: 1.5,
    };
    let bytes = postcard::to_allocvec(&msg).unwrap();
    assert_eq!(postcard::from_bytes::<FromExplorer>(&bytes).unwrap(), msg);
}

/// The explorer's worker sends an exploration's outcomes first and their
/// witnesses' points of no return after: each in its outcome's place, the
/// same as asked one by one, and none for a witness over the budget.
#[test]
fn the_witnesses_points_of_no_return_follow_the_outcomes_each_in_its_place() {
    use racelab::explore::{explore, Options};
    use racelab::wire::{FateSummary, Summary, WitnessFates};
    let s = scenario("look-before-take", &[("people", 3), ("drinks", 2)]);
    let report = explore(&s, &Options::default());
    let summary = Summary::new(s.clone(), 1_000_000, &report);
    assert!(summary.outcomes.len() > 1);
    let letter = s.system().server_letter;
    let witness = |i: usize| Schedule::parse(&summary.outcomes[i].witness, letter).unwrap();

    let fates = WitnessFates::new(&summary, 1_000_000);
    assert_eq!(fates.left(), summary.outcomes.len());
    let found: Vec<_> = fates.collect();
    let indices: Vec<u32> = found.iter().map(|(i, _)| *i).collect();
    assert_eq!(
        indices,
        (0..summary.outcomes.len() as u32).collect::<Vec<_>>()
    );
    for (i, f) in &found {
        let w = witness(*i as usize);
        assert_eq!(*f, FateSummary::new(&s, &w, &fate(&s, &w).unwrap()));
    }

    // They go in place, whatever order they come in; an index from another
    // summary is ignored.
    let mut shown = summary.clone();
    let mut reversed = found.clone();
    reversed.reverse();
    reversed.push((summary.outcomes.len() as u32, found[0].1.clone()));
    shown.add_fates(reversed);
    for (i, f) in &found {
        assert_eq!(shown.outcomes[*i as usize].fate.as_ref(), Some(f));
    }
    // Nothing left to find once they are all in.
    assert_eq!(WitnessFates::new(&shown, 1_000_000).left(), 0);

    // A budget too small for any search: every witness is skipped.
    assert_eq!(WitnessFates::new(&summary, 1).count(), 0);
}
