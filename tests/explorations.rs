//! The page's explorations, driven by the messages the explorer's worker
//! sends (its own job, run here with a clock of the test's): the outcomes shown at `Done`, the
//! traces and points of no return put in place as they follow, the
//! comparison started only when nothing more follows, and stale or foreign
//! messages ignored.

use racelab::explorations::{Explorations, Order, COMPARE_MAX_STATES, PAGE_MAX_STATES};
use racelab::explore::{explore, Options};
use racelab::model::Scenario;
use racelab::wire::{ExplorerJob, FromExplorer, ToExplorer};

fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

/// What the explorer's worker sends for `request`: the worker's own job,
/// driven by a clock that moves a millisecond each time it is read.
fn worker_replies(request: &ToExplorer) -> Vec<FromExplorer> {
    let ToExplorer::Explore {
        scenario,
        reduce,
        max_states,
    } = request
    else {
        panic!("not an exploration: {request:?}");
    };
    let mut job = ExplorerJob::new(scenario.clone(), *reduce, *max_states);
    let mut t = 0.0;
    let mut clock = move || {
        t += 1.0;
        t
    };
    std::iter::from_fn(|| job.slice(&mut clock, 40.0)).collect()
}

fn started(order: Order) -> (u32, ToExplorer) {
    match order {
        Order::Start {
            generation,
            request,
        } => (generation, request),
        other => panic!("expected a start, got {other:?}"),
    }
}

#[test]
fn outcomes_show_at_done_and_what_follows_fills_in_before_the_comparison() {
    let s = scenario("look-before-take", &[("people", 3), ("drinks", 2)]);
    let mut e = Explorations::default();
    let (generation, request) = started(e.explore(s.clone(), true, PAGE_MAX_STATES));
    assert!(e.working() && e.exploring.is_some());
    let whole = explore(&s, &Options::default());

    let mut replies = worker_replies(&request).into_iter();
    let progress = FromExplorer::Progress {
        states: 7,
        transitions: 9,
        elapsed_ms: 40.0,
    };
    assert_eq!(e.received(generation, progress, &s), (None, false));
    assert_eq!(e.exploring.as_ref().map(|x| x.states), Some(7));

    // Done: the outcomes are on show, the traces are being counted, the
    // worker stays.
    let (order, new) = e.received(generation, replies.next().unwrap(), &s);
    assert_eq!((order, new), (None, true));
    assert!(e.exploring.is_none() && e.working());
    let shown = e.of(&s).expect("on show");
    assert_eq!(shown.outcomes.len(), whole.outcomes.len());
    assert_eq!(shown.traces, None);
    assert!(e.explored[0].counting_traces);
    assert!(shown.outcomes.iter().all(|o| o.fate.is_none()));

    // The traces, as a whole exploration counts them.
    assert_eq!(
        e.received(generation, replies.next().unwrap(), &s),
        (None, false)
    );
    assert_eq!(
        e.of(&s).unwrap().traces,
        whole.traces.map(|t| t.to_string())
    );
    assert!(!e.explored[0].counting_traces);

    // The points of no return, each in its place; the last one starts the
    // comparison, unreduced and up to its limit.
    let rest: Vec<_> = replies.collect();
    let last = rest.len() - 1;
    let mut comparison = None;
    for (k, msg) in rest.into_iter().enumerate() {
        let (order, new) = e.received(generation, msg, &s);
        assert!(!new);
        if k < last {
            assert_eq!(order, None);
        } else {
            comparison = order;
        }
    }
    assert!(e.of(&s).unwrap().outcomes.iter().all(|o| o.fate.is_some()));
    let (g2, request) = started(comparison.expect("the comparison starts"));
    assert_ne!(g2, generation);
    assert_eq!(
        request,
        ToExplorer::Explore {
            scenario: s.clone(),
            reduce: false,
            max_states: COMPARE_MAX_STATES,
        }
    );
    assert!(e.exploring.as_ref().is_some_and(|x| x.comparison));

    // The comparison: no traces or fates are waited for; the worker goes.
    // The exploration on show stays the reduced one.
    let done = worker_replies(&request).into_iter().next().unwrap();
    assert_eq!(e.received(g2, done, &s), (Some(Order::Close), true));
    assert!(!e.working());
    assert_eq!(e.explored.len(), 2);
    assert!(e.of(&s).unwrap().symmetry);
    assert!(e.complete());
}

