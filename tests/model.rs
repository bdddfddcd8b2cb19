//! The pure core, natively: the fridge's protocol case by case, the people,
//! the reading's two exercises, schedules, and the worker host. The actors
//! are the protocol files in `protocols/`, run by the interpreter.

use racelab::lang::{self, Value};
use racelab::model::{
    ActorId, ActorState, Failure, Handled, Msg, Outbox, Outcome, Scenario, Schedule, Step, System,
};
use racelab::wire::{ActorHost, FromActor, ToActor};

const F: ActorId = ActorId::SERVER;
const P1: ActorId = ActorId(1);
const P3: ActorId = ActorId(3);

/// A built-in protocol with some parameters set.
fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

/// A message of `system`'s protocol, by kind and fields.
fn msg(system: &System, kind: &str, args: &[i32]) -> Msg {
    system
        .message(kind, args)
        .unwrap_or_else(|| panic!("no message {kind}{args:?}"))
}

/// Sets an actor's variable by hand (the API only reads them), for states
/// no schedule reaches, such as a fridge at the edge of the integers.
fn set_var(system: &System, id: ActorId, state: &mut ActorState, name: &str, value: i32) {
    let var = system
        .inst
        .role_of(id.index())
        .vars
        .iter()
        .find(|v| v.name == name)
        .unwrap_or_else(|| panic!("no variable {name}"));
    state.slots[usize::from(var.slot)] = value;
    assert_eq!(system.var(id, state, name), Some(value));
}

/// The 1-based line of the first line of `protocol`'s file containing `text`.
fn line_of(protocol: &str, text: &str) -> u32 {
    let (_, source) = lang::BUILTINS
        .iter()
        .find(|(name, _)| *name == protocol)
        .expect("a built-in");
    source
        .lines()
        .position(|l| l.contains(text))
        .map(|i| i as u32 + 1)
        .unwrap_or_else(|| panic!("{text:?} is not in {protocol}"))
}

/// The look-before-take fridge holding `drinks`, its system, and its state.
fn fridge(drinks: i32) -> (System, ActorState) {
    let system = Scenario::default().system();
    let mut state = system.init().states[0].clone();
    set_var(&system, F, &mut state, "drinks", drinks);
    (system, state)
}

/// Sends `drink(n)` to a fridge holding `drinks`; returns (reply, drinks after).
fn ask_fridge(drinks: i32, n: i32) -> (Msg, i32) {
    let (system, mut state) = fridge(drinks);
    let mut out = Outbox::new();
    let request = msg(&system, "drink", &[n]);
    assert_eq!(
        system.handle(F, &mut state, P1, request, &mut out),
        Ok(Handled::Done)
    );
    assert_eq!(out.len(), 1, "exactly one reply");
    assert_eq!(out[0].0, P1, "the reply goes back to the sender");
    (out[0].1, system.var(F, &state, "drinks").unwrap())
}

#[test]
fn fridge_protocol_case_by_case() {
    let system = Scenario::default().system();
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
            msg(&system, "result", &[change, after]),
            "fridge with {before}, request {n}"
        );
        assert_eq!(left, after, "fridge with {before}, request {n}");
    }
}

/// Changed on purpose: the Rust fridge refused a load that would overflow
/// its counter (replying "took 0"); the interpreter never wraps, so the
/// overflow is a runtime error that names its line and ends the run.
#[test]
fn a_load_that_would_overflow_is_a_runtime_error() {
    let (system, mut state) = fridge(5);
    let mut out = Outbox::new();
    let load = msg(&system, "drink", &[i32::MIN]);
    let err = system
        .handle(F, &mut state, P1, load, &mut out)
        .expect_err("the counter would overflow");
    assert!(err.message.starts_with("overflow"), "{err}");
    assert_eq!(
        err.line,
        line_of("look-before-take", "drinks = drinks - change")
    );
    // Through the model: the delivery fails, the run is over, and the
    // outcome is the error, which is unsafe.
    let mut world = system.init();
    set_var(&system, F, &mut world.states[0], "drinks", 5);
    let step = Step::new(P1, F);
    // Person 1's look is in flight to the fridge; put the load behind it.
    world.net.post(P1, F, load);
    let look = system.deliver(&mut world, step).unwrap();
    assert_eq!(look.handled, Handled::Done);
    let d = system.deliver(&mut world, step).unwrap();
    assert_eq!(d.handled, Handled::Failed);
    assert!(d.sent.is_empty(), "a failed handler sends nothing");
    assert_eq!(d.error.as_ref(), Some(&err));
    assert_eq!(
        world.failed,
        Some(Failure {
            actor: F,
            error: err.clone()
        })
    );
    assert!(world.is_final());
    assert_eq!(world.deliverable().count(), 0, "nothing more is delivered");
    assert!(
        system.narrate(&d).contains(" and failed: overflow"),
        "{}",
        system.narrate(&d)
    );
    let outcome = system.outcome(&world);
    assert_eq!(outcome.error, Some(format!("Fridge failed: {err}")));
    assert_eq!(system.unsafe_why(&outcome), outcome.error);
    assert!(system
        .show_outcome(&outcome)
        .starts_with("Runtime error: Fridge failed: overflow"));
    // A negative start used to be clamped to empty; now the parameter's
    // range refuses it.
    let err = Scenario::default().with("drinks", -4).unwrap_err();
    assert_eq!(err.field, "Drinks");
    assert_eq!(err.message, "Drinks must be a whole number from 0 to 20");
}

