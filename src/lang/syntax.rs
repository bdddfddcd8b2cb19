//! The protocol language's surface: a hand-written lexer and a
//! recursive-descent parser into a syntax tree with a span on every node.
//!
//! Both are bounded, because a source may come from someone else's link:
//! the source's size and line count are checked before anything else, and
//! nesting (brackets, blocks, strings inside templates, and operators in a
//! row, which nest the tree as deeply) is counted, so no source can
//! overflow the stack of the parser, the checker or the interpreter. A
//! syntax error ends only the actor member or the top-level item it is in;
//! parsing goes on at the next one that begins a line, so one error does
//! not hide the next.

use super::diag::{line_col, Diagnostic, Span, MAX_DIAGNOSTICS};

/// The most bytes a source may have.
pub const MAX_SOURCE_BYTES: usize = 256 * 1024;
/// The most lines a source may have.
pub const MAX_LINES: usize = 10_000;
/// The deepest nesting of brackets, blocks, templates and operators in a row.
pub const MAX_DEPTH: usize = 48;
/// The longest name, in characters.
pub const MAX_NAME: usize = 64;

// ---------------------------------------------------------------- tokens

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Ident(String),
    Int(i64),
    Str(Vec<Piece>),
    Sym(&'static str),
    Eof,
}

/// A piece of a string literal: text, or an interpolated `{expression}`
/// given as its own tokens.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Text(String),
    Code(Vec<Token>, Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

const SYMBOLS: [&str; 30] = [
    "&&", "||", "==", "!=", "<=", ">=", "..", "=>", "(", ")", "{", "}", "[", "]", ",", ":", ";",
    ".", "=", "<", ">", "+", "-", "*", "/", "%", "!", "?", "_", "#",
];

/// The words that begin a top-level item; parsing resumes at one after an error.
const ITEM_WORDS: [&str; 9] = [
    "protocol", "param", "message", "server", "client", "outcome", "predict", "goal", "network",
];

/// Words that begin an actor's member or a statement, besides the item words.
const LINE_WORDS: [&str; 15] = [
    "var",
    "invariant",
    "show",
    "finished",
    "start",
    "on",
    "ignore",
    "let",
    "send",
    "reply",
    "if",
    "while",
    "for",
    "goto",
    "assert",
];

/// The words that begin an actor's member; parsing resumes at one after an
/// error inside an actor.
const MEMBER_WORDS: [&str; 8] = [
    "phase",
    "var",
    "invariant",
    "show",
    "finished",
    "start",
    "on",
    "ignore",
];

/// Keywords that can never be (or begin) an expression.
const NOT_EXPRESSIONS: [&str; 6] = ["else", "in", "after", "where", "times", "any"];

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    diags: Vec<Diagnostic>,
    /// An interpolation ran into the end of its line: every string and
    /// template it is in ends there, and one error (`reported`) says so.
    broken: bool,
    reported: bool,
}

/// Splits a whole source into tokens. Fails only when the source is too
/// large; other lexical errors are reported and skipped.
pub fn lex(src: &str) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut lx = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        diags: Vec::new(),
        broken: false,
        reported: false,
    };
    let mut toks = Vec::new();
    lx.tokens(&mut toks, 0, false);
    toks.push(Token {
        tok: Tok::Eof,
        span: Span::new(src.len(), src.len()),
    });
    (toks, lx.diags)
}

