//! The command line: the explorer, the checker and the replayer, for
//! handouts, scripts and benchmarks.
//!
//! ```text
//! racelab explore PROTOCOL [--set NAME=VALUE]... [--NAME VALUE]... [--no-reduce] [--max-states N] [--json]
//! racelab check FILE...
//! racelab run PROTOCOL [--set NAME=VALUE]... --schedule S
//! racelab why PROTOCOL [--set NAME=VALUE]... --schedule S [--max-states N] [--json]
//! racelab list
//! ```
//!
//! PROTOCOL is a built-in's name (`look-before-take`) or a protocol file.

use std::fmt::Write;
use std::sync::Arc;

use racelab::explore::{explain, explore, fate_with, Options, Report};
use racelab::lang::{self, Value};
use racelab::model::{Scenario, Schedule};

const USAGE: &str = "usage:
  racelab explore PROTOCOL [--set NAME=VALUE]... [--NAME VALUE]... [--no-reduce] [--max-states N] [--json]
  racelab check FILE...
  racelab run PROTOCOL [--set NAME=VALUE]... --schedule S
  racelab why PROTOCOL [--set NAME=VALUE]... --schedule S [--max-states N] [--json]
  racelab list
PROTOCOL is a built-in protocol's name (see `racelab list`) or a protocol file (.race)";

/// Runs the command line; returns the process exit code.
pub fn run(args: Vec<String>) -> i32 {
    let result = match args.first().map(String::as_str) {
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            return 0;
        }
        Some("list") => {
            for name in Scenario::builtin_names() {
                if let Some(s) = Scenario::builtin(name) {
                    println!("{name:<22}{}", s.title());
                }
            }
            return 0;
        }
        Some("check") => return check(&args[1..]),
        Some("explore") => explore_command(&args[1..]),
        Some("run") => run_command(&args[1..]),
        Some("why") => why_command(&args[1..]),
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(USAGE.to_string()),
    };
    match result {
        Ok(text) => {
            print!("{text}");
            0
        }
        Err(message) => {
            eprintln!("racelab: {message}");
            2
        }
    }
}

/// `racelab check FILE...`: every problem in each file; 1 if any has one.
fn check(files: &[String]) -> i32 {
    if files.is_empty() {
        eprintln!("racelab: check needs a protocol file\n{USAGE}");
        return 2;
    }
    let mut code = 0;
    for file in files {
        let source = match std::fs::read_to_string(file) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("racelab: cannot read {file}: {e}");
                code = code.max(2);
                continue;
            }
        };
        match lang::compile(file, &source) {
            Ok(p) => println!(
                "{file}: ok: protocol {:?}, {} parameter{}, {} message kind{}, {} kind{} of actor",
                p.name,
                p.params.len(),
                plural(p.params.len()),
                p.messages.len(),
                plural(p.messages.len()),
                p.roles.len(),
                plural(p.roles.len())
            ),
            Err(report) => {
                print!("{report}");
                let n = report.diagnostics.len();
                println!("{file}: {n} error{}", plural(n));
                code = code.max(1);
            }
        }
    }
    code
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A built-in by name, or a protocol file.
fn load(what: &str) -> Result<Scenario, String> {
    if let Some(s) = Scenario::builtin(what) {
        return Ok(s);
    }
    let looks_like_file = what.contains('/') || what.contains('.');
    if !looks_like_file {
        let names: Vec<&str> = Scenario::builtin_names().collect();
        return Err(format!(
            "unknown scenario {what:?}; choose one of {}, or give a protocol file",
            names.join(", ")
        ));
    }
    let source = std::fs::read_to_string(what).map_err(|e| format!("cannot read {what}: {e}"))?;
    let program =
        lang::compile(what, &source).map_err(|report| format!("{what} has errors:\n{report}"))?;
    Ok(Scenario::new(Arc::new(program)))
}

