//! racelab's exhaustive explorer against Stateright 0.31 on identical models
//! (LOOK before TAKE, people x drinks), in one process: Stateright on a
//! hand-written native model and on racelab's interpreter, racelab on the
//! protocol file. With RACELAB_NATIVE_BIN set to the command line of the last
//! racelab whose actors were hand-written Rust, also that, timed the same way
//! as today's command line (RACELAB_BIN) in the same run.
//!
//! Usage:
//!   racelab-bench [--models 3x2,5x4,6x5] [--reduced 8x7|none]
//!   racelab-bench --only racelab NxM

mod native;
mod sr;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use racelab::explore::{explore, Options, Report};
use racelab::model::Scenario;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Size {
    people: i64,
    drinks: i64,
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}", self.people, self.drinks)
    }
}

impl Size {
    fn parse(text: &str) -> Result<Size, String> {
        let (p, d) = text
            .split_once('x')
            .ok_or_else(|| format!("`{text}`: expected PEOPLExDRINKS, e.g. 3x2"))?;
        let num = |s: &str| {
            s.trim()
                .parse::<i64>()
                .map_err(|_| format!("`{text}`: `{s}` is not a number"))
        };
        let size = Size {
            people: num(p)?,
            drinks: num(d)?,
        };
        size.scenario()?;
        Ok(size)
    }

    fn scenario(&self) -> Result<Scenario, String> {
        Scenario::builtin("look-before-take")
            .expect("a built-in")
            .with("people", self.people)
            .and_then(|s| s.with("drinks", self.drinks))
            .map_err(|e| format!("{self}: {e}"))
    }
}

enum Mode {
    Compare {
        models: Vec<Size>,
        reduced: Option<Size>,
    },
    OnlyRacelab(Size),
}