impl Lexer<'_> {
    fn err(&mut self, start: usize, end: usize, message: impl Into<String>) {
        if self.diags.len() < MAX_DIAGNOSTICS {
            self.diags
                .push(Diagnostic::new(Span::new(start, end), message.into()));
        }
    }

    /// Tokens until the end, or (inside a template) until the `}` that
    /// closes the interpolation, which is consumed.
    fn tokens(&mut self, out: &mut Vec<Token>, depth: usize, in_template: bool) {
        let mut braces = 0usize;
        loop {
            if in_template {
                // An interpolation ends on its line, as the string around it does.
                while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\r')) {
                    self.pos += 1;
                }
                if matches!(self.bytes.get(self.pos), None | Some(b'\n')) {
                    self.broken = true;
                    return;
                }
            } else {
                self.skip_space();
            }
            let start = self.pos;
            let Some(&b) = self.bytes.get(self.pos) else {
                return;
            };
            if b.is_ascii_alphabetic() || b == b'_' && self.next_is_word() {
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
                {
                    self.pos += 1;
                }
                if self.pos - start > MAX_NAME {
                    let message = format!(
                        "this name has {} characters: a name may have at most {MAX_NAME} characters",
                        self.pos - start
                    );
                    self.err(start, self.pos, message);
                }
                out.push(Token {
                    tok: Tok::Ident(self.src[start..self.pos].to_string()),
                    span: Span::new(start, self.pos),
                });
            } else if b.is_ascii_digit() {
                while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
                    self.pos += 1;
                }
                let text = &self.src[start..self.pos];
                let value = match text.parse::<i64>() {
                    Ok(v) => v,
                    Err(_) => {
                        let shown = if text.len() > 24 { "this number" } else { text };
                        let message = format!(
                            "{shown} is too large: numbers go from -2147483648 to 2147483647"
                        );
                        self.err(start, self.pos, message);
                        0
                    }
                };
                out.push(Token {
                    tok: Tok::Int(value),
                    span: Span::new(start, self.pos),
                });
            } else if b == b'"' {
                let tok = self.string(depth);
                out.push(Token {
                    tok,
                    span: Span::new(start, self.pos),
                });
                if self.broken {
                    return;
                }
            } else if let Some(sym) = SYMBOLS
                .iter()
                .find(|s| self.src[self.pos..].starts_with(**s))
            {
                if in_template && *sym == "{" {
                    braces += 1;
                } else if in_template && *sym == "}" {
                    if braces == 0 {
                        self.pos += 1;
                        return;
                    }
                    braces -= 1;
                }
                self.pos += sym.len();
                out.push(Token {
                    tok: Tok::Sym(sym),
                    span: Span::new(start, self.pos),
                });
            } else {
                let c = self.src[self.pos..].chars().next().unwrap_or('?');
                self.pos += c.len_utf8();
                self.err(
                    start,
                    self.pos,
                    format!("unexpected character {c:?}: not part of the language"),
                );
            }
        }
    }

    fn next_is_word(&self) -> bool {
        self.bytes
            .get(self.pos + 1)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
    }

    fn skip_space(&mut self) {
        loop {
            match self.bytes.get(self.pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    while self.bytes.get(self.pos).is_some_and(|&c| c != b'\n') {
                        self.pos += 1;
                    }
                }
                _ => return,
            }
        }
    }

    /// A string literal starting at the opening quote; `{...}` inside it
    /// interpolates an expression (`\{` is a literal brace).
    fn string(&mut self, depth: usize) -> Tok {
        let open = self.pos;
        self.pos += 1;
        let mut pieces = Vec::new();
        let mut text = String::new();
        loop {
            let Some(c) = self.src[self.pos..].chars().next() else {
                if depth > 0 {
                    // Inside an interpolation: most likely its `}` is missing.
                    self.broken = true;
                } else {
                    self.err(open, open + 1, "this string is never closed: expected `\"`");
                }
                break;
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\n' => {
                    if depth > 0 {
                        self.broken = true;
                    } else {
                        self.err(
                            open,
                            open + 1,
                            "this string is never closed on its line: expected `\"`",
                        );
                    }
                    break;
                }
                '\\' => {
                    self.pos += 1;
                    let e = self.src[self.pos..].chars().next().unwrap_or(' ');
                    match e {
                        '"' | '\\' | '{' | '}' => text.push(e),
                        'n' => text.push('\n'),
                        _ => self.err(
                            self.pos - 1,
                            self.pos + e.len_utf8(),
                            "unknown escape: use \\\", \\\\, \\{, \\} or \\n",
                        ),
                    }
                    self.pos += e.len_utf8();
                }
                '{' => {
                    let start = self.pos;
                    self.pos += 1;
                    if depth + 1 >= MAX_DEPTH {
                        self.err(
                            start,
                            start + 1,
                            format!("templates are nested too deeply: at most {MAX_DEPTH} levels of `{{...}}` in one another"),
                        );
                        self.pos = self.src[self.pos..]
                            .find('\n')
                            .map_or(self.src.len(), |i| self.pos + i);
                        // Every string around this one ends here, without more errors.
                        self.broken = true;
                        self.reported = true;
                        break;
                    }
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    let mut code = Vec::new();
                    self.tokens(&mut code, depth + 1, true);
                    if self.broken {
                        if !self.reported {
                            self.reported = true;
                            self.err(
                                start,
                                start + 1,
                                "this `{` is never closed: expected `}` before the end of the line (write \\{ for a brace)",
                            );
                        }
                        break;
                    }
                    code.push(Token {
                        tok: Tok::Eof,
                        span: Span::new(self.pos.saturating_sub(1), self.pos),
                    });
                    pieces.push(Piece::Code(code, Span::new(start, self.pos)));
                }
                c => {
                    text.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        if !text.is_empty() || pieces.is_empty() {
            pieces.push(Piece::Text(text));
        }
        if depth == 0 {
            self.broken = false;
            self.reported = false;
        }
        Tok::Str(pieces)
    }
}

// ---------------------------------------------------------------- syntax tree

#[derive(Clone, Debug, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    pub pieces: Vec<TemplatePiece>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePiece {
    Text(String),
    Expr(Expr),
}

