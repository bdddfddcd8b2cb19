//! Permalinks: round trips, and every malformed link is an error message.

use racelab::model::{Scenario, Schedule};
use racelab::permalink::Link;

/// A built-in protocol with some parameters set.
fn scenario(name: &str, params: &[(&str, i64)]) -> Scenario {
    let mut s = Scenario::builtin(name).unwrap_or_else(|| panic!("no built-in {name}"));
    for &(p, v) in params {
        s = s.with(p, v).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    s
}

#[test]
fn links_round_trip() {
    let cases = [
        (Scenario::default(), ""),
        (Scenario::default(), "1F-2F-F1-F2-1F"),
        (
            scenario("thirsty", &[("people", 2), ("drinks", 2), ("ask", 3)]),
            "2F-F2",
        ),
        (
            scenario("look-before-take", &[("people", 8), ("drinks", 20)]),
            "8F-F8-8F",
        ),
    ];
    for (scenario, schedule) in cases {
        let link = Link {
            scenario,
            schedule: Schedule::parse(schedule, 'F').unwrap(),
            terminated_after: None,
            predicted: None,
        };
        let fragment = link.to_fragment();
        assert_eq!(Link::parse(&fragment).unwrap(), link, "{fragment}");
        assert_eq!(Link::parse(&format!("#{fragment}")).unwrap(), link);
    }
    assert_eq!(
        Link {
            scenario: Scenario::default(),
            schedule: Schedule::parse("1F-F1", 'F').unwrap(),
            terminated_after: None,
            predicted: None,
        }
        .to_fragment(),
        "v=1&scenario=look-before-take&people=3&drinks=2&s=1F-F1"
    );
}

#[test]
fn an_empty_fragment_is_the_default_scenario() {
    let link = Link::parse("").unwrap();
    assert_eq!(link.scenario, Scenario::default());
    assert!(link.schedule.is_empty());
    assert_eq!(Link::parse("#").unwrap(), link);
}

#[test]
fn unknown_keys_are_skipped() {
    let link = Link::parse("v=1&scenario=thirsty&people=2&drinks=2&ask=3&s=1F&later=yes").unwrap();
    assert_eq!(link.scenario.param("people"), Some(2));
    assert_eq!(
        link.scenario,
        scenario("thirsty", &[("people", 2), ("drinks", 2), ("ask", 3)])
    );
}

#[test]
fn malformed_truncated_and_impossible_links_are_refused() {
    let cases = [
        ("garbage", "no version"),
        ("v=2&scenario=thirsty", "version \"2\""),
        ("v=1", "no scenario"),
        ("v=1&scenario=bank-heist", "unknown scenario"),
        ("v=1&scenario=thirsty&people=0", "People must be"),
        (
            "v=1&scenario=thirsty&people=99999999999999999999",
            "People must be",
        ),
        ("v=1&scenario=thirsty&people=x", "People must be"),
        ("v=1&scenario=thirsty&drinks=-1", "Drinks must be"),
        ("v=1&scenario=thirsty&ask=0", "Ask must be"),
        ("v=1&scenario=look-before-take&s=1F-", "malformed at step 2"),
        ("v=1&scenario=look-before-take&s=F1", "impossible at step 1"),
        (
            "v=1&scenario=look-before-take&people=2&s=3F",
            "impossible at step 1: there is no Person 3",
        ),
        (
            "v=1&scenario=look-before-take&s=1F-F1-1F-F1-F1",
            "impossible at step 5",
        ),
        ("v=1&v=1&scenario=thirsty", "twice"),
        ("v=1&scenario=look-before-take&s=1F%2DF1", "malformed"),
    ];
    for (fragment, needle) in cases {
        let err = Link::parse(fragment).expect_err(fragment);
        assert!(err.0.contains(needle), "{fragment}: {err}");
    }
}
