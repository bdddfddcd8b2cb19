//! Predict, then reveal: the outcomes a learner may claim possible before
//! the explorer answers, and how a claim is graded.
//!
//! Candidates are outcome *shapes*: what is left (drinks or balance) and how
//! many clients ended a given way (got a drink, withdrew, or, for the poison
//! pill, went unanswered), not which ones. That keeps the list short for
//! eight people and still separates what can happen from what cannot.

use std::collections::BTreeSet;
use std::fmt;

use super::scenario::{Outcome, Protocol, Scenario};

/// What is left, and how many clients the outcome names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shape {
    pub left: i32,
    pub count: usize,
}

impl Outcome {
    pub fn shape(&self) -> Shape {
        Shape {
            left: self.left(),
            count: self.served().len(),
        }
    }
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
    /// The shapes a learner chooses from, in a fixed order. Every shape the
    /// scenario can end in is among them (for each protocol, every
    /// combination its rules allow), along with shapes that look plausible.
    pub fn candidates(&self) -> Vec<Shape> {
        let n = usize::from(self.people);
        let mut out = BTreeSet::new();
        match self.protocol {
            Protocol::LookBeforeTake | Protocol::TakeIf => {
                for k in 0..=n.min(self.drinks.max(0) as usize) {
                    out.insert(Shape {
                        left: self.drinks - k as i32,
                        count: k,
                    });
                }
            }
            Protocol::Thirsty => {
                for k in 0..=n {
                    let left = (self.drinks - k as i32 * self.ask).max(0);
                    out.insert(Shape { left, count: k });
                }
            }
            Protocol::CheckThenWithdraw | Protocol::WithdrawIf => {
                for k in 0..=n {
                    out.insert(Shape {
                        left: self.balance - k as i32 * self.amount,
                        count: k,
                    });
                }
            }
            Protocol::PoisonPill => {
                let requests = n * self.requests.max(0) as usize;
                for unanswered in 0..=requests {
                    let answered = (requests - unanswered) as i32;
                    out.insert(Shape {
                        left: (self.drinks - answered).max(0),
                        count: unanswered,
                    });
                }
            }
        }
        out.into_iter().collect()
    }

    /// A shape in words, for this scenario.
    pub fn describe_shape(&self, s: Shape) -> String {
        let k = s.count;
        match self.protocol {
            Protocol::CheckThenWithdraw | Protocol::WithdrawIf => match k {
                0 => format!("balance {}, nobody withdrew", s.left),
                1 => format!("balance {}, one customer withdrew", s.left),
                k => format!("balance {}, {k} customers withdrew", s.left),
            },
            Protocol::PoisonPill => format!(
                "{}, {} unanswered",
                drinks_left(s.left),
                match k {
                    0 => "no request".to_string(),
                    1 => "1 request".to_string(),
                    k => format!("{k} requests"),
                }
            ),
            _ => format!(
                "{}, {}",
                drinks_left(s.left),
                match k {
                    0 => "nobody got a drink".to_string(),
                    1 => "one person got a drink".to_string(),
                    k => format!("{k} people got a drink"),
                }
            ),
        }
    }

    /// Grades the candidates `claimed` (indices into [`Scenario::candidates`])
    /// against the outcomes that are `possible`.
    pub fn grade(&self, claimed: &BTreeSet<usize>, possible: &[Outcome]) -> Grade {
        let mut shapes = BTreeSet::new();
        for outcome in possible {
            shapes.insert(outcome.shape());
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

fn drinks_left(n: i32) -> String {
    match n {
        1 => "1 drink left".to_string(),
        n => format!("{n} drinks left"),
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} left, {}", self.left, self.count)
    }
}