impl Text {
    /// The literal text, if the string has no interpolation.
    pub fn plain(&self) -> Option<String> {
        match self.pieces.as_slice() {
            [] => Some(String::new()),
            [TemplatePiece::Text(t)] => Some(t.clone()),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Protocol {
        name: Text,
        settings: Vec<(Name, Text)>,
        span: Span,
    },
    Param {
        name: Name,
        label: Text,
        lo: (i64, Span),
        hi: (i64, Span),
        default: (i64, Span),
        span: Span,
    },
    Message {
        name: Name,
        fields: Vec<(Name, TypeAst)>,
        shows: Vec<Show>,
        span: Span,
    },
    Actor {
        server: bool,
        name: Name,
        title: Text,
        letter: Option<Text>,
        count: Option<Name>,
        members: Vec<Member>,
        span: Span,
    },
    Outcome {
        members: Vec<OutcomeMember>,
        span: Span,
    },
    Predict {
        var: Name,
        lo: Expr,
        hi: Expr,
        candidate: (Expr, Expr),
        shows: Vec<Show>,
        span: Span,
    },
    Goal {
        id: Text,
        title: Text,
        offered: Option<Expr>,
        role: Name,
        ignored: bool,
        pattern: Pattern,
        cond: Option<Expr>,
        span: Span,
    },
    /// `network ORDER [lose BUDGET] [duplicate BUDGET]`: how the messages
    /// between the actors travel. The order is a word (`fifo`,
    /// `unordered`) and each budget a number or a parameter's name; the
    /// checker says what is allowed.
    Network {
        order: Name,
        faults: Vec<(Name, BudgetAst)>,
        span: Span,
    },
}

/// A fault budget as written: a whole number or a parameter's name.
#[derive(Clone, Debug, PartialEq)]
pub enum BudgetAst {
    Number(i64, Span),
    Param(Name),
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeAst {
    Int(Span),
    Range(i64, i64, Span),
    Bool(Span),
    Id(Span),
    List(Box<TypeAst>, i64, Span),
}

impl TypeAst {
    pub fn span(&self) -> Span {
        match self {
            TypeAst::Int(s) | TypeAst::Bool(s) | TypeAst::Id(s) => *s,
            TypeAst::Range(_, _, s) | TypeAst::List(_, _, s) => *s,
        }
    }
}

/// `show TEMPLATE [after PATTERN] [if COND]`
#[derive(Clone, Debug, PartialEq)]
pub struct Show {
    pub text: Text,
    pub after: Option<Pattern>,
    pub cond: Option<Expr>,
}

/// A message kind (or `any`) with names for its fields (`_` skips one).
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub kind: Option<Name>,
    pub binds: Vec<Option<Name>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    Phase {
        name: Name,
        label: Text,
    },
    Var {
        name: Name,
        ty: TypeAst,
        init: Option<Expr>,
        span: Span,
    },
    Invariant(Expr),
    Show(Show),
    Finished(Expr),
    Start(Block, Span),
    On {
        pattern: Pattern,
        phases: Vec<Name>,
        body: Block,
    },
    Ignore {
        kinds: Vec<Name>,
        any: bool,
        phases: Vec<Name>,
        because: Option<Text>,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum OutcomeMember {
    Value {
        name: Name,
        value: Expr,
    },
    /// `name = role [where cond] [times n]`: client numbers.
    Clients {
        name: Name,
        role: Name,
        filter: Option<Expr>,
        times: Option<Expr>,
    },
    Shape(Expr, Expr, Span),
    Unsafe {
        why: Text,
        cond: Expr,
    },
    /// `stuck safe`: a run that ends with clients still waiting is an
    /// ending the protocol expects, not unsafe.
    StuckSafe(Span),
    /// `highest NAME`: the explorer reports the largest value of `NAME`
    /// over every outcome.
    Highest(Name),
    Show(Show),
}

pub type Block = Vec<Stmt>;

#[derive(Clone, Debug, PartialEq)]
pub enum Stmt {
    Let(Name, Expr),
    Assign(Name, Expr),
    Send {
        to: Option<Expr>,
        call: Call,
        span: Span,
    },
    If(Expr, Block, Block),
    While(Expr, Block, Span),
    ForRange(Name, Expr, Expr, Block),
    ForList(Name, Name, Block),
    Goto(Name),
    Assert(Expr, Span),
    Method {
        target: Name,
        method: Name,
        args: Vec<Expr>,
    },
}

/// A message to send: `kind(arg, ...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub kind: Name,
    pub args: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Int(i64),
    Bool(bool),
    None,
    Name(String),
    /// `a.b`
    Field(Box<Expr>, Name),
    /// `f(args)`
    Call(Name, Vec<Expr>),
    /// `a.m(args)`
    Method(Box<Expr>, Name, Vec<Expr>),
    /// A string, only meaningful as an argument of a display function.
    Str(String),
    Unary(&'static str, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

// ---------------------------------------------------------------- parser

/// Why parsing stopped: an error already recorded, or the source too deep.
enum Stop {
    Error,
    Fatal,
}

type P<T> = Result<T, Stop>;

pub struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    depth: usize,
    pub diags: Vec<Diagnostic>,
    src: &'a str,
    /// The whole file's tokens, not an interpolation's.
    main: bool,
}

/// Parses a whole source. Returns the items that parsed and every problem found.
pub fn parse(src: &str) -> (File, Vec<Diagnostic>) {
    if src.len() > MAX_SOURCE_BYTES {
        return (
            File { items: Vec::new() },
            vec![Diagnostic::new(
                Span::new(0, 0),
                format!(
                    "the source is {} KB; a protocol may have at most {} KB",
                    src.len().div_ceil(1024),
                    MAX_SOURCE_BYTES / 1024
                ),
            )],
        );
    }
    let lines = src.bytes().filter(|&b| b == b'\n').count() + 1;
    if lines > MAX_LINES {
        return (
            File { items: Vec::new() },
            vec![Diagnostic::new(
                Span::new(0, 0),
                format!("the source has {lines} lines; a protocol may have at most {MAX_LINES}"),
            )],
        );
    }
    let (toks, mut diags) = lex(src);
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        depth: 0,
        diags: Vec::new(),
        src,
        main: true,
    };
    let mut items = Vec::new();
    while !p.at_eof() {
        let start = p.pos;
        match p.item() {
            Ok(item) => items.push(item),
            Err(Stop::Fatal) => break,
            Err(Stop::Error) => {
                p.depth = 0;
                p.recover(start);
            }
        }
        if p.diags.len() >= MAX_DIAGNOSTICS {
            break;
        }
    }
    diags.append(&mut p.diags);
    diags.sort_by_key(|d| d.span.start);
    diags.truncate(MAX_DIAGNOSTICS);
    (File { items }, diags)
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Int(n) => format!("the number {n}"),
        Tok::Str(_) => "a string".to_string(),
        Tok::Sym(s) => format!("`{s}`"),
        Tok::Eof => "the end of the file".to_string(),
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_at(&self, k: usize) -> &Tok {
        &self.toks[(self.pos + k).min(self.toks.len() - 1)].tok
    }

    fn span(&self) -> Span {
        self.toks[self.pos].span
    }

    fn prev_span(&self) -> Span {
        self.toks[self.pos.saturating_sub(1)].span
    }

    fn at_eof(&self) -> bool {
        matches!(self.peek(), Tok::Eof)
    }

    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == w)
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Sym(x) if *x == s)
    }

    fn eat_word(&mut self, w: &str) -> bool {
        let yes = self.is_word(w);
        if yes {
            self.bump();
        }
        yes
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        let yes = self.is_sym(s);
        if yes {
            self.bump();
        }
        yes
    }

