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
            mode: None,
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
            mode: None,
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

// ---------------------------------------------------------------- version 2

use racelab::permalink::{base64url_decode, base64url_encode, MAX_FRAGMENT};
use std::sync::Arc;

/// The built-in look-before-take with a comment added and two drinks more
/// by default: a custom protocol of the same name.
fn edited() -> Scenario {
    let src = racelab::lang::BUILTINS[0]
        .1
        .replace("= 2\n", "= 4\n")
        .replacen("//", "// edited\n//", 1);
    let program = racelab::lang::compile("edited.race", &src).expect("compiles");
    Scenario::new(Arc::new(program))
}

#[test]
fn a_custom_protocol_travels_by_its_source() {
    let scenario = edited();
    assert_eq!(scenario.name(), "look-before-take");
    assert!(!scenario.is_builtin());
    assert_eq!(scenario.param("drinks"), Some(4));
    let link = Link {
        scenario: scenario.clone().with("people", 2).unwrap(),
        schedule: Schedule::parse("1F-F1", 'F').unwrap(),
        terminated_after: None,
        predicted: Some([0, 2].into_iter().collect()),
        mode: None,
    };
    assert!(link.needs_source());
    // The web layer compresses; here the token is the source in base64url.
    let token = base64url_encode(link.scenario.protocol.source.as_bytes());
    let fragment = link.to_fragment_with(&token);
    assert!(fragment.starts_with(&format!("v=2&src={token}&people=2&drinks=4")));
    assert!(fragment.ends_with("&p=0.2&s=1F-F1"), "{fragment}");
    assert_eq!(Link::source_token(&fragment).unwrap(), Some(token.as_str()));
    let source = String::from_utf8(base64url_decode(&token).unwrap()).unwrap();
    let back = Link::parse_with_source(&format!("#{fragment}"), Some(&source)).unwrap();
    assert_eq!(back, link);
    assert!(!back.scenario.is_builtin());
}

#[test]
fn built_in_links_stay_version_1() {
    let link = Link {
        scenario: Scenario::default(),
        ..Link::default()
    };
    assert!(!link.needs_source());
    assert_eq!(link.to_fragment_with("ignored"), link.to_fragment());
    assert!(link
        .to_fragment()
        .starts_with("v=1&scenario=look-before-take&"));
    assert_eq!(Link::source_token(&link.to_fragment()).unwrap(), None);
    // A version-1 link's src= key is skipped as any unknown key is.
    assert_eq!(
        Link::source_token("v=1&scenario=thirsty&src=AAAA").unwrap(),
        None
    );
}

#[test]
fn bad_version_2_links_are_refused_with_a_reason() {
    let cases: [(&str, Option<&str>, &str); 5] = [
        ("v=2&src=AAAA&s=", None, "could not be read"),
        ("v=2&src=&s=", Some(""), "source is empty"),
        (
            "v=2&src=AAAA",
            Some("protocol \"x\"\nwhile"),
            "link.race:1:13",
        ),
        ("v=2&scenario=thirsty", None, "has none"),
        (
            "v=2&src=AAAA&s=9F",
            Some(racelab::lang::BUILTINS[0].1),
            "impossible at step 1",
        ),
    ];
    for (fragment, source, needle) in cases {
        let err = Link::parse_with_source(fragment, source).expect_err(fragment);
        assert!(err.0.contains(needle), "{fragment}: {err}");
    }
    let huge = format!("v=2&src={}", "A".repeat(MAX_FRAGMENT));
    let err = Link::source_token(&huge).expect_err("too long");
    assert!(err.0.contains("up to 512 KB"), "{err}");
    assert!(Link::parse(&huge).is_err());
}

