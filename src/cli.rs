//! The command line. Filled in by the explorer.

pub fn run(args: Vec<String>) -> i32 {
    eprintln!("usage: racelab explore <scenario> [options] (got {args:?})");
    2
}
