//! A checked protocol, in the compact form the interpreter runs: every name
//! resolved to a slot, a local, a parameter or a message kind, every type
//! known. Nothing here is looked up by string at run time.
//!
//! Values are `i32` throughout: integers as they are, booleans as 0 and 1,
//! actor references as the actor's number (`-1` is `none`), phases as their
//! index. An actor's state is a flat vector of such slots: slot 0 is its
//! phase, then its variables in order; a list takes one slot for its
//! length and one per element of its capacity, unused ones kept 0 so equal
//! states are equal vectors.

use super::diag::Span;

/// The most fields a message kind may have.
pub const MAX_FIELDS: usize = 4;
/// The most statements and loop turns one handler may take.
pub const MAX_STEPS: u32 = 100_000;
/// The most messages one handler may send.
pub const MAX_SENDS: usize = 64;
/// The most slots one actor's state may have.
pub const MAX_SLOTS: usize = 256;
/// The largest capacity a list may declare.
pub const MAX_LIST: i64 = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// The name links and the command line use: `look-before-take`.
    pub name: String,
    pub title: String,
    /// The parameters in words ("3 people, 2 drinks"); empty: by their labels.
    pub summary: Vec<ShowPiece>,
    /// The exact text of the file.
    pub source: String,
    /// The name of the protocol that fixes this one's race, if any.
    pub fixed: Option<String>,
    /// What to notice, in a sentence, if the protocol says.
    pub note: Option<String>,
    pub params: Vec<Param>,
    pub messages: Vec<MessageKind>,
    /// The server is role 0; clients follow in the order declared.
    pub roles: Vec<Role>,
    pub outcome: OutcomeDecl,
    pub predict: Option<Predict>,
    pub goals: Vec<GoalDecl>,
    /// Actor references are kept in a state or a message, so renaming
    /// clients would have to rename data too: symmetry reduction is off.
    pub stores_ids: bool,
    /// Clients may send to clients (not only to the server).
    pub client_to_client: bool,
    /// How messages travel between the actors (`network ...`).
    pub network: NetworkDecl,
}

/// The most messages a protocol may let the network lose, or duplicate, in
/// one run: each is a branch at every step, so budgets stay small.
pub const MAX_FAULTS: i32 = 3;

/// How messages travel: the order each channel keeps and how many messages
/// the network may lose and duplicate in one run. A message an actor sends
/// itself (a timer) is never lost or duplicated: it does not cross a
/// network.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetworkDecl {
    /// Any message in flight may arrive next, not only each channel's
    /// oldest.
    pub unordered: bool,
    pub lose: Budget,
    pub duplicate: Budget,
}

/// A fault budget: a number, or a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    Fixed(u8),
    Param(u16),
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::Fixed(0)
    }
}

impl Budget {
    /// The budget given the parameters' values, within 0..=[`MAX_FAULTS`].
    pub fn value(self, params: &[i32]) -> u8 {
        let v = match self {
            Budget::Fixed(n) => i32::from(n),
            Budget::Param(p) => params.get(usize::from(p)).copied().unwrap_or(0),
        };
        v.clamp(0, MAX_FAULTS) as u8
    }
}

