//! The pure core, natively: the fridge's protocol case by case, the people,
//! the reading's two exercises, schedules, and the worker host.

use racelab::model::fridge::Fridge;
use racelab::model::people::Phase;
use racelab::model::{Actor, ActorId, Handled, Msg, Outbox, Protocol, Scenario, Schedule};
use racelab::wire::{ActorHost, FromActor, ToActor};

const F: ActorId = ActorId::SERVER;
const P1: ActorId = ActorId(1);

/// Sends `n` to a fridge holding `drinks`; returns (reply, drinks after).
fn ask_fridge(drinks: i32, n: i32) -> (Msg, i32) {
    let mut fridge = Fridge::new(drinks);
    let mut out = Outbox::new();
    assert!(fridge.handle(P1, Msg::Drink(n), &mut out));
    assert_eq!(out.len(), 1, "exactly one reply");
    assert_eq!(out[0].0, P1, "the reply goes back to the sender");
    (out[0].1, fridge.drinks)
}

#[test]
fn fridge_protocol_case_by_case() {
    // (drinks before, request, taken-or-added, drinks after)
    let cases = [
        (2, 1, 1, 1),   // take one
        (2, 3, 2, 0),   // ask for more than there is: take what is left
        (0, 1, 0, 0),   // take from an empty fridge
        (2, 0, 0, 2),   // look
        (0, 0, 0, 0),   // look at an empty fridge
        (2, -3, -3, 5), // load three
        (0, -1, -1, 1), // load into an empty fridge
        (5, 5, 5, 0),   // take exactly all
    ];
    for (before, n, change, after) in cases {
        let (reply, left) = ask_fridge(before, n);
        assert_eq!(
            reply,
            Msg::FridgeResult {
                taken_or_added: change,
                left: after
            },
            "fridge with {before}, request {n}"
        );
        assert_eq!(left, after, "fridge with {before}, request {n}");
    }
}

#[test]
fn fridge_refuses_a_load_that_would_overflow_and_keeps_its_invariant() {
    let (reply, left) = ask_fridge(5, i32::MIN);
    assert_eq!(left, 5);
    assert_eq!(
        reply,
        Msg::FridgeResult {
            taken_or_added: 0,
            left: 5
        }
    );
    assert_eq!(
        Fridge::new(-4).drinks,
        0,
        "a negative start is clamped to empty"
    );
}

#[test]
fn fridge_ignores_replies_and_stops_on_the_poison_pill() {
    let fridge = Actor::Fridge { drinks: 2 };
    let mut out = Outbox::new();
    let mut state = fridge.start(&mut out);
    assert!(out.is_empty(), "the fridge sends nothing on its own");
    let reply = Msg::FridgeResult {
        taken_or_added: 0,
        left: 0,
    };
    assert_eq!(
        fridge.handle(&mut state, P1, reply, &mut out),
        Handled::Unexpected
    );
    assert_eq!(
        fridge.handle(&mut state, P1, Msg::Stop, &mut out),
        Handled::Stopped
    );
    assert_eq!(
        fridge.handle(&mut state, P1, Msg::Drink(1), &mut out),
        Handled::Ignored
    );
    assert!(out.is_empty(), "after the poison pill nothing is handled");
    assert_eq!(state.drinks(), Some(2));
}

#[test]
fn polite_person_looks_then_takes_only_if_more_than_one_is_left() {
    let polite = Actor::PolitePerson;
    for (left, takes) in [(0, false), (1, false), (2, true), (7, true)] {
        let mut out = Outbox::new();
        let mut state = polite.start(&mut out);
        assert_eq!(out, vec![(F, Msg::Drink(0))], "starts by looking");
        out.clear();
        let look_reply = Msg::FridgeResult {
            taken_or_added: 0,
            left,
        };
        assert_eq!(
            polite.handle(&mut state, F, look_reply, &mut out),
            Handled::Done
        );
        if takes {
            assert_eq!(out, vec![(F, Msg::Drink(1))]);
            assert_eq!(state.phase(), Some(Phase::Taking));
            assert_eq!(
                state.describe(Some(look_reply)),
                format!("saw {left} left, taking")
            );
            out.clear();
            let take_reply = Msg::FridgeResult {
                taken_or_added: 1,
                left: left - 1,
            };
            polite.handle(&mut state, F, take_reply, &mut out);
            assert_eq!(state.phase(), Some(Phase::Got { drinks: 1 }));
            assert!(out.is_empty());
        } else {
            assert!(out.is_empty(), "leaves without taking when {left} left");
            assert_eq!(state.phase(), Some(Phase::Left));
            assert_eq!(
                state.describe(Some(look_reply)),
                format!("saw {left} left, left without one")
            );
        }
    }
}

