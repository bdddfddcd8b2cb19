//! racelab's exhaustive explorer against Stateright 0.31 on identical models
//! (LOOK before TAKE, people x drinks), in one process.
//!
//! Usage:
//!   racelab-bench [--models 3x2,5x4,6x5] [--reduced 8x7|none]
//!   racelab-bench --only racelab NxM

mod sr;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use racelab::explore::{explore, Options, Report};
use racelab::model::{Protocol, Scenario};

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
        Scenario::new(Protocol::LookBeforeTake, self.people, self.drinks, 1)
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
    dfs_rate: f64,
    bfs_rate: f64,
}

fn compare(size: Size) -> Row {
    let scenario = size.scenario().expect("checked when parsed");

    let (dfs, dfs_time) = timed(|| sr::check(&scenario, sr::Search::Dfs));
    eprintln!(
        "{size}: Stateright DFS: {} unique states ({} generated) in {:.3} s",
        dfs.unique,
        dfs.generated,
        dfs_time.as_secs_f64()
    );
    let (bfs, bfs_time) = timed(|| sr::check(&scenario, sr::Search::Bfs));
    eprintln!(
        "{size}: Stateright BFS: {} unique states ({} generated) in {:.3} s",
        bfs.unique,
        bfs.generated,
        bfs_time.as_secs_f64()
    );
    let (report, time) = racelab_unreduced(&scenario);
    eprintln!(
        "{size}: racelab: {} states, {} transitions in {:.3} s",
        report.states,
        report.transitions,
        time.as_secs_f64()
    );

    assert_eq!(dfs.discoveries, 0, "the invariant cannot fail");
    assert_eq!(bfs.discoveries, 0, "the invariant cannot fail");
    let (dfs_unique, bfs_unique) = (dfs.unique as u64, bfs.unique as u64);
    if dfs_unique == report.states && bfs_unique == report.states {
        eprintln!("{size}: state counts agree: {}", report.states);
    } else {
        eprintln!(
            "{size}: STATE COUNTS DIFFER: racelab {}, Stateright DFS {dfs_unique}, BFS {bfs_unique} \
             (racelab - DFS = {})",
            report.states,
            report.states as i64 - dfs_unique as i64
        );
    }
    // Stateright counts every generated successor plus the initial state;
    // racelab counts every delivery tried. Same graph => these agree too.
    let edges_agree = dfs.generated as u64 == report.transitions + 1
        && bfs.generated as u64 == report.transitions + 1;
    eprintln!(
        "{size}: transitions {}: racelab {}, Stateright generated - 1 = {} (DFS) / {} (BFS)",
        if edges_agree { "agree" } else { "DIFFER" },
        report.transitions,
        dfs.generated - 1,
        bfs.generated - 1
    );

    Row {
        size,
        racelab: report.states,
        stateright: dfs_unique,
        racelab_rate: rate(report.states, time),
        dfs_rate: rate(dfs_unique, dfs_time),
        bfs_rate: rate(bfs_unique, bfs_time),
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "| model | states (racelab) | states (Stateright) | racelab M states/s \
         | Stateright DFS M states/s | Stateright BFS M states/s | ratio racelab/Stateright DFS |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {}{} | {:.3} | {:.3} | {:.3} | {:.1}x |",
            r.size,
            r.racelab,
            r.stateright,
            if r.stateright == r.racelab {
                ""
            } else {
                " (!)"
            },
            r.racelab_rate,
            r.dfs_rate,
            r.bfs_rate,
            r.racelab_rate / r.dfs_rate
        );
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
