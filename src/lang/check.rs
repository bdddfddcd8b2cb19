//! From syntax tree to [`Program`]: every name resolved to what it means
//! (a parameter, a variable's slot, a local, a phase, a message kind, an
//! actor), every type checked, every handler placed in its role's dispatch
//! table. Errors are collected, not thrown: a wrong name in one handler
//! does not hide a wrong type in the next.
//!
//! Actor references are opaque on purpose: they can be stored, sent and
//! compared with `==` and `!=`, never ordered, counted or made from
//! numbers. So replicated clients cannot tell themselves apart, and
//! swapping two of them is a symmetry of every protocol that type-checks.

use super::diag::{Diagnostic, Span, MAX_DIAGNOSTICS};
use super::program::*;
use super::syntax::{
    self, BudgetAst, ExprKind, Item, Member, Name, OutcomeMember, TemplatePiece, TypeAst,
};

/// The most clients a scenario can have: schedules number them 1 to 9.
pub const MAX_CLIENTS: i64 = 9;
/// The most parameters a protocol may have (the Scenario form shows each).
pub const MAX_PARAMS: usize = 16;
/// The most message kinds a protocol may have.
pub const MAX_MESSAGES: usize = 64;
/// The most phases one role may have.
pub const MAX_PHASES: usize = 64;
/// The most values an outcome may name.
pub const MAX_OUTCOME_VALUES: usize = 64;
/// The most local names in scope at once (fields, `let`s, loop variables).
pub const MAX_LOCALS: usize = 256;

/// The keys a permalink uses for itself (`src/permalink.rs`), which a
/// parameter (written into links as `name=value`) cannot be named.
pub const LINK_KEYS: [&str; 7] = ["v", "scenario", "src", "s", "t", "p", "mode"];

/// Words that cannot name anything a protocol declares.
pub(crate) const RESERVED: [&str; 41] = [
    "protocol",
    "network",
    "param",
    "message",
    "server",
    "client",
    "outcome",
    "predict",
    "goal",
    "var",
    "phase",
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
    "else",
    "while",
    "for",
    "in",
    "goto",
    "assert",
    "true",
    "false",
    "none",
    "self",
    "sender",
    "old",
    "any",
    "after",
    "where",
    "times",
    "shape",
    "unsafe",
    "candidate",
    "int",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum T {
    Int,
    Bool,
    Id,
    Phase(u16),
    /// A list variable of the actor whose code this is.
    List {
        slot: u16,
        elem: Ty,
        cap: u16,
    },
    /// A list of client numbers in the outcome.
    Clients(u16),
    /// Already reported; accepted everywhere so one error is said once.
    Error,
}

fn ty_name(t: T) -> &'static str {
    match t {
        T::Int => "a number",
        T::Bool => "a boolean",
        T::Id => "an actor reference",
        T::Phase(_) => "a phase",
        T::List { .. } => "a list",
        T::Clients(_) => "a list of clients",
        T::Error => "an error",
    }
}

fn scalar(t: Ty) -> T {
    match t {
        Ty::Int => T::Int,
        Ty::Bool => T::Bool,
        Ty::Id => T::Id,
        Ty::Phase(r) => T::Phase(r),
    }
}

/// Where an expression is, and so what its names can mean.
#[derive(Clone, Default)]
struct Scope {
    /// Locals, innermost last: name, local index, type.
    locals: Vec<(String, u16, T)>,
    /// The number of locals allocated so far (they are never reused).
    next_local: u16,
    /// The role whose variables and phases are in scope.
    role: Option<u16>,
    /// Inside a handler: `sender` and `reply` are available.
    handler: bool,
    /// In a goal's condition: `old.x` is the receiver before.
    old: bool,
    /// In the outcome: singletons' fields and earlier outcome values.
    outcome: bool,
    /// In an outcome value's definition, where `fridge.drinks` can be read
    /// (its show rules and conditions see only the values).
    actor_state: bool,
    /// Outcome values defined so far: name, index, type.
    outcome_values: Vec<(String, u16, T)>,
}

impl Scope {
    fn local(&mut self, name: &str, t: T) -> u16 {
        let i = self.next_local;
        self.next_local += 1;
        self.locals.push((name.to_string(), i, t));
        i
    }
}

struct RoleInfo {
    name: String,
    singleton: bool,
    phases: Vec<String>,
    /// name, slot, kind
    vars: Vec<(String, u16, VarKind)>,
}

struct Checker<'a> {
    src: &'a str,
    line_starts: Vec<u32>,
    diags: Vec<Diagnostic>,
    params: Vec<Param>,
    messages: Vec<MessageKind>,
    roles: Vec<RoleInfo>,
    stores_ids: bool,
    client_to_client: bool,
}

/// Checks a parsed file. Returns the program if there was no error.
pub fn check(file: &syntax::File, src: &str) -> Result<Program, Vec<Diagnostic>> {
    let mut c = Checker {
        src,
        line_starts: line_starts(src),
        diags: Vec::new(),
        params: Vec::new(),
        messages: Vec::new(),
        roles: Vec::new(),
        stores_ids: false,
        client_to_client: false,
    };
    let program = c.file(file);
    if c.diags.is_empty() {
        program.ok_or_else(Vec::new)
    } else {
        c.diags.sort_by_key(|d| d.span.start);
        c.diags.truncate(MAX_DIAGNOSTICS);
        Err(c.diags)
    }
}

/// Where each line of `src` starts, so a line is found without rescanning.
fn line_starts(src: &str) -> Vec<u32> {
    std::iter::once(0)
        .chain(src.match_indices('\n').map(|(i, _)| i as u32 + 1))
        .collect()
}

