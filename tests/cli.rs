//! The command line, run as a person would run it.

use std::path::PathBuf;
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

/// A protocol file in a fresh temporary directory, removed when dropped.
struct TempFile {
    dir: PathBuf,
    path: PathBuf,
}

impl TempFile {
    fn new(test: &str, name: &str, text: &str) -> TempFile {
        let dir = std::env::temp_dir().join(format!("racelab-cli-{}-{test}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let path = dir.join(name);
        std::fs::write(&path, text).expect("the file is written");
        TempFile { dir, path }
    }

    fn path(&self) -> &str {
        self.path.to_str().expect("a UTF-8 path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A built-in protocol's source.
fn builtin_source(name: &str) -> &'static str {
    racelab::lang::BUILTINS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, source)| *source)
        .expect("a built-in")
}

const POLITENESS: &str = "Politeness failed: everyone was polite, yet the fridge is empty";

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
    assert!(out.starts_with(r#"{"protocol":"look-before-take","states":324,"transitions":690,"schedules":26190,"genuinely_different":null,"complete":true,"#), "{out}");
    for served in ["[1,2]", "[1,3]", "[2,3]"] {
        assert!(
            out.contains(&format!(
                r#""drinks_left":0,"served":{served},"unsafe":true,"why":"{POLITENESS}","schedules":8700,"witness":""#
            )),
            "{out}"
        );
    }
    for served in ["[1]", "[2]", "[3]"] {
        assert!(
            out.contains(&format!(
                r#""drinks_left":1,"served":{served},"unsafe":false,"schedules":30,"#
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
        out.contains(
            r#"{"drinks_left":0,"served":[1],"unsafe":false,"schedules":3,"witness":"1F-F1-2F-F2"}"#
        ),
        "{out}"
    );
}

#[test]
fn parameters_by_set_or_by_flag_and_protocols_by_name_or_file() {
    let (code, by_flag, _) = racelab(&["explore", "thirsty", "--people", "2", "--json"]);
    assert_eq!(code, 0);
    assert!(by_flag.contains(r#""schedules":6,"#), "{by_flag}");
    let (code, by_set, _) = racelab(&["explore", "thirsty", "--set", "people=2", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(by_set, by_flag);
    let manifest = env!("CARGO_MANIFEST_DIR");
    let file = format!("{manifest}/protocols/thirsty.race");
    let (code, by_file, err) = racelab(&["explore", &file, "--set", "people=2", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(by_file, by_flag);
    // A parameter set twice: the last wins.
    let (code, twice, _) = racelab(&[
        "explore", "thirsty", "--people", "5", "--set", "people=2", "--json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(twice, by_flag);
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
    assert!(
        out.starts_with("Polite: LOOK before you TAKE: 3 people, 2 drinks\n"),
        "{out}"
    );
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
fn bad_arguments_exit_2_with_one_line_saying_why() {
    let (code, usage, _) = racelab(&["--help"]);
    assert_eq!(code, 0);
    assert!(usage.starts_with("usage:"), "{usage}");
    // A bad value: one line saying what is wrong.
    for args in [
        &["explore", "bank-heist"][..],
        &["explore", "thirsty", "--people", "9"][..],
        &["explore", "thirsty", "--drinks", "many"][..],
        &["explore", "thirsty", "--people"][..],
        &["explore", "thirsty", "--max-states", "0"][..],
        &["explore", "thirsty", "--set", "juggling=3"][..],
        &["explore", "thirsty", "--set", "people"][..],
        &["run", "look-before-take"][..],
        &["run", "look-before-take", "--schedule", "F1"][..],
        &["run", "look-before-take", "--schedule", "1F-"][..],
    ] {
        let (code, out, err) = racelab(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("racelab: "), "{args:?}: {err}");
    }
    // Changed: a command line that is not racelab's usage gets one line
    // saying what is wrong, then the usage (which now has a line per
    // command).
    for args in [
        &[][..],
        &["explode"][..],
        &["explore"][..],
        &["explore", "thirsty", "--frobnicate"][..],
        &["check"][..],
    ] {
        let (code, out, err) = racelab(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(err.starts_with("racelab: "), "{args:?}: {err}");
        let (first, rest) = err.split_once('\n').unwrap();
        if args.is_empty() {
            assert_eq!(err.strip_prefix("racelab: "), Some(usage.as_str()));
        } else {
            assert!(!first.contains("usage"), "{args:?}: {err}");
            assert_eq!(rest, usage, "{args:?}");
        }
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
        out.contains(
            r#"{"balance":-20,"withdrew":[1,2],"unsafe":true,"why":"Overdrawn: the balance went below zero","schedules":60,"witness":"#
        ),
        "{out}"
    );
    assert!(
        out.contains(
            r#"{"balance":40,"withdrew":[1],"unsafe":false,"schedules":3,"witness":"1B-B1-1B-B1-2B-B2"}"#
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
    assert!(!out.contains(r#""unsafe":true"#), "never unsafe: {out}");
    // Changed on purpose: the message for a value out of range is the same
    // for every parameter of every protocol, named as the protocol names it.
    let (code, _, err) = racelab(&["explore", "check-then-withdraw", "--amount", "-60"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("amount must be a whole number from 1 to 1000000"),
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
            r#"{"drinks_left":3,"unanswered":[1,1,2,2],"stuck":true,"waiting":[{"client":1,"phase":null},{"client":2,"phase":null}],"unsafe":false,"schedules":6,"witness":"3F-1F-1F-2F-2F"}"#
        ),
        "{out}"
    );
}

#[test]
fn check_says_ok_for_a_good_file_and_where_a_bad_one_is_wrong() {
    let manifest = env!("CARGO_MANIFEST_DIR");
    let good = format!("{manifest}/protocols/look-before-take.race");
    let (code, out, err) = racelab(&["check", &good]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out,
        format!("{good}: ok: protocol \"look-before-take\", 2 parameters, 2 message kinds, 2 kinds of actor\n")
    );
    // Every built-in checks.
    let all: Vec<String> = ["look-before-take", "thirsty", "take-if"]
        .iter()
        .chain(&["check-then-withdraw", "withdraw-if", "poison-pill"])
        .map(|n| format!("{manifest}/protocols/{n}.race"))
        .collect();
    let args: Vec<&str> = std::iter::once("check")
        .chain(all.iter().map(String::as_str))
        .collect();
    let (code, out, _) = racelab(&args);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().filter(|l| l.contains(": ok: ")).count(), 6);
    // A range whose end is not a number, on line 13, column 29.
    let source = builtin_source("thirsty");
    let line = source
        .lines()
        .position(|l| l.starts_with("param drinks"))
        .unwrap();
    assert_eq!(line + 1, 13);
    let bad = TempFile::new(
        "check",
        "bad.race",
        &source.replacen("in 0..20 = 2", "in 0..zz = 2", 1),
    );
    let (code, out, _) = racelab(&["check", bad.path()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with(&format!(
            "{}:13:29: expected a whole number, found `zz`\n",
            bad.path()
        )),
        "{out}"
    );
    assert!(
        out.ends_with(&format!("{}: 1 error\n", bad.path())),
        "{out}"
    );
    // A good file and a bad one: still 1, and both reported.
    let (code, out, _) = racelab(&["check", &good, bad.path()]);
    assert_eq!(code, 1);
    assert!(out.contains(": ok: ") && out.contains(":13:29: "), "{out}");
    // A file that is not there.
    let (code, _, err) = racelab(&["check", "/nonexistent/x.race"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read /nonexistent/x.race"), "{err}");
    // Exploring a file with errors says where they are.
    let (code, out, err) = racelab(&["explore", bad.path()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains(&format!("{}:13:29: ", bad.path())), "{err}");
}

#[test]
fn run_narrates_a_schedule() {
    let (code, out, err) = racelab(&[
        "run",
        "look-before-take",
        "--schedule",
        "1F-2F-F1-F2-1F-2F-F1-F2-3F-F3",
    ]);
    assert_eq!(code, 0, "{err}");
    let expected = [
        "Polite: LOOK before you TAKE: 3 people, 2 drinks",
        "1. Fridge received look from Person 1 and replied: took 0, 2 left",
        "2. Fridge received look from Person 2 and replied: took 0, 2 left",
        "3. Person 1 received took 0, 2 left from Fridge and replied: take 1",
        "4. Person 2 received took 0, 2 left from Fridge and replied: take 1",
        "5. Fridge received take 1 from Person 1 and replied: took 1, 1 left",
        "6. Fridge received take 1 from Person 2 and replied: took 1, 0 left",
        "7. Person 1 received took 1, 1 left from Fridge",
        "8. Person 2 received took 1, 0 left from Fridge",
        "9. Fridge received look from Person 3 and replied: took 0, 0 left",
        "10. Person 3 received took 0, 0 left from Fridge",
        &format!("Finished: 0 drinks left; Person 1 and Person 2 got a drink. {POLITENESS}."),
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    // Parameters, a bank, and a run that is not over.
    let (code, out, _) = racelab(&[
        "run",
        "check-then-withdraw",
        "--set",
        "customers=1",
        "--schedule",
        "1B-B1",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "Bank: check the balance, then withdraw: 1 customer, balance 100, each withdrawing 60\n\
         1. Bank received check balance from Customer 1 and replied: balance 100\n\
         2. Customer 1 received balance 100 from Bank and replied: withdraw 60\n\
         Not finished: 1 message still in flight.\n"
    );
}

/// Thirsty, with a fridge that must never be empty.
fn fragile() -> TempFile {
    let source = builtin_source("thirsty")
        .replace("protocol \"thirsty\"", "protocol \"fragile\"")
        .replace("invariant drinks >= 0", "invariant drinks >= 1");
    TempFile::new("fragile", "fragile.race", &source)
}

#[test]
fn a_runtime_error_is_an_unsafe_outcome_with_a_witness() {
    let file = fragile();
    let line = builtin_source("thirsty")
        .lines()
        .position(|l| l.contains("invariant drinks >= 0"))
        .unwrap()
        + 1;
    let (code, out, err) = racelab(&[
        "explore",
        file.path(),
        "--people",
        "2",
        "--ask",
        "1",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let error = format!("Fridge failed: invariant drinks >= 1 broken at line {line}");
    assert!(out.starts_with(r#"{"protocol":"fragile","#), "{out}");
    assert!(
        out.ends_with(&format!(
            r#""outcomes":[{{"error":"{error}","unsafe":true,"why":"{error}","schedules":4,"witness":"2F-1F"}}]}}
"#
        )),
        "{out}"
    );
    // The witness replays to the failure.
    let (code, out, _) = racelab(&[
        "run",
        file.path(),
        "--set",
        "people=2",
        "--set",
        "ask=1",
        "--schedule",
        "2F-1F",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.ends_with(&format!(
            "2. Fridge received take 1 from Person 1 and failed: invariant drinks >= 1 broken at line {line}\n\
             Finished: Runtime error: {error}.\n"
        )),
        "{out}"
    );
    // Nothing can be delivered after it.
    let (code, _, err) = racelab(&[
        "run",
        file.path(),
        "--people",
        "2",
        "--ask",
        "1",
        "--schedule",
        "2F-1F-F2",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("impossible at step 3: the run already ended"),
        "{err}"
    );
}

#[test]
fn list_names_every_built_in() {
    let (code, out, _) = racelab(&["list"]);
    assert_eq!(code, 0);
    let names: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "look-before-take",
            "thirsty",
            "take-if",
            "check-then-withdraw",
            "withdraw-if",
            "poison-pill",
            "deadlock",
            "lock-ordering",
            "unbounded-pool",
            "bounded-pool",
            "web-api-retry",
            "idempotent-retry",
            "unreliable-post",
            "retry-with-key"
        ]
    );
    assert!(out.contains("Polite: LOOK before you TAKE"), "{out}");
}

/// A protocol that keeps actor references cannot be reduced by swapping
/// clients; the explorer says so instead of silently exploring unreduced.
#[test]
fn explore_says_when_symmetry_is_off_and_why() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/lang/good/lists-and-ids.race"
    );
    let (code, out, _) = racelab(&["explore", file, "--json"]);
    assert_eq!(code, 0);
    assert!(out.contains(r#""symmetry":false"#), "{out}");
    assert!(
        out.contains(
            r#""symmetry_off":"the protocol keeps actor references in a state or a message""#
        ),
        "{out}"
    );
    let (_, table, _) = racelab(&["explore", file]);
    assert!(table.contains("Symmetry reduction is off: the protocol keeps actor references"));
    // Not said when reductions were not asked for, nor for a symmetric protocol.
    let (_, plain, _) = racelab(&["explore", file, "--no-reduce", "--json"]);
    assert!(!plain.contains("symmetry_off"), "{plain}");
    let (_, builtin, _) = racelab(&["explore", "look-before-take", "--json"]);
    assert!(!builtin.contains("symmetry_off"), "{builtin}");
}

#[test]
fn why_gives_the_point_of_no_return_of_a_run() {
    // The reading's emptying run: Person 2's look answered before Person
    // 1's take (delivery 3) dooms the fridge; Person 1's take instead
    // still avoided it.
    let run = "1F-F1-2F-F2-2F-F2-3F-F3-1F-F1";
    let (code, out, err) = racelab(&["why", "look-before-take", "--schedule", run, "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(&format!(
            r#"{{"protocol":"look-before-take","schedule":"{run}","point_of_no_return":5,"unsafe_from":3,"outcome":{{"drinks_left":0,"served":[1,2],"unsafe":true,"why":"{POLITENESS}","#
        )),
        "{out}"
    );
    assert!(
        out.contains(r#""alternative":"1F","alternative_at":3,"alternative_run":"1F-F1-1F-F1-3F-F3-2F-F2","alternative_outcome":{"drinks_left":1,"served":[1],"unsafe":false,"#),
        "{out}"
    );
    assert_eq!(out.lines().count(), 1, "{out}");
    // A safe run: U is null; the table form says the same in words.
    let safe = "1F-F1-1F-F1-3F-F3-2F-F2";
    let (code, out, _) = racelab(&["why", "look-before-take", "--schedule", safe, "--json"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(r#""point_of_no_return":3,"unsafe_from":null,"#),
        "{out}"
    );
    assert!(
        out.contains(r#""alternative":"2F","alternative_at":3,"#),
        "{out}"
    );
    let (code, out, _) = racelab(&["why", "look-before-take", "--schedule", safe]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Point of no return: after delivery 3.\n"),
        "{out}"
    );
    assert!(!out.contains("Unsafe from"), "{out}");
    // Settled from the start: one person, whatever the order.
    let (code, out, _) = racelab(&[
        "why",
        "thirsty",
        "--people",
        "1",
        "--schedule",
        "1F-F1",
        "--json",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.contains(r#""point_of_no_return":0,"unsafe_from":null,"#),
        "{out}"
    );
    assert!(out.contains(r#""alternative":null,"#), "{out}");
    // Refused: unfinished, impossible, malformed, missing, too large.
    for args in [
        &["why", "look-before-take", "--schedule", "1F-F1"][..],
        &["why", "look-before-take", "--schedule", "F1"][..],
        &["why", "look-before-take", "--schedule", "1F-"][..],
        &["why", "look-before-take"][..],
        &[
            "why",
            "look-before-take",
            "--schedule",
            run,
            "--max-states",
            "5",
        ][..],
        &[
            "why",
            "look-before-take",
            "--schedule",
            run,
            "--max-states",
            "x",
        ][..],
    ] {
        let (code, out, err) = racelab(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("racelab: "), "{args:?}: {err}");
    }
}