fn parse_args(args: &[String]) -> Result<Mode, String> {
    let mut models = vec![
        Size {
            people: 3,
            drinks: 2,
        },
        Size {
            people: 5,
            drinks: 4,
        },
        Size {
            people: 6,
            drinks: 5,
        },
    ];
    let mut reduced = Some(Size {
        people: 8,
        drinks: 7,
    });
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .map(String::as_str)
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--models" => {
                models = value()?
                    .split(',')
                    .filter(|s| !s.trim().is_empty())
                    .map(Size::parse)
                    .collect::<Result<_, _>>()?;
            }
            "--reduced" => {
                reduced = match value()? {
                    "none" => None,
                    s => Some(Size::parse(s)?),
                };
            }
            "--only" => {
                let which = value()?;
                if which != "racelab" {
                    return Err(format!("--only supports `racelab`, not `{which}`"));
                }
                let size = Size::parse(value()?)?;
                return Ok(Mode::OnlyRacelab(size));
            }
            "-h" | "--help" => {
                return Err(
                    "usage: racelab-bench [--models 3x2,5x4,6x5] [--reduced 8x7|none]\n       \
                     racelab-bench --only racelab NxM"
                        .to_string(),
                )
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(Mode::Compare { models, reduced })
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Millions of states per second.
fn rate(states: u64, time: Duration) -> f64 {
    states as f64 / time.as_secs_f64() / 1e6
}

/// Peak resident set size of this process, from /proc/self/status.
fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

fn racelab_unreduced(scenario: &Scenario) -> (Report, Duration) {
    let options = Options {
        symmetry: false,
        partial_order: false,
        max_states: usize::MAX,
    };
    let (report, time) = timed(|| explore(scenario, &options));
    assert!(report.complete, "racelab stopped early");
    (report, time)
}

struct Row {
    size: Size,
    racelab: u64,
    stateright: u64,
    racelab_rate: f64,
    native_dfs_rate: f64,
    interpreted_dfs_rate: f64,
    /// Today's command line and the last hand-written one, timed alike.
    cli: Option<(f64, f64)>,
}

/// Seconds the command line `bin` takes to explore `size` unreduced.
fn cli_seconds(bin: &str, size: Size) -> Option<f64> {
    let start = Instant::now();
    let status = std::process::Command::new(bin)
        .args(["explore", "look-before-take", "--people"])
        .arg(size.people.to_string())
        .arg("--drinks")
        .arg(size.drinks.to_string())
        .args(["--no-reduce", "--json"])
        .stdout(std::process::Stdio::null())
        .status()
        .ok()?;
    status.success().then(|| start.elapsed().as_secs_f64())
}

fn compare(size: Size) -> Row {
    let scenario = size.scenario().expect("checked when parsed");

    let (native, native_time) =
        timed(|| sr::dfs(sr::native(size.people as usize, size.drinks as i32)));
    eprintln!(
        "{size}: Stateright DFS, native Rust model: {} unique states ({} generated) in {:.3} s",
        native.unique,
        native.generated,
        native_time.as_secs_f64()
    );
    let (interp, interp_time) = timed(|| sr::dfs(sr::interpreted(&scenario)));
    eprintln!(
        "{size}: Stateright DFS, racelab's interpreter: {} unique states ({} generated) in {:.3} s",
        interp.unique,
        interp.generated,
        interp_time.as_secs_f64()
    );
    let (report, time) = racelab_unreduced(&scenario);
    eprintln!(
        "{size}: racelab: {} states, {} transitions in {:.3} s",
        report.states,
        report.transitions,
        time.as_secs_f64()
    );

    assert_eq!(
        native.discoveries + interp.discoveries,
        0,
        "the invariant cannot fail"
    );
    let (a, b) = (native.unique as u64, interp.unique as u64);
    if a == report.states && b == report.states {
        eprintln!("{size}: state counts agree: {}", report.states);
    } else {
        eprintln!(
            "{size}: STATE COUNTS DIFFER: racelab {}, Stateright native {a}, interpreted {b}",
            report.states
        );
    }
    // Stateright counts every generated successor plus the initial state;
    // racelab counts every delivery tried. Same graph => these agree too.
    let edges_agree = native.generated as u64 == report.transitions + 1
        && interp.generated as u64 == report.transitions + 1;
    eprintln!(
        "{size}: transitions {}: racelab {}, Stateright generated - 1 = {} (native) / {} (interpreted)",
        if edges_agree { "agree" } else { "DIFFER" },
        report.transitions,
        native.generated - 1,
        interp.generated - 1
    );
    let cli = match (
        std::env::var("RACELAB_BIN"),
        std::env::var("RACELAB_NATIVE_BIN"),
    ) {
        (Ok(today), Ok(before)) => {
            // Interleaved, best of three each: this machine's speed drifts.
            let mut best = (f64::MAX, f64::MAX);
            for _ in 0..3 {
                best.0 = best.0.min(cli_seconds(&today, size).unwrap_or(f64::MAX));
                best.1 = best.1.min(cli_seconds(&before, size).unwrap_or(f64::MAX));
            }
            (best.0 < f64::MAX && best.1 < f64::MAX).then_some(best)
        }
        _ => None,
    };

    Row {
        size,
        racelab: report.states,
        stateright: a,
        racelab_rate: rate(report.states, time),
        native_dfs_rate: rate(a, native_time),
        interpreted_dfs_rate: rate(b, interp_time),
        cli,
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "| model | states | racelab (interpreted) M states/s | Stateright DFS, native model | \
         Stateright DFS, racelab's interpreter | racelab / Stateright native |"
    );
    println!("|---|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {}{} | {:.3} | {:.3} | {:.3} | {:.1}x |",
            r.size,
            r.racelab,
            if r.stateright == r.racelab {
                ""
            } else {
                " (!)"
            },
            r.racelab_rate,
            r.native_dfs_rate,
            r.interpreted_dfs_rate,
            r.racelab_rate / r.native_dfs_rate
        );
    }
    if rows.iter().any(|r| r.cli.is_some()) {
        println!();
        println!(
            "| model | command line today (interpreted), s | last hand-written Rust actors, s | \
             today's rate / hand-written rate |"
        );
        println!("|---|---:|---:|---:|");
        for r in rows {
            if let Some((today, before)) = r.cli {
                println!(
                    "| {} | {today:.3} | {before:.3} | {:.2}x |",
                    r.size,
                    before / today
                );
            }
        }
    }
}

fn reduced_run(size: Size) {
    let scenario = size.scenario().expect("checked when parsed");
    let options = Options {
        symmetry: true,
        partial_order: true,
        max_states: usize::MAX,
    };
    let (report, time) = timed(|| explore(&scenario, &options));
    println!();
    println!(
        "racelab {size} with symmetry and partial-order reduction: {:.3} s, {} stored states, \
         {} schedules, {} genuinely different, {} outcomes (complete: {}, counts exact: {})",
        time.as_secs_f64(),
        report.states,
        report.schedules,
        report
            .traces
            .map_or("not counted".to_string(), |t| t.to_string()),
        report.outcomes.len(),
        report.complete,
        report.counts_exact
    );
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = match parse_args(&args) {
        Ok(mode) => mode,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match mode {
        Mode::OnlyRacelab(size) => {
            let scenario = size.scenario().expect("checked when parsed");
            let (report, time) = racelab_unreduced(&scenario);
            println!(
                "racelab {size} unreduced: {} states, {} transitions in {:.3} s \
                 ({:.3} M states/s); VmHWM {}",
                report.states,
                report.transitions,
                time.as_secs_f64(),
                rate(report.states, time),
                vm_hwm()
            );
        }
        Mode::Compare { models, reduced } => {
            let rows: Vec<Row> = models.into_iter().map(compare).collect();
            println!();
            print_table(&rows);
            if let Some(size) = reduced {
                reduced_run(size);
            }
            println!();
            println!("peak RSS of this process (VmHWM): {}", vm_hwm());
        }
    }
    ExitCode::SUCCESS
}
