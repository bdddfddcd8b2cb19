//! Hostile protocol sources: a source may come from someone else's link,
//! so nothing in it may panic the front end, overflow its stack or keep it
//! busy. Each front-end case must be refused with a clear message in well
//! under a second (the bound here is a generous 1 s, to avoid flakes; the
//! times are printed with `--nocapture`). A protocol that compiles but
//! misbehaves when run (an endless loop, a list that keeps growing, an
//! overflow, a division by zero, a failed assert, a broken invariant) gives
//! a runtime error that names its line.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use racelab::lang::{self, Instance, Message, Program, Report, RunError};

const BOUND: Duration = Duration::from_secs(1);

/// Compiles `source`, which must fail in under [`BOUND`] without panicking;
/// returns the report (rendered in full too, so rendering is covered).
fn refused(what: &str, source: &str) -> Report {
    let t = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let result = lang::compile("hostile.race", source);
        if let Err(report) = &result {
            let _ = report.to_string();
        }
        result
    }));
    let took = t.elapsed();
    println!(
        "{what}: {:.1} ms ({} bytes)",
        took.as_secs_f64() * 1e3,
        source.len()
    );
    let Ok(result) = result else {
        panic!("{what}: the front end panicked");
    };
    assert!(took < BOUND, "{what}: took {took:?}");
    match result {
        Ok(_) => panic!("{what}: compiled, but should be refused"),
        Err(report) => {
            assert!(!report.diagnostics.is_empty(), "{what}: no diagnostics");
            report
        }
    }
}

/// The first diagnostic's `FILE:LINE:COL: message`.
fn first(report: &Report) -> String {
    report.short()[0].clone()
}

fn assert_says(what: &str, report: &Report, words: &[&str]) {
    let text = report.short().join("\n");
    for w in words {
        assert!(text.contains(w), "{what}: expected {w:?} in\n{text}");
    }
}

/// A small protocol whose server's handler and start run `handler` and
/// `start` (each a block's statements), with extra server members.
fn protocol(members: &str, handler: &str, start: &str) -> String {
    format!(
        r#"protocol "hostile"

param people "People" in 1..2 = 1

message ping
message pong(n: int)

server box "Box" letter "B" {{
  var n: int = 0
  var small: 0..3 = 0
  var items: list<int, 8>
{members}
  start {{
{start}
  }}

  on ping {{
{handler}
    reply pong(n)
  }}
}}

client user "User" * people {{
  start {{
    send box ping
  }}
}}

outcome {{
  n = box.n
}}
"#
    )
}

// ---------------------------------------------------------------- size

#[test]
fn a_two_megabyte_source_is_refused_by_its_size() {
    let source = "// filler\n".repeat(2 * 1024 * 1024 / 10);
    let report = refused("2 MB source", &source);
    assert_eq!(report.diagnostics.len(), 1);
    assert_says("2 MB", &report, &["2048 KB", "at most 256 KB"]);
    assert!(first(&report).starts_with("hostile.race:1:1: "));
}

#[test]
fn a_million_line_file_is_refused() {
    let source = "\n".repeat(1_000_000);
    let report = refused("a million lines", &source);
    assert_eq!(report.diagnostics.len(), 1);
    // A million lines is also more bytes than a source may have.
    assert_says("a million lines", &report, &["at most"]);
}

#[test]
fn too_many_lines_within_the_size_limit_are_refused() {
    let source = "\n".repeat(100_000);
    let report = refused("100,000 empty lines", &source);
    assert_says("100,000 lines", &report, &["100001 lines", "at most 10000"]);
}

#[test]
fn one_very_long_line_of_junk_is_refused_quickly() {
    // Every token is an error's recovery point candidate: recovery must
    // not rescan the line for each one.
    let source = "x ".repeat(120_000);
    let report = refused("one 240 KB line of names", &source);
    assert_says("long line", &report, &["expected a declaration"]);
}

#[test]
fn a_large_handler_is_checked_quickly() {
    // Line numbers for the program are found without rescanning the source.
    let body = "    n = n + 1\n".repeat(9_000);
    let source = protocol("", &body, "");
    let t = Instant::now();
    let result = lang::compile("large.race", &source);
    let took = t.elapsed();
    println!("9,000 statements: {:.1} ms", took.as_secs_f64() * 1e3);
    assert!(result.is_ok(), "{}", result.unwrap_err());
    assert!(took < BOUND, "took {took:?}");
    let (_, handled) = run(&source);
    assert_eq!(handled, Some(Ok(())));
}

