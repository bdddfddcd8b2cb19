//! The bank account, check-then-act, and the fixed protocols.

use racelab::explore::{explore, Options};
use racelab::lang::{RunError, Value};
use racelab::model::{
    ActorId, ActorState, Handled, Msg, Outbox, Outcome, Scenario, Schedule, System, Waiting,
};
use racelab::permalink::Link;

const B: ActorId = ActorId::SERVER;
const C1: ActorId = ActorId(1);

/// A built-in protocol with some parameters set.
fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

fn bank(protocol: &str, customers: i64, balance: i64, amount: i64) -> Scenario {
    scenario(
        protocol,
        &[
            ("customers", customers),
            ("balance", balance),
            ("amount", amount),
        ],
    )
}

/// A message of `system`'s protocol, by kind and fields.
fn msg(system: &System, kind: &str, args: &[i32]) -> Msg {
    system
        .message(kind, args)
        .unwrap_or_else(|| panic!("no message {kind}{args:?}"))
}

/// The bank's state holding `balance`, set by hand (the API only reads
/// variables): balances at the edge of the integers are reached no other way.
fn bank_state(system: &System, balance: i32) -> ActorState {
    let mut state = system.init().states[0].clone();
    let var = system
        .inst
        .role_of(0)
        .vars
        .iter()
        .find(|v| v.name == "balance")
        .expect("the bank has a balance");
    state.slots[usize::from(var.slot)] = balance;
    assert_eq!(system.var(B, &state, "balance"), Some(balance));
    state
}

/// Sends `request` to an account holding `balance`; returns how it went and
/// the balance after.
fn ask_bank(system: &System, balance: i32, request: Msg) -> (Result<Msg, RunError>, i32) {
    let mut state = bank_state(system, balance);
    let mut out = Outbox::new();
    let handled = system.handle(B, &mut state, C1, request, &mut out);
    let after = system.var(B, &state, "balance").unwrap();
    match handled {
        Ok(h) => {
            assert_eq!(
                h,
                Handled::Done,
                "{} is a bank request",
                system.show(request)
            );
            assert_eq!(out.len(), 1, "exactly one reply");
            assert_eq!(out[0].0, C1, "the reply goes back to the sender");
            (Ok(out[0].1), after)
        }
        Err(e) => (Err(e), after),
    }
}

#[test]
fn bank_protocol_case_by_case() {
    // The unfixed bank takes deposits, withdrawals and balance checks; the
    // fixed one only its atomic withdraw-if.
    let racy = Scenario::builtin("check-then-withdraw").unwrap().system();
    let fixed = Scenario::builtin("withdraw-if").unwrap().system();
    let r = |s: &System, balance, ok: bool| msg(s, "result", &[balance, i32::from(ok)]);
    // (system, balance before, request, reply, balance after)
    let cases = [
        (
            &racy,
            100,
            msg(&racy, "balance", &[]),
            r(&racy, 100, true),
            100,
        ),
        (
            &racy,
            100,
            msg(&racy, "deposit", &[50]),
            r(&racy, 150, true),
            150,
        ),
        (
            &racy,
            100,
            msg(&racy, "withdraw", &[60]),
            r(&racy, 40, true),
            40,
        ),
        // Unconditional: the race's point.
        (
            &racy,
            40,
            msg(&racy, "withdraw", &[60]),
            r(&racy, -20, true),
            -20,
        ),
        (
            &fixed,
            100,
            msg(&fixed, "withdraw_if", &[60]),
            r(&fixed, 40, true),
            40,
        ),
        // The fix refuses.
        (
            &fixed,
            40,
            msg(&fixed, "withdraw_if", &[60]),
            r(&fixed, 40, false),
            40,
        ),
        (
            &fixed,
            60,
            msg(&fixed, "withdraw_if", &[60]),
            r(&fixed, 0, true),
            0,
        ),
        // Negative amounts are refused.
        (
            &racy,
            100,
            msg(&racy, "deposit", &[-5]),
            r(&racy, 100, false),
            100,
        ),
        (
            &racy,
            100,
            msg(&racy, "withdraw", &[-5]),
            r(&racy, 100, false),
            100,
        ),
        (
            &fixed,
            100,
            msg(&fixed, "withdraw_if", &[-5]),
            r(&fixed, 100, false),
            100,
        ),
    ];
    for (system, before, request, reply, after) in cases {
        assert_eq!(
            ask_bank(system, before, request),
            (Ok(reply), after),
            "{before}, {}",
            system.show(request)
        );
    }
    // Changed on purpose: the Rust bank refused a deposit or withdrawal that
    // would overflow the balance (`ok: false`); the interpreter never wraps,
    // so it is a runtime error naming the handler's line.
    for (before, request) in [
        (i32::MAX, msg(&racy, "deposit", &[1])),
        (i32::MIN, msg(&racy, "withdraw", &[1])),
    ] {
        let (result, _) = ask_bank(&racy, before, request);
        let err = result.expect_err("the balance would overflow");
        assert!(err.message.starts_with("overflow"), "{err}");
        assert!(err.line > 0);
    }
    // A reply is not a bank request: nothing happens.
    let mut state = bank_state(&racy, 1);
    let mut out = Outbox::new();
    let reply = r(&racy, 0, true);
    assert_eq!(
        racy.handle(B, &mut state, C1, reply, &mut out),
        Ok(Handled::Unexpected),
        "not a bank request"
    );
    assert!(out.is_empty());
    assert_eq!(racy.var(B, &state, "balance"), Some(1));
}

