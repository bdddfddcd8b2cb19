//! Time travel natively: the stepper's timeline driven the way the page
//! drives it, with an `ActorHost` (everything an actor's worker does)
//! standing in for each worker. After every operation the world on show
//! must be the model's world after the schedule on show (`System::deliver`),
//! every worker must hold its actor's state in that world, and the
//! diagram's arrows must pair each delivery with the send it consumed.

use racelab::model::{Act, ActorId, Handled, Msg, Scenario, Schedule, Step, System, World};
use racelab::timeline::{Refused, Timeline, Travel};
use racelab::wire::{ActorHost, FromActor, ToActor};

/// The page in miniature: the timeline, and one worker per actor (`None`
/// once killed).
struct Page {
    scenario: Scenario,
    system: System,
    tl: Timeline,
    workers: Vec<Option<ActorHost>>,
}

fn scenario(name: &str) -> Scenario {
    match name {
        "polite" => Scenario::default(),
        // One person pipelining two requests, the owner's poison pill.
        "pill" => pill(1, 2, 2),
        // Two people with a request each, and the owner.
        "pill2" => pill(2, 2, 1),
        // A POST over a network that loses, duplicates and reorders, and
        // the same over FIFO channels.
        "post" => Scenario::builtin("unreliable-post").unwrap(),
        "fifo-post" => {
            let source = racelab::lang::BUILTINS
                .iter()
                .find(|(n, _)| *n == "unreliable-post")
                .unwrap()
                .1
                .replace(
                    "network unordered lose losses duplicate copies",
                    "network fifo lose losses duplicate copies",
                );
            let program = racelab::lang::compile("fifo-post.race", &source).unwrap();
            Scenario::new(std::sync::Arc::new(program))
        }
        other => panic!("no scenario {other}"),
    }
}

fn pill(people: i64, drinks: i64, requests: i64) -> Scenario {
    Scenario::builtin("poison-pill")
        .unwrap()
        .with("people", people)
        .and_then(|s| s.with("drinks", drinks))
        .and_then(|s| s.with("requests", requests))
        .unwrap()
}

impl Page {
    fn new(name: &str) -> Page {
        let scenario = scenario(name);
        let system = scenario.system();
        let mut page = Page {
            tl: Timeline::new(system.init()),
            scenario,
            system,
            workers: Vec::new(),
        };
        page.fresh_workers();
        page
    }

    fn fresh_workers(&mut self) {
        self.workers = (0..self.system.actors())
            .map(|i| {
                let mut host = ActorHost::default();
                let reply = host.receive(ToActor::Init {
                    id: ActorId(i as u8),
                    scenario: self.scenario.clone(),
                });
                assert!(matches!(reply, FromActor::Started { .. }));
                Some(host)
            })
            .collect();
    }

    fn step(&self, code: &str) -> Step {
        let Schedule(steps) = Schedule::parse(code, self.system.server_letter).unwrap();
        assert_eq!(steps.len(), 1, "{code} is one step");
        steps[0]
    }

    /// Delivers `step` as the page does: begin, the worker handles it, answer.
    fn deliver(&mut self, step: Step, by_hand: bool) -> bool {
        let Some(msg) = self.tl.begin(step, by_hand) else {
            return false;
        };
        if !step.delivers() {
            // Lost: the page answers for the receiver; no worker sees it.
            let state = self.tl.world().states[step.to.index()].clone();
            assert!(self
                .tl
                .answer(Handled::Lost, state, Vec::new(), None)
                .is_some());
            return true;
        }
        let worker = self.workers[step.to.index()]
            .as_mut()
            .expect("a delivery to a live worker");
        let FromActor::Handled {
            handled,
            state,
            sent,
            error,
        } = worker.receive(ToActor::Deliver {
            from: step.from,
            msg,
        })
        else {
            panic!("the worker handles the delivery")
        };
        assert!(self.tl.answer(handled, state, sent, error).is_some());
        true
    }

    /// Carries out a travel: restores, then redoes.
    fn travel(&mut self, travel: Result<Travel, Refused>) -> Result<(), Refused> {
        let travel = travel?;
        for (id, state) in &travel.restore {
            if let Some(worker) = self.workers[id.index()].as_mut() {
                assert_eq!(
                    worker.receive(ToActor::Restore {
                        state: state.clone()
                    }),
                    FromActor::Restored
                );
            }
        }
        for &step in &travel.redo {
            assert!(self.deliver(step, false), "redoing {step:?}");
        }
        assert_eq!(self.tl.len(), travel.to, "the travel ends where it said");
        Ok(())
    }

