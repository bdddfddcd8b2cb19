//! Live runs' bookkeeping against a simulated browser: workers that each
//! handle their inbox in order but run at random relative speeds, replies
//! that reach the page in a random interleaving, and delay timers that fire
//! in any order. Whatever happens, the recorded schedule must be one the
//! model accepts and must end in the workers' own states, and every outcome
//! seen must be one the explorer says is possible.

use std::collections::{BTreeSet, VecDeque};

use racelab::explore::{explore, Options};
use racelab::live::{Action, Rng, Run, Tally};
use racelab::model::{ActorId, Msg, Outcome, Scenario};
use racelab::wire::{ActorHost, FromActor, ToActor};

/// A built-in protocol with some parameters set.
fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
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

/// Runs one live run of `scenario` against simulated workers whose timing is
/// drawn from `chaos`; returns the checked outcome and the run.
fn simulate(
    scenario: &Scenario,
    jitter: u32,
    seed: u64,
    index: u32,
    chaos: &mut Rng,
) -> (Outcome, Run) {
    let system = scenario.system();
    let n = system.actors();
    let mut hosts: Vec<ActorHost> = (0..n).map(|_| ActorHost::default()).collect();
    for (i, host) in hosts.iter_mut().enumerate() {
        let reply = host.receive(ToActor::Init {
            id: ActorId(i as u8),
            scenario: scenario.clone(),
        });
        assert!(matches!(reply, FromActor::Started { .. }), "{reply:?}");
    }
    let mut run = Run::for_system(&system, jitter, seed, index);
    let reliable_fifo = scenario.protocol.network.is_reliable_fifo();
    // What each worker has been posted and not handled, and what it has
    // answered that the page has not read yet.
    let mut inbox: Vec<VecDeque<ToActor>> = vec![VecDeque::new(); n];
    let mut outbox: Vec<VecDeque<FromActor>> = vec![VecDeque::new(); n];
    let mut timers: Vec<(ActorId, ActorId, u32)> = Vec::new();
    for q in inbox.iter_mut() {
        q.push_back(ToActor::Restart);
    }
    let mut actions = Vec::new();
    // Per channel: what the sender sent, and what the page posted, in order.
    let mut sent_order: Vec<Vec<Msg>> = vec![Vec::new(); n * n];
    let mut posted_order: Vec<Vec<Msg>> = vec![Vec::new(); n * n];
    let mut steps = 0;
    while !run.is_over() {
        steps += 1;
        assert!(steps < 100_000, "the run never ended");
        let ready: Vec<usize> = (0..n).filter(|&i| !inbox[i].is_empty()).collect();
        let replies: Vec<usize> = (0..n).filter(|&i| !outbox[i].is_empty()).collect();
        let choices = ready.len() + replies.len() + timers.len();
        assert!(choices > 0, "stuck: nothing to do but the run is not over");
        let pick = chaos.up_to(choices as u32 - 1) as usize;
        actions.clear();
        if pick < ready.len() {
            let i = ready[pick];
            let request = inbox[i].pop_front().unwrap();
            outbox[i].push_back(hosts[i].receive(request));
        } else if pick < ready.len() + replies.len() {
            let i = replies[pick - ready.len()];
            let id = ActorId(i as u8);
            let reply = outbox[i].pop_front().unwrap();
            // Once a run has failed, what workers still send is not posted.
            if let (false, FromActor::Started { sent, .. } | FromActor::Handled { sent, .. }) =
                (run.failed(), &reply)
            {
                for &(to, msg) in sent {
                    sent_order[i * n + to.index()].push(msg);
                }
            }
            match reply {
                FromActor::Started { state, sent } => {
                    run.started(id, state, &sent, &mut actions).unwrap()
                }
                FromActor::Handled {
                    state, sent, error, ..
                } => run
                    .handled(id, state, &sent, error.is_some(), &mut actions)
                    .unwrap(),
                other => panic!("unexpected reply {other:?}"),
            }
        } else {
            let (from, to, id) = timers.swap_remove(pick - ready.len() - replies.len());
            run.release(from, to, id, &mut actions);
        }
        for action in actions.drain(..) {
            match action {
                Action::Post { from, to, msg } => {
                    posted_order[from.index() * n + to.index()].push(msg);
                    inbox[to.index()].push_back(ToActor::Deliver { from, msg });
                }
                Action::Wait { from, to, ms, id } => {
                    assert!(ms <= jitter, "a delay of {ms} ms with jitter {jitter}");
                    timers.push((from, to, id));
                }
            }
        }
    }
    assert_eq!(run.in_flight(), 0);
    if !reliable_fifo {
        // Reordered, lost or duplicated on purpose: the model's replay
        // below is the check.
    } else if run.failed() {
        // A run that ended with a runtime error drops what was held back:
        // each channel posted a first part of what was sent, in order.
        for (sent, posted) in sent_order.iter().zip(&posted_order) {
            assert!(
                sent.starts_with(posted),
                "every channel is first in, first out: sent {sent:?}, posted {posted:?}"
            );
        }
    } else {
        assert_eq!(
            sent_order, posted_order,
            "every channel is first in, first out"
        );
    }
    let (outcome, schedule) = run
        .finish(scenario)
        .expect("the model agrees with the workers");
    assert_eq!(schedule, run.schedule());
    (outcome, run)
}

