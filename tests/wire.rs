//! The byte packings the wire codec uses to cross `postMessage` (as a
//! number or as a string): every byte sequence comes back exactly, and
//! anything else is refused rather than misread. Also what an actor's
//! worker answers ([`racelab::wire::ActorHost`]), runtime errors included,
//! and an exploration's summary.

use racelab::live::Rng;
use racelab::wire::{bytes_to_number, bytes_to_text, number_to_bytes, text_to_bytes, NUMBER_BYTES};

#[test]
fn short_byte_strings_round_trip_through_one_number() {
    let mut rng = Rng::new(3);
    let mut seen = std::collections::BTreeSet::new();
    for len in 0..=NUMBER_BYTES {
        for _ in 0..2000 {
            let bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            let n = bytes_to_number(&bytes).expect("short enough");
            assert!(n < 2f64.powi(53), "exact in an f64");
            assert_eq!(number_to_bytes(n), Some(bytes.clone()));
            seen.insert(n.to_bits());
        }
    }
    // Leading zero bytes are kept: lengths differ, so numbers differ.
    assert_eq!(
        number_to_bytes(bytes_to_number(&[0, 0, 7]).unwrap()),
        Some(vec![0, 0, 7])
    );
    assert_ne!(bytes_to_number(&[0, 7]), bytes_to_number(&[7]));
    assert_eq!(bytes_to_number(&[1; NUMBER_BYTES + 1]), None);
}

#[test]
fn numbers_that_no_bytes_encode_are_refused() {
    for x in [
        0.0,
        -1.0,
        0.5,
        2.0,
        255.0,
        1e300,
        f64::NAN,
        f64::INFINITY,
        2f64.powi(49),
        2f64.powi(52),
    ] {
        assert_eq!(number_to_bytes(x), None, "{x}");
    }
}

#[test]
fn any_bytes_round_trip_through_a_string() {
    let all: Vec<u8> = (0..=255).collect();
    let text = bytes_to_text(&all);
    assert_eq!(text.chars().count(), 256);
    assert_eq!(text_to_bytes(&text), Some(all));
    assert_eq!(
        text_to_bytes("caf\u{e9}"),
        Some(vec![b'c', b'a', b'f', 0xe9])
    );
    assert_eq!(text_to_bytes("\u{100}"), None);
    assert_eq!(text_to_bytes("\u{1F600}"), None);
}

mod hosts {
    //! The worker side of the page ↔ worker protocol: what an actor's
    //! worker answers, including for protocols that are not built in.

    use std::sync::Arc;

    use racelab::explore::{explore, Options};
    use racelab::lang::{self, RunError};
    use racelab::model::{ActorId, Handled, Scenario, Schedule};
    use racelab::wire::{ActorHost, FromActor, Summary, ToActor};

    const F: ActorId = ActorId::SERVER;

    /// Thirsty, with a fridge that must never be empty, two people asking
    /// for one drink each from two: the second served breaks the invariant.
    fn fragile() -> Scenario {
        let (_, source) = lang::BUILTINS
            .iter()
            .find(|(name, _)| *name == "thirsty")
            .unwrap();
        let source = source
            .replace("protocol \"thirsty\"", "protocol \"fragile\"")
            .replace("invariant drinks >= 0", "invariant drinks >= 1");
        let program = lang::compile("fragile.race", &source).expect("compiles");
        Scenario::new(Arc::new(program))
            .with("people", 2)
            .and_then(|s| s.with("ask", 1))
            .unwrap()
    }

