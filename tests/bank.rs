//! The bank account, check-then-act, and the fixed protocols.

use racelab::explore::{explore, Options};
use racelab::model::bank::{Bank, CustomerPhase};
use racelab::model::{ActorId, Msg, Outbox, Outcome, Protocol, Scenario, Schedule};
use racelab::permalink::Link;

const C1: ActorId = ActorId(1);

/// Sends `msg` to an account holding `balance`; returns (reply, balance after).
fn ask_bank(balance: i32, msg: Msg) -> (Msg, i32) {
    let mut bank = Bank { balance };
    let mut out = Outbox::new();
    assert!(bank.handle(C1, msg, &mut out), "{msg:?} is a bank request");
    assert_eq!(out.len(), 1, "exactly one reply");
    assert_eq!(out[0].0, C1, "the reply goes back to the sender");
    (out[0].1, bank.balance)
}

#[test]
fn bank_protocol_case_by_case() {
    let r = |balance, ok| Msg::BankResult { balance, ok };
    // (balance before, request, reply, balance after)
    let cases = [
        (100, Msg::Balance, r(100, true), 100),
        (100, Msg::Deposit(50), r(150, true), 150),
        (100, Msg::Withdraw(60), r(40, true), 40),
        (40, Msg::Withdraw(60), r(-20, true), -20), // unconditional: the race's point
        (100, Msg::WithdrawIf(60), r(40, true), 40),
        (40, Msg::WithdrawIf(60), r(40, false), 40), // the fix refuses
        (60, Msg::WithdrawIf(60), r(0, true), 0),
        (100, Msg::Deposit(-5), r(100, false), 100), // negative amounts are refused
        (100, Msg::Withdraw(-5), r(100, false), 100),
        (i32::MAX, Msg::Deposit(1), r(i32::MAX, false), i32::MAX), // no overflow
        (i32::MIN, Msg::Withdraw(1), r(i32::MIN, false), i32::MIN),
    ];
    for (before, msg, reply, after) in cases {
        assert_eq!(ask_bank(before, msg), (reply, after), "{before}, {msg:?}");
    }
    let mut bank = Bank { balance: 1 };
    assert!(
        !bank.handle(C1, Msg::Drink(1), &mut Outbox::new()),
        "not a bank request"
    );
}

#[test]
fn messages_read_as_the_page_shows_them() {
    let labels = [
        (Msg::Balance, "check balance"),
        (Msg::Withdraw(60), "withdraw 60"),
        (Msg::WithdrawIf(60), "withdraw 60 if enough"),
        (Msg::Deposit(5), "deposit 5"),
        (
            Msg::BankResult {
                balance: -20,
                ok: true,
            },
            "balance -20",
        ),
        (
            Msg::BankResult {
                balance: 40,
                ok: false,
            },
            "refused, balance 40",
        ),
        (Msg::TakeIf, "take 1 if more than 1 left"),
    ];
    for (msg, label) in labels {
        assert_eq!(msg.to_string(), label);
    }
}

fn bank(protocol: Protocol, customers: i64, balance: i64, amount: i64) -> Scenario {
    Scenario::bank(protocol, customers, balance, amount).unwrap()
}

fn outcomes(s: &Scenario, options: &Options) -> Vec<(i32, Vec<u8>)> {
    explore(s, options)
        .outcomes
        .iter()
        .map(|o| (o.outcome.left(), o.outcome.served().to_vec()))
        .collect()
}

#[test]
fn check_then_withdraw_overdraws() {
    let two = bank(Protocol::CheckThenWithdraw, 2, 100, 60);
    assert_eq!(two, Scenario::default_for(Protocol::CheckThenWithdraw));
    assert_eq!(
        outcomes(&two, &Options::default()),
        vec![(-20, vec![1, 2]), (40, vec![1]), (40, vec![2])]
    );
    let three = bank(Protocol::CheckThenWithdraw, 3, 100, 60);
    let balances: Vec<i32> = outcomes(&three, &Options::default())
        .iter()
        .map(|o| o.0)
        .collect();
    assert_eq!(balances, vec![-80, -20, -20, -20, 40, 40, 40]);
    // A customer who sees too little does not withdraw.
    let poor = bank(Protocol::CheckThenWithdraw, 2, 50, 60);
    assert_eq!(outcomes(&poor, &Options::default()), vec![(50, vec![])]);
}

#[test]
fn the_fixed_protocols_are_never_unsafe_up_to_six_clients() {
    for clients in 1..=6 {
        for (balance, amount) in [(100, 60), (100, 30), (0, 1), (120, 40)] {
            let s = bank(Protocol::WithdrawIf, clients, balance, amount);
            let report = explore(&s, &Options::default());
            assert!(report.complete);
            for o in &report.outcomes {
                assert!(
                    !o.outcome.is_unsafe() && o.outcome.left() >= 0,
                    "{s:?}: {}",
                    o.outcome
                );
            }
            // The unfixed protocol does overdraw whenever two can afford it.
            let racy = bank(Protocol::CheckThenWithdraw, clients, balance, amount);
            let overdrawn = explore(&racy, &Options::default())
                .outcomes
                .iter()
                .any(|o| o.outcome.overdrawn());
            // Overdrawing needs two customers who both see enough, and more
            // withdrawn in all than there is.
            let possible = clients >= 2 && balance >= amount && clients * amount > balance;
            assert_eq!(overdrawn, possible, "{racy:?}");
        }
        for drinks in 0..=5 {
            let s = Scenario::new(Protocol::TakeIf, clients, drinks, 1).unwrap();
            for o in explore(&s, &Options::default()).outcomes {
                assert!(!o.outcome.is_unsafe(), "{s:?}: {}", o.outcome);
                assert!(o.outcome.left() >= 1 || drinks == 0, "{s:?}: {}", o.outcome);
            }
        }
    }
}

