//! The interpreter: a checked [`Program`] with its parameters' values,
//! running one actor's start or one message's handler to completion.
//!
//! Deterministic by construction: no clocks, no randomness, no hash maps;
//! the same state and message always give the same new state, the same
//! messages sent in the same order, or the same error. Limited by
//! construction too: a handler runs at most [`MAX_STEPS`] statements and
//! loop turns and sends at most [`MAX_SENDS`] messages, integers never wrap
//! (an overflow is an error), and lists have the capacity they declare. A
//! broken limit, a failed `assert` or a broken invariant is a [`RunError`]
//! that names its line.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::program::*;

/// An actor's number in a scenario: 0 is the server, clients are numbered
/// from 1 as on the page and in schedules. This is the value an actor
/// reference holds.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct ActorId(pub u8);

impl ActorId {
    /// The server: the actor every client talks to.
    pub const SERVER: ActorId = ActorId(0);

    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Messages an actor sends while taking one step, in the order sent.
pub type Outbox = Vec<(ActorId, Message)>;

/// A message: its kind (an index into [`Program::messages`]) and its fields,
/// unused ones 0. `Copy` and small, so the network copies it cheaply.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct Message {
    pub kind: u8,
    pub args: [i32; MAX_FIELDS],
}

/// Why a handler (or a start) could not run to completion.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RunError {
    pub message: String,
    pub line: u32,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at line {}", self.message, self.line)
    }
}

impl std::error::Error for RunError {}

impl From<Box<RunError>> for RunError {
    fn from(boxed: Box<RunError>) -> RunError {
        *boxed
    }
}

/// What handling one message did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Handled {
    /// Handler `i` of the receiver's role ran to completion.
    Handled(u16),
    /// Ignored on purpose (`ignore ...`), with the reason's index if one was given.
    Ignored(Option<u16>),
    /// No handler for this message in this phase: nothing changed.
    Unexpected,
}

/// A protocol with values for its parameters: which actors exist and of
/// which role. Actor 0 is the server; clients follow, role by role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub program: Arc<Program>,
    pub params: Vec<i32>,
    /// The role of each actor.
    pub roles: Vec<u16>,
    /// The first actor of each role.
    pub first: Vec<u8>,
}

/// A value of an outcome.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Value {
    Int(i32),
    Bool(bool),
    /// Client numbers, ascending (a number may repeat).
    Clients(Vec<u8>),
}

impl Instance {
    /// Checks every parameter against its range.
    pub fn new(program: Arc<Program>, params: Vec<i32>) -> Result<Instance, String> {
        if params.len() != program.params.len() {
            return Err(format!(
                "{} takes {} parameters, given {}",
                program.name,
                program.params.len(),
                params.len()
            ));
        }
        for (p, &v) in program.params.iter().zip(&params) {
            if !(p.lo..=p.hi).contains(&v) {
                return Err(format!(
                    "{} must be a whole number from {} to {}",
                    p.label, p.lo, p.hi
                ));
            }
        }
        let mut roles = Vec::new();
        let mut first = Vec::new();
        for (r, role) in program.roles.iter().enumerate() {
            first.push(roles.len() as u8);
            let n = match role.count {
                Count::One => 1,
                Count::Param(p) => params[usize::from(p)].max(0) as usize,
            };
            roles.extend(std::iter::repeat_n(r as u16, n));
        }
        Ok(Instance {
            program,
            params,
            roles,
            first,
        })
    }

    pub fn actors(&self) -> usize {
        self.roles.len()
    }

    pub fn role_of(&self, actor: usize) -> &Role {
        &self.program.roles[usize::from(self.roles[actor])]
    }

    /// "Fridge", "Owner", "Person 2": a role with one actor by its title,
    /// others by title and number.
    pub fn name(&self, actor: usize) -> String {
        let Some(&r) = self.roles.get(actor) else {
            return format!("actor {actor}");
        };
        let role = &self.program.roles[usize::from(r)];
        match role.count {
            Count::One => role.title.clone(),
            Count::Param(_) => format!("{} {actor}", role.title),
        }
    }