    #[test]
    fn a_worker_reports_a_runtime_error_as_the_model_does_and_sends_nothing() {
        let scenario = fragile();
        assert!(!scenario.is_builtin());
        let system = scenario.system();
        let mut host = ActorHost::default();
        let started = host.receive(ToActor::Init {
            id: F,
            scenario: scenario.clone(),
        });
        let init = system.init();
        assert_eq!(
            started,
            FromActor::Started {
                state: init.states[0].clone(),
                sent: vec![]
            }
        );
        let (world, deliveries) = system
            .replay(&Schedule::parse("1F-2F", 'F').unwrap())
            .unwrap();
        let failure = world.failed.clone().expect("the second take fails");
        assert_eq!(failure.actor, F);
        assert_eq!(failure.error.message, "invariant drinks >= 1 broken");
        for d in &deliveries {
            let reply = host.receive(ToActor::Deliver {
                from: d.step.from,
                msg: d.msg,
            });
            let FromActor::Handled {
                handled,
                sent,
                error,
                ..
            } = reply
            else {
                panic!("{reply:?}")
            };
            assert_eq!((handled, &sent, &error), (d.handled, &d.sent, &d.error));
        }
        assert_eq!(deliveries[0].handled, Handled::Done);
        assert_eq!(deliveries[1].handled, Handled::Failed);
        assert!(deliveries[1].sent.is_empty());
        assert_eq!(
            deliveries[1].error,
            Some(RunError {
                message: "invariant drinks >= 1 broken".into(),
                line: failure.error.line,
            })
        );
    }

    #[test]
    fn a_worker_hosts_one_actor_that_its_scenario_has() {
        let scenario = Scenario::default();
        let system = scenario.system();
        let mut host = ActorHost::default();
        assert_eq!(host.receive(ToActor::Ping(5)), FromActor::Pong(5));
        let reply = host.receive(ToActor::Init {
            id: ActorId(4),
            scenario: scenario.clone(),
        });
        assert!(
            matches!(&reply, FromActor::Failed { error } if error.contains("has no actor 4")),
            "{reply:?}"
        );
        let person = ActorId(2);
        let reply = host.receive(ToActor::Init {
            id: person,
            scenario: scenario.clone(),
        });
        let init = system.init();
        let look = system.message("drink", &[0]).unwrap();
        let started = FromActor::Started {
            state: init.states[2].clone(),
            sent: vec![(F, look)],
        };
        assert_eq!(reply, started);
        let again = host.receive(ToActor::Init {
            id: ActorId(1),
            scenario,
        });
        assert!(
            matches!(&again, FromActor::Failed { error } if error.contains("already hosts actor 2")),
            "{again:?}"
        );
        // A reply, then a restart: back to the first state and first look.
        let reply = system.message("result", &[0, 2]).unwrap();
        let handled = host.receive(ToActor::Deliver {
            from: F,
            msg: reply,
        });
        assert!(
            matches!(&handled, FromActor::Handled { handled: Handled::Done, sent, .. } if sent.len() == 1),
            "{handled:?}"
        );
        assert_eq!(host.receive(ToActor::Restart), started);
    }

    #[test]
    fn an_exploration_summary_crosses_as_text() {
        let scenario = Scenario::default();
        let report = explore(&scenario, &Options::default());
        let summary = Summary::new(scenario.clone(), 1000, &report);
        assert_eq!(summary.schedules, "26190");
        assert_eq!(summary.traces.as_deref(), Some("66"));
        assert_eq!(summary.outcomes.len(), 6);
        let system = scenario.system();
        for (o, r) in summary.outcomes.iter().zip(&report.outcomes) {
            assert_eq!(o.outcome, r.outcome);
            assert_eq!(o.schedules, r.schedules.value.to_string());
            let witness = Schedule::parse(&o.witness, 'F').unwrap();
            let (world, _) = system.replay(&witness).unwrap();
            assert_eq!(system.outcome(&world), o.outcome);
        }
        let goals: Vec<Option<usize>> = summary
            .goals
            .iter()
            .map(|g| {
                g.witness
                    .as_ref()
                    .map(|w| Schedule::parse(w, 'F').unwrap().len())
            })
            .collect();
        assert_eq!(goals, [Some(6), Some(10)]);
    }
}
