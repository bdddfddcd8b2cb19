//! Predict, then reveal: candidates cover every possible outcome, and
//! grading says what was missed and what was wrongly claimed.

use racelab::sorted::SortedSet;

use racelab::explore::{explore, Options};
use racelab::model::predict::Shape;
use racelab::model::Scenario;

/// A built-in protocol with some parameters set.
fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

fn scenarios() -> Vec<Scenario> {
    let mut all = vec![Scenario::default()];
    for people in 1..=4 {
        for drinks in 0..=4 {
            let fridge = [("people", people), ("drinks", drinks)];
            all.push(scenario("look-before-take", &fridge));
            all.push(scenario("take-if", &fridge));
            all.push(scenario("thirsty", &[("ask", 2), fridge[0], fridge[1]]));
            all.push(scenario(
                "poison-pill",
                &[
                    ("people", people.min(3)),
                    ("drinks", drinks),
                    ("requests", 2),
                ],
            ));
        }
        for (name, amount) in [("check-then-withdraw", 60), ("withdraw-if", 30)] {
            all.push(scenario(
                name,
                &[("customers", people), ("balance", 100), ("amount", amount)],
            ));
        }
    }
    all
}

#[test]
fn every_possible_outcome_is_a_candidate() {
    for s in scenarios() {
        let candidates = s.candidates();
        let system = s.system();
        for o in explore(&s, &Options::default()).outcomes {
            let shape = s.shape_of(&o.outcome).expect("every built-in has shapes");
            assert!(
                candidates.contains(&shape),
                "{}: {}: {} is not a candidate",
                s.name(),
                s.describe(),
                system.show_outcome(&o.outcome)
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
    let guess: SortedSet<usize> = [1, 2].into();
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
    let s = Scenario::builtin("check-then-withdraw").unwrap();
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
        Some(SortedSet::new())
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

#[test]
fn a_runtime_error_has_no_shape_and_makes_no_candidate_possible() {
    use racelab::model::Outcome;
    let s = Scenario::default();
    let failed = Outcome {
        values: vec![],
        error: Some("Fridge failed: overflow at line 39".to_string()),
        stuck: vec![],
    };
    assert_eq!(s.shape_of(&failed), None);
    let grade = s.grade(&[0].into(), &[failed]);
    assert_eq!(grade.wrong, vec![s.candidates()[0]]);
    assert!(grade.found.is_empty() && grade.missed.is_empty());
    assert_eq!(grade.ruled_out.len(), s.candidates().len() - 1);
}
