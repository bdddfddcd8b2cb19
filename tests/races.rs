//! The further races at their default sizes, pinned: the deadlock and its
//! fix by lock ordering, the unbounded and the bounded worker pool, and the
//! retried POST and its fix by an idempotency key. (Brute force against the
//! explorer, reduced against unreduced, is in `explore.rs` for every
//! built-in, these included.)

use racelab::explore::{explore, Options, Report};
use racelab::model::{Outcome, Scenario, Schedule, System, Waiting};

fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

fn unreduced() -> Options {
    Options {
        symmetry: false,
        partial_order: false,
        ..Options::default()
    }
}

/// Each outcome in words, with its schedules and its witness.
fn table(s: &Scenario, report: &Report) -> Vec<(String, u128, String)> {
    let system = s.system();
    report
        .outcomes
        .iter()
        .map(|o| {
            (
                system.show_outcome(&o.outcome),
                o.schedules.value,
                o.witness.display(system.server_letter),
            )
        })
        .collect()
}

fn goal_witness(report: &Report, id: &str, s: &Scenario) -> Option<String> {
    let letter = s.system().server_letter;
    report
        .goals
        .iter()
        .find(|g| s.goal_id(g.goal) == id)
        .unwrap_or_else(|| panic!("no goal {id}"))
        .witness
        .as_ref()
        .map(|w| w.display(letter))
}

fn int(o: &Outcome, system: &System, name: &str) -> i32 {
    let i = system
        .inst
        .program
        .outcome
        .values
        .iter()
        .position(|v| v.name == name)
        .unwrap_or_else(|| panic!("no outcome value {name}"));
    match &o.values[i] {
        racelab::lang::Value::Int(n) => *n,
        other => panic!("{name} is {other:?}"),
    }
}

#[test]
fn the_deadlock_is_found_with_a_shortest_witness_and_who_waits_for_what() {
    let s = scenario("deadlock", &[]);
    let system = s.system();
    let report = explore(&s, &Options::default());
    assert!(report.complete && report.counts_exact);
    assert_eq!((report.states, report.schedules.value), (49, 44));
    assert!(!report.symmetry, "the lock server keeps references");
    let stuck = "Stuck: nothing is in flight, yet Alice waits in `holding A, waiting for lock B`, Bob in `holding B, waiting for lock A`";
    assert_eq!(
        table(&s, &report),
        [
            (
                "both paid: A 90, B 110".to_string(),
                26,
                "1L-L1-1L-L1-1L-1L-1L-2L-L2-2L-L2-2L-2L-2L".to_string()
            ),
            (
                format!("0 payments made: A 100, B 100. {stuck}"),
                18,
                "1L-L1-2L-L2-1L-2L".to_string()
            ),
        ]
    );
    let o = &report.outcomes[1].outcome;
    assert_eq!(
        o.stuck,
        [
            Waiting {
                client: 1,
                phase: 1
            },
            Waiting {
                client: 2,
                phase: 1
            }
        ]
    );
    assert_eq!(system.unsafe_why(o).as_deref(), Some(stuck));
    assert_eq!(system.unsafe_why(&report.outcomes[0].outcome), None);
    // The witness ends with nothing in flight and both clients unfinished.
    let (world, _) = system
        .replay(&Schedule::parse("1L-L1-2L-L2-1L-2L", 'L').unwrap())
        .unwrap();
    assert!(world.is_final());
    assert_eq!(system.outcome(&world), *o);
    assert_eq!(
        goal_witness(&report, "circular-wait", &s).as_deref(),
        Some("1L-L1-2L-L2-1L-2L")
    );
    assert_eq!(
        goal_witness(&report, "wait-for-lock", &s).as_deref(),
        Some("1L-L1-1L-2L")
    );
}

#[test]
fn lock_ordering_is_never_stuck_though_a_client_may_wait() {
    for (alice, bob) in [(30, 20), (0, 100), (1000, 1000)] {
        let s = scenario("lock-ordering", &[("alice_pays", alice), ("bob_pays", bob)]);
        let system = s.system();
        for options in [Options::default(), unreduced()] {
            let report = explore(&s, &options);
            assert!(report.complete && report.counts_exact);
            assert_eq!((report.states, report.schedules.value), (40, 14));
            assert_eq!(report.outcomes.len(), 1);
            for o in &report.outcomes {
                assert!(
                    o.outcome.stuck.is_empty(),
                    "{}",
                    system.show_outcome(&o.outcome)
                );
                assert_eq!(system.unsafe_why(&o.outcome), None);
                assert_eq!(int(&o.outcome, &system, "payments"), 2);
            }
            assert!(goal_witness(&report, "wait-for-lock-ordered", &s).is_some());
            assert_eq!(goal_witness(&report, "circular-wait-ordered", &s), None);
        }
    }
    assert_eq!(
        scenario("deadlock", &[])
            .fixed()
            .map(|f| f.name().to_string()),
        Some("lock-ordering".to_string())
    );
}

#[test]
fn the_unbounded_pool_loses_nothing_but_its_queue_follows_the_producer() {
    let s = scenario("unbounded-pool", &[]);
    let system = s.system();
    let report = explore(&s, &Options::default());
    assert!(report.complete && report.counts_exact);
    assert_eq!((report.states, report.schedules.value), (1109, 58856));
    let counts: Vec<(i32, u128)> = report
        .outcomes
        .iter()
        .map(|o| (int(&o.outcome, &system, "max_queue"), o.schedules.value))
        .collect();
    assert_eq!(
        counts,
        [(0, 2432), (1, 26616), (2, 24048), (3, 5376), (4, 384)]
    );
    for o in &report.outcomes {
        assert_eq!(o.outcome.error, None);
        assert!(o.outcome.stuck.is_empty());
        assert_eq!(int(&o.outcome, &system, "completed"), 4);
        assert_eq!(system.unsafe_why(&o.outcome), None);
    }
    // In the worst schedules every task waits at once, however many.
    for tasks in 1..=6 {
        let s = scenario("unbounded-pool", &[("tasks", tasks), ("workers", 2)]);
        let report = explore(&s, &Options::default());
        let highest = s
            .system()
            .highest(report.outcomes.iter().map(|o| &o.outcome));
        assert_eq!(highest, [("max_queue".to_string(), Some(tasks as i32))]);
        assert!(report.outcomes.iter().all(|o| o.outcome.error.is_none()));
    }
}