fn possible(scenario: &Scenario) -> BTreeSet<Outcome> {
    let report = explore(scenario, &Options::default());
    assert!(report.complete);
    report.outcomes.iter().map(|o| o.outcome.clone()).collect()
}

#[test]
fn every_live_run_is_a_schedule_the_model_accepts() {
    let scenarios = [
        Scenario::default(),
        scenario("thirsty", &[("people", 3), ("drinks", 4), ("ask", 2)]),
        scenario("take-if", &[("people", 4), ("drinks", 2)]),
        scenario(
            "check-then-withdraw",
            &[("customers", 3), ("balance", 100), ("amount", 60)],
        ),
        scenario(
            "withdraw-if",
            &[("customers", 3), ("balance", 100), ("amount", 40)],
        ),
        pill(2, 3, 2),
    ];
    let mut chaos = Rng::new(2024);
    for scenario in &scenarios {
        let possible = possible(scenario);
        for (i, jitter) in [0, 1, 5, 50].into_iter().enumerate() {
            for index in 0..40 {
                let (outcome, _) =
                    simulate(scenario, jitter, 9, index + 100 * i as u32, &mut chaos);
                assert!(
                    possible.contains(&outcome),
                    "{}: impossible outcome {}",
                    scenario.describe(),
                    scenario.system().show_outcome(&outcome)
                );
            }
        }
    }
}

#[test]
fn random_timing_finds_every_outcome_of_look_before_take() {
    // 3 polite people, 2 drinks: the explorer's six outcomes, including the
    // empty fridge, all turn up when timing is random enough.
    let scenario = Scenario::default();
    let possible = possible(&scenario);
    let mut chaos = Rng::new(1);
    let mut tally = Tally::default();
    for index in 0..3000 {
        let (outcome, run) = simulate(&scenario, 3, 1, index, &mut chaos);
        tally.record(outcome, run.schedule());
    }
    let seen: BTreeSet<Outcome> = tally.outcomes.keys().cloned().collect();
    assert_eq!(seen, possible);
    assert_eq!(tally.runs(), 3000);
    assert_eq!(
        tally.outcomes.values().map(|(count, _)| count).sum::<u32>(),
        3000
    );
    // Each outcome's first run replays to that outcome in the model.
    for (outcome, &(_, first)) in &tally.outcomes {
        let schedule = tally.schedule(first).unwrap();
        let system = scenario.system();
        let (world, _) = system.replay(&schedule).unwrap();
        assert_eq!(&system.outcome(&world), outcome);
    }
    assert!(tally.schedule(3000).is_none());
}

#[test]
fn delays_never_reorder_a_channel() {
    // A pipelining person gets several replies down one channel, each with
    // a different count left; with delays drawn per message and timers
    // firing in any order, they must still be posted in the order sent.
    let scenario = pill(1, 5, 4);
    let mut chaos = Rng::new(5);
    for index in 0..200 {
        simulate(&scenario, 50, 77, index, &mut chaos);
    }
}

