//! The explorer: exact against brute force, identical with and without
//! reductions, witnesses that replay, and pinned outcome sets.

use std::collections::BTreeMap;

use std::collections::BTreeSet;

use racelab::explore::{count_traces, explore, Options, Report};
use racelab::model::Step;
use racelab::model::{Outcome, Protocol, Scenario, System, World};

fn scenario(protocol: Protocol, people: i64, drinks: i64, ask: i64) -> Scenario {
    Scenario::new(protocol, people, drinks, ask).unwrap()
}

fn full(symmetry: bool) -> Options {
    Options {
        symmetry,
        partial_order: symmetry,
        ..Options::default()
    }
}

/// Every complete schedule, one by one, by plain recursion: outcome → count.
fn brute_force(scenario: &Scenario) -> BTreeMap<Outcome, u128> {
    fn walk(
        system: &System,
        scenario: &Scenario,
        world: &World,
        out: &mut BTreeMap<Outcome, u128>,
    ) {
        let steps: Vec<_> = world.net.deliverable().map(|(s, _)| s).collect();
        if steps.is_empty() {
            *out.entry(scenario.outcome(world)).or_default() += 1;
        }
        for step in steps {
            let mut next = world.clone();
            system.deliver(&mut next, step);
            walk(system, scenario, &next, out);
        }
    }
    let system = scenario.system();
    let mut out = BTreeMap::new();
    walk(&system, scenario, &system.init(), &mut out);
    out
}

fn counts(report: &Report) -> BTreeMap<Outcome, u128> {
    report
        .outcomes
        .iter()
        .map(|o| (o.outcome.clone(), o.schedules.value))
        .collect()
}

fn small_scenarios() -> Vec<Scenario> {
    let mut all = Vec::new();
    for people in 1..=3 {
        for drinks in 0..=3 {
            all.push(scenario(Protocol::LookBeforeTake, people, drinks, 1));
            all.push(scenario(Protocol::Thirsty, people, drinks, 2));
        }
    }
    // 4 thirsty people: 8!/2^4 = 2,520 schedules, still quick one by one.
    all.push(scenario(Protocol::Thirsty, 4, 5, 3));
    all
}

#[test]
fn counts_match_brute_force_with_and_without_symmetry() {
    for s in small_scenarios() {
        let expected = brute_force(&s);
        for symmetry in [false, true] {
            let report = explore(&s, &full(symmetry));
            assert!(report.complete && report.counts_exact, "{s:?}");
            assert_eq!(counts(&report), expected, "{s:?}, symmetry {symmetry}");
            let total: u128 = expected.values().sum();
            assert_eq!(report.schedules.value, total, "{s:?}");
        }
    }
}

#[test]
fn every_witness_replays_to_its_outcome() {
    for s in small_scenarios()
        .into_iter()
        .chain([scenario(Protocol::LookBeforeTake, 5, 4, 1)])
    {
        let system = s.system();
        for symmetry in [false, true] {
            let report = explore(&s, &full(symmetry));
            let shortest = report
                .outcomes
                .iter()
                .map(|o| o.witness.len())
                .min()
                .unwrap_or(0);
            for o in &report.outcomes {
                let (world, _) = system.replay(&o.witness).expect("witness replays");
                assert!(world.net.is_empty(), "witness is a complete schedule");
                assert_eq!(
                    s.outcome(&world),
                    o.outcome,
                    "{s:?}: {}",
                    o.witness.display('F')
                );
                assert!(o.witness.len() >= shortest);
            }
        }
    }
}

#[test]
fn look_before_take_three_people_two_drinks() {
    let s = Scenario::default();
    let report = explore(&s, &full(false));
    // The independent checker's count: 324 distinct states.
    assert_eq!(report.states, 324);
    let outcomes: Vec<(i32, Vec<u8>)> = report
        .outcomes
        .iter()
        .map(|o| (o.outcome.left(), o.outcome.served().to_vec()))
        .collect();
    assert_eq!(
        outcomes,
        vec![
            (0, vec![1, 2]),
            (0, vec![1, 3]),
            (0, vec![2, 3]),
            (1, vec![1]),
            (1, vec![2]),
            (1, vec![3]),
        ]
    );
    let reduced = explore(&s, &full(true));
    assert!(reduced.states < report.states, "symmetry saves states");
    assert_eq!(counts(&reduced), counts(&report));
}

/// (drinks left, served) of an outcome.
type Seen = (i32, Vec<u8>);

