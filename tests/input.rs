//! The input layer: every button's `data-action` and every shortcut key
//! becomes the action the page applies, and nothing else does.

use std::collections::BTreeMap;

use racelab::input::{nth_delivery, Action};
use racelab::model::{Scenario, Schedule};

/// A button's attributes, as the page would read them.
fn button(name: &str, attrs: &[(&str, &str)]) -> Option<Action> {
    let attrs: BTreeMap<String, String> = attrs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Action::from_button(name, |key| attrs.get(key).cloned(), 'F')
}

#[test]
fn a_deliver_button_names_one_step() {
    let step = Schedule::parse("2F", 'F').unwrap().0[0];
    assert_eq!(
        button("deliver", &[("data-step", "2F")]),
        Some(Action::Deliver(step))
    );
    let lose = Schedule::parse("1F.lost", 'F').unwrap().0[0];
    assert_eq!(
        button("deliver", &[("data-step", "1F.lost")]),
        Some(Action::Deliver(lose))
    );
    // Not one step: nothing happens (a stale or tampered button).
    for code in ["", "1F-2F", "zz", "F"] {
        assert_eq!(button("deliver", &[("data-step", code)]), None, "{code:?}");
    }
    assert_eq!(button("deliver", &[]), None);
}

#[test]
fn numbered_buttons_need_their_number() {
    assert_eq!(button("jump", &[("data-to", "3")]), Some(Action::Jump(3)));
    assert_eq!(
        button("branch", &[("data-index", "0")]),
        Some(Action::Branch(0))
    );
    assert_eq!(
        button("predict", &[("data-index", "2")]),
        Some(Action::Predict(2))
    );
    assert_eq!(
        button("live-load", &[("data-run", "41")]),
        Some(Action::LoadLiveRun(41))
    );
    for name in ["jump", "branch", "predict", "live-load"] {
        assert_eq!(button(name, &[]), None, "{name} without its number");
        for bad in ["-1", "x", "1.5", "99999999999"] {
            let key = match name {
                "jump" => "data-to",
                "live-load" => "data-run",
                _ => "data-index",
            };
            assert_eq!(button(name, &[(key, bad)]), None, "{name} {bad}");
        }
    }
}

#[test]
fn witnesses_say_whose_they_are() {
    assert_eq!(
        button("witness", &[("data-of", "fix"), ("data-witness", "1F-F1")]),
        Some(Action::Witness {
            fix: true,
            schedule: "1F-F1".into()
        })
    );
    assert_eq!(
        button("witness", &[("data-of", "this"), ("data-witness", "1F")]),
        Some(Action::Witness {
            fix: false,
            schedule: "1F".into()
        })
    );
    assert_eq!(
        button(
            "diag",
            &[("data-from", "4"), ("data-to", "9"), ("data-line", "2")]
        ),
        Some(Action::Diagnostic {
            from: 4,
            to: 9,
            line: 2
        })
    );
    assert_eq!(
        button("example", &[("data-name", "deadlock")]),
        Some(Action::Example("deadlock".into()))
    );
}

/// Every `data-action` the page's HTML and Rust code write is understood,
/// and no unknown name is.
#[test]
fn every_action_the_page_names_is_understood() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts = vec![std::fs::read_to_string(root.join("index.html")).unwrap()];
    let mut stack = vec![root.join("src/web")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                texts.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for text in &texts {
        for part in text.split("data-action=").skip(1) {
            let part = part.trim_start_matches('\\');
            let quote = part.chars().next().unwrap();
            let name: String = part[1..]
                .chars()
                .take_while(|&c| c != quote && c != '\\')
                .collect();
            names.insert(name);
        }
    }
    assert!(names.len() > 20, "found the page's actions: {names:?}");
    let all = [
        ("data-step", "1F"),
        ("data-to", "1"),
        ("data-index", "0"),
        ("data-run", "0"),
    ];
    for name in &names {
        assert!(
            button(name, &all).is_some(),
            "data-action=\"{name}\" is not understood"
        );
    }
    assert_eq!(button("format-disk", &all), None);
    assert_eq!(button("", &all), None);
}

#[test]
fn keys_are_shortcuts_and_digits_deliver() {
    for (key, action) in [
        ("ArrowLeft", Action::Back),
        ("Backspace", Action::Back),
        ("ArrowRight", Action::Forward),
        ("Home", Action::Jump(0)),
        ("End", Action::End),
        ("r", Action::Reset),
        ("e", Action::ExploreIfIdle),
        ("l", Action::RunLive),
        ("?", Action::Help),
        ("p", Action::Present),
        ("1", Action::DeliverNth(0)),
        ("9", Action::DeliverNth(8)),
    ] {
        assert_eq!(Action::from_key(key), Some(action), "{key}");
    }
    for key in ["0", "10", "x", "R", "Enter", " ", "Tab", "Escape", ""] {
        assert_eq!(Action::from_key(key), None, "{key:?}");
    }
}

#[test]
fn the_nth_delivery_counts_deliveries_not_faults() {
    let scenario = Scenario::builtin("unreliable-post").expect("a built-in with faults");
    let system = scenario.system();
    let world = system.init();
    let steps: Vec<_> = world.deliverable().map(|(s, _)| s).collect();
    assert!(
        steps.iter().any(|s| !s.delivers()),
        "the network may lose or duplicate"
    );
    let deliveries: Vec<_> = steps
        .iter()
        .copied()
        .filter(|s| s.act == racelab::model::Act::Deliver)
        .collect();
    for (n, &step) in deliveries.iter().enumerate() {
        assert_eq!(nth_delivery(steps.iter().copied(), n), Some(step));
    }
    assert_eq!(nth_delivery(steps.iter().copied(), deliveries.len()), None);
}

/// Reaching a button that explores, before the click, gets the explorer's
/// worker ready, and leaving it unclicked lets that worker go; no other
/// button asks anything before its click.
#[test]
fn reaching_an_explore_button_prepares_its_worker() {
    for name in ["explore", "explore-fix"] {
        assert_eq!(
            Action::from_approach(name, true),
            Some(Action::PrepareExplorer(true))
        );
        assert_eq!(
            Action::from_approach(name, false),
            Some(Action::PrepareExplorer(false))
        );
    }
    for other in ["deliver", "run-live", "cancel-explore", "reveal", ""] {
        assert_eq!(Action::from_approach(other, true), None, "{other}");
    }
}
