//! The breadth-first [`Search`]: states numbered in discovery order, every
//! edge stored, schedules counted over the edges in topological order,
//! and a shortest witness for each outcome and goal (see [`super`]).

use std::collections::BTreeMap;

use super::count::Count;
use super::pack;
use super::symmetry::{Perm, Symmetry};
use super::traces::count_traces;
use super::visited::Visited;
use crate::model::{Goal, Outcome, Scenario, Schedule, Step, System, World};

/// What to explore and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Store one state per orbit of interchangeable clients.
    pub symmetry: bool,
    /// Also count the genuinely different schedules with sleep sets
    /// (partial-order reduction); see [`Report::traces`].
    pub partial_order: bool,
    /// Stop (with `complete: false`) after this many distinct states.
    pub max_states: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            symmetry: true,
            partial_order: true,
            max_states: 50_000_000,
        }
    }
}

/// One possible outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeReport {
    pub outcome: Outcome,
    /// Complete schedules that end in this outcome.
    pub schedules: Count,
    /// A shortest schedule that ends in it.
    pub witness: Schedule,
}

/// What an exploration found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Distinct states stored (one per orbit when symmetry is on).
    pub states: u64,
    /// Deliveries tried from stored states.
    pub transitions: u64,
    /// Complete schedules, over all outcomes.
    pub schedules: Count,
    /// False when the state limit (or a cancel) stopped the search: then the
    /// outcomes found are possible, but others may exist.
    pub complete: bool,
    /// False when the counts are not exact: the search was incomplete, or the
    /// state graph has a cycle (never with the scenarios racelab ships).
    pub counts_exact: bool,
    pub symmetry: bool,
    /// Every outcome found, in order.
    pub outcomes: Vec<OutcomeReport>,
    /// Each of the scenario's challenge goals, with a shortest schedule
    /// that reaches it (`None`: no schedule does, or none was found before
    /// the search stopped).
    pub goals: Vec<GoalReport>,
    /// Genuinely different complete schedules: classes of schedules that
    /// differ only in the order of independent deliveries (deliveries to
    /// different receivers), counted with sleep sets. `None` when not asked
    /// for, or too large to count within the state limit.
    pub traces: Option<Count>,
}

/// A challenge goal and a shortest schedule that reaches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalReport {
    pub goal: Goal,
    pub witness: Option<Schedule>,
}

/// Reported while exploring; return `false` from the callback to cancel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub states: u64,
    pub transitions: u64,
    pub depth: usize,
}

pub fn explore(scenario: &Scenario, options: &Options) -> Report {
    explore_with(scenario, options, |_| true)
}

/// Like [`explore`], calling `progress` every few thousand states; return
/// `false` from it to stop (the report is then incomplete).
pub fn explore_with(
    scenario: &Scenario,
    options: &Options,
    mut progress: impl FnMut(&Progress) -> bool,
) -> Report {
    let mut search = Search::new(scenario, options);
    while !search.run(4096) {
        if !progress(&search.progress()) {
            search.stop();
        }
    }
    search.finish()
}

/// An exploration in progress, advanced a budget of states at a time, so a
/// Web Worker can report progress and take a cancel between budgets.
pub struct Search {
    scenario: Scenario,
    system: System,
    symmetry: Symmetry,
    symmetry_broken: bool,
    partial_order: bool,
    max_states: usize,
    visited: Visited,
    graph: Graph,
    report: Report,
    finals: Vec<u32>,
    /// The scenario's goals, and the first delivery found reaching each:
    /// from which state, by which step. Breadth first, so the first found
    /// is a shortest.
    goals: Vec<(Goal, Option<(u32, Step)>)>,
    goals_left: usize,
    /// The next state to expand; states before it are done.
    next: usize,
    depth: usize,
    depth_end: usize,
    over: bool,
    // Buffers reused for every state.
    key: Vec<u8>,
    /// The packed state being expanded, and where each actor's bytes begin.
    parent: Vec<u8>,
    offsets: Vec<usize>,
    steps: Vec<Step>,
    world: World,
    succ: World,
    sent: crate::model::Outbox,
}