/// Replays `schedule` on `scenario` and returns the outcome's (drinks left, served).
fn run(scenario: Scenario, schedule: &str) -> (i32, Vec<u8>) {
    let system = scenario.system();
    let parsed = Schedule::parse(schedule, system.server_letter).expect("schedule parses");
    let (world, _) = system.replay(&parsed).expect("schedule replays");
    assert!(world.net.is_empty(), "{schedule} leaves messages in flight");
    let outcome = scenario.outcome(&world);
    (outcome.left(), outcome.served().to_vec())
}

#[test]
fn two_thirsty_people_empty_the_fridge_in_either_order() {
    let scenario = Scenario::new(Protocol::Thirsty, 2, 2, 3).unwrap();
    // (schedule, the person who gets both drinks)
    for (schedule, winner, loser) in [
        ("1F-2F-F1-F2", 1, 2),
        ("2F-1F-F2-F1", 2, 1),
        ("1F-F1-2F-F2", 1, 2),
    ] {
        let system = scenario.system();
        let (world, _) = system
            .replay(&Schedule::parse(schedule, 'F').unwrap())
            .unwrap();
        assert_eq!(world.states[0].drinks(), Some(0), "{schedule}");
        assert_eq!(
            world.states[winner].phase(),
            Some(Phase::Got { drinks: 2 }),
            "{schedule}"
        );
        assert_eq!(
            world.states[loser].phase(),
            Some(Phase::Got { drinks: 0 }),
            "{schedule}"
        );
        assert_eq!(run(scenario, schedule), (0, vec![winner as u8]));
    }
}

#[test]
fn look_before_take_can_serve_one_or_empty_the_fridge() {
    let scenario = Scenario::default();
    assert_eq!((scenario.people, scenario.drinks), (3, 2));
    // Person 1 looks and takes before anyone else looks: 1 left, one served.
    assert_eq!(run(scenario, "1F-F1-1F-F1-2F-F2-3F-F3"), (1, vec![1]));
    assert_eq!(run(scenario, "3F-F3-3F-F3-1F-F1-2F-F2"), (1, vec![3]));
    // Persons 1 and 2 both look while 2 are left, then both take: empty.
    assert_eq!(
        run(scenario, "1F-2F-F1-F2-1F-2F-F1-F2-3F-F3"),
        (0, vec![1, 2])
    );
    let outcome = {
        let system = scenario.system();
        let (world, _) = system
            .replay(&Schedule::parse("1F-2F-F1-F2-1F-2F-F1-F2-3F-F3", 'F').unwrap())
            .unwrap();
        scenario.outcome(&world)
    };
    assert!(outcome.politeness_failed());
    assert!(
        outcome.to_string().contains("Politeness failed"),
        "{outcome}"
    );
}

#[test]
fn a_polite_person_can_be_told_zero_drinks_taken() {
    let system = Scenario::default().system();
    let schedule = Schedule::parse("1F-2F-3F-F1-F2-F3-1F-2F-3F-F1-F2-F3", 'F').unwrap();
    let (world, deliveries) = system.replay(&schedule).unwrap();
    assert_eq!(
        world.states[3].phase(),
        Some(Phase::Left),
        "took 0, so left without one"
    );
    let last = deliveries.last().unwrap();
    assert_eq!(
        system.narrate(&deliveries[6]),
        "Fridge received take 1 from Person 1 and replied: took 1, 1 left"
    );
    assert_eq!(
        system.narrate(last),
        "Person 3 received took 0, 0 left from Fridge"
    );
}