    fn env<'a>(&'a self, me: usize, sender: i32) -> Env<'a> {
        Env {
            inst: self,
            me: me as i32,
            sender,
            old: &[],
            states: &[],
            outcome: &[],
        }
    }

    /// Actor `actor`'s first state, and the messages it sends on starting.
    pub fn start(&self, actor: usize, out: &mut Outbox) -> Result<Vec<i32>, RunError> {
        let role = self.role_of(actor);
        let mut slots = vec![0; role.slots];
        let env = self.env(actor, -1);
        for var in &role.vars {
            let v = eval(&var.init, &env, &[], &[])?;
            if let VarKind::Scalar { lo, hi, .. } = var.kind {
                if !(lo..=hi).contains(&v) {
                    return Err(RunError {
                        message: format!(
                            "{} starts at {v}, outside its range {lo}..{hi}",
                            var.name
                        ),
                        line: var.line,
                    });
                }
            }
            slots[usize::from(var.slot)] = v;
        }
        let mut locals = vec![0; role.start_locals];
        out.clear();
        let mut exec = Exec {
            env,
            slots: &mut slots,
            locals: &mut locals,
            out,
            steps: 0,
            line: 0,
            trace: None,
        };
        exec.block(&role.start)?;
        check_invariants(role, &exec.env, exec.slots)?;
        Ok(slots)
    }

    /// Delivers `msg` from `from` to `actor`, whose state is `slots`: runs
    /// the handler its phase has for the message's kind. `out` gets what it
    /// sends (cleared first). On an error the state may be half changed:
    /// the run ends there.
    pub fn handle(
        &self,
        actor: usize,
        slots: &mut [i32],
        from: usize,
        msg: Message,
        out: &mut Outbox,
    ) -> Result<Handled, RunError> {
        self.run_handler(actor, slots, from, msg, out, None)
    }

    /// [`Instance::handle`], also giving the source lines it ran: the
    /// handler's header and every statement executed (the line each starts
    /// on), ascending, each once. Nothing when no handler ran. For the
    /// page's code view; the explorer and the workers use `handle`.
    pub fn handle_traced(
        &self,
        actor: usize,
        slots: &mut [i32],
        from: usize,
        msg: Message,
        out: &mut Outbox,
    ) -> (Result<Handled, RunError>, Vec<u32>) {
        let mut lines = Vec::new();
        let handled = self.run_handler(actor, slots, from, msg, out, Some(&mut lines));
        lines.sort_unstable();
        lines.dedup();
        (handled, lines)
    }

    /// What `actor`, in the phase `slots` holds, does with a message of
    /// kind `kind`.
    pub fn action(&self, actor: usize, slots: &[i32], kind: u8) -> Action {
        let role = self.role_of(actor);
        let kinds = self.program.messages.len().max(1);
        let phase = slots.first().copied().unwrap_or(0).max(0) as usize;
        role.dispatch
            .get(phase * kinds + usize::from(kind))
            .copied()
            .unwrap_or(Action::Unexpected)
    }

    /// The handler `actor` would run, in the phase `slots` holds, for a
    /// message of kind `kind` (none if it ignores it or has none).
    pub fn handler_for(&self, actor: usize, slots: &[i32], kind: u8) -> Option<&Handler> {
        match self.action(actor, slots, kind) {
            Action::Handle(h) => self.role_of(actor).handlers.get(usize::from(h)),
            _ => None,
        }
    }

    fn run_handler(
        &self,
        actor: usize,
        slots: &mut [i32],
        from: usize,
        msg: Message,
        out: &mut Outbox,
        trace: Option<&mut Vec<u32>>,
    ) -> Result<Handled, RunError> {
        out.clear();
        let role = self.role_of(actor);
        let action = self.action(actor, slots, msg.kind);
        let h = match action {
            Action::Unexpected => return Ok(Handled::Unexpected),
            Action::Ignore(reason) => return Ok(Handled::Ignored(reason)),
            Action::Handle(h) => h,
        };
        let handler = &role.handlers[usize::from(h)];
        let mut locals = [0i32; 16];
        let mut heap;
        let locals: &mut [i32] = if handler.locals <= locals.len() {
            &mut locals[..]
        } else {
            heap = vec![0; handler.locals];
            &mut heap
        };
        let fields = self.program.messages[usize::from(msg.kind)].fields.len();
        locals[..fields].copy_from_slice(&msg.args[..fields]);
        let mut trace = trace;
        if let Some(t) = trace.as_deref_mut() {
            t.push(handler.lines.0);
        }
        let mut exec = Exec {
            env: self.env(actor, from as i32),
            slots,
            locals,
            out,
            steps: 0,
            line: 0,
            trace,
        };
        exec.block(&handler.body)?;
        check_invariants(role, &exec.env, exec.slots)?;
        Ok(Handled::Handled(h))
    }

    /// Whether client `actor` has finished, as its role says (a role that
    /// says nothing never counts as waiting).
    pub fn finished(&self, actor: usize, slots: &[i32]) -> bool {
        let role = self.role_of(actor);
        match &role.finished {
            None => true,
            Some(e) => eval(e, &self.env(actor, -1), slots, &[]).unwrap_or(1) != 0,
        }
    }

    /// The parameters in words: "3 people, 2 drinks".
    pub fn summary(&self) -> String {
        if self.program.summary.is_empty() {
            let parts: Vec<String> = self
                .program
                .params
                .iter()
                .zip(&self.params)
                .map(|(p, v)| format!("{} {v}", p.label))
                .collect();
            return parts.join(", ");
        }
        self.render(&self.program.summary, &self.env(0, -1), &[], &[])
    }

    /// Whether actor `actor`, in state `slots`, is named by the outcome's
    /// first list of clients (who got a drink, who withdrew).
    pub fn listed(&self, actor: usize, slots: &[i32]) -> bool {
        let first = self
            .program
            .outcome
            .values
            .iter()
            .find_map(|v| match &v.kind {
                OutcomeKind::Clients {
                    role,
                    filter,
                    times,
                } => Some((*role, filter, times)),
                OutcomeKind::Value(..) => None,
            });
        let Some((role, filter, times)) = first else {
            return false;
        };
        if self.roles.get(actor) != Some(&role) {
            return false;
        }
        let env = self.env(actor, -1);
        let holds = |e: &Option<Expr>, default: bool| {
            e.as_ref()
                .map_or(default, |e| eval(e, &env, slots, &[]).is_ok_and(|v| v > 0))
        };
        holds(filter, true) && holds(times, true)
    }

    /// A message as the page shows it: "take 1", "took 0, 2 left".
    pub fn show_message(&self, msg: Message) -> String {
        let Some(kind) = self.program.messages.get(usize::from(msg.kind)) else {
            return "?".to_string();
        };
        let env = self.env(0, -1);
        let locals = &msg.args[..kind.fields.len()];
        for rule in &kind.shows {
            if let Some(text) = self.show(rule, &env, &[], locals, None) {
                return text;
            }
        }
        if kind.fields.is_empty() {
            return kind.name.clone();
        }
        let args: Vec<String> = locals.iter().map(i32::to_string).collect();
        format!("{}({})", kind.name, args.join(", "))
    }

    /// An actor as the page describes it: "saw 2 left, taking". `last` is
    /// the last message it received, for rules that say `after ...`.
    pub fn show_actor(&self, actor: usize, slots: &[i32], last: Option<Message>) -> String {
        let role = self.role_of(actor);
        let env = self.env(actor, -1);
        for rule in &role.shows {
            if let Some(text) = self.show(rule, &env, slots, &[], last) {
                return text;
            }
        }
        let phase = slots.first().copied().unwrap_or(0).max(0) as usize;
        role.phases
            .get(phase)
            .map(|p| p.1.clone())
            .unwrap_or_default()
    }

    fn show(
        &self,
        rule: &ShowRule,
        env: &Env,
        slots: &[i32],
        fixed_locals: &[i32],
        last: Option<Message>,
    ) -> Option<String> {
        let mut locals = vec![0; rule.locals.max(fixed_locals.len())];
        locals[..fixed_locals.len()].copy_from_slice(fixed_locals);
        if let Some((kind, binds)) = &rule.after {
            let last = last.filter(|m| m.kind as u16 == *kind)?;
            for (i, b) in binds.iter().enumerate() {
                if let Some(l) = b {
                    locals[usize::from(*l)] = last.args[i];
                }
            }
        }
        if let Some(c) = &rule.cond {
            if eval(c, env, slots, &locals).ok()? == 0 {
                return None;
            }
        }
        Some(self.render(&rule.pieces, env, slots, &locals))
    }

    fn render(&self, pieces: &[ShowPiece], env: &Env, slots: &[i32], locals: &[i32]) -> String {
        let mut out = String::new();
        let value = |e: &Expr| eval(e, env, slots, locals);
        for piece in pieces {
            match piece {
                ShowPiece::Text(t) => out.push_str(t),
                ShowPiece::Int(e) => match value(e) {
                    Ok(v) => out.push_str(&v.to_string()),
                    Err(_) => out.push('?'),
                },
                ShowPiece::Bool(e) => out.push_str(match value(e) {
                    Ok(0) => "false",
                    Ok(_) => "true",
                    Err(_) => "?",
                }),
                ShowPiece::Actor(e) => match value(e) {
                    Ok(-1) => out.push_str("nobody"),
                    Ok(a) => out.push_str(&self.name(a.max(0) as usize)),
                    Err(_) => out.push('?'),
                },
                ShowPiece::Phase(r, e) => {
                    let label = value(e).ok().and_then(|p| {
                        self.program.roles[usize::from(*r)]
                            .phases
                            .get(p.max(0) as usize)
                            .map(|p| p.1.clone())
                    });
                    out.push_str(&label.unwrap_or_else(|| "?".into()));
                }
                ShowPiece::Plural(e, word) => match value(e) {
                    Ok(1) => out.push_str(&format!("1 {word}")),
                    Ok(n) => out.push_str(&format!("{n} {word}s")),
                    Err(_) => out.push('?'),
                },
                ShowPiece::Names(i) => {
                    if let Some(Value::Clients(ids)) = env.outcome.get(usize::from(*i)) {
                        let names: Vec<String> =
                            ids.iter().map(|&c| self.name(usize::from(c))).collect();
                        out.push_str(&join_and(&names));
                    }
                }
                ShowPiece::Tally(i) => {
                    if let Some(Value::Clients(ids)) = env.outcome.get(usize::from(*i)) {
                        let mut parts = Vec::new();
                        let mut k = 0;
                        while k < ids.len() {
                            let c = ids[k];
                            let n = ids[k..].iter().take_while(|&&d| d == c).count();
                            parts.push(format!("{n} from {}", self.name(usize::from(c))));
                            k += n;
                        }
                        out.push_str(&parts.join(", "));
                    }
                }
            }
        }
        out
    }

    /// The outcome of a finished run whose actors are in `states`.
    pub fn outcome(&self, states: &[&[i32]]) -> Result<Vec<Value>, RunError> {
        let decl = &self.program.outcome;
        let mut values: Vec<Value> = Vec::with_capacity(decl.values.len());
        for v in &decl.values {
            let env = Env {
                inst: self,
                me: 0,
                sender: -1,
                old: &[],
                states,
                outcome: &values,
            };
            let value = match &v.kind {
                OutcomeKind::Value(e, ty) => {
                    let x = eval(e, &env, &[], &[])?;
                    match ty {
                        Ty::Bool => Value::Bool(x != 0),
                        _ => Value::Int(x),
                    }
                }
                OutcomeKind::Clients {
                    role,
                    filter,
                    times,
                } => {
                    let mut ids = Vec::new();
                    for (actor, slots) in states.iter().enumerate() {
                        if self.roles.get(actor) != Some(role) {
                            continue;
                        }
                        let env = self.env(actor, -1);
                        if let Some(f) = filter {
                            if eval(f, &env, slots, &[])? == 0 {
                                continue;
                            }
                        }
                        let n = match times {
                            Some(t) => eval(t, &env, slots, &[])?.clamp(0, 64),
                            None => 1,
                        };
                        ids.extend(std::iter::repeat_n(actor as u8, n as usize));
                    }
                    Value::Clients(ids)
                }
            };
            values.push(value);
        }
        Ok(values)
    }

    fn outcome_env<'a>(&'a self, values: &'a [Value]) -> Env<'a> {
        Env {
            inst: self,
            me: 0,
            sender: -1,
            old: &[],
            states: &[],
            outcome: values,
        }
    }

    /// Why an outcome is unsafe, if it is: the first `unsafe` that holds.
    pub fn unsafe_why(&self, values: &[Value]) -> Option<&str> {
        let env = self.outcome_env(values);
        self.program
            .outcome
            .unsafe_if
            .iter()
            .find(|(e, _)| eval(e, &env, &[], &[]).is_ok_and(|v| v != 0))
            .map(|(_, why)| why.as_str())
    }

    /// The outcome in words, with the reason it is unsafe appended.
    pub fn show_outcome(&self, values: &[Value]) -> String {
        let env = self.outcome_env(values);
        let mut text = None;
        for rule in &self.program.outcome.shows {
            if let Some(t) = self.show(rule, &env, &[], &[], None) {
                text = Some(t);
                break;
            }
        }
        let mut text = text.unwrap_or_else(|| {
            let parts: Vec<String> = self
                .program
                .outcome
                .values
                .iter()
                .zip(values)
                .map(|(d, v)| match v {
                    Value::Int(n) => format!("{} {n}", d.name),
                    Value::Bool(b) => format!("{} {b}", d.name),
                    Value::Clients(ids) => {
                        let names: Vec<String> =
                            ids.iter().map(|&c| self.name(usize::from(c))).collect();
                        format!("{} {}", d.name, join_and(&names))
                    }
                })
                .collect();
            parts.join("; ")
        });
        if let Some(why) = self.unsafe_why(values) {
            text.push_str(". ");
            text.push_str(why);
        }
        text
    }

    /// The outcome's shape (what is left, how many): for predictions.
    pub fn shape(&self, values: &[Value]) -> Option<(i32, i32)> {
        let (left, count) = self.program.outcome.shape.as_ref()?;
        let env = self.outcome_env(values);
        Some((
            eval(left, &env, &[], &[]).ok()?,
            eval(count, &env, &[], &[]).ok()?,
        ))
    }

    /// The shapes a learner chooses from, sorted, each once.
    pub fn candidates(&self) -> Vec<(i32, i32)> {
        let Some(p) = &self.program.predict else {
            return Vec::new();
        };
        let env = self.env(0, -1);
        let (Ok(lo), Ok(hi)) = (eval(&p.lo, &env, &[], &[]), eval(&p.hi, &env, &[], &[])) else {
            return Vec::new();
        };
        let mut out = crate::sorted::SortedSet::new();
        // At most a thousand candidates: a list longer than that teaches nothing.
        for k in lo..=hi.min(lo.saturating_add(999)) {
            let locals = [k];
            if let (Ok(left), Ok(count)) = (
                eval(&p.left, &env, &[], &locals),
                eval(&p.count, &env, &[], &locals),
            ) {
                out.insert((left, count));
            }
        }
        out.into_iter().collect()
    }

    /// A shape in words: "1 drink left, one person got a drink".
    pub fn show_shape(&self, shape: (i32, i32)) -> String {
        let env = self.env(0, -1);
        let locals = [shape.0, shape.1];
        if let Some(p) = &self.program.predict {
            for rule in &p.shows {
                if let Some(t) = self.show(rule, &env, &[], &locals, None) {
                    return t;
                }
            }
        }
        format!("{} left, {}", shape.0, shape.1)
    }

    /// The goals this instance offers (indices into [`Program::goals`]).
    pub fn goals(&self) -> Vec<usize> {
        let env = self.env(0, -1);
        (0..self.program.goals.len())
            .filter(|&g| {
                self.program.goals[g]
                    .offered
                    .as_ref()
                    .is_none_or(|e| eval(e, &env, &[], &[]).is_ok_and(|v| v != 0))
            })
            .collect()
    }

    /// Whether delivering `msg` to `actor`, handled as `how`, reached goal
    /// `g`; `before` and `after` are the receiver's state either side.
    pub fn goal_reached(
        &self,
        g: usize,
        actor: usize,
        msg: Message,
        how: Handled,
        before: &[i32],
        after: &[i32],
    ) -> bool {
        let goal = &self.program.goals[g];
        if self.roles.get(actor) != Some(&goal.role) {
            return false;
        }
        if goal.ignored != matches!(how, Handled::Ignored(_)) {
            return false;
        }
        if goal.kind.is_some_and(|k| k != u16::from(msg.kind)) {
            return false;
        }
        let Some(cond) = &goal.cond else {
            return true;
        };
        let mut small = [0i32; 16];
        let mut heap;
        let locals: &mut [i32] = if goal.locals <= small.len() {
            &mut small[..]
        } else {
            heap = vec![0; goal.locals];
            &mut heap
        };
        for (i, b) in goal.binds.iter().enumerate() {
            if let Some(l) = b {
                locals[usize::from(*l)] = msg.args[i];
            }
        }
        let env = Env {
            old: before,
            ..self.env(actor, -1)
        };
        operand(cond, &env, after, locals).is_ok_and(|v| v != 0)
    }
}