#[test]
fn many_declarations_are_refused_quickly() {
    let params: String = (0..9_000)
        .map(|i| format!("param p{i} \"P\" in 0..1 = 0 "))
        .collect();
    let report = refused(
        "9,000 parameters on one line",
        &format!("protocol \"p\"\n{params}"),
    );
    assert_says("params", &report, &["at most 16 parameters"]);

    let kinds: String = (0..8_000).map(|i| format!("message m{i} ")).collect();
    let phases: String = (0..8_000).map(|i| format!("phase q{i} \"\" ")).collect();
    let source = format!(
        "protocol \"p\"\n{kinds}\nserver s \"S\" letter \"S\" {{ {phases} }}\noutcome {{ x = 1 }}\n"
    );
    let report = refused("8,000 kinds and 8,000 phases", &source);
    assert_says(
        "kinds and phases",
        &report,
        &["at most 64 messages", "at most 64 phases"],
    );

    let vars: String = (0..14_000).map(|i| format!("var v{i}: int ")).collect();
    let source = protocol(&vars, "", "");
    let report = refused("14,000 variables", &source);
    assert_says("variables", &report, &["state is too large"]);

    let roles: String = (0..12_000)
        .map(|i| format!("client c{i} \"C\" {{}} "))
        .collect();
    let source = protocol("", "", "") + &roles;
    let report = refused("12,000 client roles", &source);
    assert_says("roles", &report, &["at most 9 kinds of client"]);
}

#[test]
fn many_names_in_one_place_are_checked_quickly() {
    let lets: String = (0..12_000).map(|i| format!("let a{i} = {i} ")).collect();
    let source = protocol("", &format!("    {lets}\n    n = a11999\n    n = x"), "");
    let report = refused("12,000 locals", &source);
    assert_says("locals", &report, &["at most 256 in scope at once"]);

    let values: String = (0..16_000).map(|i| format!("v{i} = {i} ")).collect();
    let source = protocol("", "", "").replace("  n = box.n\n", &format!("{values}\n  w = x\n"));
    let report = refused("16,000 outcome values", &source);
    assert_says("outcome values", &report, &["at most 64 values"]);

    let goals: String = (0..5_000)
        .map(|i| format!("goal \"g\" \"G{i}\" {{ when box receives any }}\n"))
        .collect();
    let source = protocol("", "", "") + &goals;
    let report = refused("5,000 goals with one id", &source);
    assert_says("goals", &report, &["a second goal"]);
}

// ---------------------------------------------------------------- nesting

#[test]
fn two_hundred_thousand_brackets_are_refused() {
    let source = protocol("", &format!("    n = {}1", "(".repeat(200_000)), "");
    let report = refused("200,000 nested (", &source);
    assert_eq!(report.diagnostics.len(), 1, "{}", report.short().join("\n"));
    assert_says("brackets", &report, &["nested too deeply", "at most 48"]);
}

#[test]
fn two_hundred_thousand_braces_are_refused() {
    let source = protocol("", &"{".repeat(200_000), "");
    let report = refused("200,000 nested {", &source);
    assert_says("braces", &report, &["expected a statement"]);

    // Blocks that really nest, as many as fit in a source.
    let source = protocol("", &"if true {".repeat(25_000), "");
    let report = refused("25,000 nested blocks", &source);
    assert_says("blocks", &report, &["nested too deeply", "at most 48"]);

    let source = protocol("", "", &"while true {".repeat(20_000));
    let report = refused("20,000 nested loops in start", &source);
    assert_says("loops", &report, &["nested too deeply"]);

    let source = protocol("", &"    if n > 0 { n = 1 } else ".repeat(8_000), "");
    let report = refused("8,000 else ifs", &source);
    assert_says("else if", &report, &["nested too deeply"]);
}

