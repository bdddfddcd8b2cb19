//! A system: the actors of one scenario, and the model interpreter that runs
//! them over a [`Network`]. This is the reference semantics: the explorer
//! calls [`System::deliver`] and the page reproduces it step by step with the
//! real workers, which run the same [`Instance`].

use serde::{Deserialize, Serialize};

use super::actor::{ActorId, ActorState, Handled, Msg, Outbox};
use super::network::{Faults, Network};
use super::outcome::{Outcome, Waiting};
use super::schedule::{Act, Schedule, Step};
use crate::lang::{self, Instance, RunError};

/// The actors of a scenario, as its protocol instantiates them; actor `i`
/// has role `inst.roles[i]`, the server is 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct System {
    pub inst: Instance,
    /// The server's letter in schedules.
    pub server_letter: char,
}

/// A run that stopped with a runtime error: which actor, and the error.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Failure {
    pub actor: ActorId,
    pub error: RunError,
}

/// A global state: every actor's state, every message in flight, what the
/// network may still lose and duplicate, and the runtime error that ended
/// the run, if one did (then nothing more can be delivered).
#[derive(Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct World {
    pub states: Vec<ActorState>,
    pub net: Network,
    pub faults: Faults,
    pub failed: Option<Failure>,
}

impl Clone for World {
    fn clone(&self) -> World {
        World {
            states: self.states.clone(),
            net: self.net.clone(),
            faults: self.faults,
            failed: self.failed.clone(),
        }
    }

    /// Reuses this world's buffers: the explorer's inner loop allocates nothing.
    fn clone_from(&mut self, source: &World) {
        self.states.clone_from(&source.states);
        self.net.clone_from(&source.net);
        self.faults = source.faults;
        self.failed.clone_from(&source.failed);
    }
}

impl World {
    /// Every step possible now, with the message it picks, in
    /// [`Network::deliverable`]'s fixed order, faults within what is left
    /// of the budgets; none once a run has failed.
    pub fn deliverable(&self) -> impl Iterator<Item = (Step, Msg)> + '_ {
        self.net
            .deliverable(self.faults)
            .filter(move |_| self.failed.is_none())
    }

    /// Takes the message `step` picks out of the network (a duplication
    /// leaves it there), spending the budget a fault takes; `None` if the
    /// step is not possible now.
    pub fn take(&mut self, step: Step) -> Option<Msg> {
        if self.failed.is_some() || !self.faults.allow(step.act) {
            return None;
        }
        let msg = self.net.take(step)?;
        self.faults.spend(step.act);
        Some(msg)
    }

    /// Whether the run is over: nothing can be delivered.
    pub fn is_final(&self) -> bool {
        self.failed.is_some() || self.net.is_empty()
    }
}

/// How a client stands, as the page draws it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientStatus {
    /// Not finished, as its protocol says.
    Waiting,
    /// Finished, and named by the outcome's first list of clients (got a
    /// drink, withdrew).
    Served,
    /// Finished, and not named there.
    Unserved,
}

/// One delivery, as it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub step: Step,
    pub msg: Msg,
    pub handled: Handled,
    pub sent: Outbox,
    /// The runtime error, when `handled` is [`Handled::Failed`].
    pub error: Option<RunError>,
}

/// A step that cannot be taken in the state it was asked of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayError {
    /// 1-based position in the schedule.
    pub step: usize,
    pub reason: String,
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "step {}: {}", self.step, self.reason)
    }
}

impl std::error::Error for ReplayError {}

impl System {
    pub fn new(inst: Instance) -> System {
        let server_letter = inst.program.server().letter.unwrap_or('S');
        System {
            inst,
            server_letter,
        }
    }

    /// How many actors there are, the server included.
    pub fn actors(&self) -> usize {
        self.inst.actors()
    }

    /// "Fridge", "Person 2", "Owner".
    pub fn name(&self, id: ActorId) -> String {
        self.inst.name(id.index())
    }

    /// The role of each actor: equal roles are interchangeable.
    pub fn role(&self, id: ActorId) -> u16 {
        self.inst.roles.get(id.index()).copied().unwrap_or(u16::MAX)
    }

