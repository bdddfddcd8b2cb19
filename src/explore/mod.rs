//! The exhaustive explorer: every schedule of a scenario, every outcome, how
//! many schedules reach each, and a shortest witness schedule for each.
//!
//! It runs the model ([`crate::model::System::deliver`], the same actor code
//! the workers run) breadth first over packed states (see [`pack`]), which
//! gives shortest witnesses. It counts schedules without enumerating them:
//! the state graph is acyclic (every delivery consumes a message of a finite
//! protocol; a cycle is detected and reported), so the schedules reaching a
//! state are the sum over its incoming edges of the schedules reaching their
//! sources, computed once in topological order over the stored edges.
//!
//! **Symmetry** (on by default): identical clients are interchangeable, so
//! each state is stored once per orbit under permutations of those clients.
//! Counts stay exact: by symmetry every member of an orbit is reached by the
//! same number of schedules, so the orbit's count is the sum of its members',
//! and at the end a final orbit is expanded back into its members' outcomes
//! (which distinguish people), each taking an equal share.
//!
//! Determinism: states are numbered in discovery order, successors come in
//! [`crate::model::Network::deliverable`] order, the visited set is a hash
//! table used only for lookup (never iterated), and results are kept in
//! ordered maps.

mod count;
mod fate;
pub mod pack;
mod search;
mod symmetry;
mod traces;
mod visited;

pub use count::Count;
pub use fate::{explain, fate, fate_with, Alternative, Fate, FateError};
pub use search::{
    explore, explore_with, GoalReport, Options, OutcomeReport, Progress, Report, Search, TraceCount,
};
pub use traces::{count_traces, Classes};