#[test]
fn long_chains_of_operators_are_refused_not_overflowed() {
    // A chain needs no brackets, but it still builds a deep tree that the
    // checker and the interpreter walk recursively.
    let chains = [
        (
            "100,000 additions",
            format!("    n = 1{}", " + 1".repeat(60_000)),
        ),
        (
            "100,000 ands",
            format!("    assert true{}", " && true".repeat(25_000)),
        ),
        (
            "100,000 negations",
            format!("    n = {}1", "-".repeat(200_000)),
        ),
        (
            "100,000 nots",
            format!("    assert {}true", "!".repeat(200_000)),
        ),
        (
            "100,000 fields",
            format!("    n = items{}", ".len".repeat(50_000)),
        ),
        (
            "nested ternaries",
            format!("    n = {}1", "true ? 1 : ".repeat(20_000)),
        ),
        (
            "a call in a call",
            format!(
                "    n = {}1{}",
                "min(1, ".repeat(30_000),
                ")".repeat(30_000)
            ),
        ),
    ];
    for (what, body) in chains {
        let report = refused(what, &protocol("", &body, ""));
        assert_says(what, &report, &["at most 48"]);
    }
    let source = protocol(
        &format!("  var deep: {}int", "list<".repeat(50_000)),
        "",
        "",
    );
    let report = refused("50,000 nested list types", &source);
    assert_says("list types", &report, &["at most 48"]);
}

#[test]
fn deeply_nested_interpolations_are_refused() {
    let source = protocol(&format!("  show \"{}\"", "{\"".repeat(100_000)), "", "");
    let report = refused("100,000 nested interpolations", &source);
    assert_eq!(report.diagnostics.len(), 1, "{}", report.short().join("\n"));
    assert_says(
        "interpolations",
        &report,
        &["templates are nested too deeply"],
    );

    let source = protocol(&format!("  show \"{}", "{".repeat(200_000)), "", "");
    let report = refused("200,000 braces in a string", &source);
    assert_says("braces in a string", &report, &["never closed"]);
}

#[test]
fn a_huge_number_or_name_is_refused_in_words() {
    let source = protocol("", &format!("    n = {}", "9".repeat(100_000)), "");
    let report = refused("a 100,000-digit number", &source);
    assert_says("number", &report, &["this number is too large"]);
    assert!(report.short()[0].len() < 200, "{}", report.short()[0]);

    let source = protocol("", &format!("    n = {}", "x".repeat(100_000)), "");
    let report = refused("a 100,000-letter name", &source);
    assert_says("name", &report, &["a name may have at most 64 characters"]);
}

// ---------------------------------------------------------------- junk

/// A small deterministic generator, so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Compiles anything, timing it; it may compile or not, but never panic.
fn survives(what: &str, source: &str) -> Duration {
    let t = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        if let Err(report) = lang::compile("junk.race", source) {
            assert!(!report.diagnostics.is_empty());
            let _ = report.to_string();
            let _ = report.short();
        }
    }));
    let took = t.elapsed();
    if result.is_err() {
        let shown: String = source.chars().take(400).collect();
        panic!("{what}: the front end panicked on:\n{shown}");
    }
    assert!(took < BOUND, "{what}: took {took:?}");
    took
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(0x5eed);
    let t = Instant::now();
    for case in 0..300 {
        let len = 1 + rng.below(4000);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let source = String::from_utf8_lossy(&bytes);
        survives(&format!("random bytes #{case}"), &source);
    }
    println!("300 random byte strings: {:?}", t.elapsed());
}

#[test]
fn random_token_soup_never_panics() {
    const WORDS: [&str; 64] = [
        "protocol",
        "param",
        "message",
        "server",
        "client",
        "outcome",
        "predict",
        "goal",
        "var",
        "phase",
        "invariant",
        "show",
        "finished",
        "start",
        "on",
        "ignore",
        "let",
        "send",
        "reply",
        "if",
        "else",
        "while",
        "for",
        "in",
        "goto",
        "assert",
        "true",
        "none",
        "self",
        "sender",
        "old",
        "any",
        "after",
        "where",
        "times",
        "shape",
        "unsafe",
        "candidate",
        "int",
        "list",
        "x",
        "n",
        "\"t\"",
        "\"{n}\"",
        "\"{\"",
        "1",
        "0",
        "99999999999",
        "..",
        "(",
        ")",
        "{",
        "}",
        "<",
        ">",
        ",",
        ":",
        "=",
        "==",
        "+",
        "-",
        "*",
        ".",
        "\n",
    ];
    let mut rng = Rng(42);
    let t = Instant::now();
    for case in 0..2000 {
        let len = 1 + rng.below(300);
        let words: Vec<&str> = (0..len).map(|_| WORDS[rng.below(WORDS.len())]).collect();
        survives(&format!("token soup #{case}"), &words.join(" "));
    }
    println!("2000 token soups: {:?}", t.elapsed());
}