#[test]
fn an_empty_fridge_is_not_a_politeness_failure_when_nobody_took_a_drink() {
    let s = Scenario::new(Protocol::LookBeforeTake, 2, 0, 1).unwrap();
    let report = explore(&s, &Options::default());
    assert_eq!(report.outcomes.len(), 1);
    let o = &report.outcomes[0].outcome;
    assert_eq!(
        o,
        &Outcome::Fridge {
            drinks_left: 0,
            served: vec![],
            polite: true
        }
    );
    assert!(!o.politeness_failed());
    assert_eq!(o.to_string(), "0 drinks left; nobody got a drink");
}

#[test]
fn customers_narrate_and_describe_what_they_saw() {
    let s = Scenario::default_for(Protocol::CheckThenWithdraw);
    let system = s.system();
    assert_eq!(
        (
            system.server_letter,
            system.name(ActorId(0)),
            system.name(C1)
        ),
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
    assert_eq!(
        world.states[1].customer_phase(),
        Some(CustomerPhase::Withdrawing)
    );
    assert_eq!(
        world.states[1].describe(Some(deliveries[2].sent.first().map_or(
            Msg::Balance,
            |_| Msg::BankResult {
                balance: 100,
                ok: true
            }
        ))),
        "saw balance 100, withdrawing"
    );
    assert_eq!(world.states[0].describe(None), "balance -20");
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
        let err = Scenario::bank(Protocol::CheckThenWithdraw, k, b, a).unwrap_err();
        assert_eq!(err.field, field);
    }
}

#[test]
fn permalinks_of_every_scenario_round_trip() {
    let cases = [
        (bank(Protocol::CheckThenWithdraw, 2, 100, 60), "1B-2B-B1"),
        (bank(Protocol::WithdrawIf, 5, 300, 70), "5B-B5"),
        (
            Scenario::new(Protocol::TakeIf, 4, 3, 1).unwrap(),
            "4F-F4-1F",
        ),
    ];
    for (scenario, text) in cases {
        let link = Link {
            scenario,
            schedule: Schedule::parse(text, scenario.system().server_letter).unwrap(),
            terminated_after: None,
            predicted: None,
        };
        let fragment = link.to_fragment();
        assert_eq!(Link::parse(&fragment).unwrap(), link, "{fragment}");
    }
    assert_eq!(
        Link {
            scenario: Scenario::default_for(Protocol::CheckThenWithdraw),
            schedule: Schedule::default(),
            terminated_after: None,
            predicted: None,
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
    let s = Scenario::poison_pill(2, 3, 2).unwrap();
    let system = s.system();
    assert_eq!(system.name(ActorId(3)), "Owner");
    // Person 1's first request, then the owner's stop, then the rest.
    let schedule = Schedule::parse("1F-F1-3F-1F-2F-2F", 'F').unwrap();
    let (world, deliveries) = system.replay(&schedule).unwrap();
    assert!(world.net.is_empty());
    let ignored: Vec<String> = deliveries
        .iter()
        .filter(|d| d.handled == racelab::model::Handled::Ignored)
        .map(|d| system.narrate(d))
        .collect();
    assert_eq!(
        ignored,
        vec![
            "Fridge received take 1 from Person 1 but had stopped, so ignored it",
            "Fridge received take 1 from Person 2 but had stopped, so ignored it",
            "Fridge received take 1 from Person 2 but had stopped, so ignored it",
        ]
    );
    let outcome = s.outcome(&world);
    assert_eq!(
        outcome,
        Outcome::PoisonPill {
            drinks_left: 2,
            unanswered: vec![1, 2, 2]
        }
    );
    assert_eq!(
        outcome.to_string(),
        "2 drinks left; unanswered: 1 from Person 1, 2 from Person 2"
    );
    // Whatever the order, every request is answered or not, never both, and
    // the requests delivered before the stop are the answered ones.
    let report = explore(&s, &Options::default());
    assert_eq!(report.outcomes.len(), 9);
    for o in &report.outcomes {
        let unanswered = o.outcome.served().len() as i32;
        let answered = 4 - unanswered;
        assert_eq!(o.outcome.left(), (3 - answered).max(0), "{}", o.outcome);
    }
    let link = Link {
        scenario: s,
        schedule,
        terminated_after: None,
        predicted: None,
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
}

#[test]
fn terminate_drops_everything_in_flight_to_the_fridge() {
    let s = Scenario::poison_pill(2, 3, 2).unwrap();
    let system = s.system();
    let (mut world, _) = system
        .replay(&Schedule::parse("1F-F1", 'F').unwrap())
        .unwrap();
    let dropped = system.terminate(&mut world, ActorId::SERVER);
    let labels: Vec<String> = dropped
        .iter()
        .map(|(step, msg)| format!("{msg} from {}", system.name(step.from)))
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
    assert_eq!(world.states[0].drinks(), Some(2));
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
