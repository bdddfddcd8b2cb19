//! Predict, then reveal: the outcomes a learner may claim possible before
//! the explorer answers, and how a claim is graded.
//!
//! Candidates are outcome *shapes*: what is left (drinks or balance) and how
//! many clients ended a given way (got a drink, withdrew, went unanswered),
//! not which ones. That keeps the list short for eight people and still
//! separates what can happen from what cannot. Each protocol says what its
//! shape is (`shape` in its outcome) and which candidates to offer
//! (`predict`).

use crate::sorted::SortedSet;
use std::fmt;

use super::outcome::Outcome;
use super::scenario::Scenario;

/// What is left, and how many clients the outcome names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shape {
    pub left: i32,
    pub count: usize,
}

/// A graded prediction: each candidate, and whether it was right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grade {
    /// Possible, and claimed.
    pub found: Vec<Shape>,
    /// Possible, but not claimed.
    pub missed: Vec<Shape>,
    /// Claimed, but impossible.
    pub wrong: Vec<Shape>,
    /// Impossible, and not claimed.
    pub ruled_out: Vec<Shape>,
}

impl Grade {
    pub fn all_right(&self) -> bool {
        self.missed.is_empty() && self.wrong.is_empty()
    }
}

impl Scenario {
    /// An outcome's shape; `None` for a runtime error or a protocol without one.
    pub fn shape_of(&self, o: &Outcome) -> Option<Shape> {
        if o.error.is_some() {
            return None;
        }
        let (left, count) = self.instance().ok()?.shape(&o.values)?;
        Some(Shape {
            left,
            count: count.max(0) as usize,
        })
    }

    /// The shapes a learner chooses from, in a fixed order: the protocol's
    /// candidates, sorted, each once.
    pub fn candidates(&self) -> Vec<Shape> {
        let mut shapes = SortedSet::new();
        if let Ok(inst) = self.instance() {
            for (left, count) in inst.candidates() {
                shapes.insert(Shape {
                    left,
                    count: count.max(0) as usize,
                });
            }
        }
        shapes.into_iter().collect()
    }

    /// A shape in words, for this scenario.
    pub fn describe_shape(&self, s: Shape) -> String {
        match self.instance() {
            Ok(inst) => inst.show_shape((s.left, s.count as i32)),
            Err(_) => s.to_string(),
        }
    }

    /// Grades the candidates `claimed` (indices into [`Scenario::candidates`])
    /// against the outcomes that are `possible`.
    pub fn grade(&self, claimed: &SortedSet<usize>, possible: &[Outcome]) -> Grade {
        let mut shapes = SortedSet::new();
        for shape in possible.iter().filter_map(|o| self.shape_of(o)) {
            shapes.insert(shape);
        }
        let possible = shapes;
        let mut grade = Grade {
            found: vec![],
            missed: vec![],
            wrong: vec![],
            ruled_out: vec![],
        };
        for (i, shape) in self.candidates().into_iter().enumerate() {
            match (claimed.contains(&i), possible.contains(&shape)) {
                (true, true) => grade.found.push(shape),
                (false, true) => grade.missed.push(shape),
                (true, false) => grade.wrong.push(shape),
                (false, false) => grade.ruled_out.push(shape),
            }
        }
        grade
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} left, {}", self.left, self.count)
    }
}
