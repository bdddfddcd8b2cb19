//! The explorer: exact against brute force for every built-in protocol,
//! identical with and without reductions, witnesses that replay, runtime
//! errors as outcomes, packed states that decode exactly, and pinned
//! outcome sets.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

mod common;

use racelab::explore::pack::{pack, unpack, Layout};
use racelab::explore::{count_traces, explore, Options, Report};
use racelab::lang::{self, Value};
use racelab::model::{ActorId, Outcome, Scenario, Schedule, Step};

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

fn thirsty(people: i64, drinks: i64, ask: i64) -> Scenario {
    scenario(
        "thirsty",
        &[("people", people), ("drinks", drinks), ("ask", ask)],
    )
}

fn pill(people: i64, drinks: i64, requests: i64) -> Scenario {
    scenario(
        "poison-pill",
        &[
            ("people", people),
            ("drinks", drinks),
            ("requests", requests),
        ],
    )
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

/// "look-before-take: 3 people, 2 drinks", for failure messages.
fn label(s: &Scenario) -> String {
    format!("{}: {}", s.name(), s.describe())
}

/// Small sizes of every built-in protocol, each small enough to enumerate
/// its schedules one by one.
fn small_scenarios() -> Vec<Scenario> {
    let mut all = Vec::new();
    for people in 1..=3 {
        for drinks in 0..=3 {
            all.push(fridge("look-before-take", people, drinks));
            all.push(thirsty(people, drinks, 2));
            all.push(fridge("take-if", people, drinks));
        }
    }
    // 4 thirsty people: 8!/2^4 = 2,520 schedules, still quick one by one.
    all.push(thirsty(4, 5, 3));
    for people in 1..=2 {
        for requests in 1..=2 {
            for drinks in [0, 1, 3] {
                all.push(pill(people, drinks, requests));
            }
        }
    }
    all.push(pill(3, 2, 1));
    all.push(pill(1, 3, 4));
    for customers in 1..=3 {
        for (balance, amount) in [(100, 60), (100, 40), (50, 60), (0, 1)] {
            all.push(bank("check-then-withdraw", customers, balance, amount));
            all.push(bank("withdraw-if", customers, balance, amount));
        }
    }
    // The further races: locks, pools, and a timer (a message a client
    // sends itself, which keeps clients interchangeable).
    all.push(scenario("deadlock", &[]));
    all.push(scenario("lock-ordering", &[]));
    all.push(scenario(
        "deadlock",
        &[("alice_pays", 0), ("bob_pays", 100)],
    ));
    all.push(scenario("unbounded-pool", &[("tasks", 2), ("workers", 1)]));
    all.push(scenario("unbounded-pool", &[("tasks", 3), ("workers", 2)]));
    all.push(scenario(
        "bounded-pool",
        &[("tasks", 3), ("workers", 1), ("bound", 1)],
    ));
    all.push(scenario(
        "bounded-pool",
        &[("tasks", 2), ("workers", 2), ("bound", 1)],
    ));
    for drinks in 0..=2 {
        all.push(scenario(
            "web-api-retry",
            &[("clients", 1), ("drinks", drinks)],
        ));
        all.push(scenario(
            "idempotent-retry",
            &[("clients", 1), ("drinks", drinks)],
        ));
    }
    all.push(scenario("web-api-retry", &[("clients", 2), ("drinks", 1)]));
    all.push(scenario(
        "idempotent-retry",
        &[("clients", 2), ("drinks", 1)],
    ));
    all.push(bank("withdraw-if", 4, 100, 30));
    // An unordered network that loses and duplicates, one client.
    all.push(scenario("unreliable-post", &[]));
    all.push(scenario("unreliable-post", &[("losses", 2), ("drinks", 1)]));
    all.push(scenario(
        "unreliable-post",
        &[("retries", 0), ("copies", 0)],
    ));
    all.push(scenario("retry-with-key", &[]));
    all.push(scenario("retry-with-key", &[("losses", 2)]));
    all
}

#[test]
fn the_small_scenarios_cover_every_built_in() {
    let names: BTreeSet<String> = small_scenarios()
        .iter()
        .map(|s| s.name().to_string())
        .collect();
    let builtins: BTreeSet<String> = Scenario::builtin_names().map(str::to_string).collect();
    assert_eq!(names, builtins);
    assert_eq!(builtins.len(), 14);
}

#[test]
fn counts_match_brute_force_with_and_without_symmetry() {
    for s in small_scenarios() {
        let expected = brute_force(&s);
        for symmetry in [false, true] {
            let report = explore(&s, &full(symmetry));
            assert!(report.complete && report.counts_exact, "{}", label(&s));
            assert_eq!(
                counts(&report),
                expected,
                "{}, symmetry {symmetry}",
                label(&s)
            );
            let total: u128 = expected.values().sum();
            assert_eq!(report.schedules.value, total, "{}", label(&s));
        }
    }
}

/// Larger sizes of every built-in: too many schedules to enumerate, but
/// the reduced and unreduced searches must still agree.
fn larger_scenarios() -> Vec<Scenario> {
    vec![
        fridge("look-before-take", 4, 3),
        fridge("look-before-take", 5, 2),
        thirsty(4, 5, 2),
        thirsty(5, 3, 1),
        fridge("take-if", 4, 3),
        fridge("take-if", 5, 2),
        pill(3, 3, 2),
        pill(2, 2, 3),
        bank("check-then-withdraw", 4, 100, 30),
        bank("check-then-withdraw", 4, 100, 60),
        bank("withdraw-if", 5, 100, 30),
        scenario("unbounded-pool", &[]),
        scenario("bounded-pool", &[]),
        scenario("web-api-retry", &[]),
        scenario("web-api-retry", &[("clients", 3), ("drinks", 2)]),
        scenario("idempotent-retry", &[]),
        scenario("unreliable-post", &[("clients", 2)]),
        scenario("retry-with-key", &[("clients", 2)]),
    ]
}

#[test]
fn reduced_and_unreduced_searches_agree_on_every_built_in() {
    for s in small_scenarios().into_iter().chain(larger_scenarios()) {
        let reference = explore(&s, &full(false));
        let reduced = explore(&s, &full(true));
        assert!(reference.complete && reduced.complete, "{}", label(&s));
        assert_eq!(counts(&reduced), counts(&reference), "{}", label(&s));
        assert_eq!(reduced.schedules, reference.schedules, "{}", label(&s));
        assert!(reduced.states <= reference.states, "{}", label(&s));
        // Symmetry only merges states when there are interchangeable clients.
        if reduced.symmetry {
            assert!(reduced.states < reference.states, "{}", label(&s));
        }
        let goals = |r: &Report| -> Vec<_> {
            r.goals
                .iter()
                .map(|g| (g.goal, g.witness.as_ref().map(Schedule::len)))
                .collect()
        };
        assert_eq!(goals(&reduced), goals(&reference), "{}", label(&s));
    }
}

#[test]
fn every_witness_replays_to_its_outcome() {
    for s in small_scenarios()
        .into_iter()
        .chain([fridge("look-before-take", 5, 4)])
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
                    system.outcome(&world),
                    o.outcome,
                    "{}: {}",
                    label(&s),
                    o.witness.display(system.server_letter)
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
    let outcomes: Vec<(i32, Vec<u8>)> = report.outcomes.iter().map(|o| seen(&o.outcome)).collect();
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

fn seen(o: &Outcome) -> Seen {
    match o.values.first() {
        Some(Value::Int(n)) => (*n, o.clients().to_vec()),
        other => panic!("no number first in {o:?}: {other:?}"),
    }
}

#[test]
fn pinned_outcome_sets() {
    // (scenario, [(drinks left, served)])
    let cases: Vec<(Scenario, Vec<Seen>)> = vec![
        (thirsty(2, 2, 3), vec![(0, vec![1]), (0, vec![2])]),
        (thirsty(2, 5, 2), vec![(1, vec![1, 2])]),
        (fridge("look-before-take", 1, 1), vec![(1, vec![])]),
        (fridge("look-before-take", 2, 0), vec![(0, vec![])]),
        (fridge("look-before-take", 2, 3), vec![(1, vec![1, 2])]),
        (
            fridge("look-before-take", 3, 3),
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
        let got: Vec<Seen> = report.outcomes.iter().map(|o| seen(&o.outcome)).collect();
        assert_eq!(got, expected, "{}", label(&s));
    }
}

#[test]
fn the_state_limit_stops_with_an_incomplete_report() {
    let s = fridge("look-before-take", 6, 5);
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
    let s = fridge("look-before-take", 5, 4);
    assert_eq!(
        explore(&s, &Options::default()),
        explore(&s, &Options::default())
    );
}

use common::{brute_force, brute_force_classes, counts, full, reachable};

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
            assert_eq!(count.value, expected, "{}, symmetry {symmetry}", label(&s));
            assert_eq!(
                classes.outcomes,
                all_outcomes,
                "{}: the reduced walk reaches every outcome",
                label(&s)
            );
        }
        assert!(expected <= unreduced.schedules.value, "{}", label(&s));
    }
}