/// Reads `--set NAME=VALUE` and `--NAME VALUE` for the protocol's
/// parameters; returns the other flags, in order, for the command.
fn parameters(mut scenario: Scenario, args: &[String]) -> Result<(Scenario, Vec<&str>), String> {
    let mut rest = Vec::new();
    let mut it = args.iter().map(String::as_str);
    while let Some(flag) = it.next() {
        let (name, value) = if flag == "--set" {
            let pair = it
                .next()
                .ok_or("--set needs NAME=VALUE, a parameter and its value")?;
            let (n, v) = pair
                .split_once('=')
                .ok_or_else(|| format!("--set needs NAME=VALUE, not {pair:?}"))?;
            (n.to_string(), v.to_string())
        } else if let Some(name) = flag
            .strip_prefix("--")
            .filter(|n| scenario.protocol.param_index(n).is_some())
        {
            let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
            (name.to_string(), value.to_string())
        } else {
            rest.push(flag);
            continue;
        };
        let Some(i) = scenario.protocol.param_index(&name) else {
            let names: Vec<&str> = scenario
                .protocol
                .params
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            return Err(format!(
                "{} has no parameter {name:?}; its parameters are {}",
                scenario.name(),
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            ));
        };
        let p = scenario.protocol.params[i].clone();
        let v: i64 = value.trim().parse().map_err(|_| {
            format!(
                "{name} must be a whole number from {} to {}, not {value:?}",
                p.lo, p.hi
            )
        })?;
        scenario = scenario.with(&name, v).map_err(|e| {
            format!(
                "{name} must be a whole number from {} to {} ({e})",
                p.lo, p.hi
            )
        })?;
    }
    Ok((scenario, rest))
}