    /// Clients, in order.
    pub fn clients(&self) -> impl Iterator<Item = ActorId> + '_ {
        (1..self.actors()).map(|i| ActorId(i as u8))
    }

    /// A message by its kind's name and its fields' values: `drink(1)` is
    /// `message("drink", &[1])`. `None` for an unknown kind or a wrong
    /// number of values.
    pub fn message(&self, kind: &str, args: &[i32]) -> Option<Msg> {
        let program = &self.inst.program;
        let k = program.message_index(kind)?;
        if program.messages[k].fields.len() != args.len() {
            return None;
        }
        let mut msg = Msg {
            kind: k as u8,
            ..Msg::default()
        };
        msg.args[..args.len()].copy_from_slice(args);
        Some(msg)
    }

    /// The value of an actor's variable, by name (`None`: no such scalar).
    pub fn var(&self, id: ActorId, state: &ActorState, name: &str) -> Option<i32> {
        let role = self.inst.role_of(id.index());
        let var = role.vars.iter().find(|v| v.name == name)?;
        state.slots.get(usize::from(var.slot)).copied()
    }

    /// The name of an actor's phase, as its protocol declares it.
    pub fn phase_name(&self, id: ActorId, state: &ActorState) -> &str {
        let role = self.inst.role_of(id.index());
        role.phases.get(state.phase()).map_or("", |p| p.0.as_str())
    }

    /// A message as the page and the traces show it: "take 1".
    pub fn show(&self, msg: Msg) -> String {
        self.inst.show_message(msg)
    }

    /// One line for the page ("2 drinks", "saw 2 left, taking"). `last` is
    /// the last message the actor received, if any.
    pub fn describe(&self, id: ActorId, state: &ActorState, last: Option<Msg>) -> String {
        let text = self.inst.show_actor(id.index(), &state.slots, last);
        if state.stopped {
            format!("{text} (terminated)")
        } else {
            text
        }
    }

    /// Whether client `id` has finished, as its protocol says.
    pub fn finished(&self, id: ActorId, state: &ActorState) -> bool {
        id != ActorId::SERVER && self.inst.finished(id.index(), &state.slots)
    }

    /// How client `id` stands: waiting, or finished and served or not.
    pub fn status(&self, id: ActorId, state: &ActorState) -> ClientStatus {
        if !self.finished(id, state) {
            ClientStatus::Waiting
        } else if self.inst.listed(id.index(), &state.slots) {
            ClientStatus::Served
        } else {
            ClientStatus::Unserved
        }
    }

    /// Whether the server's protocol ignores messages in some phase (a
    /// poison pill): then terminating its worker is the contrast to show.
    pub fn server_can_stop(&self) -> bool {
        self.inst
            .program
            .server()
            .dispatch
            .iter()
            .any(|a| matches!(a, crate::lang::program::Action::Ignore(_)))
    }

    /// Actor `id`'s first state and the messages it sends on starting.
    pub fn start(&self, id: ActorId) -> Result<(ActorState, Outbox), RunError> {
        let mut sent = Outbox::new();
        let slots = self.inst.start(id.index(), &mut sent)?;
        Ok((
            ActorState {
                stopped: false,
                slots,
            },
            sent,
        ))
    }

    /// Every actor started; their first messages are in flight. An actor
    /// whose start fails ends the run before it begins.
    pub fn init(&self) -> World {
        let decl = &self.inst.program.network;
        let mut net = Network::with_order(self.actors(), decl.unordered);
        let mut out = Outbox::new();
        let mut failed = None;
        let mut states = Vec::with_capacity(self.actors());
        for i in 0..self.actors() {
            let id = ActorId(i as u8);
            match self.inst.start(i, &mut out) {
                Ok(slots) => {
                    for &(to, msg) in &out {
                        net.post(id, to, msg);
                    }
                    states.push(ActorState {
                        stopped: false,
                        slots,
                    });
                }
                Err(error) => {
                    states.push(ActorState {
                        stopped: false,
                        slots: vec![0; self.inst.role_of(i).slots],
                    });
                    failed.get_or_insert(Failure { actor: id, error });
                }
            }
        }
        World {
            states,
            net,
            faults: self.budgets(),
            failed,
        }
    }

    /// The protocol's fault budgets, given the parameters' values: what a
    /// run starts with.
    pub fn budgets(&self) -> Faults {
        let decl = &self.inst.program.network;
        Faults {
            lose: decl.lose.value(&self.inst.params),
            duplicate: decl.duplicate.value(&self.inst.params),
        }
    }

    /// The network the protocol declares, in words: "FIFO channels",
    /// "unordered, up to 1 lost, up to 1 duplicated".
    pub fn network_words(&self) -> String {
        let budgets = self.budgets();
        let mut parts = vec![if self.inst.program.network.unordered {
            "unordered (any message in flight may arrive next)".to_string()
        } else {
            "FIFO per channel".to_string()
        }];
        if budgets.lose > 0 {
            parts.push(format!("up to {} lost", budgets.lose));
        }
        if budgets.duplicate > 0 {
            parts.push(format!("up to {} duplicated", budgets.duplicate));
        }
        if budgets == Faults::default() {
            parts.push("nothing lost or duplicated".to_string());
        }
        parts.join(", ")
    }

    /// Delivers the head of `step`'s channel to its receiver.
    pub fn deliver(&self, world: &mut World, step: Step) -> Option<Delivery> {
        let mut sent = Outbox::new();
        let (msg, handled) = self.deliver_into(world, step, &mut sent)?;
        let error = (handled == Handled::Failed)
            .then(|| world.failed.as_ref().map(|f| f.error.clone()))
            .flatten();
        Some(Delivery {
            step,
            msg,
            handled,
            sent,
            error,
        })
    }

    /// [`System::deliver`] with the caller's outbox (cleared first), for
    /// loops that must not allocate.
    pub fn deliver_into(
        &self,
        world: &mut World,
        step: Step,
        sent: &mut Outbox,
    ) -> Option<(Msg, Handled)> {
        if world.failed.is_some() || step.to.index() >= self.actors() {
            return None;
        }
        let msg = world.take(step)?;
        sent.clear();
        if !step.delivers() {
            return Some((msg, Handled::Lost));
        }
        let state = &mut world.states[step.to.index()];
        if state.stopped {
            return Some((msg, Handled::Terminated));
        }
        let handled = self.handle(step.to, state, step.from, msg, sent);
        if let Err(error) = &handled {
            world.failed = Some(Failure {
                actor: step.to,
                error: error.clone(),
            });
            sent.clear();
        }
        for &(to, out) in sent.iter() {
            world.net.post(step.to, to, out);
        }
        Some((msg, handled.unwrap_or(Handled::Failed)))
    }

    /// The source lines delivering `step` in `before` runs (see
    /// [`Instance::handle_traced`]): for the page's code view, which works
    /// them out from the world before a delivery rather than asking the
    /// worker. Empty when nothing ran (ignored, unexpected, terminated).
    pub fn lines_run(&self, before: &World, step: Step) -> Vec<u32> {
        let (Some(msg), Some(state)) = (before.net.head(step), before.states.get(step.to.index()))
        else {
            return Vec::new();
        };
        if state.stopped || before.failed.is_some() || !step.delivers() {
            return Vec::new();
        }
        let mut slots = state.slots.clone();
        let mut sent = Outbox::new();
        self.inst
            .handle_traced(
                step.to.index(),
                &mut slots,
                step.from.index(),
                msg,
                &mut sent,
            )
            .1
    }

    /// The lines of the handler that delivering `step` now would run
    /// (first and one past the last), if one would.
    pub fn handler_lines(&self, world: &World, step: Step) -> Option<(u32, u32)> {
        let msg = world.net.head(step)?;
        let state = world.states.get(step.to.index())?;
        if state.stopped || !step.delivers() {
            return None;
        }
        self.inst
            .handler_for(step.to.index(), &state.slots, msg.kind)
            .map(|h| h.lines)
    }

    /// Runs `to`'s handler for `msg` on its state: what the model and an
    /// actor's worker both do with a delivery.
    pub fn handle(
        &self,
        to: ActorId,
        state: &mut ActorState,
        from: ActorId,
        msg: Msg,
        sent: &mut Outbox,
    ) -> Result<Handled, RunError> {
        if state.stopped {
            sent.clear();
            return Ok(Handled::Terminated);
        }
        let handled = self
            .inst
            .handle(to.index(), &mut state.slots, from.index(), msg, sent)?;
        Ok(match handled {
            lang::Handled::Handled(_) => Handled::Done,
            lang::Handled::Ignored(reason) => Handled::Ignored(reason),
            lang::Handled::Unexpected => Handled::Unexpected,
        })
    }

    /// Kills `actor` at once, the way `worker.terminate()` does: every
    /// message in flight to it is dropped (returned, oldest first per
    /// channel) and it handles nothing more. Compare the poison pill, which
    /// goes through the channel and lets what came before it be handled.
    pub fn terminate(&self, world: &mut World, actor: ActorId) -> Vec<(Step, Msg)> {
        let heads: Vec<Step> = world
            .net
            .in_flight()
            .map(|(step, _)| step)
            .filter(|step| step.to == actor)
            .collect();
        let mut dropped = Vec::new();
        for step in heads {
            if let Some(msg) = world.net.take(step) {
                dropped.push((step, msg));
            }
        }
        if let Some(state) = world.states.get_mut(actor.index()) {
            state.stopped = true;
        }
        dropped
    }

    /// Why `step` cannot be delivered in `world`, if it cannot.
    pub fn check_step(&self, world: &World, step: Step) -> Result<(), String> {
        let n = self.actors();
        for id in [step.from, step.to] {
            if id.index() >= n {
                return Err(format!("there is no {}", self.describe_missing(id)));
            }
        }
        if let Some(f) = &world.failed {
            return Err(format!(
                "the run already ended: {} failed ({})",
                self.name(f.actor),
                f.error
            ));
        }
        let (from, to) = (self.name(step.from), self.name(step.to));
        let in_channel = world.net.channel(step).count();
        if in_channel == 0 {
            return Err(format!("nothing is in flight from {from} to {to}"));
        }
        if usize::from(step.pick) >= in_channel {
            return Err(format!(
                "only {in_channel} message{} in flight from {from} to {to}, so there is no message {}",
                if in_channel == 1 { " is" } else { "s are" },
                step.pick
            ));
        }
        if step.pick > 0 && !world.net.unordered() {
            return Err(format!(
                "channels are FIFO in this protocol: only the oldest message from {from} to {to} can arrive"
            ));
        }
        if step.act != Act::Deliver && step.from == step.to {
            return Err(format!(
                "{from}'s message to itself does not cross the network, so it cannot be lost or duplicated"
            ));
        }
        if !world.faults.allow(step.act) {
            let (verb, budget) = match step.act {
                Act::Lose => ("lose", self.budgets().lose),
                _ => ("duplicate", self.budgets().duplicate),
            };
            return Err(if budget == 0 {
                format!("this protocol's network does not {verb} messages")
            } else {
                format!(
                    "the network may {verb} at most {budget} message{} in a run, and has",
                    if budget == 1 { "" } else { "s" }
                )
            });
        }
        Ok(())
    }

    fn describe_missing(&self, id: ActorId) -> String {
        let title = self
            .inst
            .program
            .roles
            .get(1)
            .map_or("client", |r| r.title.as_str());
        format!("{title} {}", id.0)
    }

    /// Replays a schedule from the initial state.
    pub fn replay(&self, schedule: &Schedule) -> Result<(World, Vec<Delivery>), ReplayError> {
        let mut world = self.init();
        let mut done = Vec::with_capacity(schedule.len());
        for (i, &step) in schedule.0.iter().enumerate() {
            self.check_step(&world, step)
                .map_err(|reason| ReplayError {
                    step: i + 1,
                    reason,
                })?;
            done.extend(self.deliver(&mut world, step));
        }
        Ok((world, done))
    }

    /// The outcome of a finished world.
    pub fn outcome(&self, world: &World) -> Outcome {
        if let Some(f) = &world.failed {
            return Outcome {
                values: Vec::new(),
                error: Some(format!("{} failed: {}", self.name(f.actor), f.error)),
                stuck: Vec::new(),
            };
        }
        let stuck: Vec<Waiting> = self
            .clients()
            .filter(|&id| !self.finished(id, &world.states[id.index()]))
            .map(|id| Waiting {
                client: id.0,
                phase: world.states[id.index()].phase() as u16,
            })
            .collect();
        let slots: Vec<&[i32]> = world.states.iter().map(|s| s.slots.as_slice()).collect();
        match self.inst.outcome(&slots) {
            Ok(values) => Outcome {
                values,
                error: None,
                stuck,
            },
            Err(e) => Outcome {
                values: Vec::new(),
                error: Some(format!("the outcome could not be computed: {e}")),
                stuck: Vec::new(),
            },
        }
    }

    /// The outcome in words, with why it is unsafe if it is.
    pub fn show_outcome(&self, o: &Outcome) -> String {
        match &o.error {
            Some(e) => format!("Runtime error: {e}"),
            None => {
                let mut text = self.inst.show_outcome(&o.values);
                if let Some(stuck) = self.stuck_why(o) {
                    text.push_str(". ");
                    text.push_str(&stuck);
                }
                text
            }
        }
    }

    /// Why an outcome is one the protocol was meant to prevent, if it is:
    /// a runtime error always is, and so is a stuck run unless the
    /// protocol says `stuck safe`; otherwise the protocol's first `unsafe`
    /// that holds.
    pub fn unsafe_why(&self, o: &Outcome) -> Option<String> {
        match &o.error {
            Some(e) => Some(e.clone()),
            None => self
                .stuck_why(o)
                .or_else(|| self.inst.unsafe_why(&o.values).map(str::to_string)),
        }
    }

    /// For each value the outcome declares `highest`, its name and its
    /// largest value over `outcomes` (`None` if no outcome has values).
    pub fn highest<'a>(
        &self,
        outcomes: impl IntoIterator<Item = &'a Outcome> + Clone,
    ) -> Vec<(String, Option<i32>)> {
        let decl = &self.inst.program.outcome;
        decl.highest
            .iter()
            .map(|&i| {
                let i = usize::from(i);
                let top = outcomes
                    .clone()
                    .into_iter()
                    .filter_map(|o| match o.values.get(i) {
                        Some(lang::Value::Int(n)) => Some(*n),
                        _ => None,
                    })
                    .max();
                (decl.values[i].name.clone(), top)
            })
            .collect()
    }

    /// "Stuck: Alice waits in `waiting for B`, Bob in `waiting for A`",
    /// when the outcome is stuck and that makes it unsafe.
    fn stuck_why(&self, o: &Outcome) -> Option<String> {
        if o.stuck.is_empty() || self.inst.program.outcome.stuck_safe {
            return None;
        }
        let parts: Vec<String> = o
            .stuck
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let id = ActorId(w.client);
                let words = self
                    .inst
                    .role_of(id.index())
                    .phases
                    .get(usize::from(w.phase))
                    .map_or("", |p| p.1.as_str());
                let verb = if i == 0 { " waits" } else { "" };
                if words.is_empty() {
                    format!("{}{verb}", self.name(id))
                } else {
                    format!("{}{verb} in `{words}`", self.name(id))
                }
            })
            .collect();
        Some(format!(
            "Stuck: nothing is in flight, yet {}",
            parts.join(", ")
        ))
    }

    /// The reason a role gives for ignoring a message, if it gives one.
    pub fn ignore_reason(&self, id: ActorId, reason: Option<u16>) -> Option<&str> {
        let role = self.inst.role_of(id.index());
        reason.and_then(|r| role.ignore_reasons.get(usize::from(r)).map(String::as_str))
    }

    /// One line describing a delivery: "Fridge received look from Person 2
    /// and replied: took 0, 2 left".
    pub fn narrate(&self, d: &Delivery) -> String {
        if d.handled == Handled::Lost {
            return format!(
                "The network lost {} from {} to {}",
                self.show(d.msg),
                self.name(d.step.from),
                self.name(d.step.to)
            );
        }
        let copy = if d.step.act == Act::Duplicate {
            " (the network kept a copy in flight)"
        } else {
            ""
        };
        let head = format!(
            "{} received {} from {}{copy}",
            self.name(d.step.to),
            self.show(d.msg),
            self.name(d.step.from)
        );
        match d.handled {
            Handled::Lost => head,
            Handled::Ignored(reason) => match self.ignore_reason(d.step.to, reason) {
                Some(why) => format!("{head} but {why}, so ignored it"),
                None => format!("{head} and ignored it"),
            },
            Handled::Terminated => format!("{head} but had been terminated, so ignored it"),
            Handled::Unexpected => format!("{head} but did not expect it"),
            Handled::Failed => match &d.error {
                Some(e) => format!("{head} and failed: {e}"),
                None => format!("{head} and failed"),
            },
            Handled::Done if d.sent.is_empty() => head,
            Handled::Done => {
                let parts: Vec<String> = d
                    .sent
                    .iter()
                    .map(|(to, msg)| {
                        if *to == d.step.from {
                            self.show(*msg)
                        } else {
                            format!("{} to {}", self.show(*msg), self.name(*to))
                        }
                    })
                    .collect();
                let verb = if d.sent.iter().all(|(to, _)| *to == d.step.from) {
                    "replied"
                } else {
                    "sent"
                };
                format!("{head} and {verb}: {}", parts.join("; "))
            }
        }
    }
}
