//! The protocol language's diagnostics, as data: a folder of small
//! protocol files, each with what `racelab::lang::compile` must say.
//!
//! - `tests/lang/errors/NAME.race` must fail to compile; `NAME.expected`
//!   holds exactly its `Report::short()` lines (`FILE:LINE:COL: message`).
//! - `tests/lang/good/NAME.race` must compile.
//! - Every ```race block in `docs/language.md` is a whole protocol and
//!   must compile, so the reference cannot drift from the language.
//!
//! A new case is a new file. With `UPDATE_EXPECT=1` the runner writes what
//! the compiler says into the `.expected` files instead of comparing
//! (bless mode, as expect-test and insta do); read the diff before
//! committing it.

use std::fs;
use std::path::{Path, PathBuf};

use racelab::explore::{explore, Options, Report};
use racelab::model::Scenario;

use racelab::lang;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn bless() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1")
}

/// The `.race` files of a folder, sorted by name so runs are deterministic.
fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == lang::EXTENSION))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Compiles one case; the file is named by its file name alone, so the
/// expected text does not depend on where the checkout is.
fn compile(path: &Path) -> Result<lang::Program, lang::Report> {
    let source = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    lang::compile(&file_name(path), &source)
}

/// Compares `actual` with the snapshot at `expected`, or writes it in bless
/// mode. Returns a description of the mismatch, if any.
fn snapshot(expected: &Path, actual: &str) -> Option<String> {
    if bless() {
        fs::write(expected, actual).unwrap_or_else(|e| panic!("{}: {e}", expected.display()));
        return None;
    }
    let Ok(want) = fs::read_to_string(expected) else {
        return Some(format!(
            "{}: missing; run with UPDATE_EXPECT=1 to write it. The compiler says:\n{actual}",
            expected.display()
        ));
    };
    (want != actual).then(|| {
        format!(
            "{}: differs\n--- expected\n{want}--- actual\n{actual}",
            expected.display()
        )
    })
}

/// Runs `each` over a folder's cases and fails once, listing every failure.
fn run(folder: &str, mut each: impl FnMut(&Path) -> Option<String>) -> usize {
    let dir = root().join("tests/lang").join(folder);
    let files = cases(&dir);
    let failures: Vec<String> = files.iter().filter_map(|p| each(p)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases in tests/lang/{folder} failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    files.len()
}

#[test]
fn every_bad_file_gives_its_expected_diagnostics() {
    let n = run("errors", |path| {
        let report = match compile(path) {
            Ok(_) => return Some(format!("{}: compiles, but should not", path.display())),
            Err(report) => report,
        };
        // The long form (quoted line and caret) must render for every case too.
        let long = report.to_string();
        assert!(
            long.contains('^'),
            "{}: no caret in\n{long}",
            path.display()
        );
        let mut actual = report.short().join("\n");
        actual.push('\n');
        snapshot(&path.with_extension("expected"), &actual)
    });
    assert!(n >= 30, "only {n} error cases");
}

#[test]
fn every_expected_file_has_its_source() {
    let dir = root().join("tests/lang/errors");
    let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "expected" => assert!(
                path.with_extension(lang::EXTENSION).exists(),
                "{}: a stale snapshot with no .race file",
                path.display()
            ),
            e if e == lang::EXTENSION => {}
            _ => panic!("{}: not a case (.race) or a snapshot", path.display()),
        }
    }
}