fn explore_command(args: &[String]) -> Result<String, String> {
    let what = args
        .first()
        .ok_or_else(|| format!("explore needs a scenario\n{USAGE}"))?;
    let (scenario, flags) = parameters(load(what)?, &args[1..])?;
    let mut options = Options::default();
    let mut json = false;
    let mut it = flags.into_iter();
    while let Some(flag) = it.next() {
        match flag {
            "--max-states" => {
                let v = it.next().ok_or("--max-states needs a value (a number)")?;
                options.max_states =
                    v.parse().ok().filter(|&n: &usize| n > 0).ok_or_else(|| {
                        format!("--max-states must be a positive whole number, not {v:?}")
                    })?;
            }
            "--no-reduce" => {
                options.symmetry = false;
                options.partial_order = false;
            }
            "--json" => json = true,
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    let report = explore(&scenario, &options);
    // Said, not silently skipped: a reduction asked for and refused.
    let refused = options
        .symmetry
        .then(|| scenario.protocol.symmetry_unsound())
        .flatten();
    Ok(if json {
        let mut text = to_json(&scenario, &report);
        if let Some(why) = refused {
            text.insert_str(
                text.len() - 1,
                &format!(r#","symmetry_off":{}"#, json_str(why)),
            );
        }
        text + "\n"
    } else {
        let mut text = to_table(&scenario, &report);
        if let Some(why) = refused {
            text.push_str(&format!("\nSymmetry reduction is off: {why}.\n"));
        }
        text
    })
}

fn run_command(args: &[String]) -> Result<String, String> {
    let what = args
        .first()
        .ok_or_else(|| format!("run needs a scenario\n{USAGE}"))?;
    let (scenario, flags) = parameters(load(what)?, &args[1..])?;
    let system = scenario.system();
    let mut schedule = None;
    let mut it = flags.into_iter();
    while let Some(flag) = it.next() {
        match flag {
            "--schedule" => schedule = Some(schedule_flag(it.next(), system.server_letter)?),
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    let schedule = schedule.ok_or("run needs --schedule S (for example 1F-F1)")?;
    let (world, deliveries) = system
        .replay(&schedule)
        .map_err(|e| format!("the schedule is impossible at {e}"))?;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", scenario.title(), scenario.describe());
    for (i, d) in deliveries.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, system.narrate(d));
    }
    if world.is_final() {
        let outcome = system.outcome(&world);
        let _ = writeln!(out, "Finished: {}.", system.show_outcome(&outcome));
    } else {
        let n = world.net.in_flight().count();
        let _ = writeln!(
            out,
            "Not finished: {n} message{} still in flight.",
            plural(n)
        );
    }
    Ok(out)
}

/// The value of `--schedule`, read.
fn schedule_flag(text: Option<&str>, server_letter: char) -> Result<Schedule, String> {
    let text = text.ok_or("--schedule needs a schedule, like 1F-F1")?;
    Schedule::parse(text, server_letter).map_err(|e| format!("the schedule is malformed at {e}"))
}

/// `racelab why`: the point of no return of a finished run.
fn why_command(args: &[String]) -> Result<String, String> {
    let what = args
        .first()
        .ok_or_else(|| format!("why needs a scenario\n{USAGE}"))?;
    let (scenario, flags) = parameters(load(what)?, &args[1..])?;
    let system = scenario.system();
    let letter = system.server_letter;
    let (mut schedule, mut json) = (None, false);
    let mut max_states = Options::default().max_states;
    let mut it = flags.into_iter();
    while let Some(flag) = it.next() {
        match flag {
            "--schedule" => schedule = Some(schedule_flag(it.next(), letter)?),
            "--max-states" => {
                let v = it.next().ok_or("--max-states needs a value (a number)")?;
                max_states = v.parse().ok().filter(|&n: &usize| n > 0).ok_or_else(|| {
                    format!("--max-states must be a positive whole number, not {v:?}")
                })?;
            }
            "--json" => json = true,
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    let schedule = schedule.ok_or("why needs --schedule S, a finished run (for example 1F-F1)")?;
    let fate = fate_with(&scenario, &schedule, max_states).map_err(|e| e.to_string())?;
    let step = |s: Option<String>| s.map_or("null".to_string(), |s| json_str(&s));
    if json {
        let outcome = outcome_json(&system, &fate.outcome);
        let alt = fate.alternative.as_ref();
        return Ok(format!(
            r#"{{"protocol":{},"schedule":"{}","point_of_no_return":{},"unsafe_from":{},"outcome":{outcome},"alternative":{},"alternative_at":{},"alternative_run":{},"alternative_outcome":{},"explanation":{}}}"#,
            json_str(scenario.name()),
            schedule.display(letter),
            fate.point_of_no_return,
            fate.unsafe_from
                .map_or("null".to_string(), |u| u.to_string()),
            step(alt.map(|a| a.step.display(letter))),
            alt.map_or("null".to_string(), |a| a.at.to_string()),
            step(alt.map(|a| a.run.display(letter))),
            alt.map_or("null".to_string(), |a| outcome_json(&system, &a.outcome)),
            json_str(&explain(&system, &schedule, &fate)),
        ) + "\n");
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", scenario.title(), scenario.describe());
    let _ = writeln!(out, "Outcome: {}.", system.show_outcome(&fate.outcome));
    let _ = writeln!(
        out,
        "Point of no return: after delivery {}.",
        fate.point_of_no_return
    );
    if let Some(u) = fate.unsafe_from {
        let _ = writeln!(out, "Unsafe from: after delivery {u}.");
    }
    if let Some(a) = &fate.alternative {
        let _ = writeln!(
            out,
            "Alternative: {} as delivery {}, as in {}.",
            a.step.display(letter),
            a.at,
            a.run.display(letter)
        );
    }
    let _ = writeln!(out, "{}", explain(&system, &schedule, &fate));
    Ok(out)
}

/// An outcome as a JSON object: its values under their names, whether it
/// is unsafe and why, the clients left waiting.
fn outcome_json(system: &racelab::model::System, o: &racelab::model::Outcome) -> String {
    let mut out = String::from("{");
    match &o.error {
        Some(e) => {
            let _ = write!(out, r#""error":{},"#, json_str(e));
        }
        None => {
            for (d, v) in system.inst.program.outcome.values.iter().zip(&o.values) {
                let _ = write!(out, "{}:{},", json_str(&d.name), value_json(v));
            }
        }
    }
    if !o.stuck.is_empty() {
        let waiting: Vec<String> = o.stuck.iter().map(|w| w.client.to_string()).collect();
        let _ = write!(out, r#""stuck":true,"waiting":[{}],"#, waiting.join(","));
    }
    let why = system.unsafe_why(o);
    let _ = write!(out, r#""unsafe":{}"#, why.is_some());
    if let Some(why) = why {
        let _ = write!(out, r#","why":{}"#, json_str(&why));
    }
    let _ = write!(out, r#","text":{}}}"#, json_str(&system.show_outcome(o)));
    out
}

fn value_json(v: &Value) -> String {
    match v {
        Value::Int(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Clients(ids) => {
            let ids: Vec<String> = ids.iter().map(u8::to_string).collect();
            format!("[{}]", ids.join(","))
        }
    }
}

/// A JSON string literal.
fn json_str(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The report as one JSON object (see README.md). Counts are written as
/// exact integers, however large; each outcome's values under the names
/// its protocol gives them.
fn to_json(scenario: &Scenario, report: &Report) -> String {
    let system = scenario.system();
    let letter = system.server_letter;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"{{"protocol":{},"states":{},"transitions":{},"schedules":{},"genuinely_different":{},"complete":{},"counts_exact":{},"symmetry":{},"network":{{"order":"{}","lose":{},"duplicate":{}}},"outcomes":["#,
        json_str(scenario.name()),
        report.states,
        report.transitions,
        report.schedules.value,
        report
            .traces
            .map_or("null".to_string(), |t| t.value.to_string()),
        report.complete,
        report.counts_exact,
        report.symmetry,
        if scenario.protocol.network.unordered {
            "unordered"
        } else {
            "fifo"
        },
        system.budgets().lose,
        system.budgets().duplicate,
    );
    let highest = system.highest(report.outcomes.iter().map(|o| &o.outcome));
    if !highest.is_empty() {
        let parts: Vec<String> = highest
            .iter()
            .map(|(name, top)| {
                let top = top.map_or("null".to_string(), |n| n.to_string());
                format!("{}:{top}", json_str(name))
            })
            .collect();
        // Inserted before "outcomes", which the header ends with.
        out.truncate(out.len() - r#""outcomes":["#.len());
        let _ = write!(out, r#""highest":{{{}}},"outcomes":["#, parts.join(","));
    }
    let decl = &system.inst.program.outcome;
    for (i, o) in report.outcomes.iter().enumerate() {
        out.push_str(if i == 0 { "{" } else { ",{" });
        match &o.outcome.error {
            Some(e) => {
                let _ = write!(out, r#""error":{},"#, json_str(e));
            }
            None => {
                for (d, v) in decl.values.iter().zip(&o.outcome.values) {
                    let value = match v {
                        Value::Int(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Clients(ids) => {
                            let ids: Vec<String> = ids.iter().map(u8::to_string).collect();
                            format!("[{}]", ids.join(","))
                        }
                    };
                    let _ = write!(out, "{}:{value},", json_str(&d.name));
                }
            }
        }
        if !o.outcome.stuck.is_empty() {
            let waiting: Vec<String> = o
                .outcome
                .stuck
                .iter()
                .map(|w| {
                    let role = system.inst.role_of(usize::from(w.client));
                    let phase = match role.phases.get(usize::from(w.phase)) {
                        Some((name, words)) if !words.is_empty() => json_str(name),
                        _ => "null".to_string(),
                    };
                    format!(r#"{{"client":{},"phase":{phase}}}"#, w.client)
                })
                .collect();
            let _ = write!(out, r#""stuck":true,"waiting":[{}],"#, waiting.join(","));
        }
        let why = system.unsafe_why(&o.outcome);
        let _ = write!(out, r#""unsafe":{},"#, why.is_some());
        if let Some(why) = why {
            let _ = write!(out, r#""why":{},"#, json_str(&why));
        }
        let _ = write!(
            out,
            r#""schedules":{},"witness":"{}"}}"#,
            o.schedules.value,
            o.witness.display(letter)
        );
    }
    out.push_str("]}");
    out
}

fn to_table(scenario: &Scenario, report: &Report) -> String {
    let system = scenario.system();
    let letter = system.server_letter;
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", scenario.title(), scenario.describe());
    if !scenario.protocol.network.is_reliable_fifo() {
        let _ = writeln!(out, "Network: {}", system.network_words());
    }
    let _ = writeln!(
        out,
        "{} states{}, {} transitions, {} complete schedules{}{}",
        report.states,
        if report.symmetry {
            " (one per symmetric orbit)"
        } else {
            ""
        },
        report.transitions,
        report.schedules,
        report
            .traces
            .map_or(String::new(), |t| format!(" ({t} genuinely different)")),
        if report.complete {
            ""
        } else {
            " so far: INCOMPLETE, the state limit stopped the search"
        }
    );
    for (name, top) in system.highest(report.outcomes.iter().map(|o| &o.outcome)) {
        if let Some(top) = top {
            let _ = writeln!(out, "highest {name} over every schedule: {top}");
        }
    }
    let _ = writeln!(out);
    let texts: Vec<String> = report
        .outcomes
        .iter()
        .map(|o| system.show_outcome(&o.outcome))
        .collect();
    let width = texts.iter().map(String::len).max().unwrap_or(7).max(7);
    let _ = writeln!(out, "{:<width$}  {:>14}  witness", "outcome", "schedules");
    for (o, text) in report.outcomes.iter().zip(&texts) {
        let _ = writeln!(
            out,
            "{:<width$}  {:>14}  {}",
            text,
            o.schedules.to_string(),
            o.witness.display(letter)
        );
    }
    out
}