#[test]
fn schedule_strings_round_trip() {
    for text in ["", "1F", "1F-F1-2F", "9F-F9-1F-F2", "1F-2F-3F-F1-F2-F3"] {
        let parsed = Schedule::parse(text, 'F').unwrap();
        assert_eq!(parsed.display('F'), text);
        assert_eq!(Schedule::parse(&parsed.display('F'), 'F').unwrap(), parsed);
    }
    assert_eq!(Schedule::parse("1B-B1", 'B').unwrap().len(), 2);
}

#[test]
fn garbage_schedule_strings_are_errors_not_panics() {
    let cases = [
        ("x", 1),
        ("1F-", 2),
        ("-1F", 1),
        ("1F--F1", 2),
        ("1F-F0", 2),
        ("11", 1),
        ("FF", 1),
        ("1F-F1-1B", 3),
        ("1FF", 1),
        ("é1", 1),
        ("1F 2F", 1),
        ("A0", 1),
    ];
    for (text, step) in cases {
        let err = Schedule::parse(text, 'F').expect_err(text);
        assert_eq!(err.step, step, "{text}: {err}");
        assert!(!err.reason.is_empty());
    }
}

#[test]
fn impossible_deliveries_are_refused_with_the_step_named() {
    let system = Scenario::default().system();
    for (text, step, reason) in [
        ("F1", 1, "nothing is in flight from Fridge to Person 1"),
        ("1F-1F", 2, "nothing is in flight from Person 1 to Fridge"),
        ("4F", 1, "there is no Person 4"),
        (
            "1F-F1-1F-F1-F1",
            5,
            "nothing is in flight from Fridge to Person 1",
        ),
    ] {
        let err = system
            .replay(&Schedule::parse(text, 'F').unwrap())
            .unwrap_err();
        assert_eq!((err.step, err.reason.as_str()), (step, reason), "{text}");
    }
}

#[test]
fn scenario_parameters_are_range_checked() {
    assert!(Scenario::new(Protocol::LookBeforeTake, 8, 20, 1).is_ok());
    for (people, drinks, ask, field) in [
        (0, 2, 3, "People"),
        (9, 2, 3, "People"),
        (3, -1, 3, "Drinks"),
        (3, 21, 3, "Drinks"),
        (3, 2, 0, "Ask"),
    ] {
        let err = Scenario::new(Protocol::Thirsty, people, drinks, ask).unwrap_err();
        assert_eq!(err.field, field);
        assert!(err.message.starts_with(field), "{}", err.message);
    }
}

#[test]
fn the_worker_host_answers_as_the_model_says() {
    let scenario = Scenario::default();
    let system = scenario.system();
    let schedule = Schedule::parse("1F-2F-F1-F2-1F-2F-F1-F2-3F-F3", 'F').unwrap();
    let (_, deliveries) = system.replay(&schedule).unwrap();
    let mut hosts: Vec<ActorHost> = system.actors.iter().map(|_| ActorHost::default()).collect();
    let init = system.init();
    for (i, actor) in system.actors.iter().enumerate() {
        let reply = hosts[i].receive(ToActor::Init {
            id: ActorId(i as u8),
            actor: *actor,
        });
        let FromActor::Started { state, .. } = reply else {
            panic!("{reply:?}")
        };
        assert_eq!(state, init.states[i]);
    }
    let mut world = system.init();
    for d in &deliveries {
        let reply = hosts[d.step.to.index()].receive(ToActor::Deliver {
            from: d.step.from,
            msg: d.msg,
        });
        system.deliver(&mut world, d.step);
        assert_eq!(
            reply,
            FromActor::Handled {
                handled: d.handled,
                state: world.states[d.step.to.index()],
                sent: d.sent.clone()
            }
        );
    }
    assert_eq!(hosts[0].receive(ToActor::Stop), FromActor::Stopped);
    let after = hosts[0].receive(ToActor::Deliver {
        from: P1,
        msg: Msg::Drink(0),
    });
    assert!(
        matches!(after, FromActor::Handled { handled: Handled::Ignored, ref sent, .. } if sent.is_empty())
    );
    let mut fresh = ActorHost::default();
    assert!(matches!(
        fresh.receive(ToActor::Stop),
        FromActor::Failed { .. }
    ));
}