    fn error<T>(&mut self, expected: &str) -> P<T> {
        let found = describe(self.peek());
        let span = self.span();
        let at_eof = matches!(self.peek(), Tok::Eof) && self.main;
        // At the end of the file, an unclosed bracket is the likeliest cause.
        if let Some((open, close)) = self.unclosed().filter(|_| at_eof) {
            let text = format!(
                "this `{}` is never closed: expected `{close}` before the end of the file",
                if close == "}" { "{" } else { "(" }
            );
            self.diags.push(Diagnostic::new(open, text));
            return Err(Stop::Error);
        }
        // Something missing at the end of a line is shown there, not at the
        // start of the next line, when what follows begins a line of its own.
        let prev = self.prev_span();
        let starts_line = match self.peek() {
            Tok::Ident(w) => ITEM_WORDS.contains(&w.as_str()) || LINE_WORDS.contains(&w.as_str()),
            Tok::Sym(s) => *s == "}",
            Tok::Eof => true,
            _ => false,
        };
        let later_line = self.pos > 0
            && self
                .src
                .get(prev.end as usize..span.start as usize)
                .is_some_and(|between| between.contains('\n'));
        if starts_line && later_line {
            let found = if at_eof {
                found
            } else {
                let line = line_col(self.src, span.start).line;
                let item = matches!(self.peek(), Tok::Ident(w) if ITEM_WORDS.contains(&w.as_str()));
                let hint = if item && self.depth > 0 {
                    " (is a `}` missing?)"
                } else {
                    ""
                };
                format!("{found} on line {line}{hint}")
            };
            self.diags.push(Diagnostic::new(
                Span::new(prev.end as usize, prev.end as usize),
                format!("expected {expected}, found {found}"),
            ));
            return Err(Stop::Error);
        }
        self.diags.push(Diagnostic::new(
            span,
            format!("expected {expected}, found {found}"),
        ));
        Err(Stop::Error)
    }