#[test]
fn partial_order_reduction_keeps_every_outcome_on_larger_scenarios() {
    for (people, drinks) in [(4, 3), (5, 2), (5, 4), (6, 5)] {
        let s = fridge("look-before-take", people, drinks);
        let reference = explore(&s, &full(false));
        let classes = count_traces(&s, true, usize::MAX);
        let outcomes: Vec<_> = reference
            .outcomes
            .iter()
            .map(|o| o.outcome.clone())
            .collect();
        assert_eq!(classes.outcomes, outcomes, "{}", label(&s));
        let count = classes.count.expect("counted").value;
        assert!(
            count < reference.schedules.value,
            "{}: fewer classes than schedules",
            label(&s)
        );
        assert!(
            classes.tried < reference.transitions,
            "{}: sleep sets skip deliveries",
            label(&s)
        );
    }
    // The same on the other built-ins.
    for s in larger_scenarios() {
        let reference = explore(&s, &full(false));
        let outcomes: Vec<_> = reference
            .outcomes
            .iter()
            .map(|o| o.outcome.clone())
            .collect();
        for symmetry in [false, true] {
            let classes = count_traces(&s, symmetry, usize::MAX);
            assert_eq!(classes.outcomes, outcomes, "{}", label(&s));
            let count = classes.count.expect("counted").value;
            assert!(count <= reference.schedules.value, "{}", label(&s));
        }
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

/// Thirsty, but with a fridge that must never be empty: the invariant
/// breaks when the last drink is taken, a runtime error that ends the run.
fn fragile_fridge() -> Scenario {
    let (_, source) = lang::BUILTINS
        .iter()
        .find(|(name, _)| *name == "thirsty")
        .unwrap();
    let source = source
        .replace("protocol \"thirsty\"", "protocol \"fragile\"")
        .replace("invariant drinks >= 0", "invariant drinks >= 1");
    assert!(source.contains("invariant drinks >= 1"));
    let program = lang::compile("fragile.race", &source).expect("compiles");
    Scenario::new(Arc::new(program))
}

/// Changed on purpose: a runtime error (here a broken invariant; also an
/// overflow) ends the run, and the explorer reports it as an outcome of its
/// own, unsafe, with a witness that replays to the failure.
#[test]
fn a_runtime_error_is_an_outcome_with_a_witness() {
    // Two people ask for one drink each from a fridge of two: whoever is
    // served second empties it and breaks the invariant.
    let s = Scenario::new(fragile_fridge().protocol)
        .with("people", 2)
        .and_then(|s| s.with("ask", 1))
        .unwrap();
    assert_eq!(s.param("drinks"), Some(2));
    let system = s.system();
    let expected = brute_force(&s);
    for symmetry in [false, true] {
        let report = explore(&s, &full(symmetry));
        assert!(report.complete && report.counts_exact);
        assert_eq!(counts(&report), expected, "symmetry {symmetry}");
        assert_eq!(report.outcomes.len(), 1);
        let o = &report.outcomes[0];
        let error = o.outcome.error.as_deref().expect("a runtime error");
        assert!(
            error.starts_with("Fridge failed: invariant drinks >= 1 broken at line "),
            "{error}"
        );
        assert!(o.outcome.values.is_empty());
        assert_eq!(system.unsafe_why(&o.outcome).as_deref(), Some(error));
        // 1F-2F, 2F-1F, 1F-F1-2F and 2F-F2-1F all fail; the shortest has two.
        assert_eq!(o.schedules.value, 4);
        assert_eq!(o.witness.len(), 2);
        let (world, deliveries) = system.replay(&o.witness).unwrap();
        let failure = world.failed.as_ref().expect("the witness fails");
        assert_eq!(failure.actor, ActorId::SERVER);
        assert!(world.is_final());
        assert_eq!(system.outcome(&world), o.outcome);
        let last = deliveries.last().unwrap();
        assert_eq!(last.error.as_ref(), Some(&failure.error));
        assert!(
            system
                .narrate(last)
                .ends_with(&format!("and failed: {}", failure.error)),
            "{}",
            system.narrate(last)
        );
        // Nothing can follow a failure.
        assert!(world.deliverable().next().is_none());
        let mut longer = o.witness.clone();
        longer.0.push(Step::new(ActorId::SERVER, ActorId(1)));
        let err = system.replay(&longer).unwrap_err();
        assert_eq!(err.step, 3);
        assert!(err.reason.starts_with("the run already ended"), "{err}");
    }
    assert_eq!(brute_force_classes(&s), 4);
    assert_eq!(count_traces(&s, true, usize::MAX).count.unwrap().value, 4);
    // With three drinks nobody empties the fridge: no error.
    let safe = s.with("drinks", 3).unwrap();
    let report = explore(&safe, &Options::default());
    assert!(report.outcomes.iter().all(|o| o.outcome.error.is_none()));
    assert_eq!(counts(&report), brute_force(&safe));
}

#[test]
fn packed_worlds_decode_exactly_and_distinct_worlds_pack_differently() {
    let mut scenarios = small_scenarios();
    scenarios.push(
        Scenario::new(fragile_fridge().protocol)
            .with("people", 3)
            .unwrap(),
    );
    for s in scenarios {
        let system = s.system();
        let layout = Layout::new(&system);
        assert_eq!(layout.actors(), system.actors());
        let worlds = reachable(&s);
        let mut bytes_seen: HashMap<Vec<u8>, usize> = HashMap::new();
        for (i, world) in worlds.iter().enumerate() {
            let mut bytes = Vec::new();
            pack(world, &layout, &mut bytes);
            assert_eq!(&unpack(&bytes, &layout), world, "{}", label(&s));
            if let Some(j) = bytes_seen.insert(bytes, i) {
                panic!("{}: worlds {j} and {i} pack the same", label(&s));
            }
        }
    }
    // A failed world, and a terminated actor, keep what makes them so.
    let s = Scenario::new(fragile_fridge().protocol)
        .with("ask", 1)
        .unwrap();
    let system = s.system();
    let layout = Layout::new(&system);
    let (mut world, _) = system
        .replay(&Schedule::parse("1F-2F", 'F').unwrap())
        .unwrap();
    assert!(world.failed.is_some());
    system.terminate(&mut world, ActorId(3));
    assert!(world.states[3].stopped);
    let mut bytes = Vec::new();
    pack(&world, &layout, &mut bytes);
    assert_eq!(unpack(&bytes, &layout), world);
}
