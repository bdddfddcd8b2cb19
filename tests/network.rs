//! Network semantics declared per protocol: FIFO (today's), unordered, and
//! bounded faults (messages lost, messages duplicated). The explorer
//! against brute force under each semantics; reduced and unreduced
//! searches agreeing; witnesses that replay; packed worlds exact; the
//! schedule syntax for faults; the steps refused; and the two protocols
//! that show why it matters, pinned.

use std::collections::HashMap;
use std::sync::Arc;

mod common;

use racelab::explore::pack::{pack, unpack, Layout};
use racelab::explore::{count_traces, explore, Options, Report};
use racelab::lang::{self, Value};
use racelab::model::{Act, ActorId, Outcome, Scenario, Schedule, Step, World};

/// The semantics every check runs under (a built-in's own, plus these).
const SEMANTICS: [&str; 6] = [
    "network fifo",
    "network unordered",
    "network fifo lose 1",
    "network fifo duplicate 1",
    "network unordered lose 1 duplicate 1",
    "network fifo lose 2 duplicate 1",
];

/// A built-in protocol under another network, with some parameters set.
fn under(name: &str, network: &str, params: &[(&str, i64)]) -> Scenario {
    let (_, source) = lang::BUILTINS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no built-in {name}"));
    // Replace the protocol's own network line, if it has one.
    let kept: Vec<&str> = source
        .lines()
        .filter(|l| !l.starts_with("network "))
        .collect();
    let source = format!("{}\n{network}\n", kept.join("\n"));
    let program = lang::compile(&format!("{name}.race"), &source)
        .unwrap_or_else(|r| panic!("{name} under {network:?}:\n{r}"));
    let mut s = Scenario::new(Arc::new(program));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

fn builtin(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

fn label(s: &Scenario) -> String {
    let system = s.system();
    format!(
        "{}: {} [{}]",
        s.name(),
        s.describe(),
        system.network_words()
    )
}

/// Small sizes, each under every semantics: few enough schedules to
/// enumerate one by one.
fn small() -> Vec<Scenario> {
    let bases: Vec<(&str, Vec<(&str, i64)>)> = vec![
        ("look-before-take", vec![("people", 2), ("drinks", 2)]),
        ("thirsty", vec![("people", 2), ("drinks", 1), ("ask", 1)]),
        ("take-if", vec![("people", 2), ("drinks", 2)]),
        (
            "check-then-withdraw",
            vec![("customers", 2), ("balance", 100), ("amount", 60)],
        ),
        (
            "poison-pill",
            vec![("people", 1), ("drinks", 1), ("requests", 1)],
        ),
        ("web-api-retry", vec![("clients", 1), ("drinks", 1)]),
        ("idempotent-retry", vec![("clients", 1), ("drinks", 1)]),
        ("unreliable-post", vec![("drinks", 1)]),
        ("retry-with-key", vec![("drinks", 1)]),
    ];
    let mut all = Vec::new();
    for (name, params) in &bases {
        for network in SEMANTICS {
            all.push(under(name, network, params));
        }
    }
    // Where duplication makes too many schedules to enumerate in a test,
    // the other semantics.
    for network in ["network unordered", "network fifo lose 1"] {
        all.push(under(
            "bounded-pool",
            network,
            &[("tasks", 2), ("workers", 1), ("bound", 1)],
        ));
    }
    // Three interchangeable clients, unordered: symmetry at work.
    all.push(under(
        "look-before-take",
        "network unordered",
        &[("people", 3), ("drinks", 2)],
    ));
    all
}

#[test]
fn counts_match_brute_force_under_every_semantics() {
    for s in small() {
        let expected = brute_force(&s);
        for reduce in [false, true] {
            let report = explore(&s, &full(reduce));
            assert!(report.complete && report.counts_exact, "{}", label(&s));
            assert_eq!(counts(&report), expected, "{}, reduced {reduce}", label(&s));
        }
    }
}

use common::{brute_force, brute_force_classes, counts, full, reachable};

#[test]
fn genuinely_different_schedules_match_brute_force_under_every_semantics() {
    for s in small() {
        let expected = brute_force_classes(&s) as u128;
        let outcomes: Vec<Outcome> = brute_force(&s).into_keys().collect();
        for symmetry in [false, true] {
            let classes = count_traces(&s, symmetry, usize::MAX);
            let count = classes.count.expect("small enough to count");
            assert_eq!(count.value, expected, "{}, symmetry {symmetry}", label(&s));
            assert_eq!(classes.outcomes, outcomes, "{}", label(&s));
        }
    }
}

/// Larger sizes: too many schedules to enumerate, but both searches and
/// the partial-order walk must find the same outcomes.
fn larger() -> Vec<Scenario> {
    let mut all = Vec::new();
    for network in SEMANTICS {
        all.push(under(
            "look-before-take",
            network,
            &[("people", 3), ("drinks", 2)],
        ));
        all.push(under(
            "thirsty",
            network,
            &[("people", 3), ("drinks", 2), ("ask", 1)],
        ));
        all.push(under(
            "web-api-retry",
            network,
            &[("clients", 2), ("drinks", 1)],
        ));
    }
    all.push(builtin("unreliable-post", &[("clients", 2)]));
    all.push(builtin(
        "unreliable-post",
        &[("clients", 2), ("losses", 2), ("retries", 2)],
    ));
    all.push(builtin("retry-with-key", &[("clients", 2)]));
    all
}

#[test]
fn reduced_and_unreduced_outcome_sets_are_equal_under_every_semantics() {
    for s in larger() {
        let reference = explore(&s, &full(false));
        let reduced = explore(&s, &full(true));
        assert!(reference.complete && reduced.complete, "{}", label(&s));
        assert_eq!(counts(&reduced), counts(&reference), "{}", label(&s));
        assert!(reduced.states <= reference.states, "{}", label(&s));
        if reduced.symmetry {
            assert!(reduced.states < reference.states, "{}", label(&s));
        }
        let classes = count_traces(&s, true, usize::MAX);
        let outcomes: Vec<Outcome> = counts(&reference).into_keys().collect();
        assert_eq!(classes.outcomes, outcomes, "{}", label(&s));
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
fn every_witness_replays_from_its_printed_form() {
    for s in small().into_iter().chain(larger()) {
        let system = s.system();
        let report = explore(&s, &Options::default());
        for o in &report.outcomes {
            let text = o.witness.display(system.server_letter);
            let parsed = Schedule::parse(&text, system.server_letter).expect("parses");
            assert_eq!(parsed, o.witness, "{}: {text}", label(&s));
            let (world, _) = system.replay(&parsed).expect("witness replays");
            assert!(world.is_final(), "{}: {text} is complete", label(&s));
            assert_eq!(system.outcome(&world), o.outcome, "{}: {text}", label(&s));
        }
        for g in &report.goals {
            if let Some(w) = &g.witness {
                assert!(system.replay(w).is_ok(), "{}: goal witness", label(&s));
            }
        }
    }
}

#[test]
fn packed_worlds_decode_exactly_and_budgets_tell_worlds_apart() {
    for s in small() {
        let system = s.system();
        let layout = Layout::new(&system);
        let mut bytes_seen: HashMap<Vec<u8>, usize> = HashMap::new();
        for (i, world) in reachable(&s).iter().enumerate() {
            let mut bytes = Vec::new();
            pack(world, &layout, &mut bytes);
            assert_eq!(&unpack(&bytes, &layout), world, "{}", label(&s));
            if let Some(j) = bytes_seen.insert(bytes, i) {
                panic!("{}: worlds {j} and {i} pack the same", label(&s));
            }
        }
    }
}

/// Reliable FIFO is today's network: declaring it changes nothing, down
/// to the state count the independent checker gives.
#[test]
fn declaring_fifo_changes_nothing() {
    let plain = builtin("look-before-take", &[]);
    let declared = under("look-before-take", "network fifo", &[]);
    let (a, b) = (
        explore(&plain, &full(false)),
        explore(&declared, &full(false)),
    );
    assert_eq!(a.states, 324);
    assert_eq!(b.states, 324);
    assert_eq!(counts(&a), counts(&b));
    assert_eq!(a.traces, b.traces);
}

/// (drinks left, served, stuck) of an outcome.
type Seen = (i32, Vec<u8>, bool);

fn seen(o: &Outcome) -> Seen {
    let Some(Value::Int(left)) = o.values.first() else {
        panic!("no number first in {o:?}");
    };
    (*left, o.clients().to_vec(), !o.stuck.is_empty())
}

#[test]
fn an_unordered_network_reorders_what_fifo_keeps_in_order() {
    // One person, two messages in one channel: under FIFO the look is
    // always handled before the take; unordered, the take can overtake it.
    let source = lang::BUILTINS
        .iter()
        .find(|(n, _)| *n == "look-before-take")
        .unwrap()
        .1;
    for (network, orders) in [("network fifo", 1), ("network unordered", 2)] {
        let program = lang::compile("t.race", &format!("{source}\n{network}\n")).unwrap();
        let system = Scenario::new(Arc::new(program))
            .with("people", 1)
            .unwrap()
            .system();
        let mut world = system.init();
        let take = system.message("drink", &[1]).unwrap();
        world.net.post(ActorId(1), ActorId::SERVER, take);
        let steps: Vec<Step> = world.deliverable().map(|(s, _)| s).collect();
        assert_eq!(steps.len(), orders, "{network}: {steps:?}");
    }
}

#[test]
fn equal_messages_in_an_unordered_channel_are_one_choice() {
    let s = under("thirsty", "network unordered", &[("people", 1)]);
    let system = s.system();
    let mut world = system.init();
    let ask = world
        .net
        .head(Step::new(ActorId(1), ActorId::SERVER))
        .unwrap();
    world.net.post(ActorId(1), ActorId::SERVER, ask);
    assert_eq!(
        world
            .net
            .channel(Step::new(ActorId(1), ActorId::SERVER))
            .count(),
        2
    );
    assert_eq!(
        world.deliverable().count(),
        1,
        "two equal messages, one choice"
    );
    // Picking the second copy by its index is allowed, and gives the same world.
    let (mut a, mut b) = (world.clone(), world.clone());
    system.deliver(&mut a, Step::new(ActorId(1), ActorId::SERVER));
    let second = Step {
        pick: 1,
        ..Step::new(ActorId(1), ActorId::SERVER)
    };
    system.deliver(&mut b, second);
    assert_eq!(a, b);
}

#[test]
fn the_schedule_syntax_for_faults_round_trips() {
    let text = "1F-1F.2-F1.lost-22-1F.dup-F2.1.dup-2F.3.lost";
    let schedule = Schedule::parse(text, 'F').unwrap();
    assert_eq!(schedule.display('F'), text);
    let s = &schedule.0;
    assert_eq!((s[1].pick, s[1].act), (2, Act::Deliver));
    assert_eq!((s[2].pick, s[2].act), (0, Act::Lose));
    assert_eq!((s[5].pick, s[5].act), (1, Act::Duplicate));
    // `.0` is the head, written plainly.
    assert_eq!(Schedule::parse("1F.0", 'F').unwrap().display('F'), "1F");
    for (bad, says) in [
        ("1F.x", "step 1: \"x\" in \"1F.x\" is not a message's index"),
        ("1F-1F.lost.2", "step 2: \"1F.lost.2\" has too many parts"),
        ("1F.1.2.dup", "step 1: \"1F.1.2.dup\" has too many parts"),
        ("1F.65536", "is not a message's index (0 to 65535)"),
        ("1F.+1", "is not a message's index"),
        (".lost", "does not start with two characters"),
    ] {
        let err = Schedule::parse(bad, 'F').unwrap_err().to_string();
        assert!(err.contains(says), "{bad}: {err}");
    }
}

#[test]
fn steps_the_network_does_not_allow_are_refused_with_a_reason() {
    let replay_err = |s: &Scenario, text: &str| -> String {
        let system = s.system();
        let schedule = Schedule::parse(text, system.server_letter).unwrap();
        system.replay(&schedule).unwrap_err().to_string()
    };
    let fifo = builtin("look-before-take", &[]);
    assert!(replay_err(&fifo, "1F.lost").contains("does not lose messages"));
    assert!(replay_err(&fifo, "1F.dup").contains("does not duplicate messages"));
    let lossy = builtin("unreliable-post", &[("losses", 1)]);
    let spent = replay_err(&lossy, "1F.lost-11-1F.lost");
    assert!(spent.contains("at most 1 message in a run"), "{spent}");
    // The timer is a message to oneself: no network to lose it.
    let timer = replay_err(&lossy, "11.lost");
    assert!(timer.contains("does not cross the network"), "{timer}");
    // Past the head only where the network is unordered.
    let two = under("unreliable-post", "network fifo", &[]);
    let fifo_pick = replay_err(&two, "11-1F.1");
    assert!(fifo_pick.contains("channels are FIFO"), "{fifo_pick}");
    let past = replay_err(&builtin("unreliable-post", &[]), "1F.3");
    assert!(past.contains("only 1 message is in flight"), "{past}");
}

#[test]
fn a_lost_message_is_narrated_and_handled_by_nobody() {
    let s = builtin("unreliable-post", &[]);
    let system = s.system();
    let (world, done) = system
        .replay(&Schedule::parse("1F.lost-11", 'F').unwrap())
        .unwrap();
    assert_eq!(
        system.narrate(&done[0]),
        "The network lost POST /fridge/take from Client 1 to Fridge"
    );
    assert_eq!(world.faults.lose, 0, "the budget is spent");
    assert_eq!(
        world.states[0],
        system.init().states[0],
        "the fridge saw nothing"
    );
    let (_, done) = system
        .replay(&Schedule::parse("1F.dup", 'F').unwrap())
        .unwrap();
    assert!(
        system
            .narrate(&done[0])
            .contains("(the network kept a copy in flight)"),
        "{}",
        system.narrate(&done[0])
    );
}

#[test]
fn unreliable_post_takes_two_drinks_for_one_request() {
    // (scenario, outcomes as (drinks left, served, stuck), unsafe ones)
    let cases: Vec<(Scenario, Vec<Seen>, usize, u64)> = vec![
        (
            builtin("unreliable-post", &[]),
            vec![(0, vec![1], false), (1, vec![1], false)],
            1,
            124,
        ),
        // Nothing lost or duplicated: the late reply and the retry still
        // take two (the timer race of web-api-retry).
        (
            builtin("unreliable-post", &[("losses", 0), ("copies", 0)]),
            vec![(0, vec![1], false), (1, vec![1], false)],
            1,
            18,
        ),
        // No retries, no race: a lost message leaves the client waiting.
        (
            builtin(
                "unreliable-post",
                &[("retries", 0), ("copies", 0), ("losses", 1)],
            ),
            vec![(1, vec![], true), (1, vec![1], false), (2, vec![], true)],
            2,
            10,
        ),
        (
            builtin("unreliable-post", &[("losses", 2)]),
            vec![
                (0, vec![], false),
                (0, vec![], true),
                (0, vec![1], false),
                (1, vec![], true),
                (1, vec![1], false),
                (2, vec![], true),
            ],
            5,
            150,
        ),
    ];
    for (s, expected, unsafe_count, states) in cases {
        let system = s.system();
        let report = explore(&s, &Options::default());
        let got: Vec<_> = report.outcomes.iter().map(|o| seen(&o.outcome)).collect();
        assert_eq!(got, expected, "{}", label(&s));
        let unsafe_ = report
            .outcomes
            .iter()
            .filter(|o| system.unsafe_why(&o.outcome).is_some())
            .count();
        assert_eq!(unsafe_, unsafe_count, "{}", label(&s));
        assert_eq!(report.states, states, "{}", label(&s));
    }
}

#[test]
fn retry_with_key_is_safe_when_retries_cover_the_losses() {
    for clients in 1..=2 {
        for drinks in 0..=3 {
            for retries in 0..=2 {
                for losses in 0..=retries {
                    for copies in 0..=1 {
                        if clients == 2 && (drinks == 0 || retries == 2) {
                            continue; // keeps the test quick; the CLI figures cover more
                        }
                        let s = builtin(
                            "retry-with-key",
                            &[
                                ("clients", clients),
                                ("drinks", drinks),
                                ("retries", retries),
                                ("losses", losses),
                                ("copies", copies),
                            ],
                        );
                        let system = s.system();
                        let report = explore(&s, &Options::default());
                        assert!(report.complete, "{}", label(&s));
                        for o in &report.outcomes {
                            assert_eq!(
                                system.unsafe_why(&o.outcome),
                                None,
                                "{}: {}",
                                label(&s),
                                system.show_outcome(&o.outcome)
                            );
                        }
                        // No goal the key rules out is reachable.
                        for g in &report.goals {
                            let id = &system.inst.program.goals[usize::from(g.goal.0)].id;
                            if id == "more-than-asked-keyed" {
                                assert!(g.witness.is_none(), "{}", label(&s));
                            }
                        }
                    }
                }
            }
        }
    }
    // More losses than retries: no protocol gets through, the client waits.
    let s = builtin("retry-with-key", &[("losses", 2), ("retries", 1)]);
    let report = explore(&s, &Options::default());
    let got: Vec<_> = report.outcomes.iter().map(|o| seen(&o.outcome)).collect();
    assert_eq!(
        got,
        vec![(1, vec![], true), (1, vec![1], false), (2, vec![], true)]
    );
}

#[test]
fn the_new_goals_are_reached_where_they_should_be() {
    let reached = |s: &Scenario| -> Vec<(String, Option<String>)> {
        let system = s.system();
        explore(s, &Options::default())
            .goals
            .iter()
            .map(|g| {
                (
                    system.inst.program.goals[usize::from(g.goal.0)].id.clone(),
                    g.witness.as_ref().map(|w| w.display(system.server_letter)),
                )
            })
            .collect()
    };
    let broken = reached(&builtin("unreliable-post", &[]));
    let ids: Vec<&str> = broken.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["retried", "two-answers", "more-than-asked"]);
    assert!(broken.iter().all(|(_, w)| w.is_some()), "{broken:?}");
    let fixed = reached(&builtin("retry-with-key", &[]));
    let found: Vec<(&str, bool)> = fixed
        .iter()
        .map(|(id, w)| (id.as_str(), w.is_some()))
        .collect();
    assert_eq!(
        found,
        [
            ("retried-keyed", true),
            ("two-answers-keyed", true),
            ("more-than-asked-keyed", false)
        ]
    );
}

#[test]
fn what_can_happen_next_comes_in_one_fixed_order() {
    // Per message: deliver, lose, duplicate, while the budgets last; a
    // timer (a message to oneself) only ever arrives.
    let system = builtin("unreliable-post", &[]).system();
    let codes = |world: &World| -> Vec<String> {
        world
            .deliverable()
            .map(|(s, _)| s.display(system.server_letter))
            .collect()
    };
    let world = system.init();
    assert_eq!(codes(&world), ["1F", "1F.lost", "1F.dup", "11"]);
    let (world, _) = system
        .replay(&Schedule::parse("11-1F.dup", 'F').unwrap())
        .unwrap();
    // Two equal POSTs in 1F are one choice; the duplication budget is spent.
    assert_eq!(codes(&world), ["F1", "F1.lost", "1F", "1F.lost", "11"]);
    let (world, _) = system
        .replay(&Schedule::parse("11-1F.dup-F1.lost", 'F').unwrap())
        .unwrap();
    assert_eq!(codes(&world), ["1F", "11"]);
    assert_eq!(world.faults, Default::default());
}