#[test]
fn delays_are_drawn_from_the_seed() {
    let delays = |seed: u64, index: u32| {
        let scenario = Scenario::default();
        let system = scenario.system();
        let mut run = Run::new(system.actors(), 20, seed, index);
        let world = system.init();
        let look = system.message("drink", &[0]).unwrap();
        let mut actions = Vec::new();
        for (i, state) in world.states.iter().enumerate() {
            let sent = if i == 0 {
                vec![]
            } else {
                vec![(ActorId::SERVER, look)]
            };
            run.started(ActorId(i as u8), state.clone(), &sent, &mut actions)
                .unwrap();
        }
        actions
    };
    assert_eq!(delays(3, 7), delays(3, 7));
    assert_ne!(delays(3, 7), delays(3, 8));
    assert_ne!(delays(3, 7), delays(4, 7));
}

#[test]
fn a_reply_nobody_asked_for_is_an_error_not_a_panic() {
    let scenario = Scenario::default();
    let system = scenario.system();
    let mut run = Run::new(system.actors(), 0, 1, 0);
    let state = system.init().states[0].clone();
    let look: Msg = system.message("drink", &[0]).unwrap();
    let mut actions = Vec::new();
    assert!(run
        .handled(ActorId(0), state.clone(), &vec![], false, &mut actions)
        .is_err());
    assert!(run
        .started(ActorId(9), state.clone(), &vec![], &mut actions)
        .is_err());
    run.started(ActorId(0), state.clone(), &vec![], &mut actions)
        .unwrap();
    assert!(run
        .started(ActorId(0), state.clone(), &vec![], &mut actions)
        .is_err());
    assert!(run
        .started(ActorId(1), state, &vec![(ActorId(7), look)], &mut actions)
        .is_err());
}

/// A run that ends with a runtime error is a live outcome like any other:
/// the error outcome, which the explorer also finds, and the workers are
/// all idle at the end (answers to deliveries posted before the error are
/// awaited, not recorded).
#[test]
fn a_live_run_can_end_with_a_runtime_error() {
    let source = r#"
protocol "overfull" {
  title "Two loads into a full fridge"
}
param people "People" in 1..3 = 3
message load
message loaded(left: int) { show "{left} in" }
server box "Box" letter "B" {
  var n: int = 1
  invariant n <= 2
  on load {
    n = n + 1
    reply loaded(n)
  }
}
client p "Client" * people {
  phase loading "loading"
  phase done "done"
  finished if phase == done
  start { send box load }
  on loaded(left) in loading { goto done }
}
outcome {
  n = box.n
}
"#;
    let program = racelab::lang::compile("overfull.race", source).expect("compiles");
    let scenario = Scenario::new(std::sync::Arc::new(program));
    let possible = possible(&scenario);
    assert_eq!(possible.len(), 1, "{possible:?}");
    for seed in 0..40 {
        let mut chaos = Rng::new(seed);
        let (outcome, run) = simulate(&scenario, 5, seed, 0, &mut chaos);
        assert!(run.failed(), "seed {seed}");
        assert!(outcome.error.is_some(), "seed {seed}: {outcome:?}");
        assert!(possible.contains(&outcome), "seed {seed}: {outcome:?}");
    }
}

#[test]
fn live_runs_of_the_further_races_are_schedules_the_model_accepts() {
    // A deadlock, a pool's queue, and a timer (a message a worker posts to
    // itself, which the page forwards like any other).
    let scenarios = [
        scenario("deadlock", &[]),
        scenario("lock-ordering", &[]),
        scenario("unbounded-pool", &[("tasks", 3)]),
        scenario("bounded-pool", &[("tasks", 3), ("bound", 1)]),
        scenario("web-api-retry", &[]),
        scenario("idempotent-retry", &[]),
    ];
    let mut chaos = Rng::new(13);
    for scenario in &scenarios {
        let possible = possible(scenario);
        let mut seen = BTreeSet::new();
        for index in 0..60 {
            let (outcome, _) = simulate(scenario, 5, 3, index, &mut chaos);
            assert!(
                possible.contains(&outcome),
                "{}: impossible outcome {}",
                scenario.name(),
                scenario.system().show_outcome(&outcome)
            );
            seen.insert(outcome);
        }
        if scenario.name() == "deadlock" {
            // Nobody chooses the order, and still it deadlocks sometimes.
            assert!(seen.iter().any(|o| !o.stuck.is_empty()), "{seen:?}");
            assert!(seen.iter().any(|o| o.stuck.is_empty()), "{seen:?}");
        }
    }
}