impl NetworkDecl {
    /// Whether this is today's network: FIFO channels, nothing lost or
    /// duplicated.
    pub fn is_reliable_fifo(&self) -> bool {
        !self.unordered && self.lose == Budget::Fixed(0) && self.duplicate == Budget::Fixed(0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    /// The Scenario form's label: "People".
    pub label: String,
    pub lo: i32,
    pub hi: i32,
    pub default: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Int,
    Bool,
    Id,
    /// A phase of the role with this index.
    Phase(u16),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageKind {
    pub name: String,
    pub fields: Vec<(String, Ty)>,
    /// How the message is shown; the fields are locals 0.. in order.
    pub shows: Vec<ShowRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Count {
    One,
    Param(u16),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    /// "Fridge", "Person".
    pub title: String,
    /// The server's letter in schedules.
    pub letter: Option<char>,
    pub count: Count,
    pub phases: Vec<(String, String)>,
    pub vars: Vec<Var>,
    /// Slots in this role's state.
    pub slots: usize,
    pub start: Block,
    /// Locals the start block needs.
    pub start_locals: usize,
    pub handlers: Vec<Handler>,
    /// `dispatch[phase * kinds + kind]`: what a message of that kind does in that phase.
    pub dispatch: Vec<Action>,
    pub invariants: Vec<Invariant>,
    pub shows: Vec<ShowRule>,
    pub finished: Option<Expr>,
    /// The reasons `ignore ... because "..."` gives, for the narration.
    pub ignore_reasons: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    pub slot: u16,
    pub kind: VarKind,
    /// Computed from the parameters.
    pub init: Expr,
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Scalar { ty: Ty, lo: i32, hi: i32 },
    List { elem: Ty, cap: u16 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// No handler: the message does not belong to the protocol here.
    Unexpected,
    Handle(u16),
    /// Ignored on purpose; the reason, if given, is `ignore_reasons[i]`.
    Ignore(Option<u16>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handler {
    pub kind: u16,
    pub body: Block,
    /// Locals: the message's fields first, then every `let` and loop variable.
    pub locals: usize,
    /// The source lines the handler's body spans.
    pub lines: (u32, u32),
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invariant {
    pub expr: Expr,
    pub text: String,
    pub line: u32,
}

pub type Block = Vec<Stmt>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stmt {
    /// A local set, with the statement's line.
    SetLocal(u16, Expr, u32),
    SetSlot {
        slot: u16,
        value: Expr,
        lo: i32,
        hi: i32,
        name: String,
        line: u32,
    },
    Send {
        to: Option<Expr>,
        kind: u16,
        args: Vec<Expr>,
        line: u32,
    },
    If(Expr, Block, Block, u32),
    While(Expr, Block, u32),
    ForRange {
        local: u16,
        lo: Expr,
        hi: Expr,
        body: Block,
        line: u32,
    },
    ForList {
        local: u16,
        slot: u16,
        body: Block,
        line: u32,
    },
    Goto(u16, u32),
    Assert(Expr, String, u32),
    Push {
        slot: u16,
        cap: u16,
        value: Expr,
        name: String,
        line: u32,
    },
    /// Removes the first element; an error on an empty list.
    Pop {
        slot: u16,
        name: String,
        line: u32,
    },
    /// Removes the first element equal to the value, if any.
    Remove {
        slot: u16,
        cap: u16,
        value: Expr,
        line: u32,
    },
    Clear {
        slot: u16,
        cap: u16,
        line: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Const(i32),
    Param(u16),
    /// A slot of the actor whose code runs.
    Slot(u16),
    /// A slot of the receiver before the delivery (goals' `old.x`).
    Old(u16),
    Local(u16),
    Sender,
    SelfId,
    /// The actor number of a role with one actor.
    ActorOf(u16),
    /// A slot of a role with one actor (`fridge.drinks` in an outcome).
    Other(u16, u16),
    /// An outcome value computed earlier.
    OutcomeValue(u16),
    /// The length of a client list of the outcome.
    OutcomeCount(u16),
    ListLen(u16),
    ListFirst(u16, u32),
    ListContains(u16, Box<Expr>),
    Neg(Box<Expr>, u32),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>, u32),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Min(Box<Expr>, Box<Expr>),
    Max(Box<Expr>, Box<Expr>),
    Abs(Box<Expr>, u32),
}

impl Stmt {
    /// The source line the statement starts on (for the page's trace of
    /// the lines a delivery ran).
    pub fn line(&self) -> u32 {
        match self {
            Stmt::SetLocal(.., line)
            | Stmt::If(.., line)
            | Stmt::While(.., line)
            | Stmt::Goto(_, line)
            | Stmt::Assert(.., line) => *line,
            Stmt::SetSlot { line, .. }
            | Stmt::Send { line, .. }
            | Stmt::ForRange { line, .. }
            | Stmt::ForList { line, .. }
            | Stmt::Push { line, .. }
            | Stmt::Pop { line, .. }
            | Stmt::Remove { line, .. }
            | Stmt::Clear { line, .. } => *line,
        }
    }
}

/// `show TEMPLATE [after PATTERN] [if COND]`: the first rule whose pattern
/// and condition hold gives the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShowRule {
    /// The last message received must be of this kind; its fields are
    /// bound to locals from `after_base` on.
    pub after: Option<(u16, Vec<Option<u16>>)>,
    pub cond: Option<Expr>,
    pub pieces: Vec<ShowPiece>,
    pub locals: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShowPiece {
    Text(String),
    Int(Expr),
    Bool(Expr),
    /// An actor reference, shown by name.
    Actor(Expr),
    /// The label of the phase of this role.
    Phase(u16, Expr),
    /// `plural(n, "drink")`: "1 drink", "2 drinks".
    Plural(Expr, String),
    /// `names(list)`: "Person 1, Person 2 and Person 3".
    Names(u16),
    /// `tally(list)`: "2 from Person 1, 1 from Person 3".
    Tally(u16),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeDecl {
    pub values: Vec<OutcomeValue>,
    /// What is left, and how many: the outcome's shape for predictions.
    pub shape: Option<(Expr, Expr)>,
    pub unsafe_if: Vec<(Expr, String)>,
    /// `stuck safe`: clients left waiting at the end do not make an
    /// outcome unsafe.
    pub stuck_safe: bool,
    /// `highest NAME`: outcome values (by index) whose largest value over
    /// every outcome the explorer reports, such as a queue's peak length.
    pub highest: Vec<u16>,
    pub shows: Vec<ShowRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutcomeValue {
    pub name: String,
    pub kind: OutcomeKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// A number (or boolean) computed from singletons' state and parameters.
    Value(Expr, Ty),
    /// Client numbers of `role`, each repeated `times` (default once) where `filter` holds.
    Clients {
        role: u16,
        filter: Option<Expr>,
        times: Option<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predict {
    /// Local 0 is the loop variable.
    pub lo: Expr,
    pub hi: Expr,
    pub left: Expr,
    pub count: Expr,
    /// Locals 0 and 1 are `left` and `count`.
    pub shows: Vec<ShowRule>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalDecl {
    pub id: String,
    pub title: String,
    pub offered: Option<Expr>,
    pub role: u16,
    /// Reached by a message that the receiver ignored (not handled).
    pub ignored: bool,
    pub kind: Option<u16>,
    /// The message's fields bound to locals (`None`: not bound).
    pub binds: Vec<Option<u16>>,
    pub cond: Option<Expr>,
    pub locals: usize,
}

impl Program {
    pub fn server(&self) -> &Role {
        &self.roles[0]
    }

    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    pub fn message_index(&self, name: &str) -> Option<usize> {
        self.messages.iter().position(|m| m.name == name)
    }

    pub fn role_index(&self, name: &str) -> Option<usize> {
        self.roles.iter().position(|r| r.name == name)
    }

    /// Why swapping two clients of a role might not be a symmetry of this
    /// protocol, if it might not: then the explorer does not reduce.
    pub fn symmetry_unsound(&self) -> Option<&'static str> {
        if self.stores_ids {
            Some("the protocol keeps actor references in a state or a message")
        } else if self.client_to_client {
            Some("the protocol's clients send to actors other than the server")
        } else {
            None
        }
    }

    /// The default value of every parameter.
    pub fn defaults(&self) -> Vec<i32> {
        self.params.iter().map(|p| p.default).collect()
    }
}