#[test]
fn every_prefix_and_every_deletion_of_the_built_ins_is_safe() {
    let t = Instant::now();
    let mut n = 0;
    for (name, source) in lang::BUILTINS {
        let cuts: Vec<usize> = (0..=source.len())
            .filter(|&i| source.is_char_boundary(i))
            .collect();
        for &i in &cuts {
            survives(&format!("{name} cut at {i}"), &source[..i]);
            n += 1;
        }
        for w in cuts.windows(2) {
            let deleted = format!("{}{}", &source[..w[0]], &source[w[1]..]);
            survives(&format!("{name} without byte {}", w[0]), &deleted);
            n += 1;
        }
    }
    println!("{n} cut and damaged built-ins: {:?}", t.elapsed());
}

// ---------------------------------------------------------------- runtime

fn compiled(source: &str) -> Arc<Program> {
    match lang::compile("hostile.race", source) {
        Ok(p) => Arc::new(p),
        Err(report) => panic!("should compile:\n{report}"),
    }
}

/// The line of the first line of `source` that contains `text`.
fn line_of(source: &str, text: &str) -> u32 {
    source
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no line with {text:?}")) as u32
        + 1
}

/// How a start went (the first state), and how the first `ping` went, if
/// the start did not fail.
type Ran = (Result<Vec<i32>, RunError>, Option<Result<(), RunError>>);

/// Starts the server (actor 0) and delivers one `ping` from actor 1.
fn run(source: &str) -> Ran {
    let program = compiled(source);
    let instance = Instance::new(Arc::clone(&program), program.defaults()).expect("defaults");
    let mut out = Vec::new();
    let t = Instant::now();
    let started = instance.start(0, &mut out);
    let handled = started.as_ref().ok().map(|state| {
        let mut state = state.clone();
        let ping = Message {
            kind: program.message_index("ping").unwrap() as u8,
            args: [0; 4],
        };
        instance
            .handle(0, &mut state, 1, ping, &mut out)
            .map(|_| ())
    });
    let took = t.elapsed();
    println!("run: {:.1} ms", took.as_secs_f64() * 1e3);
    assert!(took < BOUND, "took {took:?}");
    (started, handled)
}

fn handler_error(source: &str) -> RunError {
    match run(source) {
        (Ok(_), Some(Err(e))) => {
            println!("  {e}");
            e
        }
        other => panic!("expected the handler to fail, got {other:?}"),
    }
}

fn start_error(source: &str) -> RunError {
    match run(source) {
        (Err(e), _) => {
            println!("  {e}");
            e
        }
        other => panic!("expected the start to fail, got {other:?}"),
    }
}

#[test]
fn an_endless_loop_in_a_handler_names_its_line() {
    let source = protocol("", "    while true {\n    }", "");
    let e = handler_error(&source);
    assert!(e.message.contains("100000 steps"), "{e}");
    assert_eq!(e.line, line_of(&source, "while true"));

    // A loop whose body does something: the step limit still ends it.
    let source = protocol(
        "",
        "    while n >= 0 {\n      n = n + 1\n      n = n - 1\n    }",
        "",
    );
    let e = handler_error(&source);
    assert!(e.message.contains("endless loop"), "{e}");
    assert_eq!(e.line, line_of(&source, "while n >= 0"));
}

#[test]
fn an_endless_loop_in_start_names_its_line() {
    let source = protocol("", "", "    while true {\n    }");
    let e = start_error(&source);
    assert!(e.message.contains("steps"), "{e}");
    assert_eq!(e.line, line_of(&source, "while true"));
}