fn join_and(names: &[String]) -> String {
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// What an expression can see besides the actor's slots and the locals.
struct Env<'a> {
    inst: &'a Instance,
    me: i32,
    sender: i32,
    /// The receiver's slots before the delivery (goals).
    old: &'a [i32],
    /// Every actor's slots (the outcome).
    states: &'a [&'a [i32]],
    /// Outcome values computed so far.
    outcome: &'a [Value],
}

/// A runtime error inside the interpreter: boxed, so a `Result` of a
/// value stays two words and the hot path returns in registers.
type Fault = Box<RunError>;

fn error(message: String, line: u32) -> Fault {
    Box::new(RunError { message, line })
}

fn get(slice: &[i32], i: u16) -> i32 {
    slice.get(usize::from(i)).copied().unwrap_or(0)
}

/// An operand: the common leaves are read in place, without a call, so a
/// comparison or a sum of two variables costs one dispatch, not three.
#[inline(always)]
fn operand(e: &Expr, env: &Env, slots: &[i32], locals: &[i32]) -> Result<i32, Fault> {
    match e {
        Expr::Const(v) => Ok(*v),
        Expr::Slot(s) => Ok(get(slots, *s)),
        Expr::Local(l) => Ok(get(locals, *l)),
        Expr::Param(p) => Ok(get(&env.inst.params, *p)),
        Expr::Old(s) => Ok(get(env.old, *s)),
        _ => eval(e, env, slots, locals),
    }
}