#[test]
fn messages_read_as_the_page_shows_them() {
    let racy = Scenario::builtin("check-then-withdraw").unwrap().system();
    let fixed = Scenario::builtin("withdraw-if").unwrap().system();
    let take_if = Scenario::builtin("take-if").unwrap().system();
    let labels = [
        (&racy, "balance", &[][..], "check balance"),
        (&racy, "withdraw", &[60], "withdraw 60"),
        (&fixed, "withdraw_if", &[60], "withdraw 60 if enough"),
        (&racy, "deposit", &[5], "deposit 5"),
        (&racy, "result", &[-20, 1], "balance -20"),
        (&racy, "result", &[40, 0], "refused, balance 40"),
        (&take_if, "take_if", &[], "take 1 if more than 1 left"),
    ];
    for (system, kind, args, label) in labels {
        assert_eq!(system.show(msg(system, kind, args)), label);
    }
}

/// An outcome's first value: the balance (or drinks left).
fn left(o: &Outcome) -> i32 {
    match o.values.first() {
        Some(Value::Int(n)) => *n,
        other => panic!("no number first in {o:?}: {other:?}"),
    }
}

fn outcomes(s: &Scenario, options: &Options) -> Vec<(i32, Vec<u8>)> {
    explore(s, options)
        .outcomes
        .iter()
        .map(|o| (left(&o.outcome), o.outcome.clients().to_vec()))
        .collect()
}

#[test]
fn check_then_withdraw_overdraws() {
    let two = bank("check-then-withdraw", 2, 100, 60);
    assert_eq!(two, Scenario::builtin("check-then-withdraw").unwrap());
    assert_eq!(
        outcomes(&two, &Options::default()),
        vec![(-20, vec![1, 2]), (40, vec![1]), (40, vec![2])]
    );
    let three = bank("check-then-withdraw", 3, 100, 60);
    let balances: Vec<i32> = outcomes(&three, &Options::default())
        .iter()
        .map(|o| o.0)
        .collect();
    assert_eq!(balances, vec![-80, -20, -20, -20, 40, 40, 40]);
    // A customer who sees too little does not withdraw.
    let poor = bank("check-then-withdraw", 2, 50, 60);
    assert_eq!(outcomes(&poor, &Options::default()), vec![(50, vec![])]);
}

fn overdrawn(system: &System, o: &Outcome) -> bool {
    system
        .unsafe_why(o)
        .is_some_and(|why| why.starts_with("Overdrawn"))
}

#[test]
fn the_fixed_protocols_are_never_unsafe_up_to_six_clients() {
    for clients in 1..=6 {
        for (balance, amount) in [(100, 60), (100, 30), (0, 1), (120, 40)] {
            let s = bank("withdraw-if", clients, balance, amount);
            let system = s.system();
            let report = explore(&s, &Options::default());
            assert!(report.complete);
            for o in &report.outcomes {
                assert!(
                    system.unsafe_why(&o.outcome).is_none() && left(&o.outcome) >= 0,
                    "{s:?}: {}",
                    system.show_outcome(&o.outcome)
                );
            }
            // The unfixed protocol does overdraw whenever two can afford it.
            let racy = bank("check-then-withdraw", clients, balance, amount);
            let racy_system = racy.system();
            let is_overdrawn = explore(&racy, &Options::default())
                .outcomes
                .iter()
                .any(|o| overdrawn(&racy_system, &o.outcome));
            // Overdrawing needs two customers who both see enough, and more
            // withdrawn in all than there is.
            let possible = clients >= 2 && balance >= amount && clients * amount > balance;
            assert_eq!(is_overdrawn, possible, "{racy:?}");
        }
        for drinks in 0..=5 {
            let s = scenario("take-if", &[("people", clients), ("drinks", drinks)]);
            let system = s.system();
            for o in explore(&s, &Options::default()).outcomes {
                let text = system.show_outcome(&o.outcome);
                assert!(system.unsafe_why(&o.outcome).is_none(), "{s:?}: {text}");
                assert!(left(&o.outcome) >= 1 || drinks == 0, "{s:?}: {text}");
            }
        }
    }
}