#[test]
fn pinned_outcome_sets() {
    // (scenario, [(drinks left, served)])
    let cases: Vec<(Scenario, Vec<Seen>)> = vec![
        (
            scenario(Protocol::Thirsty, 2, 2, 3),
            vec![(0, vec![1]), (0, vec![2])],
        ),
        (scenario(Protocol::Thirsty, 2, 5, 2), vec![(1, vec![1, 2])]),
        (
            scenario(Protocol::LookBeforeTake, 1, 1, 1),
            vec![(1, vec![])],
        ),
        (
            scenario(Protocol::LookBeforeTake, 2, 0, 1),
            vec![(0, vec![])],
        ),
        (
            scenario(Protocol::LookBeforeTake, 2, 3, 1),
            vec![(1, vec![1, 2])],
        ),
        (
            scenario(Protocol::LookBeforeTake, 3, 3, 1),
            vec![
                (0, vec![1, 2, 3]),
                (1, vec![1, 2]),
                (1, vec![1, 3]),
                (1, vec![2, 3]),
            ],
        ),
    ];
    for (s, expected) in cases {
        let report = explore(&s, &Options::default());
        let got: Vec<(i32, Vec<u8>)> = report
            .outcomes
            .iter()
            .map(|o| (o.outcome.left(), o.outcome.served().to_vec()))
            .collect();
        assert_eq!(got, expected, "{s:?}");
    }
}

#[test]
fn the_state_limit_stops_with_an_incomplete_report() {
    let s = scenario(Protocol::LookBeforeTake, 6, 5, 1);
    let report = explore(
        &s,
        &Options {
            symmetry: false,
            partial_order: false,
            max_states: 1000,
        },
    );
    assert!(!report.complete);
    assert!(report.states <= 1000 + 64);
}

#[test]
fn exploration_is_deterministic() {
    let s = scenario(Protocol::LookBeforeTake, 5, 4, 1);
    assert_eq!(
        explore(&s, &Options::default()),
        explore(&s, &Options::default())
    );
}

/// The Foata normal form of a schedule: deliveries grouped by level, where a
/// delivery's level is one more than the highest level of any earlier
/// delivery to the same receiver; each level sorted. Two schedules differ
/// only in the order of independent deliveries exactly when their forms
/// are equal.
fn foata(schedule: &[Step]) -> Vec<Vec<Step>> {
    let mut levels: Vec<Vec<Step>> = Vec::new();
    let mut placed: Vec<(Step, usize)> = Vec::new();
    for &s in schedule {
        let level = placed
            .iter()
            .filter(|(p, _)| p.to == s.to)
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
fn brute_force_classes(scenario: &Scenario) -> usize {
    fn walk(
        system: &System,
        world: &World,
        path: &mut Vec<Step>,
        out: &mut BTreeSet<Vec<Vec<Step>>>,
    ) {
        let steps: Vec<_> = world.net.deliverable().map(|(s, _)| s).collect();
        if steps.is_empty() {
            out.insert(foata(path));
        }
        for step in steps {
            let mut next = world.clone();
            system.deliver(&mut next, step);
            path.push(step);
            walk(system, &next, path, out);
            path.pop();
        }
    }
    let system = scenario.system();
    let mut out = BTreeSet::new();
    walk(&system, &system.init(), &mut Vec::new(), &mut out);
    out.len()
}

#[test]
fn genuinely_different_schedules_match_brute_force() {
    for s in small_scenarios() {
        let expected = brute_force_classes(&s) as u128;
        let unreduced = explore(&s, &full(false));
        let all_outcomes: Vec<_> = unreduced
            .outcomes
            .iter()
            .map(|o| o.outcome.clone())
            .collect();
        for symmetry in [false, true] {
            let classes = count_traces(&s, symmetry, usize::MAX);
            let count = classes.count.expect("small enough to count");
            assert_eq!(count.value, expected, "{s:?}, symmetry {symmetry}");
            assert_eq!(
                classes.outcomes, all_outcomes,
                "{s:?}: the reduced walk reaches every outcome"
            );
        }
        assert!(expected <= unreduced.schedules.value, "{s:?}");
    }
}

#[test]
fn partial_order_reduction_keeps_every_outcome_on_larger_scenarios() {
    for (people, drinks) in [(4, 3), (5, 2), (5, 4), (6, 5)] {
        let s = scenario(Protocol::LookBeforeTake, people, drinks, 1);
        let reference = explore(&s, &full(false));
        let classes = count_traces(&s, true, usize::MAX);
        let outcomes: Vec<_> = reference
            .outcomes
            .iter()
            .map(|o| o.outcome.clone())
            .collect();
        assert_eq!(classes.outcomes, outcomes, "{s:?}");
        let count = classes.count.expect("counted").value;
        assert!(
            count < reference.schedules.value,
            "{s:?}: fewer classes than schedules"
        );
        assert!(
            classes.tried < reference.transitions,
            "{s:?}: sleep sets skip deliveries"
        );
    }
    // The reading puzzle: 26,190 schedules, 66 genuinely different.
    assert_eq!(
        count_traces(&Scenario::default(), false, usize::MAX)
            .count
            .unwrap()
            .value,
        66
    );
}