#[test]
fn the_bounded_pool_stays_within_its_bound_and_loses_nothing() {
    let s = scenario("bounded-pool", &[]);
    let system = s.system();
    let report = explore(&s, &Options::default());
    assert!(report.complete && report.counts_exact);
    assert_eq!((report.states, report.schedules.value), (1691, 5154300));
    let counts: Vec<(i32, u128)> = report
        .outcomes
        .iter()
        .map(|o| (int(&o.outcome, &system, "max_queue"), o.schedules.value))
        .collect();
    assert_eq!(counts, [(0, 177030), (1, 2026146), (2, 2951124)]);
    assert!(goal_witness(&report, "told-busy", &s).is_some());
    assert_eq!(goal_witness(&report, "whole-queue-bounded", &s), None);
    for (tasks, workers, bound) in [(4, 2, 1), (5, 2, 2), (4, 1, 1), (3, 3, 1), (4, 2, 4)] {
        let s = scenario(
            "bounded-pool",
            &[("tasks", tasks), ("workers", workers), ("bound", bound)],
        );
        let system = s.system();
        let report = explore(&s, &Options::default());
        assert!(report.complete);
        for o in &report.outcomes {
            // No runtime error: no broken invariant, so no task lost and
            // the queue within its bound after every step.
            assert_eq!(o.outcome.error, None, "{}", system.show_outcome(&o.outcome));
            assert!(
                o.outcome.stuck.is_empty(),
                "the producer always gets its drain"
            );
            assert_eq!(int(&o.outcome, &system, "completed"), tasks as i32);
        }
        let highest = system.highest(report.outcomes.iter().map(|o| &o.outcome));
        assert_eq!(highest[1], ("queue_bound".to_string(), Some(bound as i32)));
        let top = highest[0].1.unwrap();
        assert!(top <= bound as i32 && top <= tasks as i32);
    }
}

#[test]
fn a_retried_post_takes_two_and_an_idempotency_key_prevents_it() {
    let s = scenario("web-api-retry", &[]);
    let system = s.system();
    let report = explore(&s, &Options::default());
    assert!(report.complete && report.counts_exact);
    assert!(
        report.symmetry,
        "a timer to oneself keeps clients interchangeable"
    );
    assert_eq!((report.states, report.schedules.value), (134, 60724));
    let why = "Asked for one drink, took two: the late POST and its retry were both done";
    assert_eq!(
        table(&s, &report),
        [
            (
                format!("0 drinks left; Client 1 took two drinks for one request. {why}"),
                8900,
                "1F-F1-1F-11-F1-1F-F1-2F-F2".to_string()
            ),
            (
                "0 drinks left; Client 1 and Client 2 got a drink".to_string(),
                42924,
                "1F-F1-2F-F2-2F-F2-1F-F1-11-22".to_string()
            ),
            (
                format!("0 drinks left; Client 2 took two drinks for one request. {why}"),
                8900,
                "2F-F2-2F-22-F2-2F-F2-1F-F1".to_string()
            ),
        ]
    );
    let unreduced_report = explore(&s, &unreduced());
    assert_eq!(unreduced_report.states, 259);
    // The same outcomes and counts (a shortest witness may differ).
    let without_witness = |r: &Report| -> Vec<(Outcome, u128)> {
        r.outcomes
            .iter()
            .map(|o| (o.outcome.clone(), o.schedules.value))
            .collect()
    };
    assert_eq!(without_witness(&unreduced_report), without_witness(&report));
    assert_eq!(
        goal_witness(&report, "two-drinks", &s).as_deref(),
        Some("2F-F2-2F-22-F2-2F-F2")
    );
    // The narration of the timer, delivered from a client to itself.
    let (_, deliveries) = system
        .replay(&Schedule::parse("1F-F1-11", 'F').unwrap())
        .unwrap();
    assert_eq!(
        system.narrate(&deliveries[2]),
        "Client 1 received timeout from Client 1 and sent: POST /fridge/take to Fridge"
    );

    let fixed = s.fixed().expect("a fix");
    assert_eq!(fixed.name(), "idempotent-retry");
    for clients in 1..=3 {
        for drinks in 0..=3 {
            let s = scenario(
                "idempotent-retry",
                &[("clients", clients), ("drinks", drinks)],
            );
            let system = s.system();
            let report = explore(&s, &Options::default());
            assert!(report.complete);
            for o in &report.outcomes {
                assert_eq!(system.unsafe_why(&o.outcome), None, "{clients} / {drinks}");
                assert!(o.outcome.stuck.is_empty());
            }
            assert_eq!(goal_witness(&report, "two-drinks-keyed", &s), None);
            if drinks > 0 {
                assert!(goal_witness(&report, "timer-first-keyed", &s).is_some());
            }
        }
    }
    let report = explore(&fixed, &Options::default());
    assert_eq!((report.states, report.schedules.value), (256, 61500));
    assert_eq!(
        table(&fixed, &report),
        [(
            "0 drinks left; Client 1 and Client 2 got a drink".to_string(),
            61500,
            "1F-F1-1F-F1-11-2F-F2-2F-F2-22".to_string()
        )]
    );
}
