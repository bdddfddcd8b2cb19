//! Diagnostics: what is wrong with a protocol source, where, and what was
//! expected, in the shape rustc and Elm made familiar:
//!
//! ```text
//! fridge.race:7:12: expected an expression after `=`, found `}`
//!    |
//!  7 |   drinks = }
//!    |            ^
//! ```
//!
//! Every span is a byte range into the source; lines and columns (from 1,
//! columns in characters) are worked out only when a diagnostic is shown.

use std::fmt;

/// The most diagnostics a report holds: the first ones, in source order.
/// More would bury the first, which is usually the one to fix.
pub const MAX_DIAGNOSTICS: usize = 50;

/// A byte range in the source.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// From the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// One problem in a source.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
}

impl Diagnostic {
    pub fn new(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            span,
            message: message.into(),
        }
    }
}

/// A line and a column, both from 1; the column counts characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Where `offset` is in `source`.
pub fn line_col(source: &str, offset: u32) -> LineCol {
    let offset = (offset as usize).min(source.len());
    let offset = (0..=offset)
        .rev()
        .find(|&i| source.is_char_boundary(i))
        .unwrap_or(0);
    let before = &source[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = source[line_start..offset].chars().count() as u32 + 1;
    LineCol { line, col }
}

/// Diagnostics for one source file, ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub file: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// `FILE:LINE:COL: message` for each, in source order, without the quoted lines.
    pub fn short(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| {
                let at = line_col(&self.source, d.span.start);
                format!("{}:{}:{}: {}", self.file, at.line, at.col, d.message)
            })
            .collect()
    }

    /// Where each diagnostic points.
    pub fn positions(&self) -> Vec<LineCol> {
        self.diagnostics
            .iter()
            .map(|d| line_col(&self.source, d.span.start))
            .collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.diagnostics {
            let at = line_col(&self.source, d.span.start);
            writeln!(f, "{}:{}:{}: {}", self.file, at.line, at.col, d.message)?;
            let text = self
                .source
                .lines()
                .nth(at.line as usize - 1)
                .unwrap_or_default();
            // Very long lines are cut around the place, so the caret stays visible.
            let chars: Vec<char> = text.chars().collect();
            let from = (at.col as usize - 1).saturating_sub(60);
            let shown: String = chars.iter().skip(from).take(120).collect();
            let width = at.line.to_string().len();
            let end = line_col(&self.source, d.span.end.max(d.span.start + 1));
            let carets = if end.line == at.line && end.col > at.col {
                (end.col - at.col) as usize
            } else {
                1
            };
            writeln!(f, "{:width$} |", "")?;
            writeln!(f, "{} | {}", at.line, shown.trim_end())?;
            writeln!(
                f,
                "{:width$} | {}{}",
                "",
                " ".repeat(at.col as usize - 1 - from),
                "^".repeat(carets.min(120))
            )?;
        }
        Ok(())
    }
}