    fn op(&mut self, op: &str) -> Result<(), Refused> {
        let number = || op[1..].parse::<usize>().expect("a number");
        match op {
            "<" => {
                let t = self.tl.step_back();
                self.travel(t)
            }
            ">" => match self.tl.next() {
                Some(step) if self.deliver(step, true) => Ok(()),
                _ => Err(Refused::Nowhere),
            },
            "reset" => {
                self.tl.restart(self.system.init());
                self.fresh_workers();
                Ok(())
            }
            "kill" => {
                self.tl.terminate(&self.system, ActorId::SERVER)?;
                self.workers[0] = None;
                Ok(())
            }
            _ if op.starts_with('@') => {
                let t = self.tl.jump(number());
                self.travel(t)
            }
            _ if op.starts_with('b') => {
                let t = self.tl.return_to_branch(number());
                self.travel(t)
            }
            code => {
                let step = self.step(code);
                if self.deliver(step, true) {
                    Ok(())
                } else {
                    Err(Refused::Nowhere)
                }
            }
        }
    }

    /// "1F-F1 | next 1F | branches 1F-F1-1F, 1F-3F | terminated after 2"
    fn show(&self) -> String {
        let letter = self.system.server_letter;
        let now = self.tl.schedule().display(letter);
        let mut out = if now.is_empty() {
            "(start)".to_string()
        } else {
            now
        };
        if self.tl.next().is_some() {
            out += &format!(" | next {}", self.tl.future().display(letter));
        }
        if !self.tl.branches().is_empty() {
            let b: Vec<String> = self
                .tl
                .branches()
                .iter()
                .map(|b| b.display(letter))
                .collect();
            out += &format!(" | branches {}", b.join(", "));
        }
        if let Some(t) = self.tl.terminated() {
            out += &format!(" | terminated after {}", t.after);
        }
        out
    }

    /// The model's world after the schedule on show (terminating the
    /// server where the run did).
    fn model_world(&self) -> World {
        let mut world = self.system.init();
        let t = self.tl.terminated().map(|t| t.after);
        for (i, &step) in self.tl.schedule().0.iter().enumerate() {
            if t == Some(i) {
                self.system.terminate(&mut world, ActorId::SERVER);
            }
            self.system.check_step(&world, step).unwrap();
            self.system.deliver(&mut world, step).unwrap();
        }
        if t == Some(self.tl.len()) {
            self.system.terminate(&mut world, ActorId::SERVER);
        }
        world
    }

    /// What must hold after every operation.
    fn check(&self, context: &str) {
        let world = self.tl.world();
        assert_eq!(world, &self.model_world(), "{context}: the model's world");
        assert!(!self.tl.pending(), "{context}");
        // Each worker holds its actor's state on show (compared through
        // the host's Debug form, which shows the state it hosts).
        for (i, worker) in self.workers.iter().enumerate() {
            let Some(worker) = worker else { continue };
            let mut expected = ActorHost::default();
            expected.receive(ToActor::Init {
                id: ActorId(i as u8),
                scenario: self.scenario.clone(),
            });
            expected.receive(ToActor::Restore {
                state: world.states[i].clone(),
            });
            assert_eq!(
                format!("{worker:?}"),
                format!("{expected:?}"),
                "{context}: actor {i}'s worker"
            );
        }
        // The future and every branch are schedules the model accepts.
        if self.tl.terminated().is_none() {
            let mut all = self.tl.schedule();
            all.0.extend(self.tl.future().0);
            assert!(self.system.replay(&all).is_ok(), "{context}: the future");
            for b in self.tl.branches() {
                assert!(self.system.replay(b).is_ok(), "{context}: branch {b:?}");
            }
        }
        assert_eq!(self.tl.end(), self.tl.len() + self.tl.future().len());
        // Arrows: one per delivery, in order, each from an earlier send;
        // the rest are exactly the messages in flight, in the network's order.
        let arrows = self.tl.arrows();
        let delivered: Vec<_> = arrows.iter().filter(|a| a.delivered.is_some()).collect();
        assert_eq!(delivered.len(), self.tl.len(), "{context}");
        for (k, (a, e)) in delivered.iter().zip(self.tl.past()).enumerate() {
            assert_eq!((a.step, a.msg, a.delivered), (e.step, e.msg, Some(k + 1)));
            assert!(a.sent <= k, "{context}: sent before it is delivered");
        }
        let killed = self.tl.terminated().map(|t| t.actor);
        let mut flying: Vec<(Step, Msg)> = arrows
            .iter()
            .filter(|a| a.delivered.is_none() && !a.dropped)
            .map(|a| (a.step, a.msg))
            .collect();
        let mut in_flight: Vec<(Step, Msg)> = world
            .net
            .in_flight()
            .filter(|(s, _)| Some(s.to) != killed)
            .collect();
        if world.net.unordered() {
            // A bag: the network keeps its own order, the arrows the sends'.
            flying.sort();
            in_flight.sort();
        }
        assert_eq!(flying, in_flight, "{context}: arrows in flight");
        for (a, e) in arrows.iter().zip(self.tl.past()) {
            assert_eq!(a.lost, e.step.act == Act::Lose, "{context}");
        }
    }
}

