//! What the page's code view rests on, natively: the highlighter (every
//! source, hostile ones too, cut into pieces that join back into it) and
//! the trace of the lines a delivery ran.

use std::time::{Duration, Instant};

use racelab::lang::highlight::{describe_lines, highlight, highlight_lines, Kind};
use racelab::lang::BUILTINS;
use racelab::model::{Scenario, Schedule, Step};

fn step(text: &str, server: char) -> Step {
    Schedule::parse(text, server).unwrap().0[0]
}

fn kinds(src: &str) -> Vec<(Kind, &str)> {
    highlight(src)
        .into_iter()
        .map(|(k, a, b)| (k, &src[a..b]))
        .collect()
}

#[test]
fn pieces_join_back_into_every_builtin() {
    for (name, src) in BUILTINS {
        let joined: String = highlight(src).iter().map(|&(_, a, b)| &src[a..b]).collect();
        assert_eq!(joined, src, "{name}");
        let lines = highlight_lines(src);
        assert_eq!(lines.len(), src.split('\n').count(), "{name}");
        for (line, want) in lines.iter().zip(src.split('\n')) {
            let got: String = line.iter().map(|(_, t)| *t).collect();
            assert_eq!(got, want, "{name}");
        }
    }
}

#[test]
fn keywords_strings_comments_and_numbers() {
    use Kind::*;
    assert_eq!(
        kinds("param n \"N\" in 1..8 = 3 // three"),
        vec![
            (Keyword, "param"),
            (Plain, " n "),
            (Str, "\"N\""),
            (Plain, " "),
            (Keyword, "in"),
            (Plain, " "),
            (Number, "1"),
            (Plain, ".."),
            (Number, "8"),
            (Plain, " = "),
            (Number, "3"),
            (Plain, " "),
            (Comment, "// three"),
        ]
    );
    // An interpolation is code, and may hold a string of its own.
    assert_eq!(
        kinds(r#"show "{plural(n, "drink")} \"x\"""#),
        vec![
            (Keyword, "show"),
            (Plain, " "),
            (Str, "\"{"),
            (Plain, "plural(n, "),
            (Str, "\"drink\""),
            (Plain, ")"),
            (Str, "} \\\"x\\\"\""),
        ]
    );
    // Words that only contain keywords are names.
    assert_eq!(kinds("ifs"), vec![(Plain, "ifs")]);
    // `//` inside a string is not a comment; an unclosed string ends with its line.
    assert_eq!(
        kinds("\"a // b\nvar"),
        vec![(Str, "\"a // b"), (Plain, "\n"), (Keyword, "var")]
    );
}

#[test]
fn hostile_sources_are_cut_quickly_and_exactly() {
    let deep = format!("{}{}", "\"{".repeat(200_000), "}\"".repeat(200_000));
    let brackets = "[".repeat(1_000_000);
    let odd = "é\u{0}\\\"{}}}{{\"\\".repeat(10_000);
    for src in [
        deep.as_str(),
        brackets.as_str(),
        odd.as_str(),
        "\"\\",
        "\"{\"",
        "}",
    ] {
        let t = Instant::now();
        let joined: String = highlight(src).iter().map(|&(_, a, b)| &src[a..b]).collect();
        assert!(t.elapsed() < Duration::from_secs(1));
        assert_eq!(joined, src);
    }
}

#[test]
fn lines_in_words() {
    assert_eq!(describe_lines(&[]), "");
    assert_eq!(describe_lines(&[4]), "line 4");
    assert_eq!(describe_lines(&[33, 34, 35, 36, 37]), "lines 33–37");
    assert_eq!(describe_lines(&[33, 34, 35, 37]), "lines 33–35 and 37");
    assert_eq!(describe_lines(&[1, 3, 5]), "lines 1, 3 and 5");
}

/// The line number of the first line of `src` containing `text`.
fn line_of(src: &str, text: &str) -> u32 {
    src.lines().position(|l| l.contains(text)).expect(text) as u32 + 1
}

#[test]
fn a_delivery_runs_its_handlers_header_and_the_statements_it_took() {
    let scenario = Scenario::builtin("look-before-take").unwrap();
    let src = scenario.protocol.source.clone();
    let system = scenario.system();
    let world = system.init();
    let look = step("1F", 'F');
    // The server's handler: its header and its three statements.
    let header = line_of(&src, "on drink(n) {");
    assert_eq!(
        system.lines_run(&world, look),
        vec![header, header + 1, header + 2, header + 3]
    );
    assert_eq!(
        system.handler_lines(&world, look).map(|l| l.0),
        Some(header)
    );
    // The person's reply in `looking`, with 2 left: the `if` and its
    // first branch, not the `else`.
    let (after, _) = system.replay(&Schedule::parse("1F", 'F').unwrap()).unwrap();
    let reply = step("F1", 'F');
    let header = line_of(&src, "on result(taken, left) in looking");
    let ran = system.lines_run(&after, reply);
    assert_eq!(
        ran,
        vec![
            header,
            line_of(&src, "if left > 1"),
            line_of(&src, "send fridge drink(1)"),
            line_of(&src, "goto taking"),
        ]
    );
    assert!(!ran.contains(&line_of(&src, "goto gone")));
    // The model's own delivery is not changed by tracing it.
    let mut a = after.clone();
    let mut b = after.clone();
    system.deliver(&mut a, reply);
    system.lines_run(&b, reply);
    system.deliver(&mut b, reply);
    assert_eq!(a, b);
}

#[test]
fn an_endless_loop_is_traced_within_its_step_limit() {
    let src = r#"protocol "spin"
param n "N" in 1..2 = 1
message ping
server s "S" letter "S" {
  on ping {
    while true {
    }
  }
}
client c "C" * n {
  start { send s ping }
}
outcome {
  x = 0
}
"#;
    let program = racelab::lang::compile("spin.race", src).expect("compiles");
    let scenario = Scenario::new(std::sync::Arc::new(program));
    let system = scenario.system();
    let world = system.init();
    let t = Instant::now();
    let lines = system.lines_run(&world, step("1S", 'S'));
    assert!(t.elapsed() < Duration::from_secs(2));
    assert_eq!(lines, vec![5, 6]);
}
