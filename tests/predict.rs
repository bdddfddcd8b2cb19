//! Predict, then reveal: candidates cover every possible outcome, and
//! grading says what was missed and what was wrongly claimed.

use std::collections::BTreeSet;

use racelab::explore::{explore, Options};
use racelab::model::predict::Shape;
use racelab::model::{Protocol, Scenario};

fn scenarios() -> Vec<Scenario> {
    let mut all = vec![Scenario::default()];
    for people in 1..=4 {
        for drinks in 0..=4 {
            all.push(Scenario::new(Protocol::LookBeforeTake, people, drinks, 1).unwrap());
            all.push(Scenario::new(Protocol::TakeIf, people, drinks, 1).unwrap());
            all.push(Scenario::new(Protocol::Thirsty, people, drinks, 2).unwrap());
            all.push(Scenario::poison_pill(people.min(3), drinks, 2).unwrap());
        }
        all.push(Scenario::bank(Protocol::CheckThenWithdraw, people, 100, 60).unwrap());
        all.push(Scenario::bank(Protocol::WithdrawIf, people, 100, 30).unwrap());
    }
    all
}

#[test]
fn every_possible_outcome_is_a_candidate() {
    for s in scenarios() {
        let candidates = s.candidates();
        for o in explore(&s, &Options::default()).outcomes {
            assert!(
                candidates.contains(&o.outcome.shape()),
                "{s:?}: {} is not a candidate",
                o.outcome
            );
        }
    }
}

#[test]
fn the_reading_puzzle_graded() {
    let s = Scenario::default();
    let candidates = s.candidates();
    let words: Vec<String> = candidates.iter().map(|&c| s.describe_shape(c)).collect();
    assert_eq!(
        words,
        [
            "0 drinks left, 2 people got a drink",
            "1 drink left, one person got a drink",
            "2 drinks left, nobody got a drink"
        ]
    );
    let possible: Vec<_> = explore(&s, &Options::default())
        .outcomes
        .into_iter()
        .map(|o| o.outcome)
        .collect();
    // A polite learner's guess: nobody empties the fridge.
    let guess: BTreeSet<usize> = [1, 2].into();
    let grade = s.grade(&guess, &possible);
    assert_eq!(grade.missed, vec![Shape { left: 0, count: 2 }]);
    assert_eq!(grade.wrong, vec![Shape { left: 2, count: 0 }]);
    assert_eq!(grade.found, vec![Shape { left: 1, count: 1 }]);
    assert!(!grade.all_right());
    let right = s.grade(&[0, 1].into(), &possible);
    assert!(right.all_right());
    assert_eq!(right.ruled_out, vec![Shape { left: 2, count: 0 }]);
}

#[test]
fn bank_shapes_read_as_balances() {
    let s = Scenario::default_for(Protocol::CheckThenWithdraw);
    let words: Vec<String> = s
        .candidates()
        .iter()
        .map(|&c| s.describe_shape(c))
        .collect();
    assert_eq!(
        words,
        [
            "balance -20, 2 customers withdrew",
            "balance 40, one customer withdrew",
            "balance 100, nobody withdrew"
        ]
    );
}

#[test]
fn predictions_ride_in_the_permalink() {
    use racelab::permalink::Link;
    let link = Link::parse("v=1&scenario=look-before-take&people=3&drinks=2&p=0.2&s=1F").unwrap();
    assert_eq!(link.predicted, Some([0, 2].into()));
    assert_eq!(
        link.to_fragment(),
        "v=1&scenario=look-before-take&people=3&drinks=2&p=0.2&s=1F"
    );
    assert_eq!(
        Link::parse("v=1&scenario=look-before-take&p=&s=")
            .unwrap()
            .predicted,
        Some(BTreeSet::new())
    );
    assert_eq!(
        Link::parse("v=1&scenario=look-before-take&s=")
            .unwrap()
            .predicted,
        None
    );
    for bad in ["p=3", "p=x", "p=0..1", "p=-1"] {
        let err = Link::parse(&format!(
            "v=1&scenario=look-before-take&people=3&drinks=2&{bad}&s="
        ))
        .unwrap_err();
        assert!(err.0.contains("names no candidate outcome"), "{bad}: {err}");
    }
}