/// A good file compiles, and its outcome set (every outcome, in words, with
/// how many schedules reach it, whether it is unsafe and a shortest
/// witness's length) is the snapshot beside it, `NAME.expected`. Explored
/// with and without reductions: both must give the same set.
fn good_case(path: &Path) -> Option<String> {
    let program = match compile(path) {
        Ok(p) => p,
        Err(report) => {
            return Some(format!(
                "{}: should compile, but:\n{report}",
                path.display()
            ))
        }
    };
    let scenario = Scenario::new(std::sync::Arc::new(program));
    let system = scenario.system();
    let describe = |report: &Report| {
        let mut text = format!(
            "{}: {} schedules{}\n",
            scenario.describe(),
            report.schedules,
            if report.complete { "" } else { " (INCOMPLETE)" }
        );
        for o in &report.outcomes {
            text.push_str(&format!(
                "{} | {} schedules | {}witness of {}\n",
                system.show_outcome(&o.outcome),
                o.schedules,
                if system.unsafe_why(&o.outcome).is_some() {
                    "unsafe | "
                } else {
                    ""
                },
                o.witness.len()
            ));
        }
        text
    };
    let options = Options {
        max_states: 200_000,
        ..Options::default()
    };
    let reduced = explore(&scenario, &options);
    let plain = explore(
        &scenario,
        &Options {
            symmetry: false,
            partial_order: false,
            ..options
        },
    );
    let (a, b) = (describe(&reduced), describe(&plain));
    if a != b {
        return Some(format!(
            "{}: reduced and unreduced exploration differ\n--- reduced\n{a}--- unreduced\n{b}",
            path.display()
        ));
    }
    snapshot(&path.with_extension("expected"), &a)
}

#[test]
fn every_good_file_compiles() {
    let n = run("good", good_case);
    assert!(n >= 1);
}