#[test]
fn an_empty_fridge_is_not_a_politeness_failure_when_nobody_took_a_drink() {
    let s = scenario("look-before-take", &[("people", 2), ("drinks", 0)]);
    let system = s.system();
    let report = explore(&s, &Options::default());
    assert_eq!(report.outcomes.len(), 1);
    let o = &report.outcomes[0].outcome;
    assert_eq!(
        o,
        &Outcome {
            values: vec![Value::Int(0), Value::Clients(vec![])],
            error: None,
            stuck: vec![],
        }
    );
    assert_eq!(system.unsafe_why(o), None);
    assert_eq!(system.show_outcome(o), "0 drinks left; nobody got a drink");
}

#[test]
fn customers_narrate_and_describe_what_they_saw() {
    let s = Scenario::builtin("check-then-withdraw").unwrap();
    let system = s.system();
    assert_eq!(
        (system.server_letter, system.name(B), system.name(C1)),
        ('B', "Bank".to_string(), "Customer 1".to_string())
    );
    let (world, deliveries) = system
        .replay(&Schedule::parse("1B-2B-B1-B2-1B-2B", 'B').unwrap())
        .unwrap();
    assert_eq!(
        system.narrate(&deliveries[0]),
        "Bank received check balance from Customer 1 and replied: balance 100"
    );
    assert_eq!(
        system.narrate(&deliveries[5]),
        "Bank received withdraw 60 from Customer 2 and replied: balance -20"
    );
    assert_eq!(system.phase_name(C1, &world.states[1]), "withdrawing");
    // The last message Customer 1 received: the balance it saw.
    let seen = deliveries[2].msg;
    assert_eq!(deliveries[2].step.to, C1);
    assert_eq!(seen, msg(&system, "result", &[100, 1]));
    assert_eq!(
        system.describe(C1, &world.states[1], Some(seen)),
        "saw balance 100, withdrawing"
    );
    assert_eq!(system.describe(B, &world.states[0], None), "balance -20");
}

#[test]
fn bank_parameters_are_range_checked() {
    for (k, b, a, field) in [
        (0, 100, 60, "Customers"),
        (9, 100, 60, "Customers"),
        (2, -1, 60, "Balance"),
        (2, 1_000_001, 60, "Balance"),
        (2, 100, 0, "Amount"),
        (2, 100, -60, "Amount"),
        (2, 100, 5_000_000, "Amount"),
    ] {
        let err = Scenario::builtin("check-then-withdraw")
            .unwrap()
            .with("customers", k)
            .and_then(|s| s.with("balance", b))
            .and_then(|s| s.with("amount", a))
            .unwrap_err();
        assert_eq!(err.field, field);
    }
}

#[test]
fn permalinks_of_every_scenario_round_trip() {
    let cases = [
        (bank("check-then-withdraw", 2, 100, 60), "1B-2B-B1"),
        (bank("withdraw-if", 5, 300, 70), "5B-B5"),
        (
            scenario("take-if", &[("people", 4), ("drinks", 3)]),
            "4F-F4-1F",
        ),
    ];
    for (scenario, text) in cases {
        let letter = scenario.system().server_letter;
        let link = Link {
            scenario,
            schedule: Schedule::parse(text, letter).unwrap(),
            terminated_after: None,
            predicted: None,
            mode: None,
        };
        let fragment = link.to_fragment();
        assert_eq!(Link::parse(&fragment).unwrap(), link, "{fragment}");
    }
    assert_eq!(
        Link {
            scenario: Scenario::builtin("check-then-withdraw").unwrap(),
            schedule: Schedule::default(),
            terminated_after: None,
            predicted: None,
            mode: None,
        }
        .to_fragment(),
        "v=1&scenario=check-then-withdraw&customers=2&balance=100&amount=60&s="
    );
    for (bad, needle) in [
        (
            "v=1&scenario=check-then-withdraw&amount=-60",
            "Amount must be",
        ),
        (
            "v=1&scenario=check-then-withdraw&balance=99999999999",
            "Balance must be",
        ),
        ("v=1&scenario=withdraw-if&customers=12", "Customers must be"),
        ("v=1&scenario=check-then-withdraw&s=1F", "malformed"),
        (
            "v=1&scenario=check-then-withdraw&s=B1",
            "impossible at step 1",
        ),
    ] {
        let err = Link::parse(bad).expect_err(bad);
        assert!(err.0.contains(needle), "{bad}: {err}");
    }
}