/// Runs `ops` (space-separated; a leading `!` expects a refusal), checking
/// every step, and returns the final state shown.
fn run(scenario: &str, ops: &str) -> String {
    let mut page = Page::new(scenario);
    page.check("start");
    for op in ops.split_whitespace() {
        let (refused, op) = match op.strip_prefix('!') {
            Some(op) => (true, op),
            None => (false, op),
        };
        let before = page.show();
        let result = page.op(op);
        let context = format!("{scenario}: {ops}: at {op}");
        match (refused, result) {
            (false, Err(why)) => panic!("{context}: refused ({why:?})"),
            (true, Ok(())) => panic!("{context}: expected a refusal"),
            (true, Err(_)) => {
                assert_eq!(page.show(), before, "{context}: a refusal changes nothing")
            }
            (false, Ok(())) => {}
        }
        page.check(&context);
    }
    page.show()
}

/// Operations: a step code delivers it by hand; `<` steps back, `>` steps
/// forward; `@k` jumps to just after delivery k; `bi` returns to branch i;
/// `reset` starts over (branches stay); `kill` terminates the server.
#[test]
fn time_travel_case_by_case() {
    let cases = [
        // An empty history: nothing to undo or redo; the start is "now".
        ("polite", "", "(start)"),
        ("polite", "!< !> @0 !@1 !b0", "(start)"),
        // Step back and forward.
        ("polite", "1F F1 1F", "1F-F1-1F"),
        ("polite", "1F F1 1F < <", "1F | next F1-1F"),
        ("polite", "1F F1 1F < < >", "1F-F1 | next 1F"),
        ("polite", "1F F1 1F < < > >", "1F-F1-1F"),
        ("polite", "1F F1 1F < < < !<", "(start) | next 1F-F1-1F"),
        ("polite", "1F F1 1F !>", "1F-F1-1F"),
        // Jumping to arrow N: back, forward, to the current point, too far.
        ("polite", "1F F1 1F @0", "(start) | next 1F-F1-1F"),
        ("polite", "1F F1 1F @0 @2", "1F-F1 | next 1F"),
        ("polite", "1F F1 1F @1 @1", "1F | next F1-1F"),
        ("polite", "1F F1 1F @3", "1F-F1-1F"),
        ("polite", "1F F1 1F @1 !@4 @3", "1F-F1-1F"),
        ("polite", "1F F1 1F @0 @3 @0", "(start) | next 1F-F1-1F"),
        // Redoing the next undone delivery by hand continues the run.
        ("polite", "1F F1 1F < < F1", "1F-F1 | next 1F"),
        ("polite", "1F F1 1F @0 1F F1 1F", "1F-F1-1F"),
        // Another delivery after going back starts a branch; the future
        // left is kept, and returning to it keeps the other in its place.
        ("polite", "1F F1 1F < < 3F", "1F-3F | branches 1F-F1-1F"),
        ("polite", "1F F1 1F < < 3F b0", "1F-F1-1F | branches 1F-3F"),
        (
            "polite",
            "1F F1 1F < < 3F b0 b0",
            "1F-3F | branches 1F-F1-1F",
        ),
        ("polite", "1F F1 1F @0 2F", "2F | branches 1F-F1-1F"),
        // A delivery that is not possible refuses and keeps the future.
        ("polite", "1F < !F1", "(start) | next 1F"),
        // Returning to a branch after another branch.
        (
            "polite",
            "1F F1 1F < < 3F < 2F",
            "1F-2F | branches 1F-F1-1F, 1F-3F",
        ),
        (
            "polite",
            "1F F1 1F < < 3F < 2F b0",
            "1F-F1-1F | branches 1F-3F, 1F-2F",
        ),
        (
            "polite",
            "1F F1 1F < < 3F < 2F b0 b0",
            "1F-3F | branches 1F-2F, 1F-F1-1F",
        ),
        (
            "polite",
            "1F F1 1F < < 3F < 2F b0 b0 b0",
            "1F-2F | branches 1F-F1-1F, 1F-3F",
        ),
        // A branch that parts from the run inside its future: back only to
        // the present, then forward along the branch from there.
        (
            "polite",
            "1F 2F F1 < F2 < <",
            "1F | next 2F-F2 | branches 1F-2F-F1",
        ),
        (
            "polite",
            "1F 2F F1 < F2 < < b0",
            "1F-2F-F1 | branches 1F-2F-F2",
        ),
        // Returning to a branch from far back, and from the start.
        (
            "polite",
            "1F F1 1F < < 3F @0 b0",
            "1F-F1-1F | branches 1F-3F",
        ),
        // The same abandoned run is kept once.
        (
            "polite",
            "1F F1 < 2F < F1 < 2F",
            "1F-2F | branches 1F-F1, 1F-2F",
        ),
        // Returning from the start redoes the whole branch, which then
        // travels like any run.
        ("polite", "1F F1 < 2F @0 b0 < F1", "1F-F1 | branches 1F-2F"),
        // Reset: the run and its future go, the branches stay; a branch
        // then contains the empty run, so nothing replaces it.
        ("polite", "1F F1 < 2F reset", "(start) | branches 1F-F1"),
        ("polite", "1F F1 < 2F reset b0", "1F-F1"),
        ("polite", "1F F1 < reset", "(start)"),
        // Terminate: nothing before it can come back; what follows can.
        ("pill", "1F F1 kill", "1F-F1 | terminated after 2"),
        (
            "pill",
            "1F F1 kill !< !@0 !@1 !kill",
            "1F-F1 | terminated after 2",
        ),
        ("pill", "1F kill F1 < >", "1F-F1 | terminated after 1"),
        ("pill", "1F kill F1 @1", "1F | next F1 | terminated after 1"),
        // The future had the fridge alive: it is kept as a branch, which
        // cannot be followed while the fridge is dead, but can after Reset.
        (
            "pill",
            "1F F1 < kill",
            "1F | branches 1F-F1 | terminated after 1",
        ),
        (
            "pill",
            "1F F1 < kill !b0",
            "1F | branches 1F-F1 | terminated after 1",
        ),
        ("pill", "1F F1 < kill reset b0", "1F-F1"),
        // After the termination: branches that part at it count as made
        // with the fridge alive, those that part later can be followed.
        (
            "pill2",
            "1F 2F kill F1 F2 < < F2 !b0",
            "1F-2F-F2 | branches 1F-2F-F1-F2 | terminated after 2",
        ),
        // What was dropped cannot be delivered.
        ("pill2", "1F kill F1 !2F !3F", "1F-F1 | terminated after 1"),
        // A faulty network: a lost message and a duplicated one, undone
        // and redone like any delivery; the budgets come back with them.
        ("post", "1F.lost 11 1F F1", "1F.lost-11-1F-F1"),
        ("post", "1F.lost !1F.lost 11 !1F.lost", "1F.lost-11"),
        ("post", "1F.lost < 1F.lost", "1F.lost"),
        ("post", "1F.dup 1F F1.1 F1", "1F.dup-1F-F1.1-F1"),
        ("post", "1F.dup < !< 1F.dup", "1F.dup"),
        ("post", "1F.dup F1 @0 @2", "1F.dup-F1"),
        (
            "post",
            "1F.dup F1 @0 1F.lost",
            "1F.lost | branches 1F.dup-F1",
        ),
        // In a FIFO channel only the head, and a copy stays at the head.
        ("fifo-post", "11 !1F.1 1F.dup !1F.1", "11-1F.dup"),
        ("fifo-post", "11 1F.dup 1F 1F F1", "11-1F.dup-1F-1F-F1"),
    ];
    let mut failures = Vec::new();
    for (scenario, ops, expected) in cases {
        let got = run(scenario, ops);
        if got != expected {
            failures.push(format!(
                "{scenario}: {ops:?}\n  expected {expected}\n  got      {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A delivery is outstanding until its answer: nothing else begins, and
/// the timeline will not travel or terminate.
#[test]
fn one_delivery_is_outstanding_at_a_time() {
    let mut page = Page::new("polite");
    for op in ["1F", "F1"] {
        page.op(op).unwrap();
    }
    page.op("<").unwrap();
    let (look, reply) = (page.step("2F"), page.step("F1"));
    let msg = page.tl.begin(look, true).expect("deliverable");
    assert_eq!(msg, page.system.message("drink", &[0]).unwrap());
    assert!(page.tl.pending());
    assert_eq!(page.tl.begin(reply, true), None);
    assert_eq!(page.tl.jump(0), Err(Refused::Pending));
    assert_eq!(page.tl.step_back(), Err(Refused::Pending));
    assert_eq!(page.tl.return_to_branch(0), Err(Refused::Pending));
    assert_eq!(
        page.tl.terminate(&page.system, ActorId::SERVER),
        Err(Refused::Pending)
    );
    // The message is out of the network while its receiver handles it.
    assert_eq!(page.tl.world().net.head(look), None);
    assert_eq!(page.tl.past().last().map(|e| e.handled), Some(None));
    let mut world = page.tl.past().last().unwrap().before().clone();
    let d = page.system.deliver(&mut world, look).unwrap();
    let state = world.states[0].clone();
    let entry = page
        .tl
        .answer(d.handled, state.clone(), d.sent.clone(), None)
        .unwrap();
    assert_eq!(entry.delivery(), Some(d));
    assert!(entry.by_hand);
    assert_eq!(page.tl.world(), &world);
    assert_eq!(page.tl.answer(Handled::Done, state, Vec::new(), None), None);
}

/// Going back restores only the workers the undone deliveries reached,
/// each into its state from then, and redoing is by the page, not by hand.
#[test]
fn going_back_restores_each_reached_worker_once() {
    let mut page = Page::new("polite");
    for op in "1F F1 2F 1F F2".split_whitespace() {
        page.op(op).unwrap();
    }
    let start = page.system.init();
    let travel = page.tl.jump(1).unwrap();
    // Undone: F1 (to Person 1), 2F and 1F (to the fridge), F2 (Person 2).
    assert_eq!(
        travel.restore,
        vec![
            (ActorId(1), start.states[1].clone()),
            (
                ActorId::SERVER,
                page.tl.past()[0].before().states[0].clone()
            ),
            (ActorId(2), start.states[2].clone()),
        ]
    );
    assert!(travel.redo.is_empty());
    page.travel(Ok(travel)).unwrap();
    page.check("after the jump back");
    let travel = page.tl.jump(4).unwrap();
    assert_eq!(travel.redo, Schedule::parse("F1-2F-1F", 'F').unwrap().0);
    assert!(travel.restore.is_empty());
    page.travel(Ok(travel)).unwrap();
    assert_eq!(
        page.tl.past().iter().map(|e| e.by_hand).collect::<Vec<_>>(),
        [true, false, false, false]
    );
    page.check("after the jump forward");
}

/// The diagram's arrows as text: `step message sent→delivered`, with `…`
/// for in flight and `dropped` for dropped by terminate.
fn arrows(scenario: &str, ops: &str) -> String {
    let mut page = Page::new(scenario);
    for op in ops.split_whitespace() {
        page.op(op).unwrap();
    }
    page.check(ops);
    let letter = page.system.server_letter;
    page.tl
        .arrows()
        .iter()
        .map(|a| {
            let end = match (a.delivered, a.dropped) {
                (Some(k), _) => k.to_string(),
                (None, true) => "dropped".to_string(),
                (None, false) => "…".to_string(),
            };
            format!(
                "{} {}: {}→{end}",
                a.step.display(letter),
                page.system.show(a.msg),
                a.sent
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn each_delivery_is_matched_with_the_send_it_consumed() {
    let cases = [
        // Nothing delivered: the people's looks, sent at the start.
        ("polite", "", "1F look: 0→…\n2F look: 0→…\n3F look: 0→…"),
        (
            "polite",
            "1F F1",
            "1F look: 0→1\nF1 took 0, 2 left: 1→2\n1F take 1: 2→…\n2F look: 0→…\n3F look: 0→…",
        ),
        // Two sends on one channel at different times: the first delivery
        // takes the older (FIFO), the younger stays in flight.
        (
            "pill",
            "1F 1F F1",
            "1F take 1: 0→1\n1F take 1: 0→2\nF1 took 1, 1 left: 1→3\nF1 took 1, 0 left: 2→…\n2F stop: 0→…",
        ),
        (
            "pill",
            "1F F1 1F F1",
            "1F take 1: 0→1\nF1 took 1, 1 left: 1→2\n1F take 1: 0→3\nF1 took 1, 0 left: 3→4\n2F stop: 0→…",
        ),
        // After going back only the run on show is drawn.
        (
            "polite",
            "1F F1 1F @1",
            "1F look: 0→1\nF1 took 0, 2 left: 1→…\n2F look: 0→…\n3F look: 0→…",
        ),
        // A branch returned to is drawn as its own run.
        (
            "polite",
            "1F F1 < 2F b0",
            "1F look: 0→1\nF1 took 0, 2 left: 1→2\n1F take 1: 2→…\n2F look: 0→…\n3F look: 0→…",
        ),
        // Terminate: what was in flight to the fridge is dropped.
        (
            "pill",
            "1F kill",
            "1F take 1: 0→1\nF1 took 1, 1 left: 1→…\n1F take 1: 0→dropped\n2F stop: 0→dropped",
        ),
    ];
    let mut failures = Vec::new();
    for (scenario, ops, expected) in cases {
        let got = arrows(scenario, ops);
        if got != expected {
            failures.push(format!(
                "{scenario}: {ops:?}\n  expected:\n{expected}\n  got:\n{got}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A delivery whose answer has not come yet is drawn as delivered, and
/// what its receiver will send is not drawn yet.
#[test]
fn a_pending_delivery_is_drawn_without_its_sends() {
    let mut page = Page::new("polite");
    let step = page.step("2F");
    page.tl.begin(step, true).unwrap();
    let arrows = page.tl.arrows();
    assert_eq!(arrows.len(), 3);
    assert_eq!((arrows[0].step, arrows[0].delivered), (step, Some(1)));
    assert!(arrows[1..].iter().all(|a| a.delivered.is_none()));
}

/// Every schedule of a small scenario, walked forward, back to every point
/// and forward again: the world always matches the model's.
#[test]
fn every_point_of_every_run_can_be_returned_to() {
    let scenario = Scenario::default()
        .with("people", 2)
        .and_then(|s| s.with("drinks", 2))
        .unwrap();
    let system = scenario.system();
    // Depth-first over every complete schedule.
    let mut runs = Vec::new();
    let mut stack = vec![Schedule::default()];
    while let Some(s) = stack.pop() {
        let (world, _) = system.replay(&s).unwrap();
        let next: Vec<Step> = world.deliverable().map(|(step, _)| step).collect();
        if next.is_empty() {
            runs.push(s);
            continue;
        }
        for step in next {
            let mut longer = s.clone();
            longer.0.push(step);
            stack.push(longer);
        }
    }
    assert!(runs.len() > 10, "{} runs", runs.len());
    for run in runs {
        let mut page = Page {
            tl: Timeline::new(system.init()),
            scenario: scenario.clone(),
            system: system.clone(),
            workers: Vec::new(),
        };
        page.fresh_workers();
        for &step in &run.0 {
            assert!(page.deliver(step, true));
        }
        for k in (0..=run.len()).rev() {
            let t = page.tl.jump(k);
            page.travel(t).unwrap();
            page.check(&format!("{run:?} back to {k}"));
            let t = page.tl.jump(run.len());
            page.travel(t).unwrap();
            page.check(&format!("{run:?} forward from {k}"));
        }
        assert!(page.tl.branches().is_empty());
    }
}

#[test]
fn an_offered_branch_is_kept_once_and_followed_from_where_it_parts() {
    // The reading's emptying run, then the alternative at its point of no
    // return (Person 1's take instead of delivery 3) offered as a branch.
    let mut page = Page::new("polite");
    for code in "1F F1 2F F2 2F F2 3F F3 1F F1".split_whitespace() {
        let step = page.step(code);
        assert!(page.deliver(step, true));
    }
    let run = page.tl.schedule();
    assert_eq!(page.tl.offer_branch(run.clone()), None, "the run on show");
    let alt = Schedule::parse("1F-F1-1F-F1-3F-F3-2F-F2", 'F').unwrap();
    let i = page.tl.offer_branch(alt.clone()).unwrap();
    assert_eq!(page.tl.offer_branch(alt.clone()), Some(i), "kept once");
    let travel = page.tl.return_to_branch(i);
    // Back to where it parts (after delivery 2): the workers of the undone
    // deliveries restored, and the rest of the alternative redone.
    assert_eq!(travel.as_ref().map(|t| t.redo.len()), Ok(6));
    page.travel(travel).unwrap();
    page.check("the alternative");
    assert_eq!(page.tl.schedule(), alt);
    assert!(
        page.tl.branches().contains(&run),
        "the run left is a branch"
    );
}