#[test]
fn a_cancel_or_another_scenario_leaves_the_old_workers_messages_unheard() {
    let s = scenario("look-before-take", &[("people", 2), ("drinks", 1)]);
    let mut e = Explorations::default();
    let (g, request) = started(e.explore(s.clone(), true, PAGE_MAX_STATES));
    let replies = worker_replies(&request);
    assert!(e.received(g, replies[0].clone(), &s).1);
    // Cancelled while the traces are counted: the worker is told, and what
    // it still sends is not heard; the outcomes stay, not "counting".
    assert_eq!(e.cancel(), Some(Order::Cancel));
    assert_eq!(e.cancel(), None, "nothing left to cancel");
    for msg in &replies[1..] {
        assert_eq!(e.received(g, msg.clone(), &s), (None, false));
    }
    assert_eq!(e.of(&s).unwrap().traces, None);
    assert!(!e.explored[0].counting_traces);

    // Another scenario: a new exploration's Done of the old scenario is
    // let go, and stores nothing.
    let other = scenario("look-before-take", &[("people", 3), ("drinks", 1)]);
    let (g, request) = started(e.explore(s.clone(), true, PAGE_MAX_STATES));
    assert_eq!(e.clear(), Some(Order::Cancel));
    assert!(e.explored.is_empty());
    let done = worker_replies(&request).into_iter().next().unwrap();
    assert_eq!(e.received(g, done.clone(), &other), (None, false));
    let (g, _) = started(e.explore(other.clone(), true, PAGE_MAX_STATES));
    assert_eq!(e.received(g, done, &other), (Some(Order::Close), false));
    assert!(e.explored.is_empty() && !e.working());
}

#[test]
fn the_fixed_versions_exploration_goes_beside_and_gets_its_fates() {
    let s = scenario("look-before-take", &[("people", 3), ("drinks", 2)]);
    let fixed = s.fixed().expect("look-before-take has a fixed version");
    let mut e = Explorations::default();
    let (g, request) = started(e.explore(fixed.clone(), true, PAGE_MAX_STATES));
    let replies = worker_replies(&request);
    let n = replies.len();
    for (k, msg) in replies.into_iter().enumerate() {
        let (order, new) = e.received(g, msg, &s);
        assert!(!new, "not an exploration of the scenario on show");
        // No comparison for the fixed version: the worker goes at the end.
        let expected = (k + 1 == n).then_some(Order::Close);
        assert_eq!(order, expected, "message {k}");
    }
    let beside = e.fix_explored.as_ref().expect("beside");
    assert_eq!(beside.summary.scenario, fixed);
    assert!(beside.summary.traces.is_some());
    assert!(beside.summary.outcomes.iter().all(|o| o.fate.is_some()));
    assert!(e.explored.is_empty() && e.of(&s).is_none());
}

#[test]
fn an_incomplete_exploration_starts_no_comparison_and_has_nothing_to_follow() {
    let s = scenario("look-before-take", &[("people", 4), ("drinks", 3)]);
    let mut e = Explorations::default();
    let (g, request) = started(e.explore(s.clone(), true, 50));
    let replies = worker_replies(&request);
    assert_eq!(replies.len(), 1, "an incomplete search sends Done alone");
    assert_eq!(
        e.received(g, replies[0].clone(), &s),
        (Some(Order::Close), true)
    );
    assert!(!e.of(&s).unwrap().complete && !e.complete());
}