fn eval(e: &Expr, env: &Env, slots: &[i32], locals: &[i32]) -> Result<i32, Fault> {
    let ev = |x: &Expr| operand(x, env, slots, locals);
    Ok(match e {
        Expr::Const(v) => *v,
        Expr::Param(p) => get(&env.inst.params, *p),
        Expr::Slot(s) => get(slots, *s),
        Expr::Old(s) => get(env.old, *s),
        Expr::Local(l) => get(locals, *l),
        Expr::Sender => env.sender,
        Expr::SelfId => env.me,
        Expr::ActorOf(r) => i32::from(env.inst.first[usize::from(*r)]),
        Expr::Other(r, s) => {
            let actor = usize::from(env.inst.first[usize::from(*r)]);
            env.states.get(actor).map_or(0, |st| get(st, *s))
        }
        Expr::OutcomeValue(i) => match env.outcome.get(usize::from(*i)) {
            Some(Value::Int(v)) => *v,
            Some(Value::Bool(b)) => i32::from(*b),
            _ => 0,
        },
        Expr::OutcomeCount(i) => match env.outcome.get(usize::from(*i)) {
            Some(Value::Clients(ids)) => ids.len() as i32,
            _ => 0,
        },
        Expr::ListLen(s) => get(slots, *s),
        Expr::ListFirst(s, line) => {
            if get(slots, *s) == 0 {
                return Err(error("`.first` of an empty list".into(), *line));
            }
            get(slots, s + 1)
        }
        Expr::ListContains(s, x) => {
            let v = ev(x)?;
            let len = get(slots, *s).max(0) as usize;
            let start = usize::from(*s) + 1;
            i32::from(
                slots
                    .get(start..start + len)
                    .is_some_and(|l| l.contains(&v)),
            )
        }
        Expr::Neg(x, line) => ev(x)?.checked_neg().ok_or_else(|| {
            error(
                "overflow: the negation does not fit in a number".into(),
                *line,
            )
        })?,
        Expr::Not(x) => i32::from(ev(x)? == 0),
        Expr::And(a, b) => i32::from(ev(a)? != 0 && ev(b)? != 0),
        Expr::Or(a, b) => i32::from(ev(a)? != 0 || ev(b)? != 0),
        Expr::Cond(c, a, b) => {
            if ev(c)? != 0 {
                ev(a)?
            } else {
                ev(b)?
            }
        }
        Expr::Min(a, b) => ev(a)?.min(ev(b)?),
        Expr::Max(a, b) => ev(a)?.max(ev(b)?),
        Expr::Abs(x, line) => ev(x)?
            .checked_abs()
            .ok_or_else(|| error("overflow: abs does not fit in a number".into(), *line))?,
        Expr::Bin(op, a, b, line) => {
            let (x, y) = (ev(a)?, ev(b)?);
            let over = |sym: &str| {
                error(
                    format!("overflow: {x} {sym} {y} does not fit in a number (-2147483648 to 2147483647)"),
                    *line,
                )
            };
            match op {
                BinOp::Add => x.checked_add(y).ok_or_else(|| over("+"))?,
                BinOp::Sub => x.checked_sub(y).ok_or_else(|| over("-"))?,
                BinOp::Mul => x.checked_mul(y).ok_or_else(|| over("*"))?,
                BinOp::Div | BinOp::Rem if y == 0 => {
                    return Err(error(
                        format!(
                            "division by zero: {x} {} 0",
                            if *op == BinOp::Div { "/" } else { "%" }
                        ),
                        *line,
                    ))
                }
                BinOp::Div => x.checked_div(y).ok_or_else(|| over("/"))?,
                BinOp::Rem => x.checked_rem(y).ok_or_else(|| over("%"))?,
                BinOp::Eq => i32::from(x == y),
                BinOp::Ne => i32::from(x != y),
                BinOp::Lt => i32::from(x < y),
                BinOp::Le => i32::from(x <= y),
                BinOp::Gt => i32::from(x > y),
                BinOp::Ge => i32::from(x >= y),
            }
        }
    })
}