#[test]
fn after_the_poison_pill_requests_are_never_answered() {
    let s = scenario(
        "poison-pill",
        &[("people", 2), ("drinks", 3), ("requests", 2)],
    );
    let system = s.system();
    assert_eq!(system.name(ActorId(3)), "Owner");
    // Person 1's first request, then the owner's stop, then the rest.
    let schedule = Schedule::parse("1F-F1-3F-1F-2F-2F", 'F').unwrap();
    let (world, deliveries) = system.replay(&schedule).unwrap();
    assert!(world.net.is_empty());
    let ignored: Vec<String> = deliveries
        .iter()
        .filter(|d| matches!(d.handled, Handled::Ignored(_)))
        .map(|d| system.narrate(d))
        .collect();
    assert_eq!(ignored.len(), 3);
    let outcome = system.outcome(&world);
    assert_eq!(
        outcome,
        Outcome {
            values: vec![Value::Int(2), Value::Clients(vec![1, 2, 2])],
            error: None,
            // Both wait for answers that will never come; the protocol
            // says `stuck safe`, so that is not what makes it unsafe.
            stuck: vec![
                Waiting {
                    client: 1,
                    phase: 0
                },
                Waiting {
                    client: 2,
                    phase: 0
                }
            ],
        }
    );
    assert_eq!(system.unsafe_why(&outcome), None);
    assert_eq!(
        system.show_outcome(&outcome),
        "2 drinks left; unanswered: 1 from Person 1, 2 from Person 2"
    );
    // Whatever the order, every request is answered or not, never both, and
    // the requests delivered before the stop are the answered ones.
    let report = explore(&s, &Options::default());
    assert_eq!(report.outcomes.len(), 9);
    for o in &report.outcomes {
        let unanswered = o.outcome.clients().len() as i32;
        let answered = 4 - unanswered;
        assert_eq!(
            left(&o.outcome),
            (3 - answered).max(0),
            "{}",
            system.show_outcome(&o.outcome)
        );
    }
    let link = Link {
        scenario: s,
        schedule,
        terminated_after: None,
        predicted: None,
        mode: None,
    };
    assert_eq!(
        link.to_fragment(),
        "v=1&scenario=poison-pill&people=2&drinks=3&requests=2&s=1F-F1-3F-1F-2F-2F"
    );
    assert_eq!(Link::parse(&link.to_fragment()).unwrap(), link);
    assert!(Link::parse("v=1&scenario=poison-pill&requests=9")
        .unwrap_err()
        .0
        .contains("Requests must be"));
    // Pinned, last so that everything above is checked either way: how the
    // narration says why the fridge ignored each request.
    assert_eq!(
        ignored,
        vec![
            "Fridge received take 1 from Person 1 but had taken the poison pill, so ignored it",
            "Fridge received take 1 from Person 2 but had taken the poison pill, so ignored it",
            "Fridge received take 1 from Person 2 but had taken the poison pill, so ignored it",
        ]
    );
}

#[test]
fn terminate_drops_everything_in_flight_to_the_fridge() {
    let s = scenario(
        "poison-pill",
        &[("people", 2), ("drinks", 3), ("requests", 2)],
    );
    let system = s.system();
    let (mut world, _) = system
        .replay(&Schedule::parse("1F-F1", 'F').unwrap())
        .unwrap();
    let dropped = system.terminate(&mut world, ActorId::SERVER);
    let labels: Vec<String> = dropped
        .iter()
        .map(|(step, msg)| format!("{} from {}", system.show(*msg), system.name(step.from)))
        .collect();
    // Person 1's second request, Person 2's two, and the owner's stop: the
    // requests ahead of the stop are dropped too, unlike with the poison pill.
    assert_eq!(
        labels,
        vec![
            "take 1 from Person 1",
            "take 1 from Person 2",
            "take 1 from Person 2",
            "stop from Owner"
        ]
    );
    assert!(world.net.is_empty());
    assert_eq!(
        system.var(ActorId::SERVER, &world.states[0], "drinks"),
        Some(2)
    );
    // In a link: terminated after 2 deliveries; nothing to the fridge after.
    let link =
        Link::parse("v=1&scenario=poison-pill&people=2&drinks=3&requests=2&t=2&s=1F-F1").unwrap();
    assert_eq!(link.terminated_after, Some(2));
    assert_eq!(
        link.to_fragment(),
        "v=1&scenario=poison-pill&people=2&drinks=3&requests=2&t=2&s=1F-F1"
    );
    let err = Link::parse("v=1&scenario=poison-pill&people=2&drinks=3&requests=2&t=2&s=1F-F1-1F")
        .unwrap_err();
    assert!(err.0.contains("impossible at step 3"), "{err}");
    assert!(Link::parse("v=1&scenario=poison-pill&t=5&s=1F")
        .unwrap_err()
        .0
        .contains("t=\"5\""));
}