impl Search {
    pub fn new(scenario: &Scenario, options: &Options) -> Search {
        let system = scenario.system();
        let symmetry = Symmetry::new(&system, options.symmetry);
        let init = system.init();
        let goals = scenario.goals();
        Search::start(scenario, system, symmetry, init, goals, options)
    }

    /// A search of what can happen from `start` on (a world some schedule
    /// reached), for [`super::fate()`]: its outcomes are exactly those reachable
    /// from `start`, and its witnesses are schedules from `start`. Symmetry
    /// is kept only among the clients interchangeable in `start` itself;
    /// goals are not looked for.
    pub fn from_world(scenario: &Scenario, options: &Options, start: World) -> Search {
        let system = scenario.system();
        let symmetry = Symmetry::fixing(&system, options.symmetry, &start);
        Search::start(scenario, system, symmetry, start, Vec::new(), options)
    }

    fn start(
        scenario: &Scenario,
        system: System,
        mut symmetry: Symmetry,
        init: World,
        goals: Vec<Goal>,
        options: &Options,
    ) -> Search {
        let mut visited = Visited::default();
        let mut graph = Graph::default();
        let mut key = Vec::new();
        let perm = symmetry.canonical(&init, &mut key);
        let _ = visited.insert(&key);
        graph.add_state(
            u32::MAX,
            Step::default(),
            perm.unwrap_or_default(),
            symmetry.active(),
        );
        let report = Report {
            states: 0,
            transitions: 0,
            schedules: Count::default(),
            complete: true,
            counts_exact: true,
            symmetry: symmetry.active(),
            outcomes: Vec::new(),
            goals: Vec::new(),
            traces: None,
        };
        let goals: Vec<(Goal, Option<(u32, Step)>)> =
            goals.into_iter().map(|g| (g, None)).collect();
        Search {
            goals_left: goals.len(),
            goals,
            scenario: scenario.clone(),
            symmetry_broken: perm.is_none(),
            partial_order: options.partial_order,
            max_states: options.max_states,
            report,
            finals: Vec::new(),
            next: 0,
            depth: 0,
            depth_end: 1,
            over: false,
            key,
            parent: Vec::new(),
            offsets: Vec::new(),
            steps: Vec::new(),
            succ: init.clone(),
            world: init,
            sent: Vec::new(),
            system,
            symmetry,
            visited,
            graph,
        }
    }

    pub fn progress(&self) -> Progress {
        Progress {
            states: self.visited.len() as u64,
            transitions: self.report.transitions,
            depth: self.depth,
        }
    }

    /// Stops the search where it is; the report will say it is incomplete.
    pub fn stop(&mut self) {
        if !self.over {
            self.over = true;
            self.report.complete = false;
        }
    }