#[test]
fn nested_loops_that_are_too_long_are_stopped() {
    let source = protocol(
        "",
        "    for i in 1..100000 {\n      for j in 1..100000 {\n        n = i\n      }\n    }",
        "",
    );
    let e = handler_error(&source);
    assert!(e.message.contains("steps"), "{e}");
    assert_eq!(e.line, line_of(&source, "for j in"));
}

#[test]
fn a_list_that_keeps_growing_names_its_line() {
    let source = protocol("", "    while true {\n      items.push(1)\n    }", "");
    let e = handler_error(&source);
    assert!(e.message.contains("items is full"), "{e}");
    assert!(e.message.contains("at most 8"), "{e}");
    assert_eq!(e.line, line_of(&source, "items.push"));
}

#[test]
fn sending_without_end_names_its_line() {
    let source = protocol("", "    while true {\n      send sender pong(1)\n    }", "");
    let e = handler_error(&source);
    assert!(e.message.contains("at most 64 messages"), "{e}");
    assert_eq!(e.line, line_of(&source, "send sender pong(1)"));
}

#[test]
fn an_overflow_names_its_line() {
    let source = protocol("", "    n = 1\n    n = n + 2147483647", "");
    let e = handler_error(&source);
    assert!(e.message.contains("overflow"), "{e}");
    assert!(e.message.contains("1 + 2147483647"), "{e}");
    assert_eq!(e.line, line_of(&source, "n = n + 2147483647"));

    let source = protocol("", "    n = -2147483647 - 1\n    n = -n", "");
    let e = handler_error(&source);
    assert!(e.message.contains("overflow"), "{e}");
    assert_eq!(e.line, line_of(&source, "n = -n"));

    let source = protocol("", "    n = -2147483647 - 1\n    n = abs(n)", "");
    let e = handler_error(&source);
    assert!(e.message.contains("abs"), "{e}");

    let source = protocol("", "    n = 65536 * 65536", "");
    let e = handler_error(&source);
    assert!(e.message.contains("overflow"), "{e}");
}

#[test]
fn a_division_by_zero_names_its_line() {
    let source = protocol("", "    n = 7 / n", "");
    let e = handler_error(&source);
    assert!(e.message.contains("division by zero"), "{e}");
    assert_eq!(e.line, line_of(&source, "n = 7 / n"));

    let source = protocol("", "    n = 7 % n", "");
    let e = handler_error(&source);
    assert!(e.message.contains("division by zero"), "{e}");
}

#[test]
fn a_value_outside_its_range_names_its_line() {
    let source = protocol("", "    small = 4", "");
    let e = handler_error(&source);
    assert!(e.message.contains("small would become 4"), "{e}");
    assert!(e.message.contains("0..3"), "{e}");
    assert_eq!(e.line, line_of(&source, "small = 4"));
}

#[test]
fn a_failed_assert_names_its_line() {
    let source = protocol("", "    assert n > 0", "");
    let e = handler_error(&source);
    assert!(e.message.contains("assert n > 0 failed"), "{e}");
    assert_eq!(e.line, line_of(&source, "assert n > 0"));
}

#[test]
fn a_broken_invariant_names_its_line() {
    let source = protocol("  invariant n <= 0", "    n = 1", "");
    let e = handler_error(&source);
    assert!(e.message.contains("invariant n <= 0 broken"), "{e}");
    assert_eq!(e.line, line_of(&source, "invariant n <= 0"));

    // Already broken by the first state.
    let source = protocol("  invariant n > 0", "", "");
    let e = start_error(&source);
    assert!(e.message.contains("invariant n > 0 broken"), "{e}");
}

#[test]
fn popping_an_empty_list_names_its_line() {
    let source = protocol("", "    items.pop()", "");
    let e = handler_error(&source);
    assert!(e.message.contains("pop from the empty list items"), "{e}");
    assert_eq!(e.line, line_of(&source, "items.pop()"));

    let source = protocol("", "    n = items.first", "");
    let e = handler_error(&source);
    assert!(e.message.contains("empty list"), "{e}");
    assert_eq!(e.line, line_of(&source, "items.first"));
}

#[test]
fn a_first_value_outside_its_range_names_its_line() {
    let source = protocol("  var big: 0..3 = people * 10", "", "");
    let e = start_error(&source);
    assert!(e.message.contains("big starts at 10"), "{e}");
    assert_eq!(e.line, line_of(&source, "var big"));
}