impl Checker<'_> {
    fn err(&mut self, span: Span, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(span, message));
    }

    /// The line (from 1) that `span` starts on.
    fn line(&self, span: Span) -> u32 {
        self.line_at(span.start)
    }

    fn line_at(&self, offset: u32) -> u32 {
        self.line_starts.partition_point(|&s| s <= offset) as u32
    }

    fn text_of(&self, span: Span) -> String {
        self.src
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn plain(&mut self, text: &syntax::Text, what: &str) -> String {
        match text.plain() {
            Some(t) => t,
            None => {
                self.err(text.span, format!("{what} cannot interpolate `{{...}}`"));
                String::new()
            }
        }
    }

    fn fresh_name(&mut self, name: &Name, taken: &[&str], what: &str) -> bool {
        if RESERVED.contains(&name.text.as_str()) {
            self.err(
                name.span,
                format!("`{}` is a keyword and cannot name {what}", name.text),
            );
            return false;
        }
        if taken.contains(&name.text.as_str()) {
            self.err(
                name.span,
                format!(
                    "`{}` is already declared; {what} needs a name of its own",
                    name.text
                ),
            );
            return false;
        }
        true
    }

    fn int32(&mut self, v: i64, span: Span) -> i32 {
        match i32::try_from(v) {
            Ok(v) => v,
            Err(_) => {
                self.err(
                    span,
                    format!("{v} is too large: numbers go from -2147483648 to 2147483647"),
                );
                0
            }
        }
    }

    fn file(&mut self, file: &syntax::File) -> Option<Program> {
        let mut header = None;
        let mut actors = Vec::new();
        let mut outcome = None;
        let mut predict = None;
        let mut goals = Vec::new();
        let mut network = None;
        let (mut too_many_params, mut too_many_messages) = (false, false);
        // Declarations first, so handlers may name anything in the file.
        for item in &file.items {
            match item {
                Item::Protocol { span, .. } => {
                    if header.is_some() {
                        self.err(
                            *span,
                            "a second `protocol` header: a file holds one protocol",
                        );
                    } else {
                        header = Some(item);
                    }
                }
                Item::Param {
                    name,
                    label,
                    lo,
                    hi,
                    default,
                    ..
                } => {
                    if self.params.len() == MAX_PARAMS {
                        if !too_many_params {
                            too_many_params = true;
                            self.err(
                                name.span,
                                format!("a protocol may have at most {MAX_PARAMS} parameters"),
                            );
                        }
                        continue;
                    }
                    let taken: Vec<String> = self.params.iter().map(|p| p.name.clone()).collect();
                    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
                    if !self.fresh_name(name, &taken, "a parameter") {
                        continue;
                    }
                    if LINK_KEYS.contains(&name.text.as_str()) {
                        self.err(
                            name.span,
                            format!(
                                "a parameter cannot be named `{}`: links use that name for themselves",
                                name.text
                            ),
                        );
                        continue;
                    }
                    let label = self.plain(label, "a parameter's label");
                    let (l, h, d) = (
                        self.int32(lo.0, lo.1),
                        self.int32(hi.0, hi.1),
                        self.int32(default.0, default.1),
                    );
                    let fits = [lo.0, hi.0, default.0]
                        .iter()
                        .all(|&v| i32::try_from(v).is_ok());
                    if !fits {
                        // Already reported; the range is not checked with stand-ins.
                    } else if l > h {
                        self.err(
                            hi.1,
                            format!("the range {l}..{h} is empty: the highest value comes second"),
                        );
                    } else if !(l..=h).contains(&d) {
                        self.err(
                            default.1,
                            format!("the default {d} is outside the range {l}..{h}"),
                        );
                    }
                    self.params.push(Param {
                        name: name.text.clone(),
                        label,
                        lo: l,
                        hi: h,
                        default: d,
                    });
                }
                Item::Message { name, fields, .. } => {
                    if self.messages.len() == MAX_MESSAGES {
                        if !too_many_messages {
                            too_many_messages = true;
                            self.err(
                                name.span,
                                format!("a protocol may have at most {MAX_MESSAGES} messages"),
                            );
                        }
                        continue;
                    }
                    let taken: Vec<String> = self.messages.iter().map(|m| m.name.clone()).collect();
                    let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
                    if !self.fresh_name(name, &taken, "a message") {
                        continue;
                    }
                    if fields.len() > MAX_FIELDS {
                        self.err(
                            name.span,
                            format!("a message may have at most {MAX_FIELDS} fields"),
                        );
                    }
                    let mut out: Vec<(String, Ty)> = Vec::new();
                    for (f, ty) in fields {
                        let taken: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
                        self.fresh_name(f, &taken, "a field");
                        let t = match ty {
                            TypeAst::Int(_) => Ty::Int,
                            TypeAst::Bool(_) => Ty::Bool,
                            TypeAst::Id(_) => {
                                self.stores_ids = true;
                                Ty::Id
                            }
                            other => {
                                self.err(
                                    other.span(),
                                    "a message field is an int, a bool or an id",
                                );
                                Ty::Int
                            }
                        };
                        out.push((f.text.clone(), t));
                    }
                    self.messages.push(MessageKind {
                        name: name.text.clone(),
                        fields: out,
                        shows: Vec::new(),
                    });
                }
                Item::Actor { .. } => actors.push(item),
                Item::Outcome { span, .. } => {
                    if outcome.is_some() {
                        self.err(*span, "a second `outcome`: a protocol has one");
                    } else {
                        outcome = Some(item);
                    }
                }
                Item::Predict { span, .. } => {
                    if predict.is_some() {
                        self.err(*span, "a second `predict`: a protocol has one");
                    } else {
                        predict = Some(item);
                    }
                }
                Item::Goal { .. } => goals.push(item),
                Item::Network { span, .. } => {
                    if network.is_some() {
                        self.err(*span, "a second `network`: a protocol has one");
                    } else {
                        network = Some(item);
                    }
                }
            }
        }
        let network = network.map(|n| self.network(n)).unwrap_or_default();

        let Some(Item::Protocol {
            name,
            settings,
            span: header_span,
        }) = header
        else {
            self.err(
                Span::new(0, 0),
                "expected a `protocol \"name\"` header: every protocol file starts with one",
            );
            return None;
        };
        let protocol_name = self.plain(name, "the protocol's name");
        if protocol_name.is_empty()
            || protocol_name.len() > 40
            || !protocol_name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.err(
                name.span,
                "a protocol's name is 1 to 40 lowercase letters, digits and `-` (it goes in links)",
            );
        }
        let (mut title, mut fixed, mut note) = (protocol_name.clone(), None, None);
        let mut summary = Vec::new();
        for (key, value) in settings {
            if key.text == "summary" {
                // The parameters in words: "3 people, 2 drinks".
                summary = self.template(value, &mut Scope::default());
                continue;
            }
            let v = self.plain(value, "a protocol setting");
            match key.text.as_str() {
                "title" => title = v,
                "fixed" => fixed = Some(v),
                "note" => note = Some(v),
                _ => self.err(
                    key.span,
                    format!(
                        "unknown setting `{}`: expected `title`, `summary`, `fixed` or `note`",
                        key.text
                    ),
                ),
            }
        }

        // Roles: the server first, then clients in order.
        let mut servers = actors
            .iter()
            .filter(|a| matches!(a, Item::Actor { server: true, .. }));
        let server = servers.next();
        if let Some(Item::Actor { name, .. }) = servers.next() {
            self.err(name.span, "a second server: a protocol has exactly one");
        }
        let Some(server) = server else {
            self.err(
                *header_span,
                "expected a `server`: every protocol has one actor the clients talk to",
            );
            return None;
        };
        let ordered: Vec<&Item> = std::iter::once(*server)
            .chain(
                actors
                    .iter()
                    .copied()
                    .filter(|a| matches!(a, Item::Actor { server: false, .. })),
            )
            .collect();
        let mut ordered = ordered;
        if ordered.len() > MAX_CLIENTS as usize + 1 {
            if let Item::Actor { name, .. } = ordered[MAX_CLIENTS as usize + 1] {
                self.err(
                    name.span,
                    format!("a protocol may have at most {MAX_CLIENTS} kinds of client"),
                );
            }
            ordered.truncate(MAX_CLIENTS as usize + 1);
        }
        let mut most_clients = 0i64;
        let mut over_at = None;
        for item in &ordered {
            let Item::Actor {
                name,
                count,
                members,
                server,
                ..
            } = item
            else {
                continue;
            };
            let mut taken: Vec<String> = self.roles.iter().map(|r| r.name.clone()).collect();
            taken.extend(self.params.iter().map(|p| p.name.clone()));
            let taken: Vec<&str> = taken.iter().map(String::as_str).collect();
            self.fresh_name(name, &taken, "an actor");
            if !server {
                most_clients += match count {
                    None => 1,
                    Some(p) => match self.params.iter().find(|q| q.name == p.text) {
                        Some(q) if q.lo >= 0 => i64::from(q.hi),
                        Some(q) => {
                            self.err(
                                p.span,
                                format!(
                                    "`{}` can be {}: a count of actors cannot be negative",
                                    p.text, q.lo
                                ),
                            );
                            0
                        }
                        None => {
                            self.err(p.span, format!("unknown parameter `{}`: after `*` comes the parameter that says how many `{}` actors there are", p.text, name.text));
                            0
                        }
                    },
                };
                if most_clients > MAX_CLIENTS && over_at.is_none() {
                    over_at = Some(count.as_ref().unwrap_or(name).span);
                }
            }
            let role = self.roles.len() as u16;
            let info = self.declare_role(role, name, count.is_none(), members);
            self.roles.push(info);
        }
        if let Some(span) = over_at {
            self.err(
                span,
                format!("up to {most_clients} clients: a scenario may have at most {MAX_CLIENTS} (schedules number them 1 to 9)"),
            );
        }

        // Message display forms (fields and parameters in scope).
        for item in &file.items {
            if let Item::Message { name, shows, .. } = item {
                let Some(k) = self.messages.iter().position(|m| m.name == name.text) else {
                    continue;
                };
                let mut scope = Scope::default();
                for (f, t) in self.messages[k].fields.clone() {
                    scope.local(&f, scalar(t));
                }
                let rules = shows.iter().map(|s| self.show_rule(s, &scope)).collect();
                self.messages[k].shows = rules;
            }
        }

        let roles: Vec<Role> = ordered
            .iter()
            .enumerate()
            .map(|(r, item)| self.role(r as u16, item))
            .collect();
        let outcome = match outcome {
            Some(Item::Outcome { members, .. }) => self.outcome(members),
            _ => {
                self.err(
                    *header_span,
                    "expected an `outcome`: what a finished run left behind",
                );
                return None;
            }
        };
        let predict = predict.map(|p| self.predict(p));
        let goals: Vec<GoalDecl> = goals.iter().map(|g| self.goal(g)).collect();
        for (i, g) in goals.iter().enumerate() {
            if goals[..i].iter().any(|h| h.id == g.id) {
                if let Item::Goal { id, .. } = file
                    .items
                    .iter()
                    .filter(|it| matches!(it, Item::Goal { .. }))
                    .nth(i)
                    .unwrap_or(server)
                {
                    self.err(
                        id.span,
                        format!(
                            "a second goal \"{}\": each goal needs an id of its own",
                            g.id
                        ),
                    );
                }
            }
        }
        Some(Program {
            name: protocol_name,
            title,
            summary,
            fixed,
            note,
            source: self.src.to_string(),
            params: std::mem::take(&mut self.params),
            messages: std::mem::take(&mut self.messages),
            roles,
            outcome,
            predict,
            goals,
            stores_ids: self.stores_ids,
            client_to_client: self.client_to_client,
            network,
        })
    }

    /// `network ORDER [lose N] [duplicate N]`, with the parameters
    /// declared.
    fn network(&mut self, item: &Item) -> NetworkDecl {
        let Item::Network { order, faults, .. } = item else {
            return NetworkDecl::default();
        };
        let mut decl = NetworkDecl::default();
        match order.text.as_str() {
            "fifo" => {}
            "unordered" => decl.unordered = true,
            other => self.err(
                order.span,
                format!(
                    "unknown network `{other}`: expected `fifo` (each channel keeps its order) \
                     or `unordered` (any message in flight may arrive next)"
                ),
            ),
        }
        let (mut lose, mut duplicate) = (false, false);
        for (fault, budget) in faults {
            let seen = match fault.text.as_str() {
                "lose" => &mut lose,
                _ => &mut duplicate,
            };
            if std::mem::replace(seen, true) {
                self.err(
                    fault.span,
                    format!("a second `{}`: say each budget once", fault.text),
                );
                continue;
            }
            let value = match budget {
                BudgetAst::Number(n, span) => {
                    if (0..=i64::from(MAX_FAULTS)).contains(n) {
                        Budget::Fixed(*n as u8)
                    } else {
                        self.err(
                            *span,
                            format!(
                                "the network may {} at most {MAX_FAULTS} messages in a run \
                                 (each is a branch at every step); {n} is out of range",
                                fault.text
                            ),
                        );
                        continue;
                    }
                }
                BudgetAst::Param(name) => {
                    let Some(p) = self.params.iter().position(|p| p.name == name.text) else {
                        self.err(
                            name.span,
                            format!(
                                "`{}` is not a parameter: a budget is a number or a parameter's name",
                                name.text
                            ),
                        );
                        continue;
                    };
                    let param = &self.params[p];
                    if param.lo < 0 || param.hi > MAX_FAULTS {
                        self.err(
                            name.span,
                            format!(
                                "the parameter `{}` goes from {} to {}, but the network may {} \
                                 0 to {MAX_FAULTS} messages in a run: declare it `in 0..{MAX_FAULTS}` or less",
                                name.text, param.lo, param.hi, fault.text
                            ),
                        );
                        continue;
                    }
                    Budget::Param(p as u16)
                }
            };
            if fault.text == "lose" {
                decl.lose = value;
            } else {
                decl.duplicate = value;
            }
        }
        decl
    }

    /// A role's names: its phases and variables, with their slots.
    fn declare_role(
        &mut self,
        role: u16,
        name: &Name,
        singleton: bool,
        members: &[Member],
    ) -> RoleInfo {
        let mut phases = Vec::new();
        let mut vars = Vec::new();
        let mut slot = 1usize;
        let mut names: Vec<String> = Vec::new();
        // Past a limit, the rest is not declared (and the limit said once).
        let (mut too_many_phases, mut state_full) = (false, false);
        for m in members {
            match m {
                Member::Phase { name, .. } => {
                    if phases.len() == MAX_PHASES {
                        if !too_many_phases {
                            too_many_phases = true;
                            self.err(
                                name.span,
                                format!("an actor may have at most {MAX_PHASES} phases"),
                            );
                        }
                        continue;
                    }
                    let taken: Vec<&str> = names.iter().map(String::as_str).collect();
                    if self.fresh_name(name, &taken, "a phase") {
                        names.push(name.text.clone());
                        phases.push(name.text.clone());
                    }
                }
                Member::Var { name, ty, .. } => {
                    if state_full {
                        continue;
                    }
                    let taken: Vec<&str> = names.iter().map(String::as_str).collect();
                    if !self.fresh_name(name, &taken, "a variable") {
                        continue;
                    }
                    names.push(name.text.clone());
                    let kind = match ty {
                        TypeAst::Int(_) => VarKind::Scalar {
                            ty: Ty::Int,
                            lo: i32::MIN,
                            hi: i32::MAX,
                        },
                        TypeAst::Range(lo, hi, span) => {
                            let (l, h) = (self.int32(*lo, *span), self.int32(*hi, *span));
                            if l > h {
                                self.err(*span, format!("the range {l}..{h} is empty: the highest value comes second"));
                            }
                            // An empty range is reported; `l..l` stands in, so
                            // nothing later works with a range that has no value.
                            VarKind::Scalar {
                                ty: Ty::Int,
                                lo: l,
                                hi: h.max(l),
                            }
                        }
                        TypeAst::Bool(_) => VarKind::Scalar {
                            ty: Ty::Bool,
                            lo: 0,
                            hi: 1,
                        },
                        TypeAst::Id(_) => {
                            self.stores_ids = true;
                            VarKind::Scalar {
                                ty: Ty::Id,
                                lo: -1,
                                hi: i32::MAX,
                            }
                        }
                        TypeAst::List(elem, cap, span) => {
                            let elem = match **elem {
                                TypeAst::Int(_) => Ty::Int,
                                TypeAst::Range(_, _, at) => {
                                    // Its bounds would not be checked on push: say so.
                                    self.err(
                                        at,
                                        "a list holds int, bool or id: a range is not checked inside a list, so use int",
                                    );
                                    Ty::Int
                                }
                                TypeAst::Bool(_) => Ty::Bool,
                                TypeAst::Id(_) => {
                                    self.stores_ids = true;
                                    Ty::Id
                                }
                                TypeAst::List(..) => {
                                    self.err(
                                        *span,
                                        "a list holds numbers, booleans or ids, not lists",
                                    );
                                    Ty::Int
                                }
                            };
                            if !(1..=MAX_LIST).contains(cap) {
                                self.err(
                                    *span,
                                    format!("a list's capacity is from 1 to {MAX_LIST}"),
                                );
                            }
                            VarKind::List {
                                elem,
                                cap: (*cap).clamp(1, MAX_LIST) as u16,
                            }
                        }
                    };
                    let width = match kind {
                        VarKind::Scalar { .. } => 1,
                        VarKind::List { cap, .. } => 1 + usize::from(cap),
                    };
                    vars.push((name.text.clone(), slot as u16, kind));
                    slot += width;
                    if slot > MAX_SLOTS {
                        self.err(
                            name.span,
                            format!("this actor's state is too large: at most {MAX_SLOTS} values"),
                        );
                        slot = MAX_SLOTS;
                        state_full = true;
                    }
                }
                _ => {}
            }
        }
        let _ = role;
        RoleInfo {
            name: name.text.clone(),
            singleton,
            phases,
            vars,
        }
    }

    fn role(&mut self, r: u16, item: &Item) -> Role {
        let Item::Actor {
            server,
            name,
            title,
            letter,
            count,
            members,
            ..
        } = item
        else {
            unreachable!()
        };
        let title = self.plain(title, "an actor's title");
        let letter = letter.as_ref().and_then(|l| {
            let text = self.plain(l, "the server's letter");
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if c.is_ascii_uppercase() => Some(c),
                _ => {
                    self.err(
                        l.span,
                        "the server's letter is one capital letter (\"F\"): schedules write it",
                    );
                    None
                }
            }
        });
        let count = match count {
            None => Count::One,
            Some(p) => Count::Param(
                self.params
                    .iter()
                    .position(|q| q.name == p.text)
                    .unwrap_or(0) as u16,
            ),
        };
        let info_phases: Vec<String> = self.roles[usize::from(r)].phases.clone();
        let mut phases: Vec<(String, String)> = Vec::new();
        let mut vars = Vec::new();
        let kinds = self.messages.len().max(1);
        let phase_count = info_phases.len().max(1);
        let mut dispatch = vec![Action::Unexpected; phase_count * kinds];
        let mut dispatch_at: Vec<Option<Span>> = vec![None; phase_count * kinds];
        let mut handlers = Vec::new();
        let mut invariants = Vec::new();
        let mut shows = Vec::new();
        let mut finished = None;
        let mut start = Vec::new();
        let mut start_locals = 0;
        let mut saw_start = false;
        let mut reasons: Vec<String> = Vec::new();
        let base = Scope {
            role: Some(r),
            ..Scope::default()
        };
        // `ignore any` covers the kinds that have no handler in a phase, wherever
        // it is written: so it is placed after everything else.
        let any = |m: &&Member| matches!(m, Member::Ignore { any: true, .. });
        for m in members
            .iter()
            .filter(|m| !any(m))
            .chain(members.iter().filter(any))
        {
            match m {
                Member::Phase { name, label } => {
                    let label = self.plain(label, "a phase's label");
                    phases.push((name.text.clone(), label));
                }
                Member::Var { name, init, .. } => {
                    let Some((_, slot, kind)) = self.roles[usize::from(r)]
                        .vars
                        .iter()
                        .find(|v| v.0 == name.text)
                        .cloned()
                    else {
                        continue;
                    };
                    // A variable's first value comes from the parameters alone.
                    let mut params_only = Scope::default();
                    let init = match (init, kind) {
                        (Some(e), VarKind::Scalar { ty, .. }) => {
                            let (e, t) = self.expr(e, &mut params_only);
                            self.expect(t, scalar(ty), init.as_ref().map_or(name.span, |e| e.span));
                            e
                        }
                        (Some(e), VarKind::List { .. }) => {
                            self.err(e.span, "a list starts empty: leave out `= ...`");
                            Expr::Const(0)
                        }
                        (None, VarKind::Scalar { ty: Ty::Id, .. }) => Expr::Const(-1),
                        (None, VarKind::Scalar { lo, hi, .. }) => Expr::Const(0.clamp(lo, hi)),
                        (None, VarKind::List { .. }) => Expr::Const(0),
                    };
                    vars.push(Var {
                        name: name.text.clone(),
                        slot,
                        kind,
                        init,
                        line: self.line(name.span),
                    });
                }
                Member::Invariant(e) => {
                    let mut scope = base.clone();
                    let (expr, t) = self.expr(e, &mut scope);
                    self.expect(t, T::Bool, e.span);
                    invariants.push(Invariant {
                        expr,
                        text: self.text_of(e.span),
                        line: self.line(e.span),
                    });
                }
                Member::Show(s) => {
                    let rule = self.show_rule(s, &base);
                    shows.push(rule);
                }
                Member::Finished(e) => {
                    if *server {
                        self.err(
                            e.span,
                            "only clients finish: the server serves until the run ends",
                        );
                    }
                    let mut scope = base.clone();
                    let (expr, t) = self.expr(e, &mut scope);
                    self.expect(t, T::Bool, e.span);
                    finished = Some(expr);
                }
                Member::Start(body, span) => {
                    if saw_start {
                        self.err(*span, "a second `start` block: an actor starts once");
                    }
                    saw_start = true;
                    let mut scope = base.clone();
                    start = self.block(body, &mut scope);
                    start_locals = usize::from(scope.next_local);
                }
                Member::On {
                    pattern,
                    phases: on_phases,
                    body,
                } => {
                    let Some(kind_name) = &pattern.kind else {
                        self.err(pattern.span, "`on any` is not allowed: name the message kind, so each kind has one meaning");
                        continue;
                    };
                    let Some(kind) = self.kind(kind_name) else {
                        continue;
                    };
                    let mut scope = Scope {
                        handler: true,
                        ..base.clone()
                    };
                    self.bind_pattern(pattern, kind, &mut scope);
                    let which = self.phase_set(r, on_phases);
                    let body_ir = self.block(body, &mut scope);
                    let h = handlers.len() as u16;
                    let first = self.line(pattern.span);
                    let last = body
                        .last()
                        .map_or(first, |s| self.stmt_last_line(s).max(first));
                    handlers.push(Handler {
                        kind: kind as u16,
                        body: body_ir,
                        locals: usize::from(scope.next_local),
                        lines: (first, last + 1),
                        span: pattern.span,
                    });
                    for p in which {
                        let at = p * kinds + kind;
                        self.place(
                            &mut dispatch,
                            &mut dispatch_at,
                            at,
                            Action::Handle(h),
                            pattern.span,
                            kind,
                            r,
                            p,
                        );
                    }
                }
                Member::Ignore {
                    kinds: names,
                    any,
                    phases: on_phases,
                    because,
                    span,
                } => {
                    let reason = because.as_ref().map(|b| {
                        let text = self.plain(b, "a reason");
                        reasons.push(text);
                        (reasons.len() - 1) as u16
                    });
                    let mut which_kinds: Vec<usize> =
                        names.iter().filter_map(|n| self.kind(n)).collect();
                    if *any {
                        which_kinds = (0..self.messages.len()).collect();
                    }
                    for p in self.phase_set(r, on_phases) {
                        for &k in &which_kinds {
                            let at = p * kinds + k;
                            if *any && dispatch_at[at].is_some() {
                                continue; // `ignore any` covers only what has no handler.
                            }
                            self.place(
                                &mut dispatch,
                                &mut dispatch_at,
                                at,
                                Action::Ignore(reason),
                                *span,
                                k,
                                r,
                                p,
                            );
                        }
                    }
                }
            }
        }
        if phases.is_empty() {
            phases.push(("none".to_string(), String::new()));
        }
        let slots = self.roles[usize::from(r)]
            .vars
            .iter()
            .map(|(_, slot, kind)| {
                usize::from(*slot)
                    + match kind {
                        VarKind::Scalar { .. } => 1,
                        VarKind::List { cap, .. } => 1 + usize::from(*cap),
                    }
            })
            .max()
            .unwrap_or(1);
        // Ignore reasons travel as the narration's words; keep them in the role.
        let mut role = Role {
            name: name.text.clone(),
            title,
            letter,
            count,
            phases,
            vars,
            slots,
            start,
            start_locals,
            handlers,
            dispatch,
            invariants,
            shows,
            finished,
            ignore_reasons: Vec::new(),
        };
        if *server && role.letter.is_none() {
            role.letter = Some('S');
        }
        role.ignore_reasons = reasons;
        role
    }

    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        dispatch: &mut [Action],
        at_spans: &mut [Option<Span>],
        at: usize,
        action: Action,
        span: Span,
        kind: usize,
        role: u16,
        phase: usize,
    ) {
        if let Some(first) = at_spans[at] {
            let phase_name = self.roles[usize::from(role)]
                .phases
                .get(phase)
                .map(|p| format!(" in `{p}`"))
                .unwrap_or_default();
            let line = self.line(first);
            self.err(
                span,
                format!(
                    "`{}`{phase_name} already has a meaning, given at line {line}: each message kind means one thing in each phase",
                    self.messages[kind].name
                ),
            );
            return;
        }
        at_spans[at] = Some(span);
        dispatch[at] = action;
    }

    fn stmt_last_line(&self, s: &syntax::Stmt) -> u32 {
        use syntax::Stmt as S;
        let last_of =
            |b: &Vec<S>, fallback: u32| b.last().map_or(fallback, |s| self.stmt_last_line(s));
        match s {
            S::Let(n, e) | S::Assign(n, e) => self.line(n.span.to(e.span)),
            S::Send { span, .. } => self.line_at(span.end),
            S::If(c, a, b) => {
                let l = last_of(a, self.line(c.span));
                last_of(b, l).max(l) + 1
            }
            S::While(c, b, _) | S::ForRange(_, c, _, b) => last_of(b, self.line(c.span)) + 1,
            S::ForList(_, n, b) => last_of(b, self.line(n.span)) + 1,
            S::Goto(n) => self.line(n.span),
            S::Assert(e, _) => self.line_at(e.span.end),
            S::Method { target, .. } => self.line(target.span),
        }
    }

    fn kind(&mut self, name: &Name) -> Option<usize> {
        let k = self.messages.iter().position(|m| m.name == name.text);
        if k.is_none() {
            let known: Vec<String> = self
                .messages
                .iter()
                .map(|m| format!("`{}`", m.name))
                .collect();
            self.err(
                name.span,
                format!(
                    "unknown message `{}`; the messages are {}",
                    name.text,
                    known.join(", ")
                ),
            );
        }
        k
    }

    fn phase_set(&mut self, r: u16, names: &[Name]) -> Vec<usize> {
        let phases = self.roles[usize::from(r)].phases.clone();
        if names.is_empty() {
            return (0..phases.len().max(1)).collect();
        }
        let mut out = Vec::new();
        for n in names {
            match phases.iter().position(|p| *p == n.text) {
                Some(p) => out.push(p),
                None => {
                    let hint = if phases.is_empty() {
                        "it declares no phases".to_string()
                    } else {
                        let known: Vec<String> = phases.iter().map(|p| format!("`{p}`")).collect();
                        format!("its phases are {}", known.join(", "))
                    };
                    self.err(
                        n.span,
                        format!(
                            "unknown phase `{}` of {}: {hint}",
                            n.text,
                            self.roles[usize::from(r)].name
                        ),
                    );
                }
            }
        }
        out
    }

    fn bind_pattern(
        &mut self,
        pattern: &syntax::Pattern,
        kind: usize,
        scope: &mut Scope,
    ) -> Vec<Option<u16>> {
        let fields = self.messages[kind].fields.clone();
        if !pattern.binds.is_empty() && pattern.binds.len() != fields.len() {
            let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
            self.err(
                pattern.span,
                format!(
                    "`{}` has {} field{} ({}); name each, or `_` to skip one",
                    self.messages[kind].name,
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" },
                    names.join(", ")
                ),
            );
        }
        let mut out = Vec::new();
        for (i, (_, t)) in fields.iter().enumerate() {
            match pattern.binds.get(i) {
                Some(Some(name)) => {
                    self.check_local_name(name, scope);
                    out.push(Some(scope.local(&name.text, scalar(*t))));
                }
                _ => out.push(None),
            }
        }
        out
    }

    fn check_local_name(&mut self, name: &Name, scope: &Scope) {
        if scope.locals.len() >= MAX_LOCALS {
            self.err(
                name.span,
                format!("too many local names: at most {MAX_LOCALS} in scope at once"),
            );
        } else if RESERVED.contains(&name.text.as_str()) {
            self.err(name.span, format!("`{}` is a keyword", name.text));
        } else if scope.locals.iter().any(|(n, ..)| *n == name.text) {
            self.err(
                name.span,
                format!("`{}` is already a local name here", name.text),
            );
        } else if let Some(r) = scope.role {
            let info = &self.roles[usize::from(r)];
            if info.vars.iter().any(|v| v.0 == name.text) {
                self.err(
                    name.span,
                    format!(
                        "`{}` is a variable of {}: choose another name",
                        name.text, info.name
                    ),
                );
            } else if info.phases.contains(&name.text) {
                self.err(
                    name.span,
                    format!(
                        "`{}` is a phase of {}: choose another name",
                        name.text, info.name
                    ),
                );
            }
        }
    }

    fn expect(&mut self, got: T, want: T, span: Span) {
        if got == T::Error || want == T::Error || got == want {
            return;
        }
        self.err(
            span,
            format!("expected {}, found {}", ty_name(want), ty_name(got)),
        );
    }

    fn block(&mut self, stmts: &[syntax::Stmt], scope: &mut Scope) -> Block {
        let depth = scope.locals.len();
        let out = stmts.iter().map(|s| self.stmt(s, scope)).collect();
        scope.locals.truncate(depth);
        out
    }

    fn var_of(&self, scope: &Scope, name: &str) -> Option<(u16, VarKind)> {
        let r = scope.role?;
        self.roles[usize::from(r)]
            .vars
            .iter()
            .find(|v| v.0 == name)
            .map(|v| (v.1, v.2))
    }

    fn stmt(&mut self, s: &syntax::Stmt, scope: &mut Scope) -> Stmt {
        use syntax::Stmt as S;
        match s {
            S::Let(name, e) => {
                let (expr, t) = self.expr(e, scope);
                let t = self.storable(t, e.span);
                self.check_local_name(name, scope);
                let l = scope.local(&name.text, t);
                Stmt::SetLocal(l, expr, self.line(name.span))
            }
            S::Assign(name, e) => {
                let (expr, t) = self.expr(e, scope);
                if let Some((_, l, lt)) = scope
                    .locals
                    .iter()
                    .rev()
                    .find(|(n, ..)| *n == name.text)
                    .cloned()
                {
                    self.expect(t, lt, e.span);
                    return Stmt::SetLocal(l, expr, self.line(name.span));
                }
                match self.var_of(scope, &name.text) {
                    Some((slot, VarKind::Scalar { ty, lo, hi })) => {
                        self.expect(t, scalar(ty), e.span);
                        Stmt::SetSlot {
                            slot,
                            value: expr,
                            lo,
                            hi,
                            name: name.text.clone(),
                            line: self.line(name.span),
                        }
                    }
                    Some((_, VarKind::List { .. })) => {
                        self.err(
                            name.span,
                            format!(
                                "`{}` is a list: change it with push, pop, remove or clear",
                                name.text
                            ),
                        );
                        Stmt::SetLocal(0, expr, 0)
                    }
                    None if name.text == "phase" => {
                        self.err(name.span, "the phase changes with `goto PHASE`");
                        Stmt::SetLocal(0, expr, 0)
                    }
                    None => {
                        let what = if self.params.iter().any(|p| p.name == name.text) {
                            format!("`{}` is a parameter, which cannot change; declare a `var` to keep state", name.text)
                        } else {
                            format!("unknown variable `{}`: declare it with `var` (state) or `let` (a local)", name.text)
                        };
                        self.err(name.span, what);
                        Stmt::SetLocal(0, expr, 0)
                    }
                }
            }
            S::Send { to, call, span } => {
                let target = match to {
                    Some(e) => {
                        let (expr, t) = self.expr(e, scope);
                        self.expect(t, T::Id, e.span);
                        // A client's message to itself (a timer) keeps
                        // clients interchangeable: renaming a client renames
                        // both ends of its channel to itself.
                        if scope.role != Some(0) && expr != Expr::ActorOf(0) && expr != Expr::SelfId
                        {
                            self.client_to_client = true;
                        }
                        Some(expr)
                    }
                    None => {
                        if !scope.handler {
                            self.err(
                                *span,
                                "`reply` answers the message being handled; in `start`, use `send`",
                            );
                        }
                        if scope.role != Some(0) {
                            self.client_to_client = true;
                        }
                        None
                    }
                };
                let (kind, args) = self.call(call, scope);
                Stmt::Send {
                    to: target,
                    kind,
                    args,
                    line: self.line(*span),
                }
            }
            S::If(c, a, b) => {
                let (cond, t) = self.expr(c, scope);
                self.expect(t, T::Bool, c.span);
                let a = self.block(a, scope);
                let b = self.block(b, scope);
                Stmt::If(cond, a, b, self.line(c.span))
            }
            S::While(c, body, span) => {
                let (cond, t) = self.expr(c, scope);
                self.expect(t, T::Bool, c.span);
                let body = self.block(body, scope);
                Stmt::While(cond, body, self.line(*span))
            }
            S::ForRange(var, lo, hi, body) => {
                let (lo_e, t1) = self.expr(lo, scope);
                self.expect(t1, T::Int, lo.span);
                let (hi_e, t2) = self.expr(hi, scope);
                self.expect(t2, T::Int, hi.span);
                let depth = scope.locals.len();
                self.check_local_name(var, scope);
                let local = scope.local(&var.text, T::Int);
                let body = self.block(body, scope);
                scope.locals.truncate(depth);
                Stmt::ForRange {
                    local,
                    lo: lo_e,
                    hi: hi_e,
                    body,
                    line: self.line(var.span),
                }
            }
            S::ForList(var, list, body) => {
                let (slot, elem) = match self.var_of(scope, &list.text) {
                    Some((slot, VarKind::List { elem, .. })) => (slot, scalar(elem)),
                    _ => {
                        self.err(list.span, format!("`{}` is not a list variable: `for x in LIST` or `for i in LOW..HIGH`", list.text));
                        (0, T::Error)
                    }
                };
                let depth = scope.locals.len();
                self.check_local_name(var, scope);
                let local = scope.local(&var.text, elem);
                let body = self.block(body, scope);
                scope.locals.truncate(depth);
                Stmt::ForList {
                    local,
                    slot,
                    body,
                    line: self.line(var.span),
                }
            }
            S::Goto(name) => {
                let r = scope.role.unwrap_or(0);
                match self.roles[usize::from(r)]
                    .phases
                    .iter()
                    .position(|p| *p == name.text)
                {
                    Some(p) => Stmt::Goto(p as u16, self.line(name.span)),
                    None => {
                        let known: Vec<String> = self.roles[usize::from(r)]
                            .phases
                            .iter()
                            .map(|p| format!("`{p}`"))
                            .collect();
                        let hint = if known.is_empty() {
                            "it declares no phases".to_string()
                        } else {
                            format!("its phases are {}", known.join(", "))
                        };
                        self.err(
                            name.span,
                            format!(
                                "unknown phase `{}` of {}: {hint}",
                                name.text,
                                self.roles[usize::from(r)].name
                            ),
                        );
                        Stmt::Goto(0, 0)
                    }
                }
            }
            S::Assert(e, span) => {
                let (expr, t) = self.expr(e, scope);
                self.expect(t, T::Bool, e.span);
                Stmt::Assert(expr, self.text_of(e.span), self.line(*span))
            }
            S::Method {
                target,
                method,
                args,
            } => {
                let Some((slot, VarKind::List { elem, cap })) = self.var_of(scope, &target.text)
                else {
                    self.err(
                        target.span,
                        format!("`{}` is not a list variable of this actor", target.text),
                    );
                    return Stmt::Clear {
                        slot: 0,
                        cap: 0,
                        line: 0,
                    };
                };
                let line = self.line(target.span);
                let arity = |c: &mut Self, n: usize| {
                    if args.len() != n {
                        c.err(
                            method.span,
                            format!(
                                "`{}` takes {n} argument{}",
                                method.text,
                                if n == 1 { "" } else { "s" }
                            ),
                        );
                        false
                    } else {
                        true
                    }
                };
                match method.text.as_str() {
                    "push" | "remove" => {
                        if !arity(self, 1) {
                            return Stmt::Clear { slot, cap, line };
                        }
                        let (value, t) = self.expr(&args[0], scope);
                        self.expect(t, scalar(elem), args[0].span);
                        if method.text == "push" {
                            Stmt::Push {
                                slot,
                                cap,
                                value,
                                name: target.text.clone(),
                                line,
                            }
                        } else {
                            Stmt::Remove {
                                slot,
                                cap,
                                value,
                                line,
                            }
                        }
                    }
                    "pop" => {
                        arity(self, 0);
                        Stmt::Pop {
                            slot,
                            name: target.text.clone(),
                            line,
                        }
                    }
                    "clear" => {
                        arity(self, 0);
                        Stmt::Clear { slot, cap, line }
                    }
                    other => {
                        self.err(method.span, format!("unknown list operation `{other}`: expected push, pop, remove or clear"));
                        Stmt::Clear { slot, cap, line }
                    }
                }
            }
        }
    }

    /// A type a local may hold.
    fn storable(&mut self, t: T, span: Span) -> T {
        match t {
            T::List { .. } | T::Clients(_) => {
                self.err(
                    span,
                    format!(
                        "a local holds a number, a boolean, an id or a phase, not {}",
                        ty_name(t)
                    ),
                );
                T::Error
            }
            t => t,
        }
    }

    fn call(&mut self, call: &syntax::Call, scope: &mut Scope) -> (u16, Vec<Expr>) {
        let Some(kind) = self.kind(&call.kind) else {
            return (0, Vec::new());
        };
        let fields = self.messages[kind].fields.clone();
        if call.args.len() != fields.len() {
            let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
            self.err(
                call.kind.span,
                format!(
                    "`{}` takes {} value{}{}, given {}",
                    call.kind.text,
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" },
                    if names.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", names.join(", "))
                    },
                    call.args.len()
                ),
            );
        }
        let mut args = Vec::new();
        for (i, a) in call.args.iter().enumerate() {
            let (e, t) = self.expr(a, scope);
            if let Some((_, ft)) = fields.get(i) {
                self.expect(t, scalar(*ft), a.span);
            }
            args.push(e);
        }
        (kind as u16, args)
    }

    fn show_rule(&mut self, s: &syntax::Show, base: &Scope) -> ShowRule {
        let mut scope = base.clone();
        let after = s.after.as_ref().and_then(|p| {
            let kind = p.kind.as_ref().and_then(|k| self.kind(k))?;
            let binds = self.bind_pattern(p, kind, &mut scope);
            Some((kind as u16, binds))
        });
        let cond = s.cond.as_ref().map(|c| {
            let (e, t) = self.expr(c, &mut scope);
            self.expect(t, T::Bool, c.span);
            e
        });
        let pieces = self.template(&s.text, &mut scope);
        ShowRule {
            after,
            cond,
            pieces,
            locals: usize::from(scope.next_local),
        }
    }

    fn template(&mut self, text: &syntax::Text, scope: &mut Scope) -> Vec<ShowPiece> {
        let mut out = Vec::new();
        for piece in &text.pieces {
            match piece {
                TemplatePiece::Text(t) => out.push(ShowPiece::Text(t.clone())),
                TemplatePiece::Expr(e) => {
                    if let ExprKind::Call(f, args) = &e.kind {
                        match f.text.as_str() {
                            "plural" => {
                                match args.as_slice() {
                                    [n, syntax::Expr {
                                        kind: ExprKind::Str(word),
                                        ..
                                    }] => {
                                        let (ne, t) = self.expr(n, scope);
                                        self.expect(t, T::Int, n.span);
                                        out.push(ShowPiece::Plural(ne, word.clone()));
                                    }
                                    _ => self.err(
                                        e.span,
                                        "plural takes a number and a word: plural(n, \"drink\")",
                                    ),
                                }
                                continue;
                            }
                            "names" | "tally" => {
                                let list = match args.as_slice() {
                                    [a] => {
                                        let (_, t) = self.expr(a, scope);
                                        match t {
                                            T::Clients(i) => Some(i),
                                            T::Error => None,
                                            other => {
                                                self.err(a.span, format!("{} takes a list of clients from the outcome, not {}", f.text, ty_name(other)));
                                                None
                                            }
                                        }
                                    }
                                    _ => {
                                        self.err(
                                            e.span,
                                            format!("{} takes one list of clients", f.text),
                                        );
                                        None
                                    }
                                };
                                if let Some(i) = list {
                                    out.push(if f.text == "names" {
                                        ShowPiece::Names(i)
                                    } else {
                                        ShowPiece::Tally(i)
                                    });
                                }
                                continue;
                            }
                            _ => {}
                        }
                    }
                    let (expr, t) = self.expr(e, scope);
                    out.push(match t {
                        T::Int | T::Error => ShowPiece::Int(expr),
                        T::Bool => ShowPiece::Bool(expr),
                        T::Id => ShowPiece::Actor(expr),
                        T::Phase(r) => ShowPiece::Phase(r, expr),
                        other => {
                            self.err(e.span, format!("{} cannot be shown here; show a number, a boolean, an actor or a phase", ty_name(other)));
                            ShowPiece::Text(String::new())
                        }
                    });
                }
            }
        }
        out
    }

    fn expr(&mut self, e: &syntax::Expr, scope: &mut Scope) -> (Expr, T) {
        let line = self.line(e.span);
        match &e.kind {
            ExprKind::Int(n) => (Expr::Const(self.int32(*n, e.span)), T::Int),
            ExprKind::Bool(b) => (Expr::Const(i32::from(*b)), T::Bool),
            ExprKind::None => (Expr::Const(-1), T::Id),
            ExprKind::Str(_) => {
                self.err(
                    e.span,
                    "text is only for display: a string can be an argument of plural(...)",
                );
                (Expr::Const(0), T::Error)
            }
            ExprKind::Name(n) => self.name(n, e.span, scope),
            ExprKind::Field(base, field) => self.field(base, field, scope),
            ExprKind::Method(base, m, args) => {
                let (_, t) = self.expr(base, scope);
                match (t, m.text.as_str(), args.as_slice()) {
                    (T::List { slot, elem, .. }, "contains", [a]) => {
                        let (ae, at) = self.expr(a, scope);
                        self.expect(at, scalar(elem), a.span);
                        (Expr::ListContains(slot, Box::new(ae)), T::Bool)
                    }
                    (T::Error, ..) => (Expr::Const(0), T::Error),
                    _ => {
                        self.err(m.span, format!("`{}(...)` is not something {} has: a list has .len, .first and .contains(x)", m.text, ty_name(t)));
                        (Expr::Const(0), T::Error)
                    }
                }
            }
            ExprKind::Call(f, args) => self.builtin(f, args, e.span, scope),
            ExprKind::Unary(op, inner) => {
                let (ie, t) = self.expr(inner, scope);
                if *op == "-" {
                    self.expect(t, T::Int, inner.span);
                    (Expr::Neg(Box::new(ie), line), T::Int)
                } else {
                    self.expect(t, T::Bool, inner.span);
                    (Expr::Not(Box::new(ie)), T::Bool)
                }
            }
            ExprKind::Binary(op, a, b) => {
                let (ae, at) = self.expr(a, scope);
                let (be, bt) = self.expr(b, scope);
                let (a2, b2) = (Box::new(ae), Box::new(be));
                match *op {
                    "&&" | "||" => {
                        self.expect(at, T::Bool, a.span);
                        self.expect(bt, T::Bool, b.span);
                        (
                            if *op == "&&" {
                                Expr::And(a2, b2)
                            } else {
                                Expr::Or(a2, b2)
                            },
                            T::Bool,
                        )
                    }
                    "==" | "!=" => {
                        let comparable =
                            matches!(at, T::Int | T::Bool | T::Id | T::Phase(_) | T::Error);
                        if !comparable {
                            self.err(a.span, format!("{} cannot be compared", ty_name(at)));
                        } else {
                            self.expect(bt, at, b.span);
                        }
                        let op = if *op == "==" { BinOp::Eq } else { BinOp::Ne };
                        (Expr::Bin(op, a2, b2, line), T::Bool)
                    }
                    "<" | "<=" | ">" | ">=" => {
                        if let Some(span) = [(at, a.span), (bt, b.span)]
                            .iter()
                            .find(|(t, _)| *t == T::Id)
                            .map(|(_, s)| *s)
                        {
                            self.err(span, "actor references cannot be ordered, only compared with == and != (so interchangeable clients stay interchangeable)");
                        } else {
                            self.expect(at, T::Int, a.span);
                            self.expect(bt, T::Int, b.span);
                        }
                        let op = match *op {
                            "<" => BinOp::Lt,
                            "<=" => BinOp::Le,
                            ">" => BinOp::Gt,
                            _ => BinOp::Ge,
                        };
                        (Expr::Bin(op, a2, b2, line), T::Bool)
                    }
                    _ => {
                        if let Some(span) = [(at, a.span), (bt, b.span)]
                            .iter()
                            .find(|(t, _)| *t == T::Id)
                            .map(|(_, s)| *s)
                        {
                            self.err(
                                span,
                                "actor references are not numbers: no arithmetic on them (so interchangeable clients stay interchangeable)",
                            );
                        } else {
                            self.expect(at, T::Int, a.span);
                            self.expect(bt, T::Int, b.span);
                        }
                        let op = match *op {
                            "+" => BinOp::Add,
                            "-" => BinOp::Sub,
                            "*" => BinOp::Mul,
                            "/" => BinOp::Div,
                            _ => BinOp::Rem,
                        };
                        (Expr::Bin(op, a2, b2, line), T::Int)
                    }
                }
            }
            ExprKind::Cond(c, a, b) => {
                let (ce, ct) = self.expr(c, scope);
                self.expect(ct, T::Bool, c.span);
                let (ae, at) = self.expr(a, scope);
                let (be, bt) = self.expr(b, scope);
                self.expect(bt, at, b.span);
                let at = self.storable(at, a.span);
                (Expr::Cond(Box::new(ce), Box::new(ae), Box::new(be)), at)
            }
        }
    }

    fn name(&mut self, n: &str, span: Span, scope: &mut Scope) -> (Expr, T) {
        if let Some((_, l, t)) = scope.locals.iter().rev().find(|(x, ..)| x == n) {
            return (Expr::Local(*l), *t);
        }
        if let Some(r) = scope.role {
            if let Some((slot, kind)) = self.var_of(scope, n) {
                return match kind {
                    VarKind::Scalar { ty, .. } => (Expr::Slot(slot), scalar(ty)),
                    VarKind::List { elem, cap } => (Expr::Slot(slot), T::List { slot, elem, cap }),
                };
            }
            if n == "phase" {
                return (Expr::Slot(0), T::Phase(r));
            }
            if let Some(p) = self.roles[usize::from(r)]
                .phases
                .iter()
                .position(|p| p == n)
            {
                return (Expr::Const(p as i32), T::Phase(r));
            }
            if n == "self" {
                return (Expr::SelfId, T::Id);
            }
        }
        if n == "sender" {
            if scope.handler {
                return (Expr::Sender, T::Id);
            }
            self.err(span, "`sender` is only known inside a handler (`on ...`)");
            return (Expr::Const(0), T::Error);
        }
        if scope.outcome {
            if let Some((_, i, t)) = scope.outcome_values.iter().find(|(x, ..)| x == n) {
                return match t {
                    T::Clients(_) => (Expr::OutcomeCount(*i), *t),
                    _ => (Expr::OutcomeValue(*i), *t),
                };
            }
        }
        if let Some(p) = self.params.iter().position(|p| p.name == n) {
            return (Expr::Param(p as u16), T::Int);
        }
        if let Some(r) = self.roles.iter().position(|r| r.name == n) {
            if self.roles[r].singleton || r == 0 {
                return (Expr::ActorOf(r as u16), T::Id);
            }
            self.err(span, format!("`{n}` names every one of its actors: refer to one through a reference (sender, or one kept in a variable)"));
            return (Expr::Const(0), T::Error);
        }
        if n == "self" {
            self.err(span, "`self` is only known in an actor's code");
            return (Expr::Const(0), T::Error);
        }
        if scope.role.is_none() {
            if let Some(role) = self.roles.iter().find(|r| r.vars.iter().any(|v| v.0 == n)) {
                let text = if scope.outcome && role.singleton {
                    format!("`{n}` is a variable of {0}: write `{0}.{n}`", role.name)
                } else if scope.outcome {
                    format!(
                        "`{n}` is a variable of each {0}: list them with `{0} where ...`",
                        role.name
                    )
                } else {
                    format!("`{n}` is a variable of {}, not known here: a variable's first value, `offered if` and `predict` see only the parameters", role.name)
                };
                self.err(span, text);
                return (Expr::Const(0), T::Error);
            }
        }
        self.err(span, format!("unknown name `{n}`"));
        (Expr::Const(0), T::Error)
    }

    fn field(&mut self, base: &syntax::Expr, field: &Name, scope: &mut Scope) -> (Expr, T) {
        if let ExprKind::Name(b) = &base.kind {
            // `old.x`: the receiver's value before the delivery (goals).
            if b == "old" && scope.old {
                let r = scope.role.unwrap_or(0);
                if field.text == "phase" {
                    return (Expr::Old(0), T::Phase(r));
                }
                return match self.var_of(scope, &field.text) {
                    Some((slot, VarKind::Scalar { ty, .. })) => (Expr::Old(slot), scalar(ty)),
                    _ => {
                        self.err(
                            field.span,
                            format!(
                                "`{}` is not a variable of {}",
                                field.text,
                                self.roles[usize::from(r)].name
                            ),
                        );
                        (Expr::Const(0), T::Error)
                    }
                };
            }
            // `fridge.drinks`: a variable of a role with one actor, in the outcome.
            if let Some(r) = self.roles.iter().position(|x| x.name == *b) {
                if scope.locals.iter().all(|(n, ..)| n != b) && self.var_of(scope, b).is_none() {
                    if !scope.outcome {
                        self.err(base.span, format!("an actor's variables are its own: `{b}.{}` can only be read in the outcome", field.text));
                        return (Expr::Const(0), T::Error);
                    }
                    if !scope.actor_state {
                        self.err(base.span, format!("`{b}.{}` can only be read in an outcome value (`x = {b}.{}`); then use the value here", field.text, field.text));
                        return (Expr::Const(0), T::Error);
                    }
                    if !(self.roles[r].singleton || r == 0) {
                        self.err(
                            base.span,
                            format!("`{b}` is several actors: list them with `{b} where ...`"),
                        );
                        return (Expr::Const(0), T::Error);
                    }
                    if field.text == "phase" {
                        return (Expr::Other(r as u16, 0), T::Phase(r as u16));
                    }
                    let var = self.roles[r]
                        .vars
                        .iter()
                        .find(|v| v.0 == field.text)
                        .map(|v| (v.1, v.2));
                    return match var {
                        Some((slot, VarKind::Scalar { ty, .. })) => {
                            (Expr::Other(r as u16, slot), scalar(ty))
                        }
                        _ => {
                            self.err(
                                field.span,
                                format!("`{}` is not a variable of {b}", field.text),
                            );
                            (Expr::Const(0), T::Error)
                        }
                    };
                }
            }
        }
        let (_, t) = self.expr(base, scope);
        match (t, field.text.as_str()) {
            (T::List { slot, .. }, "len") => (Expr::ListLen(slot), T::Int),
            (T::List { slot, elem, .. }, "first") => {
                (Expr::ListFirst(slot, self.line(field.span)), scalar(elem))
            }
            (T::Error, _) => (Expr::Const(0), T::Error),
            _ => {
                self.err(
                    field.span,
                    format!("{} has no `.{}`", ty_name(t), field.text),
                );
                (Expr::Const(0), T::Error)
            }
        }
    }

    fn builtin(
        &mut self,
        f: &Name,
        args: &[syntax::Expr],
        span: Span,
        scope: &mut Scope,
    ) -> (Expr, T) {
        let line = self.line(span);
        if matches!(f.text.as_str(), "plural" | "names" | "tally") {
            self.err(span, format!("`{}` makes text, so it can only be a whole `{{...}}` of a shown string: \"{{{}(...)}}\"", f.text, f.text));
            return (Expr::Const(0), T::Error);
        }
        let mut typed: Vec<(Expr, T, Span)> = Vec::new();
        for a in args {
            let (e, t) = self.expr(a, scope);
            typed.push((e, t, a.span));
        }
        let want = |c: &mut Self, n: usize| {
            if typed.len() != n {
                c.err(
                    span,
                    format!(
                        "`{}` takes {n} argument{}",
                        f.text,
                        if n == 1 { "" } else { "s" }
                    ),
                );
                false
            } else {
                true
            }
        };
        match f.text.as_str() {
            "min" | "max" => {
                if !want(self, 2) {
                    return (Expr::Const(0), T::Error);
                }
                let mut it = typed.into_iter();
                let (a, at, aspan) = it.next().expect("two");
                let (b, bt, bspan) = it.next().expect("two");
                self.expect(at, T::Int, aspan);
                self.expect(bt, T::Int, bspan);
                let e = if f.text == "min" {
                    Expr::Min(Box::new(a), Box::new(b))
                } else {
                    Expr::Max(Box::new(a), Box::new(b))
                };
                (e, T::Int)
            }
            "abs" => {
                if !want(self, 1) {
                    return (Expr::Const(0), T::Error);
                }
                let (a, at, aspan) = typed.into_iter().next().expect("one");
                self.expect(at, T::Int, aspan);
                (Expr::Abs(Box::new(a), line), T::Int)
            }
            "count" => {
                if !want(self, 1) {
                    return (Expr::Const(0), T::Error);
                }
                let (a, at, aspan) = typed.into_iter().next().expect("one");
                match (at, a) {
                    (T::Clients(_), e @ Expr::OutcomeCount(_)) => (e, T::Int),
                    (T::List { slot, .. }, _) => (Expr::ListLen(slot), T::Int),
                    (T::Error, _) => (Expr::Const(0), T::Error),
                    (t, _) => {
                        self.err(aspan, format!("count takes a list, not {}", ty_name(t)));
                        (Expr::Const(0), T::Error)
                    }
                }
            }
            other => {
                self.err(f.span, format!("unknown function `{other}`: the functions are min, max, abs and count (and plural, names, tally in shown text); a protocol has no functions of its own"));
                (Expr::Const(0), T::Error)
            }
        }
    }

    fn outcome(&mut self, members: &[OutcomeMember]) -> OutcomeDecl {
        let mut scope = Scope {
            outcome: true,
            ..Scope::default()
        };
        let mut decl = OutcomeDecl {
            values: Vec::new(),
            shape: None,
            unsafe_if: Vec::new(),
            stuck_safe: false,
            highest: Vec::new(),
            shows: Vec::new(),
        };
        let mut highest: Vec<&Name> = Vec::new();
        let mut too_many = false;
        for m in members {
            if matches!(
                m,
                OutcomeMember::Value { .. } | OutcomeMember::Clients { .. }
            ) && decl.values.len() == MAX_OUTCOME_VALUES
            {
                if !too_many {
                    too_many = true;
                    let (OutcomeMember::Value { name, .. } | OutcomeMember::Clients { name, .. }) =
                        m
                    else {
                        unreachable!()
                    };
                    self.err(
                        name.span,
                        format!("an outcome may name at most {MAX_OUTCOME_VALUES} values"),
                    );
                }
                continue;
            }
            match m {
                OutcomeMember::Value { name, value } => {
                    let mut definition = Scope {
                        actor_state: true,
                        ..scope.clone()
                    };
                    let (e, t) = self.expr(value, &mut definition);
                    let ty = match t {
                        T::Int | T::Error => Ty::Int,
                        T::Bool => Ty::Bool,
                        other => {
                            self.err(
                                value.span,
                                format!(
                                    "an outcome value is a number or a boolean, not {}",
                                    ty_name(other)
                                ),
                            );
                            Ty::Int
                        }
                    };
                    self.outcome_name(name, &scope);
                    let i = decl.values.len() as u16;
                    scope
                        .outcome_values
                        .push((name.text.clone(), i, scalar(ty)));
                    decl.values.push(OutcomeValue {
                        name: name.text.clone(),
                        kind: OutcomeKind::Value(e, ty),
                    });
                }
                OutcomeMember::Clients {
                    name,
                    role,
                    filter,
                    times,
                } => {
                    let r = match self.roles.iter().position(|x| x.name == role.text) {
                        Some(0) => {
                            self.err(role.span, "the server is not a client: list clients here");
                            0
                        }
                        Some(r) => r,
                        None => {
                            self.err(role.span, format!("unknown actor `{}`", role.text));
                            0
                        }
                    } as u16;
                    let mut inner = Scope {
                        role: Some(r),
                        ..Scope::default()
                    };
                    let filter = filter.as_ref().map(|f| {
                        let (e, t) = self.expr(f, &mut inner);
                        self.expect(t, T::Bool, f.span);
                        e
                    });
                    let times = times.as_ref().map(|x| {
                        let (e, t) = self.expr(x, &mut inner);
                        self.expect(t, T::Int, x.span);
                        e
                    });
                    self.outcome_name(name, &scope);
                    let i = decl.values.len() as u16;
                    scope
                        .outcome_values
                        .push((name.text.clone(), i, T::Clients(i)));
                    decl.values.push(OutcomeValue {
                        name: name.text.clone(),
                        kind: OutcomeKind::Clients {
                            role: r,
                            filter,
                            times,
                        },
                    });
                }
                OutcomeMember::Shape(a, b, span) => {
                    if decl.shape.is_some() {
                        self.err(*span, "a second `shape`");
                    }
                    let (ae, at) = self.expr(a, &mut scope);
                    self.expect(at, T::Int, a.span);
                    let (be, bt) = self.expr(b, &mut scope);
                    self.expect(bt, T::Int, b.span);
                    decl.shape = Some((ae, be));
                }
                OutcomeMember::Unsafe { why, cond } => {
                    let why = self.plain(why, "the reason an outcome is unsafe");
                    let (e, t) = self.expr(cond, &mut scope);
                    self.expect(t, T::Bool, cond.span);
                    decl.unsafe_if.push((e, why));
                }
                OutcomeMember::StuckSafe(span) => {
                    if decl.stuck_safe {
                        self.err(*span, "a second `stuck safe`");
                    }
                    decl.stuck_safe = true;
                }
                OutcomeMember::Highest(name) => highest.push(name),
                OutcomeMember::Show(s) => {
                    let rule = self.show_rule(s, &scope);
                    decl.shows.push(rule);
                }
            }
        }
        if decl.values.is_empty() {
            self.err(
                Span::new(0, 0),
                "the outcome names no values: say what a finished run left behind",
            );
        }
        for name in highest {
            let found = decl.values.iter().position(|v| v.name == name.text);
            match found.map(|i| (i, &decl.values[i].kind)) {
                Some((i, OutcomeKind::Value(_, Ty::Int))) => {
                    if decl.highest.contains(&(i as u16)) {
                        self.err(name.span, format!("a second `highest {}`", name.text));
                    }
                    decl.highest.push(i as u16);
                }
                Some(_) => self.err(
                    name.span,
                    format!(
                        "`highest` takes a number, and the outcome value `{}` is not one",
                        name.text
                    ),
                ),
                None => self.err(
                    name.span,
                    format!(
                        "`highest {}`: the outcome names no value `{}`",
                        name.text, name.text
                    ),
                ),
            }
        }
        decl
    }

    fn outcome_name(&mut self, name: &Name, scope: &Scope) {
        if RESERVED.contains(&name.text.as_str()) {
            self.err(name.span, format!("`{}` is a keyword", name.text));
        } else if scope.outcome_values.iter().any(|(n, ..)| *n == name.text) {
            self.err(name.span, format!("a second outcome value `{}`", name.text));
        } else if !name
            .text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            self.err(
                name.span,
                "an outcome value's name is lowercase letters, digits and `_` (it is a JSON key)",
            );
        }
    }

    fn predict(&mut self, item: &Item) -> Predict {
        let Item::Predict {
            var,
            lo,
            hi,
            candidate,
            shows,
            ..
        } = item
        else {
            unreachable!()
        };
        let mut params = Scope::default();
        let (lo_e, lt) = self.expr(lo, &mut params);
        self.expect(lt, T::Int, lo.span);
        let (hi_e, ht) = self.expr(hi, &mut params);
        self.expect(ht, T::Int, hi.span);
        let mut inner = Scope::default();
        self.check_local_name(var, &inner);
        inner.local(&var.text, T::Int);
        let (left, t1) = self.expr(&candidate.0, &mut inner);
        self.expect(t1, T::Int, candidate.0.span);
        let (count, t2) = self.expr(&candidate.1, &mut inner);
        self.expect(t2, T::Int, candidate.1.span);
        let mut shape = Scope::default();
        shape.local("left", T::Int);
        shape.local("count", T::Int);
        let shows = shows.iter().map(|s| self.show_rule(s, &shape)).collect();
        Predict {
            lo: lo_e,
            hi: hi_e,
            left,
            count,
            shows,
        }
    }

    fn goal(&mut self, item: &Item) -> GoalDecl {
        let Item::Goal {
            id,
            title,
            offered,
            role,
            ignored,
            pattern,
            cond,
            ..
        } = item
        else {
            unreachable!()
        };
        let id_text = self.plain(id, "a goal's id");
        if id_text.is_empty()
            || !id_text
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            self.err(id.span, "a goal's id is lowercase letters, digits and `-`");
        }
        let title = self.plain(title, "a goal's title");
        let offered = offered.as_ref().map(|e| {
            let mut params = Scope::default();
            let (ex, t) = self.expr(e, &mut params);
            self.expect(t, T::Bool, e.span);
            ex
        });
        let r = match self.roles.iter().position(|x| x.name == role.text) {
            Some(r) => r as u16,
            None => {
                self.err(role.span, format!("unknown actor `{}`", role.text));
                0
            }
        };
        let mut scope = Scope {
            role: Some(r),
            old: true,
            ..Scope::default()
        };
        let kind = pattern.kind.as_ref().and_then(|k| self.kind(k));
        let binds = match kind {
            Some(k) => self.bind_pattern(pattern, k, &mut scope),
            None => Vec::new(),
        };
        let cond = cond.as_ref().map(|c| {
            let (e, t) = self.expr(c, &mut scope);
            self.expect(t, T::Bool, c.span);
            e
        });
        GoalDecl {
            id: id_text,
            title,
            offered,
            role: r,
            ignored: *ignored,
            kind: kind.map(|k| k as u16),
            binds,
            cond,
            locals: usize::from(scope.next_local),
        }
    }
}