    /// Expands up to `budget` more states, breadth first. Returns true when
    /// the search is over (done, stopped, or at its state limit).
    pub fn run(&mut self, budget: usize) -> bool {
        let until = self.next.saturating_add(budget);
        // States are numbered in discovery order, so the first path found to
        // each state (its parent chain) is a shortest one.
        while !self.over && self.next < self.visited.len() && self.next < until {
            let i = self.next;
            if i == self.depth_end {
                self.depth += 1;
                self.depth_end = self.visited.len();
            }
            self.parent.clear();
            self.parent.extend_from_slice(self.visited.get(i));
            pack::unpack_with_offsets(
                &self.parent,
                self.symmetry.layout(),
                &mut self.world,
                &mut self.offsets,
            );
            self.steps.clear();
            self.steps.extend(self.world.deliverable().map(|(s, _)| s));
            self.graph.start_edges();
            if self.steps.is_empty() {
                self.finals.push(i as u32);
            }
            // The successor starts as a copy of the world; after each step
            // only what a delivery changes (the receiver, the network, the
            // budgets, a failure) is put back, not every actor's state.
            self.succ.clone_from(&self.world);
            let mut changed = None;
            for &step in &self.steps {
                if let Some(to) = changed.replace(step.to.index()) {
                    self.succ.states[to].clone_from(&self.world.states[to]);
                    self.succ.net.clone_from(&self.world.net);
                    self.succ.faults = self.world.faults;
                    self.succ.failed = None;
                }
                let delivered = self
                    .system
                    .deliver_into(&mut self.succ, step, &mut self.sent);
                if self.goals_left > 0 {
                    if let Some((msg, handled)) = delivered {
                        let before = &self.world.states[step.to.index()];
                        for (goal, found) in self.goals.iter_mut() {
                            if found.is_none()
                                && self
                                    .system
                                    .goal_reached(*goal, step, msg, handled, before, &self.succ)
                            {
                                *found = Some((i as u32, step));
                                self.goals_left -= 1;
                            }
                        }
                    }
                }
                self.key.clear();
                let perm = if self.symmetry.active() {
                    self.symmetry.canonical(&self.succ, &mut self.key)
                } else {
                    // Without symmetry a successor's key is its parent's with
                    // the receiver's bytes and the channels written again.
                    pack::pack_spliced(
                        &self.succ,
                        self.symmetry.layout(),
                        &self.parent,
                        &self.offsets,
                        step.to.index(),
                        &mut self.key,
                    );
                    Some(Perm::default())
                };
                self.symmetry_broken |= perm.is_none();
                let Ok((j, new)) = self.visited.insert(&self.key) else {
                    self.stop();
                    return true;
                };
                if new {
                    let keep = self.symmetry.active();
                    self.graph
                        .add_state(i as u32, step, perm.unwrap_or_default(), keep);
                }
                self.graph.add_edge(j as u32);
            }
            self.report.transitions += self.steps.len() as u64;
            self.next += 1;
            if self.visited.len() >= self.max_states && self.next < self.visited.len() {
                self.stop();
            }
        }
        self.over || self.next >= self.visited.len()
    }

    /// Counts schedules and gathers outcomes and witnesses, and counts the
    /// genuinely different schedules if asked to ([`Report::traces`]).
    pub fn finish(self) -> Report {
        let (mut report, traces) = self.finish_outcomes();
        if let Some(traces) = traces {
            report.traces = traces.count();
        }
        report
    }

    /// [`Search::finish`] but for the genuinely different schedules, which
    /// take a search of their own (as long again as this one): the report
    /// without them, and their count still to make, if it is asked for.
    /// The explorer's worker sends the outcomes first and counts after.
    pub fn finish_outcomes(self) -> (Report, Option<TraceCount>) {
        let Search {
            scenario,
            mut symmetry,
            symmetry_broken,
            visited,
            graph,
            mut report,
            finals,
            next,
            system,
            partial_order,
            max_states,
            goals,
            ..
        } = self;
        report.states = visited.len() as u64;

        // Only the final states' worlds are needed from here on: free the
        // visited set before counting, which needs memory of its own.
        let finals: Vec<(u32, World)> = finals
            .into_iter()
            .map(|f| (f, pack::unpack(visited.get(f as usize), symmetry.layout())))
            .collect();
        drop(visited);

        // Schedules to each state, in topological order. Counts are only
        // meaningful when every state was expanded.
        let counted = graph.count_paths(next);
        report.counts_exact = counted.is_some() && !symmetry_broken && report.complete;
        let (paths, saturated) = counted.unwrap_or_else(|| (vec![0; next], false));

        // Outcome → (schedules, final state and renaming for its witness).
        let mut outcomes: BTreeMap<Outcome, (Count, u32, Perm)> = BTreeMap::new();
        for (f, world) in &finals {
            let count = Count {
                value: paths.get(*f as usize).copied().unwrap_or(0),
                saturated,
            };
            report.schedules.add(count);
            for member in symmetry.members(world, count) {
                let outcome = system.outcome(&member.world);
                let entry = outcomes
                    .entry(outcome)
                    .or_insert((Count::default(), *f, member.perm));
                entry.0.add(member.share);
            }
        }
        report.outcomes = outcomes
            .into_iter()
            .map(|(outcome, (schedules, state, member))| OutcomeReport {
                outcome,
                schedules,
                witness: member.apply_to(&graph.witness(state)),
            })
            .collect();
        report.goals = goals
            .into_iter()
            .map(|(goal, found)| GoalReport {
                goal,
                witness: found.map(|(state, step)| {
                    let mut witness = graph.witness(state);
                    witness.0.push(step);
                    witness
                }),
            })
            .collect();
        drop(graph);
        let traces = (partial_order && report.complete).then_some(TraceCount {
            scenario,
            symmetry: report.symmetry,
            max_states,
        });
        (report, traces)
    }
}

