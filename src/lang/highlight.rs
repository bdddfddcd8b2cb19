//! Light syntax colouring for the page's code view: a source cut into
//! pieces of a few kinds (keywords, strings, comments, numbers, the rest).
//!
//! It follows the lexer's rules (`//` comments, `"..."` strings with
//! `\` escapes and `{expression}` interpolations, which may hold strings
//! of their own, strings ending at the end of their line) but never fails:
//! any text at all, a broken or a hostile source included, is cut into
//! pieces that put back together give the text exactly. It runs in one
//! pass with no recursion, so nesting costs memory for a counter, not stack.
//! The pieces are plain text: whoever draws them escapes them.

/// What a piece of source is, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    Str,
    Comment,
    Number,
}

impl Kind {
    /// The CSS class the page gives a piece of this kind (none for plain text).
    pub fn class(self) -> Option<&'static str> {
        match self {
            Kind::Plain => None,
            Kind::Keyword => Some("kw"),
            Kind::Str => Some("str"),
            Kind::Comment => Some("com"),
            Kind::Number => Some("num"),
        }
    }
}

/// Words coloured as keywords: the checker's reserved words, except the
/// ones that are values (`self`, `sender`, `none`, `old`), and the words
/// that are keywords only where they stand (settings, types, goal words).
fn is_keyword(word: &str) -> bool {
    const VALUES: [&str; 4] = ["none", "old", "self", "sender"];
    const CONTEXTUAL: [&str; 12] = [
        "because", "bool", "fixed", "id", "letter", "list", "note", "offered", "receives",
        "summary", "title", "when",
    ];
    (super::check::RESERVED.contains(&word) && !VALUES.contains(&word))
        || CONTEXTUAL.contains(&word)
}

/// What the scanner is inside.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Code: top level, or an interpolation with this many `{` open in it.
    Code(u32),
    Str,
}

/// `source` cut into pieces `(kind, start, end)` (byte offsets), in order,
/// with no gaps: the pieces' text, joined, is `source`.
pub fn highlight(source: &str) -> Vec<(Kind, usize, usize)> {
    let bytes = source.as_bytes();
    let mut out: Vec<(Kind, usize, usize)> = Vec::new();
    let mut push = |kind: Kind, start: usize, end: usize| {
        if start >= end {
            return;
        }
        match out.last_mut() {
            Some((k, _, e)) if *k == kind && *e == start => *e = end,
            _ => out.push((kind, start, end)),
        }
    };
    // The modes around the scanner: the bottom one is the top-level code.
    let mut stack = vec![Mode::Code(0)];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let mode = *stack.last().unwrap_or(&Mode::Code(0));
        if b == b'\n' {
            // Strings and their interpolations end with their line.
            stack.truncate(1);
            push(Kind::Plain, i, i + 1);
            i += 1;
            continue;
        }
        match mode {
            Mode::Str => {
                let start = i;
                match b {
                    b'"' => {
                        stack.pop();
                        i += 1;
                    }
                    b'\\' => {
                        i += 1;
                        if i < bytes.len() && bytes[i] != b'\n' {
                            i += char_len(source, i);
                        }
                    }
                    b'{' => {
                        stack.push(Mode::Code(0));
                        i += 1;
                    }
                    _ => {
                        while i < bytes.len() && !matches!(bytes[i], b'"' | b'\\' | b'{' | b'\n') {
                            i += 1;
                        }
                    }
                }
                push(Kind::Str, start, i);
            }
            Mode::Code(open) => {
                let start = i;
                let inside = stack.len() > 1;
                if b == b'/' && bytes.get(i + 1) == Some(&b'/') && !inside {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                    push(Kind::Comment, start, i);
                } else if b == b'"' {
                    stack.push(Mode::Str);
                    push(Kind::Str, i, i + 1);
                    i += 1;
                } else if b.is_ascii_alphabetic() || b == b'_' {
                    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_')
                    {
                        i += 1;
                    }
                    let word = &source[start..i];
                    let kind = if is_keyword(word) {
                        Kind::Keyword
                    } else {
                        Kind::Plain
                    };
                    push(kind, start, i);
                } else if b.is_ascii_digit() {
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                    push(Kind::Number, start, i);
                } else if inside && b == b'{' {
                    if let Some(Mode::Code(n)) = stack.last_mut() {
                        *n += 1;
                    }
                    push(Kind::Plain, i, i + 1);
                    i += 1;
                } else if inside && b == b'}' {
                    if open == 0 {
                        // Back to the string the interpolation is in.
                        stack.pop();
                        push(Kind::Str, i, i + 1);
                    } else {
                        if let Some(Mode::Code(n)) = stack.last_mut() {
                            *n -= 1;
                        }
                        push(Kind::Plain, i, i + 1);
                    }
                    i += 1;
                } else {
                    i += char_len(source, i);
                    push(Kind::Plain, start, i);
                }
            }
        }
    }
    out
}

/// The length in bytes of the character at byte `i` (1 off a boundary).
fn char_len(source: &str, i: usize) -> usize {
    source
        .get(i..)
        .and_then(|s| s.chars().next())
        .map_or(1, char::len_utf8)
}

/// The pieces of each line of `source` (lines split at `\n`, which no
/// piece includes): what the code view draws, one row per line. A source
/// ending in a newline has an empty last line, as an editor shows it.
pub fn highlight_lines(source: &str) -> Vec<Vec<(Kind, &str)>> {
    let mut lines: Vec<Vec<(Kind, &str)>> = vec![Vec::new()];
    for (kind, start, end) in highlight(source) {
        let mut from = start;
        for (k, _) in source[start..end].match_indices('\n') {
            let at = start + k;
            if let (true, Some(line)) = (from < at, lines.last_mut()) {
                line.push((kind, &source[from..at]));
            }
            lines.push(Vec::new());
            from = at + 1;
        }
        if let (true, Some(line)) = (from < end, lines.last_mut()) {
            line.push((kind, &source[from..end]));
        }
    }
    lines
}

/// Line numbers in words, ranges joined: "line 4", "lines 33–37",
/// "lines 33–35 and 37". `lines` ascending, each once.
pub fn describe_lines(lines: &[u32]) -> String {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for &l in lines {
        match ranges.last_mut() {
            Some((_, hi)) if *hi + 1 == l => *hi = l,
            Some((_, hi)) if *hi >= l => {}
            _ => ranges.push((l, l)),
        }
    }
    let parts: Vec<String> = ranges
        .iter()
        .map(|&(lo, hi)| {
            if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}–{hi}")
            }
        })
        .collect();
    let single = ranges.len() == 1 && ranges[0].0 == ranges[0].1;
    let joined = match parts.split_last() {
        None => return String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    };
    format!("{} {joined}", if single { "line" } else { "lines" })
}