fn check_invariants(role: &Role, env: &Env, slots: &[i32]) -> Result<(), Fault> {
    for inv in &role.invariants {
        if operand(&inv.expr, env, slots, &[])? == 0 {
            return Err(error(format!("invariant {} broken", inv.text), inv.line));
        }
    }
    Ok(())
}

/// The most entries a trace keeps (a loop over few lines repeats them;
/// the page only needs the set).
const TRACE_LINES: usize = 4096;

struct Exec<'a, 'b> {
    env: Env<'a>,
    slots: &'b mut [i32],
    locals: &'b mut [i32],
    out: &'b mut Outbox,
    steps: u32,
    /// The line of the loop running, for the error when steps run out.
    line: u32,
    /// Collects the line of every statement run, when the page asks.
    trace: Option<&'b mut Vec<u32>>,
}

impl Exec<'_, '_> {
    fn eval(&self, e: &Expr) -> Result<i32, Fault> {
        operand(e, &self.env, self.slots, self.locals)
    }

    fn tick(&mut self, line: u32) -> Result<(), Fault> {
        self.line = line;
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(error(
                format!("the handler ran for more than {MAX_STEPS} steps without finishing (an endless loop?)"),
                line,
            ));
        }
        Ok(())
    }

    fn block(&mut self, block: &[Stmt]) -> Result<(), Fault> {
        for s in block {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), Fault> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err(error(
                format!("the handler ran for more than {MAX_STEPS} steps without finishing (an endless loop?)"),
                self.line,
            ));
        }
        if let Some(t) = self.trace.as_deref_mut() {
            // Loops repeat lines: the trace is compacted to one entry per
            // line when it fills, so an endless loop stops at the step
            // limit with a bounded trace.
            let line = s.line();
            if t.len() >= TRACE_LINES {
                t.sort_unstable();
                t.dedup();
            }
            if t.last() != Some(&line) && t.len() < TRACE_LINES {
                t.push(line);
            }
        }
        match s {
            Stmt::SetLocal(l, e, _) => {
                let v = self.eval(e)?;
                if let Some(slot) = self.locals.get_mut(usize::from(*l)) {
                    *slot = v;
                }
            }
            Stmt::SetSlot {
                slot,
                value,
                lo,
                hi,
                name,
                line,
            } => {
                let v = self.eval(value)?;
                if !(*lo..=*hi).contains(&v) {
                    return Err(error(
                        format!("{name} would become {v}, outside its range {lo}..{hi}"),
                        *line,
                    ));
                }
                self.slots[usize::from(*slot)] = v;
            }
            Stmt::Send {
                to,
                kind,
                args,
                line,
            } => {
                let target = match to {
                    Some(e) => self.eval(e)?,
                    None => self.env.sender,
                };
                if target < 0 || target as usize >= self.env.inst.actors() {
                    return Err(error(
                        "send to `none`: that reference names no actor".into(),
                        *line,
                    ));
                }
                if self.out.len() >= MAX_SENDS {
                    return Err(error(
                        format!("one handler may send at most {MAX_SENDS} messages"),
                        *line,
                    ));
                }
                let mut msg = Message {
                    kind: *kind as u8,
                    args: [0; MAX_FIELDS],
                };
                for (i, a) in args.iter().enumerate() {
                    msg.args[i] = self.eval(a)?;
                }
                self.out.push((ActorId(target as u8), msg));
            }
            Stmt::If(c, a, b, _) => {
                if self.eval(c)? != 0 {
                    self.block(a)?;
                } else {
                    self.block(b)?;
                }
            }
            Stmt::While(c, body, line) => {
                while self.eval(c)? != 0 {
                    self.tick(*line)?;
                    self.block(body)?;
                }
            }
            Stmt::ForRange {
                local,
                lo,
                hi,
                body,
                line,
            } => {
                let (lo, hi) = (self.eval(lo)?, self.eval(hi)?);
                let mut i = lo;
                while i <= hi {
                    self.tick(*line)?;
                    self.locals[usize::from(*local)] = i;
                    self.block(body)?;
                    match i.checked_add(1) {
                        Some(n) => i = n,
                        None => break,
                    }
                }
            }
            Stmt::ForList {
                local,
                slot,
                body,
                line,
            } => {
                // The loop walks the list as it was when the loop began.
                let start = usize::from(*slot) + 1;
                let len = self.slots[usize::from(*slot)].max(0) as usize;
                let items: Vec<i32> = self.slots[start..start + len].to_vec();
                for v in items {
                    self.tick(*line)?;
                    self.locals[usize::from(*local)] = v;
                    self.block(body)?;
                }
            }
            Stmt::Goto(p, _) => self.slots[0] = i32::from(*p),
            Stmt::Assert(e, text, line) => {
                if self.eval(e)? == 0 {
                    return Err(error(format!("assert {text} failed"), *line));
                }
            }
            Stmt::Push {
                slot,
                cap,
                value,
                name,
                line,
            } => {
                let v = self.eval(value)?;
                let s = usize::from(*slot);
                let len = self.slots[s].max(0) as usize;
                if len >= usize::from(*cap) {
                    return Err(error(
                        format!("the list {name} is full: it holds at most {cap}"),
                        *line,
                    ));
                }
                self.slots[s + 1 + len] = v;
                self.slots[s] += 1;
            }
            Stmt::Pop { slot, name, line } => {
                let s = usize::from(*slot);
                let len = self.slots[s].max(0) as usize;
                if len == 0 {
                    return Err(error(format!("pop from the empty list {name}"), *line));
                }
                self.slots.copy_within(s + 2..s + 1 + len, s + 1);
                self.slots[s + len] = 0;
                self.slots[s] -= 1;
            }
            Stmt::Remove {
                slot, cap, value, ..
            } => {
                let v = self.eval(value)?;
                let s = usize::from(*slot);
                let len = (self.slots[s].max(0) as usize).min(usize::from(*cap));
                if let Some(i) = self.slots[s + 1..s + 1 + len].iter().position(|&x| x == v) {
                    self.slots.copy_within(s + 2 + i..s + 1 + len, s + 1 + i);
                    self.slots[s + len] = 0;
                    self.slots[s] -= 1;
                }
            }
            Stmt::Clear { slot, cap, .. } => {
                let s = usize::from(*slot);
                for x in &mut self.slots[s..=s + usize::from(*cap)] {
                    *x = 0;
                }
            }
        }
        Ok(())
    }
}