#[test]
fn fridge_ignores_replies_and_stops_on_the_poison_pill() {
    let system = scenario("poison-pill", &[("drinks", 2)]);
    let system = system.system();
    let world = system.init();
    assert!(
        world.net.in_flight().all(|(step, _)| step.from != F),
        "the fridge sends nothing on its own"
    );
    let mut state = world.states[0].clone();
    let mut out = Outbox::new();
    let reply = msg(&system, "result", &[0, 0]);
    assert_eq!(
        system.handle(F, &mut state, P1, reply, &mut out),
        Ok(Handled::Unexpected)
    );
    // The poison pill is handled (the old `Stopped`); the fridge is then in
    // its `stopped` phase and ignores requests, with a reason.
    let stop = msg(&system, "stop", &[]);
    assert_eq!(
        system.handle(F, &mut state, ActorId(4), stop, &mut out),
        Ok(Handled::Done)
    );
    assert_eq!(system.phase_name(F, &state), "stopped");
    let take = msg(&system, "drink", &[1]);
    let ignored = system.handle(F, &mut state, P1, take, &mut out);
    assert!(
        matches!(ignored, Ok(Handled::Ignored(Some(_)))),
        "{ignored:?}"
    );
    assert!(out.is_empty(), "after the poison pill nothing is handled");
    assert_eq!(system.var(F, &state, "drinks"), Some(2));
    assert_eq!(system.describe(F, &state, None), "2 drinks (stopped)");
}

#[test]
fn polite_person_looks_then_takes_only_if_more_than_one_is_left() {
    let system = Scenario::default().system();
    let start = system.init();
    for (left, takes) in [(0, false), (1, false), (2, true), (7, true)] {
        let sent: Vec<(Step, Msg)> = start
            .net
            .in_flight()
            .filter(|(step, _)| step.from == P1)
            .collect();
        assert_eq!(
            sent,
            vec![(Step::new(P1, F), msg(&system, "drink", &[0]))],
            "starts by looking"
        );
        let mut state = start.states[1].clone();
        let mut out = Outbox::new();
        let look_reply = msg(&system, "result", &[0, left]);
        assert_eq!(
            system.handle(P1, &mut state, F, look_reply, &mut out),
            Ok(Handled::Done)
        );
        if takes {
            assert_eq!(out, vec![(F, msg(&system, "drink", &[1]))]);
            assert_eq!(system.phase_name(P1, &state), "taking");
            assert_eq!(
                system.describe(P1, &state, Some(look_reply)),
                format!("saw {left} left, taking")
            );
            let take_reply = msg(&system, "result", &[1, left - 1]);
            assert_eq!(
                system.handle(P1, &mut state, F, take_reply, &mut out),
                Ok(Handled::Done)
            );
            assert_eq!(system.phase_name(P1, &state), "got");
            assert!(system.finished(P1, &state));
            assert!(out.is_empty());
        } else {
            assert!(out.is_empty(), "leaves without taking when {left} left");
            assert_eq!(system.phase_name(P1, &state), "gone");
            assert!(system.finished(P1, &state));
            assert_eq!(
                system.describe(P1, &state, Some(look_reply)),
                format!("saw {left} left, left without one")
            );
        }
    }
}

/// An outcome's first value: drinks left (or the balance).
fn left(o: &Outcome) -> i32 {
    match o.values.first() {
        Some(Value::Int(n)) => *n,
        other => panic!("no number first in {o:?}: {other:?}"),
    }
}

/// Replays `schedule` on `scenario` and returns the outcome's (drinks left, served).
fn run(scenario: &Scenario, schedule: &str) -> (i32, Vec<u8>) {
    let system = scenario.system();
    let parsed = Schedule::parse(schedule, system.server_letter).expect("schedule parses");
    let (world, _) = system.replay(&parsed).expect("schedule replays");
    assert!(world.net.is_empty(), "{schedule} leaves messages in flight");
    let outcome = system.outcome(&world);
    (left(&outcome), outcome.clients().to_vec())
}

#[test]
fn two_thirsty_people_empty_the_fridge_in_either_order() {
    let scenario = scenario("thirsty", &[("people", 2), ("drinks", 2), ("ask", 3)]);
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
        assert_eq!(system.var(F, &world.states[0], "drinks"), Some(0));
        for (who, got) in [(winner, 2), (loser, 0)] {
            let id = ActorId(who);
            let state = &world.states[id.index()];
            assert_eq!(system.phase_name(id, state), "done", "{schedule}");
            assert_eq!(system.var(id, state, "got"), Some(got), "{schedule}");
        }
        assert_eq!(run(&scenario, schedule), (0, vec![winner]));
    }
}

