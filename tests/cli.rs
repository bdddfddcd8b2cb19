//! The command line, run as a person would run it.

use std::process::Command;

fn racelab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_racelab"))
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_for_the_reading_puzzle_unreduced() {
    let (code, out, _) = racelab(&[
        "explore",
        "look-before-take",
        "--people",
        "3",
        "--drinks",
        "2",
        "--no-reduce",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert!(out.starts_with(r#"{"states":324,"transitions":690,"schedules":26190,"genuinely_different":null,"complete":true,"#), "{out}");
    for served in ["[1,2]", "[1,3]", "[2,3]"] {
        assert!(
            out.contains(&format!(
                r#""drinks_left":0,"served":{served},"schedules":8700,"witness":""#
            )),
            "{out}"
        );
    }
    for served in ["[1]", "[2]", "[3]"] {
        assert!(
            out.contains(&format!(
                r#""drinks_left":1,"served":{served},"schedules":30,"#
            )),
            "{out}"
        );
    }
}

#[test]
fn json_with_reductions_counts_genuinely_different_schedules() {
    let (code, out, _) = racelab(&[
        "explore", "thirsty", "--people", "2", "--drinks", "2", "--ask", "3", "--json",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains(r#""schedules":6,"genuinely_different":2,"#),
        "{out}"
    );
    assert!(
        out.contains(r#"{"drinks_left":0,"served":[1],"schedules":3,"witness":"1F-F1-2F-F2"}"#),
        "{out}"
    );
}

#[test]
fn the_table_is_readable() {
    let (code, out, _) = racelab(&["explore", "look-before-take"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("26190 complete schedules (66 genuinely different)"),
        "{out}"
    );
    assert!(out.contains("1 drink left; Person 2 got a drink"), "{out}");
}

#[test]
fn a_state_limit_reports_an_incomplete_search() {
    let (code, out, _) = racelab(&[
        "explore",
        "look-before-take",
        "--people",
        "6",
        "--drinks",
        "5",
        "--no-reduce",
        "--max-states",
        "500",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert!(out.contains(r#""complete":false"#), "{out}");
}

#[test]
fn bad_arguments_exit_non_zero_with_one_line() {
    for args in [
        &[][..],
        &["explode"][..],
        &["explore"][..],
        &["explore", "bank-heist"][..],
        &["explore", "thirsty", "--people", "9"][..],
        &["explore", "thirsty", "--drinks", "many"][..],
        &["explore", "thirsty", "--people"][..],
        &["explore", "thirsty", "--max-states", "0"][..],
        &["explore", "thirsty", "--frobnicate"][..],
    ] {
        let (code, out, err) = racelab(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
}

#[test]
fn json_for_bank_scenarios() {
    let (code, out, _) = racelab(&[
        "explore",
        "check-then-withdraw",
        "--customers",
        "2",
        "--balance",
        "100",
        "--amount",
        "60",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains(r#"{"balance":-20,"withdrew":[1,2],"schedules":60,"witness":"#),
        "{out}"
    );
    assert!(
        out.contains(
            r#"{"balance":40,"withdrew":[1],"schedules":3,"witness":"1B-B1-1B-B1-2B-B2"}"#
        ),
        "{out}"
    );
    assert!(out.contains(r#"{"balance":40,"withdrew":[2],"#), "{out}");
    let (code, out, _) = racelab(&[
        "explore",
        "withdraw-if",
        "--customers",
        "4",
        "--balance",
        "100",
        "--amount",
        "30",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert!(!out.contains(r#""balance":-"#), "never below zero: {out}");
    let (code, _, err) = racelab(&["explore", "check-then-withdraw", "--amount", "-60"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--amount must be a whole number from 1 to 1000000"),
        "{err}"
    );
    let (code, out, _) = racelab(&[
        "explore",
        "poison-pill",
        "--people",
        "2",
        "--drinks",
        "3",
        "--requests",
        "2",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            r#"{"drinks_left":3,"unanswered":[1,1,2,2],"schedules":6,"witness":"3F-1F-1F-2F-2F"}"#
        ),
        "{out}"
    );
}