/// A built-in under another network.
fn under(name: &str, network: &str, params: &[(&str, i64)]) -> Scenario {
    let (_, source) = racelab::lang::BUILTINS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap();
    let kept: Vec<&str> = source
        .lines()
        .filter(|l| !l.starts_with("network "))
        .collect();
    let source = format!("{}\n{network}\n", kept.join("\n"));
    let program = racelab::lang::compile("t.race", &source).unwrap();
    let mut s = Scenario::new(std::sync::Arc::new(program));
    for &(p, v) in params {
        s = s.with(p, v).unwrap();
    }
    s
}

#[test]
fn live_faults_are_drawn_from_the_seed_and_every_run_replays() {
    let scenarios = [
        scenario("unreliable-post", &[]),
        scenario("unreliable-post", &[("clients", 2), ("losses", 2)]),
        scenario("retry-with-key", &[("clients", 2)]),
        under(
            "look-before-take",
            "network unordered lose 1 duplicate 1",
            &[],
        ),
        under("thirsty", "network fifo lose 2 duplicate 1", &[("ask", 1)]),
        under("poison-pill", "network unordered", &[]),
    ];
    let mut chaos = Rng::new(77);
    for scenario in &scenarios {
        let system = scenario.system();
        let possible = possible(scenario);
        let mut acts = BTreeSet::new();
        let mut reordered = false;
        for index in 0..150 {
            let (outcome, run) = simulate(scenario, 20, 5, index, &mut chaos);
            assert!(
                possible.contains(&outcome),
                "{}: impossible outcome {}",
                scenario.describe(),
                system.show_outcome(&outcome)
            );
            for step in run.schedule().0 {
                acts.insert(format!("{:?}", step.act));
                reordered |= step.pick > 0;
            }
        }
        let budgets = system.budgets();
        if budgets.lose > 0 {
            assert!(acts.contains("Lose"), "{}: {acts:?}", scenario.describe());
        }
        if budgets.duplicate > 0 {
            assert!(
                acts.contains("Duplicate"),
                "{}: {acts:?}",
                scenario.describe()
            );
        }
        if scenario.protocol.network.unordered && scenario.name() != "unreliable-post" {
            assert!(reordered, "{}: nothing overtook", scenario.describe());
        }
    }
}

#[test]
fn the_fixed_post_is_safe_live_too() {
    let scenario = scenario("retry-with-key", &[("clients", 2), ("drinks", 2)]);
    let system = scenario.system();
    let mut chaos = Rng::new(3);
    for index in 0..200 {
        let (outcome, _) = simulate(&scenario, 10, 11, index, &mut chaos);
        assert_eq!(system.unsafe_why(&outcome), None, "run {index}");
    }
}

#[test]
fn whether_a_message_is_lost_or_duplicated_is_drawn_from_the_seed() {
    // The client's first POST, started with no delay: posted once, twice
    // (duplicated) or not at all (lost), as run `index` of seed `seed` says.
    let scenario = scenario("unreliable-post", &[]);
    let system = scenario.system();
    let posts = |seed: u64, index: u32| -> usize {
        let mut run = Run::for_system(&system, 0, seed, index);
        let mut actions = Vec::new();
        for i in 0..system.actors() {
            let (state, sent) = system.start(ActorId(i as u8)).unwrap();
            run.started(ActorId(i as u8), state, &sent, &mut actions)
                .unwrap();
        }
        actions
            .iter()
            .filter(|a| matches!(a, Action::Post { to, .. } if *to == ActorId::SERVER))
            .count()
    };
    let drawn: Vec<usize> = (0..60).map(|i| posts(9, i)).collect();
    assert_eq!(drawn, (0..60).map(|i| posts(9, i)).collect::<Vec<_>>());
    assert_ne!(drawn, (0..60).map(|i| posts(10, i)).collect::<Vec<_>>());
    for n in [0, 1, 2] {
        assert!(drawn.contains(&n), "{n} posts never drawn: {drawn:?}");
    }
}