    /// The innermost `{` or `(` of the file that no bracket closes, and its closer.
    fn unclosed(&self) -> Option<(Span, &'static str)> {
        let mut open: Vec<(Span, &'static str)> = Vec::new();
        for t in self.toks {
            match t.tok {
                Tok::Sym("{") => open.push((t.span, "}")),
                Tok::Sym("(") => open.push((t.span, ")")),
                Tok::Sym(close @ ("}" | ")")) if open.last().is_some_and(|(_, c)| *c == close) => {
                    open.pop();
                }
                _ => {}
            }
        }
        open.pop()
    }

    fn expect_sym(&mut self, s: &str, what: &str) -> P<Span> {
        if self.is_sym(s) {
            Ok(self.bump().span)
        } else {
            self.error(what)
        }
    }

    fn expect_word(&mut self, w: &str) -> P<Span> {
        if self.is_word(w) {
            Ok(self.bump().span)
        } else {
            self.error(&format!("`{w}`"))
        }
    }

    fn name(&mut self, what: &str) -> P<Name> {
        match self.peek().clone() {
            Tok::Ident(text) => {
                let span = self.bump().span;
                Ok(Name { text, span })
            }
            _ => self.error(what),
        }
    }

    fn deeper(&mut self) -> P<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.span();
            self.diags.push(Diagnostic::new(
                span,
                format!("nested too deeply: at most {MAX_DEPTH} levels of brackets and blocks"),
            ));
            return Err(Stop::Fatal);
        }
        Ok(())
    }

    /// One more operator in a chain (or field in `a.b.c`): as deep as a bracket.
    fn deeper_chain(&mut self) -> P<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.span();
            self.diags.push(Diagnostic::new(
                span,
                format!("nested too deeply: at most {MAX_DEPTH} levels of brackets, blocks and operators in a row (split a long expression with `let`)"),
            ));
            return Err(Stop::Fatal);
        }
        Ok(())
    }

    /// Skips to the next top-level item after an error in the one that began at `start`.
    fn recover(&mut self, start: usize) {
        if self.pos == start {
            self.bump();
        }
        while !self.at_eof() {
            if let Tok::Ident(w) = self.peek() {
                if ITEM_WORDS.contains(&w.as_str()) && self.at_line_start() {
                    return;
                }
            }
            self.bump();
        }
    }

    /// After an error in an actor's member that began at `start`: skips to
    /// the next member that begins a line, so the actor's other members are
    /// still checked. False if an item (or the end) comes first.
    fn recover_member(&mut self, start: usize) -> bool {
        if self.pos == start {
            self.bump();
        }
        while !self.at_eof() {
            if let Tok::Ident(w) = self.peek() {
                if self.at_line_start_after_space() {
                    if ITEM_WORDS.contains(&w.as_str()) {
                        return false;
                    }
                    if MEMBER_WORDS.contains(&w.as_str()) {
                        return true;
                    }
                }
            }
            self.bump();
        }
        false
    }

    /// Whether the current token is the first thing on its line, in column 1.
    fn at_line_start(&self) -> bool {
        let at = self.span().start as usize;
        at == 0 || self.src.as_bytes().get(at - 1) == Some(&b'\n')
    }

    /// Whether the current token is the first thing on its line, after indentation.
    fn at_line_start_after_space(&self) -> bool {
        let at = self.span().start as usize;
        let before = self.src.as_bytes()[..at]
            .iter()
            .rev()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        at == before || self.src.as_bytes().get(at - before - 1) == Some(&b'\n')
    }

    fn text(&mut self, what: &str) -> P<Text> {
        let Tok::Str(pieces) = self.peek().clone() else {
            return self.error(what);
        };
        let span = self.bump().span;
        let mut out = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push(TemplatePiece::Text(t)),
                Piece::Code(toks, span) => {
                    let mut sub = Parser {
                        toks: &toks,
                        pos: 0,
                        depth: self.depth + 1,
                        diags: Vec::new(),
                        src: self.src,
                        main: false,
                    };
                    let expr = if matches!(sub.peek(), Tok::Eof) {
                        sub.diags.push(Diagnostic::new(
                            span,
                            "expected an expression between `{` and `}` (write \\{ for a brace)",
                        ));
                        Err(Stop::Error)
                    } else {
                        sub.expr().and_then(|e| {
                            if matches!(sub.peek(), Tok::Eof) {
                                Ok(e)
                            } else {
                                sub.error("`}` to end the interpolated expression")
                            }
                        })
                    };
                    self.diags.append(&mut sub.diags);
                    match expr {
                        Ok(e) => out.push(TemplatePiece::Expr(e)),
                        Err(stop) => return Err(stop),
                    }
                }
            }
        }
        Ok(Text { pieces: out, span })
    }

    fn int_literal(&mut self) -> P<(i64, Span)> {
        let start = self.span();
        let neg = self.eat_sym("-");
        match *self.peek() {
            Tok::Int(n) => {
                let span = start.to(self.bump().span);
                Ok((if neg { -n } else { n }, span))
            }
            _ => self.error("a whole number"),
        }
    }

    fn item(&mut self) -> P<Item> {
        let start = self.span();
        if self.is_sym("}") {
            self.diags.push(Diagnostic::new(
                start,
                "this `}` closes nothing: one `}` too many, or a `{` missing before it",
            ));
            return Err(Stop::Error);
        }
        let Tok::Ident(word) = self.peek().clone() else {
            return self.error(
                "a declaration (protocol, param, message, server, client, outcome, predict, goal or network)",
            );
        };
        match word.as_str() {
            "protocol" => {
                self.bump();
                let name = self.text("the protocol's name, as a string")?;
                let mut settings = Vec::new();
                if self.eat_sym("{") {
                    while !self.eat_sym("}") {
                        let key = self.name("`title`, `fixed`, `note` or `}`")?;
                        let value = self.text("a string")?;
                        settings.push((key, value));
                    }
                }
                Ok(Item::Protocol {
                    name,
                    settings,
                    span: start.to(self.prev_span()),
                })
            }
            "param" => {
                self.bump();
                let name = self.name("the parameter's name")?;
                let label = self.text("the parameter's label, as a string (\"People\")")?;
                self.expect_word("in")?;
                let lo = self.int_literal()?;
                self.expect_sym("..", "`..` between the lowest and highest value")?;
                let hi = self.int_literal()?;
                self.expect_sym("=", "`=` and the default value")?;
                let default = self.int_literal()?;
                Ok(Item::Param {
                    name,
                    label,
                    lo,
                    hi,
                    default,
                    span: start.to(self.prev_span()),
                })
            }
            "message" => {
                self.bump();
                let name = self.name("the message's name")?;
                let mut fields = Vec::new();
                if self.eat_sym("(") {
                    while !self.eat_sym(")") {
                        let field = self.name("a field name or `)`")?;
                        self.expect_sym(":", "`:` and the field's type")?;
                        let ty = self.ty()?;
                        fields.push((field, ty));
                        if !self.is_sym(")") {
                            self.expect_sym(",", "`,` or `)`")?;
                        }
                    }
                }
                let mut shows = Vec::new();
                if self.eat_sym("{") {
                    while !self.eat_sym("}") {
                        self.expect_word("show")?;
                        shows.push(self.show()?);
                    }
                }
                Ok(Item::Message {
                    name,
                    fields,
                    shows,
                    span: start.to(self.prev_span()),
                })
            }
            "server" | "client" => {
                self.bump();
                let server = word == "server";
                let name = self.name("the actor's name")?;
                let title = self.text("the name the page shows, as a string (\"Fridge\")")?;
                let letter = if server {
                    if !self.eat_word("letter") {
                        return self.error("`letter` and the server's letter in schedules (letter \"F\")");
                    }
                    Some(self.text("the server's letter in schedules, as a string (\"F\")")?)
                } else {
                    None
                };
                let count = if !server && self.eat_sym("*") {
                    Some(self.name("the parameter that says how many there are")?)
                } else {
                    None
                };
                self.expect_sym("{", "`{` to begin the actor's body")?;
                self.deeper()?;
                let depth = self.depth;
                let mut members = Vec::new();
                let mut failed = false;
                while !self.eat_sym("}") {
                    let at = self.pos;
                    match self.member() {
                        Ok(m) => members.push(m),
                        Err(Stop::Fatal) => return Err(Stop::Fatal),
                        Err(Stop::Error) => {
                            // Go on with the next member, so one error does not hide the next.
                            failed = true;
                            self.depth = depth;
                            if !self.recover_member(at) || self.diags.len() >= MAX_DIAGNOSTICS {
                                return Err(Stop::Error);
                            }
                        }
                    }
                }
                if failed {
                    return Err(Stop::Error);
                }
                self.depth -= 1;
                Ok(Item::Actor {
                    server,
                    name,
                    title,
                    letter,
                    count,
                    members,
                    span: start.to(self.prev_span()),
                })
            }
            "outcome" => {
                self.bump();
                self.expect_sym("{", "`{`")?;
                let mut members = Vec::new();
                while !self.eat_sym("}") {
                    members.push(self.outcome_member()?);
                }
                Ok(Item::Outcome {
                    members,
                    span: start.to(self.prev_span()),
                })
            }
            "predict" => {
                self.bump();
                self.expect_sym("{", "`{`")?;
                self.expect_word("for")?;
                let var = self.name("the loop's variable")?;
                self.expect_word("in")?;
                let lo = self.expr()?;
                self.expect_sym("..", "`..`")?;
                let hi = self.expr()?;
                self.expect_sym("{", "`{`")?;
                self.expect_word("candidate")?;
                let left = self.expr()?;
                self.expect_sym(",", "`,` between what is left and the count")?;
                let count = self.expr()?;
                self.expect_sym("}", "`}`")?;
                let mut shows = Vec::new();
                while !self.eat_sym("}") {
                    self.expect_word("show")?;
                    shows.push(self.show()?);
                }
                Ok(Item::Predict {
                    var,
                    lo,
                    hi,
                    candidate: (left, count),
                    shows,
                    span: start.to(self.prev_span()),
                })
            }
            "goal" => {
                self.bump();
                let id = self.text("the goal's id, as a string")?;
                let title = self.text("the goal's title, as a string")?;
                self.expect_sym("{", "`{`")?;
                let offered = if self.eat_word("offered") {
                    self.expect_word("if")?;
                    Some(self.expr()?)
                } else {
                    None
                };
                self.expect_word("when")?;
                let role = self.name("the actor that receives")?;
                let ignored = if self.eat_word("ignores") {
                    true
                } else if self.eat_word("receives") {
                    false
                } else {
                    return self.error("`receives` or `ignores`");
                };
                let pattern = self.pattern()?;
                let cond = if self.eat_word("if") {
                    Some(self.expr()?)
                } else {
                    None
                };
                self.expect_sym("}", "`}`")?;
                Ok(Item::Goal {
                    id,
                    title,
                    offered,
                    role,
                    ignored,
                    pattern,
                    cond,
                    span: start.to(self.prev_span()),
                })
            }
            "network" => {
                self.bump();
                if self.is_word("lose") || self.is_word("duplicate") {
                    return self.error(
                        "the network's order first, `fifo` or `unordered` (network fifo lose 1)",
                    );
                }
                let order = self.name("the network's order: `fifo` or `unordered`")?;
                let mut faults = Vec::new();
                while self.is_word("lose") || self.is_word("duplicate") {
                    let fault = self.name("`lose` or `duplicate`")?;
                    let budget = if let Tok::Ident(_) = self.peek() {
                        BudgetAst::Param(self.name("a parameter's name")?)
                    } else {
                        let (n, span) = self.int_literal()?;
                        BudgetAst::Number(n, span)
                    };
                    faults.push((fault, budget));
                }
                Ok(Item::Network {
                    order,
                    faults,
                    span: start.to(self.prev_span()),
                })
            }
            _ => self.error(
                "a declaration (protocol, param, message, server, client, outcome, predict, goal or network)",
            ),
        }
    }

    fn ty(&mut self) -> P<TypeAst> {
        let start = self.span();
        if self.eat_word("int") {
            return Ok(TypeAst::Int(start));
        }
        if self.eat_word("bool") {
            return Ok(TypeAst::Bool(start));
        }
        if self.eat_word("id") {
            return Ok(TypeAst::Id(start));
        }
        if self.eat_word("list") {
            self.expect_sym("<", "`<` and the element type")?;
            self.deeper()?;
            let elem = self.ty()?;
            self.depth -= 1;
            self.expect_sym(",", "`,` and the list's capacity")?;
            let (cap, _) = self.int_literal()?;
            self.expect_sym(">", "`>`")?;
            return Ok(TypeAst::List(
                Box::new(elem),
                cap,
                start.to(self.prev_span()),
            ));
        }
        if matches!(self.peek(), Tok::Int(_)) || self.is_sym("-") {
            let (lo, _) = self.int_literal()?;
            self.expect_sym("..", "`..`")?;
            let (hi, _) = self.int_literal()?;
            return Ok(TypeAst::Range(lo, hi, start.to(self.prev_span())));
        }
        self.error("a type: int, LOW..HIGH, bool, id or list<TYPE, CAPACITY>")
    }

    fn show(&mut self) -> P<Show> {
        let text = self.text("the text to show, as a string")?;
        let after = if self.eat_word("after") {
            Some(self.pattern()?)
        } else {
            None
        };
        let cond = if self.eat_word("if") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Show { text, after, cond })
    }

    fn pattern(&mut self) -> P<Pattern> {
        let start = self.span();
        if self.eat_word("any") {
            return Ok(Pattern {
                kind: None,
                binds: Vec::new(),
                span: start,
            });
        }
        let kind = self.name("a message kind or `any`")?;
        let mut binds = Vec::new();
        if self.eat_sym("(") {
            while !self.eat_sym(")") {
                if self.eat_sym("_") {
                    binds.push(None);
                } else {
                    binds.push(Some(self.name("a name for the field, `_` or `)`")?));
                }
                if !self.is_sym(")") {
                    self.expect_sym(",", "`,` or `)`")?;
                }
            }
        }
        Ok(Pattern {
            kind: Some(kind),
            binds,
            span: start.to(self.prev_span()),
        })
    }

    fn phase_list(&mut self) -> P<Vec<Name>> {
        let mut phases = Vec::new();
        if self.eat_word("in") {
            loop {
                phases.push(self.name("a phase")?);
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        Ok(phases)
    }

    fn member(&mut self) -> P<Member> {
        let start = self.span();
        let Tok::Ident(word) = self.peek().clone() else {
            return self.error(
                "`var`, `phase`, `invariant`, `show`, `finished`, `start`, `on`, `ignore` or `}`",
            );
        };
        self.bump();
        match word.as_str() {
            "phase" => {
                let name = self.name("the phase's name")?;
                let label = self.text("how the page describes the phase, as a string")?;
                Ok(Member::Phase { name, label })
            }
            "var" => {
                let name = self.name("the variable's name")?;
                self.expect_sym(":", "`:` and the variable's type")?;
                let ty = self.ty()?;
                let init = if self.eat_sym("=") {
                    Some(self.expr()?)
                } else {
                    None
                };
                Ok(Member::Var {
                    name,
                    ty,
                    init,
                    span: start.to(self.prev_span()),
                })
            }
            "invariant" => Ok(Member::Invariant(self.expr()?)),
            "show" => Ok(Member::Show(self.show()?)),
            "finished" => {
                self.expect_word("if")?;
                Ok(Member::Finished(self.expr()?))
            }
            "start" => {
                let body = self.block()?;
                Ok(Member::Start(body, start))
            }
            "on" => {
                let pattern = self.pattern()?;
                let phases = self.phase_list()?;
                let body = self.block()?;
                Ok(Member::On {
                    pattern,
                    phases,
                    body,
                })
            }
            "ignore" => {
                let mut kinds = Vec::new();
                let mut any = false;
                loop {
                    if self.eat_word("any") {
                        any = true;
                    } else {
                        kinds.push(self.name("a message kind or `any`")?);
                    }
                    if !self.eat_sym(",") {
                        break;
                    }
                }
                let phases = self.phase_list()?;
                let because = if self.eat_word("because") {
                    Some(self.text("the reason, as a string")?)
                } else {
                    None
                };
                Ok(Member::Ignore {
                    kinds,
                    any,
                    phases,
                    because,
                    span: start.to(self.prev_span()),
                })
            }
            _ => {
                self.pos -= 1;
                self.error(
                    "`var`, `phase`, `invariant`, `show`, `finished`, `start`, `on`, `ignore` or `}`",
                )
            }
        }
    }

    fn outcome_member(&mut self) -> P<OutcomeMember> {
        let start = self.span();
        if self.eat_word("shape") {
            let left = self.expr()?;
            self.expect_sym(",", "`,` between what is left and the count")?;
            let count = self.expr()?;
            return Ok(OutcomeMember::Shape(
                left,
                count,
                start.to(self.prev_span()),
            ));
        }
        if self.eat_word("unsafe") {
            let why = self.text("the sentence that says why, as a string")?;
            self.expect_word("if")?;
            let cond = self.expr()?;
            return Ok(OutcomeMember::Unsafe { why, cond });
        }
        if self.eat_word("show") {
            return Ok(OutcomeMember::Show(self.show()?));
        }
        // `stuck safe`; `stuck` and `safe` are not keywords, so `stuck = ...`
        // still names a value.
        if self.is_word("stuck") && matches!(self.peek_at(1), Tok::Ident(w) if w == "safe") {
            self.bump();
            self.bump();
            return Ok(OutcomeMember::StuckSafe(start.to(self.prev_span())));
        }
        // `highest NAME`; `highest` is not a keyword either.
        if self.is_word("highest") && matches!(self.peek_at(1), Tok::Ident(_)) {
            self.bump();
            let name = self.name("the name of an outcome value")?;
            return Ok(OutcomeMember::Highest(name));
        }
        let name = self.name(
            "an outcome value's name, `shape`, `unsafe`, `stuck safe`, `highest`, `show` or `}`",
        )?;
        self.expect_sym("=", "`=`")?;
        // `role where ...` / `role times ...` lists clients; anything else is a value.
        if let (Tok::Ident(role), Tok::Ident(next)) = (self.peek().clone(), self.peek_at(1).clone())
        {
            if next == "where" || next == "times" {
                let role_span = self.bump().span;
                let role = Name {
                    text: role,
                    span: role_span,
                };
                let filter = if self.eat_word("where") {
                    Some(self.expr()?)
                } else {
                    None
                };
                let times = if self.eat_word("times") {
                    Some(self.expr()?)
                } else {
                    None
                };
                return Ok(OutcomeMember::Clients {
                    name,
                    role,
                    filter,
                    times,
                });
            }
        }
        let value = self.expr()?;
        Ok(OutcomeMember::Value { name, value })
    }

    fn block(&mut self) -> P<Block> {
        self.expect_sym("{", "`{` to begin a block")?;
        self.deeper()?;
        let mut stmts = Vec::new();
        while !self.eat_sym("}") {
            stmts.push(self.stmt()?);
            self.eat_sym(";");
        }
        self.depth -= 1;
        Ok(stmts)
    }

    fn call(&mut self) -> P<Call> {
        let kind = self.name("a message kind")?;
        let mut args = Vec::new();
        if self.eat_sym("(") {
            while !self.eat_sym(")") {
                args.push(self.expr()?);
                if !self.is_sym(")") {
                    self.expect_sym(",", "`,` or `)`")?;
                }
            }
        }
        Ok(Call { kind, args })
    }

    fn stmt(&mut self) -> P<Stmt> {
        let start = self.span();
        let Tok::Ident(word) = self.peek().clone() else {
            return self.error("a statement (let, an assignment, send, reply, if, while, for, goto, assert) or `}`");
        };
        match word.as_str() {
            "let" => {
                self.bump();
                let name = self.name("a name")?;
                self.expect_sym("=", "`=`")?;
                Ok(Stmt::Let(name, self.expr()?))
            }
            "send" => {
                self.bump();
                let to = self.postfix()?;
                let call = self.call()?;
                Ok(Stmt::Send {
                    to: Some(to),
                    call,
                    span: start.to(self.prev_span()),
                })
            }
            "reply" => {
                self.bump();
                let call = self.call()?;
                Ok(Stmt::Send {
                    to: None,
                    call,
                    span: start.to(self.prev_span()),
                })
            }
            "if" => self.if_stmt(),
            "while" => {
                self.bump();
                let cond = self.expr()?;
                let body = self.block()?;
                Ok(Stmt::While(cond, body, start))
            }
            "for" => {
                self.bump();
                let var = self.name("the loop's variable")?;
                self.expect_word("in")?;
                // `for x in list` or `for i in lo..hi`.
                if let Tok::Ident(list) = self.peek().clone() {
                    if matches!(self.peek_at(1), Tok::Sym("{")) {
                        let span = self.bump().span;
                        let body = self.block()?;
                        return Ok(Stmt::ForList(var, Name { text: list, span }, body));
                    }
                }
                let lo = self.expr()?;
                self.expect_sym("..", "`..` (for i in LOW..HIGH) or a list")?;
                let hi = self.expr()?;
                let body = self.block()?;
                Ok(Stmt::ForRange(var, lo, hi, body))
            }
            "goto" => {
                self.bump();
                Ok(Stmt::Goto(self.name("a phase")?))
            }
            "assert" => {
                self.bump();
                Ok(Stmt::Assert(self.expr()?, start))
            }
            _ => {
                let name = self.name("a statement")?;
                if self.eat_sym("=") {
                    return Ok(Stmt::Assign(name, self.expr()?));
                }
                if self.eat_sym(".") {
                    let method = self.name("a list operation (push, pop, remove, clear)")?;
                    let mut args = Vec::new();
                    self.expect_sym("(", "`(`")?;
                    while !self.eat_sym(")") {
                        args.push(self.expr()?);
                        if !self.is_sym(")") {
                            self.expect_sym(",", "`,` or `)`")?;
                        }
                    }
                    return Ok(Stmt::Method {
                        target: name,
                        method,
                        args,
                    });
                }
                self.pos -= 1;
                self.error("a statement (let, an assignment, send, reply, if, while, for, goto, assert) or `}`")
            }
        }
    }

    fn if_stmt(&mut self) -> P<Stmt> {
        self.expect_word("if")?;
        let cond = self.expr()?;
        let then = self.block()?;
        let otherwise = if self.eat_word("else") {
            if self.is_word("if") {
                self.deeper()?;
                let nested = self.if_stmt()?;
                self.depth -= 1;
                vec![nested]
            } else {
                self.block()?
            }
        } else {
            Vec::new()
        };
        Ok(Stmt::If(cond, then, otherwise))
    }

    fn expr(&mut self) -> P<Expr> {
        self.deeper()?;
        let cond = self.binary(0)?;
        let e = if self.eat_sym("?") {
            let a = self.expr()?;
            self.expect_sym(":", "`:` in `condition ? a : b`")?;
            let b = self.expr()?;
            let span = cond.span.to(b.span);
            Expr {
                kind: ExprKind::Cond(Box::new(cond), Box::new(a), Box::new(b)),
                span,
            }
        } else {
            cond
        };
        self.depth -= 1;
        Ok(e)
    }

    /// Binary operators by precedence level, lowest first.
    fn binary(&mut self, level: usize) -> P<Expr> {
        const LEVELS: [&[&str]; 5] = [
            &["||"],
            &["&&"],
            &["==", "!=", "<", "<=", ">", ">="],
            &["+", "-"],
            &["*", "/", "%"],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.binary(level + 1)?;
        // Each operator of a chain nests the tree one level deeper (`a + b + c`
        // is `(a + b) + c`), and the checker and the interpreter walk it
        // recursively: so a chain counts towards the depth limit too.
        let outer = self.depth;
        while let Tok::Sym(op) = *self.peek() {
            if !LEVELS[level].contains(&op) {
                break;
            }
            self.bump();
            self.deeper_chain()?;
            let right = self.binary(level + 1)?;
            let span = left.span.to(right.span);
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                span,
            };
            if level == 2 {
                // Comparisons do not chain: `a < b < c` means nothing here.
                if let Tok::Sym(op) = *self.peek() {
                    if LEVELS[2].contains(&op) {
                        return self.error(
                            "an operator other than a second comparison (write `a < b && b < c`)",
                        );
                    }
                }
                break;
            }
        }
        self.depth = outer;
        Ok(left)
    }

    fn unary(&mut self) -> P<Expr> {
        let start = self.span();
        for op in ["-", "!"] {
            if self.eat_sym(op) {
                self.deeper()?;
                let inner = self.unary()?;
                self.depth -= 1;
                let span = start.to(inner.span);
                return Ok(Expr {
                    kind: ExprKind::Unary(op, Box::new(inner)),
                    span,
                });
            }
        }
        self.postfix()
    }

    fn args(&mut self) -> P<Vec<Expr>> {
        let mut args = Vec::new();
        while !self.eat_sym(")") {
            args.push(self.expr()?);
            if !self.is_sym(")") {
                self.expect_sym(",", "`,` or `)`")?;
            }
        }
        Ok(args)
    }

    fn postfix(&mut self) -> P<Expr> {
        let mut e = self.primary()?;
        let outer = self.depth;
        while self.is_sym(".") && matches!(self.peek_at(1), Tok::Ident(_)) {
            self.bump();
            self.deeper_chain()?;
            let field = self.name("a field")?;
            if self.eat_sym("(") {
                let args = self.args()?;
                let span = e.span.to(self.prev_span());
                e = Expr {
                    kind: ExprKind::Method(Box::new(e), field, args),
                    span,
                };
            } else {
                let span = e.span.to(field.span);
                e = Expr {
                    kind: ExprKind::Field(Box::new(e), field),
                    span,
                };
            }
        }
        self.depth = outer;
        Ok(e)
    }

    fn primary(&mut self) -> P<Expr> {
        let span = self.span();
        match self.peek().clone() {
            Tok::Int(n) => {
                self.bump();
                Ok(Expr {
                    kind: ExprKind::Int(n),
                    span,
                })
            }
            Tok::Str(pieces) => {
                self.bump();
                let text = match pieces.as_slice() {
                    [Piece::Text(t)] => t.clone(),
                    _ => {
                        self.diags.push(Diagnostic::new(
                            span,
                            "a string argument cannot interpolate `{...}`",
                        ));
                        return Err(Stop::Error);
                    }
                };
                Ok(Expr {
                    kind: ExprKind::Str(text),
                    span,
                })
            }
            Tok::Ident(word)
                if ITEM_WORDS.contains(&word.as_str())
                    || LINE_WORDS.contains(&word.as_str())
                    || NOT_EXPRESSIONS.contains(&word.as_str()) =>
            {
                self.error("an expression")
            }
            Tok::Ident(word) => {
                self.bump();
                let kind = match word.as_str() {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "none" => ExprKind::None,
                    _ if self.is_sym("(") => {
                        self.bump();
                        let args = self.args()?;
                        let name = Name { text: word, span };
                        return Ok(Expr {
                            kind: ExprKind::Call(name, args),
                            span: span.to(self.prev_span()),
                        });
                    }
                    _ => ExprKind::Name(word),
                };
                Ok(Expr { kind, span })
            }
            Tok::Sym("(") => {
                self.bump();
                let inner = self.expr()?;
                self.expect_sym(")", "`)`")?;
                Ok(Expr {
                    kind: inner.kind,
                    span: span.to(self.prev_span()),
                })
            }
            _ => self.error("an expression"),
        }
    }
}