#[test]
fn base64url_round_trips_and_refuses_other_text() {
    for len in 0..40 {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
        let text = base64url_encode(&bytes);
        assert!(text
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(base64url_decode(&text).unwrap(), bytes, "{len}");
    }
    assert_eq!(base64url_encode(b"hi?"), "aGk_");
    assert_eq!(base64url_decode("aGk_").unwrap(), b"hi?");
    for bad in ["a", "aGk/", "aG k", "é"] {
        assert!(base64url_decode(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_link_carries_the_page_mode_and_refuses_unknown_ones() {
    use racelab::permalink::Mode;
    for mode in [Mode::Present, Mode::Embed] {
        let link = Link {
            scenario: scenario("thirsty", &[("people", 2)]),
            schedule: Schedule::parse("1F", 'F').unwrap(),
            mode: Some(mode),
            ..Link::default()
        };
        let fragment = link.to_fragment();
        assert!(
            fragment.ends_with(&format!("&s=1F&mode={}", mode.as_str())),
            "{fragment}"
        );
        assert_eq!(Link::parse(&fragment).unwrap(), link);
        // A mode alone opens the default scenario in that mode.
        let alone = Link::parse(&format!("#mode={}", mode.as_str())).unwrap();
        assert_eq!(alone.mode, Some(mode));
        assert_eq!(alone.scenario, Scenario::default());
        assert!(alone.schedule.is_empty());
    }
    let no_mode = Link::parse("v=1&scenario=thirsty&s=").unwrap();
    assert_eq!(no_mode.mode, None);
    for bad in [
        "v=1&scenario=thirsty&mode=presenter",
        "mode=",
        "v=1&scenario=thirsty&mode=embed&mode=present",
    ] {
        let e = Link::parse(bad).expect_err(bad).0;
        assert!(e.contains("mode"), "{bad}: {e}");
    }
}

#[test]
fn no_parameter_can_take_a_name_links_use_for_themselves() {
    for key in racelab::lang::check::LINK_KEYS {
        let source = format!(
            "{}\nparam {key} \"Other\" in 1..3 = 2\n",
            include_str!("../protocols/thirsty.race")
        );
        let report = racelab::lang::compile("keys.race", &source).expect_err(key);
        let text = report.to_string();
        assert!(
            text.contains(&format!("cannot be named `{key}`")),
            "{key}: {text}"
        );
    }
}

#[test]
fn a_version_1_link_names_its_built_in_before_it_is_read() {
    assert_eq!(
        Link::builtin_name("#v=1&scenario=thirsty&people=2&s=1F"),
        Some("thirsty")
    );
    assert_eq!(
        Link::builtin_name("s=&scenario=deadlock&v=1"),
        Some("deadlock")
    );
    assert_eq!(Link::builtin_name("v=2&src=AAAA&scenario=thirsty"), None);
    assert_eq!(Link::builtin_name(""), None);
    assert_eq!(Link::builtin_name("v=1"), None);
}

/// Steps that lose, duplicate or pick past the head travel in links as
/// they print, and one the protocol's network does not allow is refused
/// with the reason.
#[test]
fn links_carry_the_network_s_faults() {
    let link = Link {
        scenario: scenario("unreliable-post", &[("losses", 2)]),
        schedule: Schedule::parse("1F.dup-1F-F1.1-F1.lost-11", 'F').unwrap(),
        terminated_after: None,
        predicted: None,
        mode: None,
    };
    let fragment = link.to_fragment();
    assert!(
        fragment.ends_with("&s=1F.dup-1F-F1.1-F1.lost-11"),
        "{fragment}"
    );
    assert_eq!(Link::parse(&fragment).unwrap(), link);
    let refused = Link::parse("v=1&scenario=look-before-take&s=1F.dup")
        .unwrap_err()
        .to_string();
    assert!(refused.contains("does not duplicate messages"), "{refused}");
    let spent = Link::parse("v=1&scenario=unreliable-post&s=1F.lost-11-1F.lost")
        .unwrap_err()
        .to_string();
    assert!(spent.contains("at most 1 message in a run"), "{spent}");
}