/// The ```race blocks of a Markdown file, with the line each starts at.
fn race_blocks(markdown: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in markdown.lines().enumerate() {
        match &mut current {
            None if line.trim_end() == "```race" => current = Some((i + 2, String::new())),
            None => {}
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```race block");
    blocks
}

#[test]
fn every_example_in_the_reference_compiles() {
    let path = root().join("docs/language.md");
    let markdown = fs::read_to_string(&path).expect("docs/language.md");
    let blocks = race_blocks(&markdown);
    assert!(blocks.len() >= 5, "only {} examples", blocks.len());
    let failures: Vec<String> = blocks
        .iter()
        .filter_map(|(line, source)| {
            lang::compile(&format!("docs/language.md:{line}"), source)
                .err()
                .map(|r| format!("the example at docs/language.md line {line}:\n{r}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The reference's worked example is the fridge itself, word for word.
#[test]
fn the_reference_walks_through_the_real_fridge() {
    let markdown = fs::read_to_string(root().join("docs/language.md")).unwrap();
    let fridge = fs::read_to_string(root().join("protocols/look-before-take.race")).unwrap();
    assert!(
        race_blocks(&markdown).iter().any(|(_, b)| *b == fridge),
        "docs/language.md should quote protocols/look-before-take.race whole"
    );
}

/// The reference's table of limits gives each constant's value.
#[test]
fn the_reference_states_the_limits_as_they_are() {
    use racelab::lang::{check, diag, program, syntax};
    let markdown = fs::read_to_string(root().join("docs/language.md")).unwrap();
    let limits: [(&str, i64); 16] = [
        ("MAX_SOURCE_BYTES", syntax::MAX_SOURCE_BYTES as i64),
        ("MAX_LINES", syntax::MAX_LINES as i64),
        ("MAX_DEPTH", syntax::MAX_DEPTH as i64),
        ("MAX_NAME", syntax::MAX_NAME as i64),
        ("MAX_DIAGNOSTICS", diag::MAX_DIAGNOSTICS as i64),
        ("MAX_PARAMS", check::MAX_PARAMS as i64),
        ("MAX_MESSAGES", check::MAX_MESSAGES as i64),
        ("MAX_FIELDS", program::MAX_FIELDS as i64),
        ("MAX_CLIENTS", check::MAX_CLIENTS),
        ("MAX_PHASES", check::MAX_PHASES as i64),
        ("MAX_SLOTS", program::MAX_SLOTS as i64),
        ("MAX_LIST", program::MAX_LIST),
        ("MAX_LOCALS", check::MAX_LOCALS as i64),
        ("MAX_OUTCOME_VALUES", check::MAX_OUTCOME_VALUES as i64),
        ("MAX_STEPS", i64::from(program::MAX_STEPS)),
        ("MAX_SENDS", program::MAX_SENDS as i64),
    ];
    for (name, value) in limits {
        let row = markdown
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("no row for {name} in the table of limits"));
        let stated = row.split('|').nth(2).unwrap().replace(',', "");
        let first: String = stated
            .trim()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert_eq!(first, value.to_string(), "{name}: the reference says {row}");
    }
}

/// Symmetry soundness: code cannot tell two clients of one role apart, so
/// the explorer may treat them as interchangeable, unless references are
/// kept in a state or a message (then renaming clients would have to
/// rename data too, and the program says to explore unreduced). Every way
/// of turning a reference into something else is an error case in
/// `tests/lang/errors/ids-*.race`.
#[test]
fn a_protocol_that_keeps_references_is_explored_unreduced() {
    let with = |server_members: &str, message: &str| {
        format!(
            "protocol \"s\"\nparam people \"People\" in 1..3 = 2\nmessage ping\n{message}\n\
             server box \"Box\" letter \"B\" {{\n{server_members}\n  on ping {{\n    let who = sender\n    \
             if who == sender {{\n      reply ping\n    }}\n  }}\n}}\n\
             client user \"User\" * people {{\n  start {{\n    send box ping\n  }}\n  ignore any\n}}\n\
             outcome {{\n  done = 1\n}}\n"
        )
    };
    let cases = [
        ("references only in locals and replies", with("", ""), false),
        ("a variable of type id", with("  var last: id", ""), true),
        ("a list of ids", with("  var seen: list<id, 3>", ""), true),
        (
            "a message field of type id",
            with("", "message who(a: id)"),
            true,
        ),
    ];
    for (what, source, stores) in cases {
        let program = lang::compile("s.race", &source)
            .unwrap_or_else(|r| panic!("{what}: should compile:\n{r}"));
        assert_eq!(program.stores_ids, stores, "{what}");
    }
    // The lock server's queues, the pool's idle workers, the
    // idempotency keys and the unreliable fridge's record of whom it
    // gave a drink are references; nothing else keeps any.
    let keeping: Vec<&str> = lang::BUILTINS
        .iter()
        .filter(|(name, source)| lang::compile(name, source).unwrap().stores_ids)
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(
        keeping,
        [
            "deadlock",
            "lock-ordering",
            "unbounded-pool",
            "bounded-pool",
            "idempotent-retry",
            "unreliable-post",
            "retry-with-key",
        ]
    );
}

/// A client's message to itself (a timer) keeps clients interchangeable; a
/// reply from a client, or a send to anyone but the server and itself, does
/// not.
#[test]
fn only_sends_to_the_server_or_oneself_keep_clients_interchangeable() {
    let with = |body: &str| {
        format!(
            "protocol \"s\"\nparam people \"People\" in 1..3 = 2\nmessage ping\nmessage tick\n\
             server box \"Box\" letter \"B\" {{\n  on ping {{\n    reply ping\n  }}\n  ignore tick\n}}\n\
             client user \"User\" * people {{\n  start {{\n    send box ping\n{body}\n  }}\n  ignore any\n}}\n\
             client other \"Other\" {{\n  ignore any\n}}\n\
             outcome {{\n  done = 1\n}}\n"
        )
    };
    for (what, body, crosses) in [
        ("to the server", "    send box tick", false),
        ("a timer to itself", "    send self tick", false),
        ("to another client", "    send other tick", true),
    ] {
        let program = lang::compile("s.race", &with(body))
            .unwrap_or_else(|r| panic!("{what}: should compile:\n{r}"));
        assert_eq!(program.client_to_client, crosses, "{what}");
    }
    let timers = lang::builtin("web-api-retry").unwrap();
    assert!(!timers.client_to_client && !timers.stores_ids);
}

/// The built-ins are compiled when racelab is built (build.rs); what was
/// built is exactly what compiling the files gives now.
#[test]
fn the_built_in_programs_are_the_compiled_files() {
    for (name, source) in lang::BUILTINS {
        let compiled = lang::compile(&format!("{name}.race"), source)
            .unwrap_or_else(|r| panic!("{name} does not compile:\n{r}"));
        let built = lang::builtin(name).expect("built");
        assert_eq!(*built, compiled, "{name}");
        assert_eq!(built.source, source, "{name}: the exact text of the file");
    }
    assert!(lang::builtin("no-such-protocol").is_none());
}