/// The genuinely different schedules of a finished search, still to count
/// ([`Search::finish_outcomes`]).
pub struct TraceCount {
    scenario: Scenario,
    symmetry: bool,
    max_states: usize,
}

impl TraceCount {
    /// [`Report::traces`]: `None` if too large to count within the state limit.
    pub fn count(&self) -> Option<Count> {
        count_traces(&self.scenario, self.symmetry, self.max_states).count
    }
}

/// The explored graph: each state's first parent (for witnesses) and every
/// edge (for counting), in compact arrays indexed by state number.
#[derive(Default)]
struct Graph {
    parent: Vec<u32>,
    step: Vec<Step>,
    /// Only kept when symmetry renames states.
    perm: Vec<Perm>,
    /// Edges of state i are `edges[edge_start[i]..edge_start[i + 1]]`.
    edge_start: Vec<u32>,
    edges: Vec<u32>,
}

impl Graph {
    fn add_state(&mut self, parent: u32, step: Step, perm: Perm, keep_perm: bool) {
        self.parent.push(parent);
        self.step.push(step);
        if keep_perm {
            self.perm.push(perm);
        }
    }

    fn start_edges(&mut self) {
        self.edge_start.push(self.edges.len() as u32);
    }

    fn add_edge(&mut self, to: u32) {
        self.edges.push(to);
    }

    fn edges_of(&self, i: usize) -> &[u32] {
        let start = self.edge_start[i] as usize;
        let end = self
            .edge_start
            .get(i + 1)
            .map_or(self.edges.len(), |&e| e as usize);
        &self.edges[start..end]
    }

    /// Schedules from the initial state to each of the first `expanded`
    /// states (Kahn's algorithm over the edges), and whether any count
    /// saturated at `u128::MAX`; `None` if the graph has a cycle, when the
    /// number of schedules is unbounded.
    fn count_paths(&self, expanded: usize) -> Option<(Vec<u128>, bool)> {
        let total = self.parent.len();
        if expanded < total {
            return None;
        }
        let mut indegree = vec![0u32; total];
        for &to in &self.edges {
            indegree[to as usize] += 1;
        }
        let mut paths = vec![0u128; total];
        paths[0] = 1;
        let mut saturated = false;
        let mut queue: Vec<u32> = (0..total as u32)
            .filter(|&i| indegree[i as usize] == 0)
            .collect();
        let mut head = 0;
        while head < queue.len() {
            let i = queue[head] as usize;
            head += 1;
            let here = paths[i];
            for &to in self.edges_of(i) {
                let (sum, over) = paths[to as usize].overflowing_add(here);
                paths[to as usize] = if over { u128::MAX } else { sum };
                saturated |= over;
                indegree[to as usize] -= 1;
                if indegree[to as usize] == 0 {
                    queue.push(to);
                }
            }
        }
        (queue.len() == total).then_some((paths, saturated))
    }

    /// A shortest schedule that reaches state `i` exactly.
    fn witness(&self, i: u32) -> Schedule {
        let mut chain = Vec::new();
        let mut at = i as usize;
        while self.parent[at] != u32::MAX {
            chain.push(at);
            at = self.parent[at] as usize;
        }
        let mut steps: Vec<Step> = Vec::with_capacity(chain.len());
        for &state in chain.iter().rev() {
            steps.push(self.step[state]);
            if let Some(perm) = self.perm.get(state) {
                for s in steps.iter_mut() {
                    *s = perm.step(*s);
                }
            }
        }
        Schedule(steps)
    }
}
