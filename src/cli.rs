//! The command line: the explorer for handouts, scripts and benchmarks.
//!
//! ```text
//! racelab explore <scenario> [--people N] [--drinks D] [--ask N]
//!                 [--customers K] [--balance B] [--amount A]
//!                 [--no-reduce] [--max-states N] [--json]
//! ```

use std::fmt::Write;

use racelab::explore::{explore, Options, Report};
use racelab::model::scenario::{parse_in_range, AMOUNT, ASK, BALANCE, DRINKS, PEOPLE, REQUESTS};
use racelab::model::{Outcome, Protocol, Scenario};

const USAGE: &str = "usage: racelab explore <look-before-take|thirsty|take-if|check-then-withdraw|withdraw-if|poison-pill> [--people N] [--drinks D] [--ask N] [--requests R] [--customers K] [--balance B] [--amount A] [--no-reduce] [--max-states N] [--json]";

/// Runs the command line; returns the process exit code.
pub fn run(args: Vec<String>) -> i32 {
    match parse(&args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            0
        }
        Ok(Command::Explore {
            scenario,
            options,
            json,
        }) => {
            let report = explore(&scenario, &options);
            if json {
                println!("{}", to_json(&scenario, &report));
            } else {
                print!("{}", to_table(&scenario, &report));
            }
            0
        }
        Err(message) => {
            eprintln!("racelab: {message}");
            2
        }
    }
}

enum Command {
    Help,
    Explore {
        scenario: Scenario,
        options: Options,
        json: bool,
    },
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut args = args.iter().map(String::as_str);
    match args.next() {
        Some("explore") => {}
        Some("--help" | "-h" | "help") => return Ok(Command::Help),
        Some(other) => return Err(format!("unknown command {other:?}; {USAGE}")),
        None => return Err(USAGE.to_string()),
    }
    let name = args
        .next()
        .ok_or_else(|| format!("explore needs a scenario; {USAGE}"))?;
    let protocol = Protocol::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Protocol::ALL.iter().map(|p| p.name()).collect();
        format!(
            "unknown scenario {name:?}; choose one of {}",
            names.join(", ")
        )
    })?;
    let defaults = Scenario::default_for(protocol);
    let (mut people, mut drinks, mut ask) = (
        i64::from(defaults.people),
        i64::from(defaults.drinks),
        i64::from(defaults.ask),
    );
    let (mut balance, mut amount) = (i64::from(defaults.balance), i64::from(defaults.amount));
    let mut requests = i64::from(defaults.requests);
    let mut options = Options::default();
    let mut json = false;
    while let Some(flag) = args.next() {
        let mut value = |label: &'static str| {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value ({label})"))
        };
        match flag {
            "--people" => {
                people = parse_in_range("--people", value("1-8")?, PEOPLE).map_err(|e| e.message)?
            }
            "--drinks" => {
                drinks =
                    parse_in_range("--drinks", value("0-20")?, DRINKS).map_err(|e| e.message)?
            }
            "--ask" => ask = parse_in_range("--ask", value("1-20")?, ASK).map_err(|e| e.message)?,
            "--requests" => {
                requests =
                    parse_in_range("--requests", value("1-4")?, REQUESTS).map_err(|e| e.message)?
            }
            "--customers" => {
                people =
                    parse_in_range("--customers", value("1-8")?, PEOPLE).map_err(|e| e.message)?
            }
            "--balance" => {
                balance = parse_in_range("--balance", value("0-1000000")?, BALANCE)
                    .map_err(|e| e.message)?
            }
            "--amount" => {
                amount = parse_in_range("--amount", value("1-1000000")?, AMOUNT)
                    .map_err(|e| e.message)?
            }
            "--max-states" => {
                let v = value("a number")?;
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
            other => return Err(format!("unknown option {other:?}; {USAGE}")),
        }
    }
    let scenario = if protocol.is_bank() {
        Scenario::bank(protocol, people, balance, amount)
    } else if protocol == Protocol::PoisonPill {
        Scenario::poison_pill(people, drinks, requests)
    } else {
        Scenario::new(protocol, people, drinks, ask)
    }
    .map_err(|e| e.message)?;
    Ok(Command::Explore {
        scenario,
        options,
        json,
    })
}

/// The report as one JSON object (see README.md). Counts are written as
/// exact integers, however large.
fn to_json(scenario: &Scenario, report: &Report) -> String {
    let letter = scenario.system().server_letter;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"{{"states":{},"transitions":{},"schedules":{},"genuinely_different":{},"complete":{},"counts_exact":{},"symmetry":{},"outcomes":["#,
        report.states,
        report.transitions,
        report.schedules.value,
        report
            .traces
            .map_or("null".to_string(), |t| t.value.to_string()),
        report.complete,
        report.counts_exact,
        report.symmetry
    );
    for (i, o) in report.outcomes.iter().enumerate() {
        let served: Vec<String> = o.outcome.served().iter().map(u8::to_string).collect();
        let (left, who) = match o.outcome {
            Outcome::Fridge { .. } => ("drinks_left", "served"),
            Outcome::Bank { .. } => ("balance", "withdrew"),
            Outcome::PoisonPill { .. } => ("drinks_left", "unanswered"),
        };
        let _ = write!(
            out,
            r#"{}{{"{left}":{},"{who}":[{}],"schedules":{},"witness":"{}"}}"#,
            if i == 0 { "" } else { "," },
            o.outcome.left(),
            served.join(","),
            o.schedules.value,
            o.witness.display(letter)
        );
    }
    out.push_str("]}");
    out
}

fn to_table(scenario: &Scenario, report: &Report) -> String {
    let letter = scenario.system().server_letter;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}",
        scenario.protocol.title(),
        scenario.describe()
    );
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
    let _ = writeln!(out);
    let width = report
        .outcomes
        .iter()
        .map(|o| o.outcome.to_string().len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(out, "{:<width$}  {:>14}  witness", "outcome", "schedules");
    for o in &report.outcomes {
        let _ = writeln!(
            out,
            "{:<width$}  {:>14}  {}",
            o.outcome.to_string(),
            o.schedules.to_string(),
            o.witness.display(letter)
        );
    }
    out
}