#[test]
fn look_before_take_can_serve_one_or_empty_the_fridge() {
    let scenario = Scenario::default();
    assert_eq!(
        (scenario.param("people"), scenario.param("drinks")),
        (Some(3), Some(2))
    );
    // Person 1 looks and takes before anyone else looks: 1 left, one served.
    assert_eq!(run(&scenario, "1F-F1-1F-F1-2F-F2-3F-F3"), (1, vec![1]));
    assert_eq!(run(&scenario, "3F-F3-3F-F3-1F-F1-2F-F2"), (1, vec![3]));
    // Persons 1 and 2 both look while 2 are left, then both take: empty.
    assert_eq!(
        run(&scenario, "1F-2F-F1-F2-1F-2F-F1-F2-3F-F3"),
        (0, vec![1, 2])
    );
    let system = scenario.system();
    let (world, _) = system
        .replay(&Schedule::parse("1F-2F-F1-F2-1F-2F-F1-F2-3F-F3", 'F').unwrap())
        .unwrap();
    let outcome = system.outcome(&world);
    let why = system.unsafe_why(&outcome).expect("politeness failed");
    assert!(why.starts_with("Politeness failed"), "{why}");
    let text = system.show_outcome(&outcome);
    assert!(text.contains("Politeness failed"), "{text}");
    // One served is safe.
    let (world, _) = system
        .replay(&Schedule::parse("1F-F1-1F-F1-2F-F2-3F-F3", 'F').unwrap())
        .unwrap();
    assert_eq!(system.unsafe_why(&system.outcome(&world)), None);
}

#[test]
fn a_polite_person_can_be_told_zero_drinks_taken() {
    let system = Scenario::default().system();
    let schedule = Schedule::parse("1F-2F-3F-F1-F2-F3-1F-2F-3F-F1-F2-F3", 'F').unwrap();
    let (world, deliveries) = system.replay(&schedule).unwrap();
    assert_eq!(
        system.phase_name(P3, &world.states[3]),
        "gone",
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
    // A step from an actor to itself delivers a message it sent itself (a timer).
    for text in [
        "",
        "1F",
        "1F-F1-2F",
        "9F-F9-1F-F2",
        "1F-2F-3F-F1-F2-F3",
        "11",
        "1F-11-F1",
        "FF",
    ] {
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
        ("11", 1, "nothing is in flight from Person 1 to Person 1"),
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
    let biggest = scenario("look-before-take", &[("people", 8), ("drinks", 20)]);
    assert_eq!(
        (biggest.param("people"), biggest.param("drinks")),
        (Some(8), Some(20))
    );
    for (name, value, field) in [
        ("people", 0, "People"),
        ("people", 9, "People"),
        ("drinks", -1, "Drinks"),
        ("drinks", 21, "Drinks"),
        ("ask", 0, "Ask"),
    ] {
        let err = Scenario::builtin("thirsty")
            .unwrap()
            .with(name, value)
            .unwrap_err();
        assert_eq!(err.field, field);
        assert!(err.message.starts_with(field), "{}", err.message);
    }
    assert_eq!(
        Scenario::builtin("thirsty")
            .unwrap()
            .with("people", 9)
            .unwrap_err()
            .message,
        "People must be a whole number from 1 to 8"
    );
    // Changed on purpose: a parameter the protocol does not have gets a
    // generic message naming the ones it has.
    let err = Scenario::builtin("thirsty")
        .unwrap()
        .with("customers", 2)
        .unwrap_err();
    assert_eq!(err.field, "customers");
    assert_eq!(
        err.message,
        "thirsty has no parameter \"customers\"; its parameters are people, drinks, ask"
    );
}

#[test]
fn the_worker_host_answers_as_the_model_says() {
    let scenario = Scenario::default();
    let system = scenario.system();
    let schedule = Schedule::parse("1F-2F-F1-F2-1F-2F-F1-F2-3F-F3", 'F').unwrap();
    let (_, deliveries) = system.replay(&schedule).unwrap();
    let mut hosts: Vec<ActorHost> = (0..system.actors()).map(|_| ActorHost::default()).collect();
    let init = system.init();
    for (i, host) in hosts.iter_mut().enumerate() {
        let reply = host.receive(ToActor::Init {
            id: ActorId(i as u8),
            scenario: scenario.clone(),
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
                state: world.states[d.step.to.index()].clone(),
                sent: d.sent.clone(),
                error: None,
            }
        );
    }
    assert_eq!(hosts[0].receive(ToActor::Stop), FromActor::Stopped);
    let after = hosts[0].receive(ToActor::Deliver {
        from: P1,
        msg: msg(&system, "drink", &[0]),
    });
    // The worker-level stop is a termination now (`Terminated`; the Rust
    // actors handled it as their own poison pill and said `Ignored`).
    assert!(
        matches!(after, FromActor::Handled { handled: Handled::Terminated, ref sent, .. } if sent.is_empty()),
        "{after:?}"
    );
    let mut fresh = ActorHost::default();
    assert!(matches!(
        fresh.receive(ToActor::Stop),
        FromActor::Failed { .. }
    ));
}
