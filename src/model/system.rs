//! A system: the actors of one scenario, and the model interpreter that runs
//! them over a [`Network`]. This is the reference semantics: the explorer
//! calls [`System::deliver`] and the page reproduces it step by step with the
//! real workers.

use serde::{Deserialize, Serialize};

use super::actor::{Actor, ActorId, ActorState, Handled, Msg, Outbox};
use super::network::Network;
use super::schedule::{Schedule, Step};

/// The actors of a scenario; actor `i` is `actors[i]`, the server is 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct System {
    pub actors: Vec<Actor>,
    /// The server's letter in schedules and its name on the page.
    pub server_letter: char,
    pub server_name: &'static str,
    pub client_name: &'static str,
    /// A client with a name of its own (the poison-pill scenario's owner).
    pub special: Option<(ActorId, &'static str)>,
}

/// A global state: every actor's state and every message in flight.
#[derive(Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct World {
    pub states: Vec<ActorState>,
    pub net: Network,
}

impl Clone for World {
    fn clone(&self) -> World {
        World {
            states: self.states.clone(),
            net: self.net.clone(),
        }
    }

    /// Reuses this world's buffers: the explorer's inner loop allocates nothing.
    fn clone_from(&mut self, source: &World) {
        self.states.clone_from(&source.states);
        self.net.clone_from(&source.net);
    }
}

/// One delivery, as it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub step: Step,
    pub msg: Msg,
    pub handled: Handled,
    pub sent: Outbox,
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
    /// "Fridge", "Person 2", ...
    pub fn name(&self, id: ActorId) -> String {
        if id == ActorId::SERVER {
            self.server_name.to_string()
        } else if let Some((_, name)) = self.special.filter(|(s, _)| *s == id) {
            name.to_string()
        } else {
            format!("{} {}", self.client_name, id.0)
        }
    }

    /// Clients, in order.
    pub fn clients(&self) -> impl Iterator<Item = ActorId> + '_ {
        (1..self.actors.len()).map(|i| ActorId(i as u8))
    }

    /// Every actor started; their first messages are in flight.
    pub fn init(&self) -> World {
        let mut net = Network::new(self.actors.len());
        let mut out = Outbox::new();
        let states = self
            .actors
            .iter()
            .enumerate()
            .map(|(i, actor)| {
                out.clear();
                let state = actor.start(&mut out);
                for &(to, msg) in &out {
                    net.post(ActorId(i as u8), to, msg);
                }
                state
            })
            .collect();
        World { states, net }
    }

    /// Delivers the head of `step`'s channel to its receiver.
    pub fn deliver(&self, world: &mut World, step: Step) -> Option<Delivery> {
        let mut sent = Outbox::new();
        let (msg, handled) = self.deliver_into(world, step, &mut sent)?;
        Some(Delivery {
            step,
            msg,
            handled,
            sent,
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
        let actor = self.actors.get(step.to.index())?;
        let msg = world.net.take(step)?;
        sent.clear();
        let handled = actor.handle(&mut world.states[step.to.index()], step.from, msg, sent);
        for &(to, out) in sent.iter() {
            world.net.post(step.to, to, out);
        }
        Some((msg, handled))
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
        let n = self.actors.len();
        for id in [step.from, step.to] {
            if id.index() >= n {
                return Err(format!("there is no {}", self.name(id)));
            }
        }
        match world.net.head(step) {
            Some(_) => Ok(()),
            None => Err(format!(
                "nothing is in flight from {} to {}",
                self.name(step.from),
                self.name(step.to)
            )),
        }
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

    /// One line describing a delivery: "Fridge received look from Person 2
    /// and replied: took 0, 2 left".
    pub fn narrate(&self, d: &Delivery) -> String {
        let head = format!(
            "{} received {} from {}",
            self.name(d.step.to),
            d.msg,
            self.name(d.step.from)
        );
        match d.handled {
            Handled::Stopped => format!("{head} and stopped"),
            Handled::Ignored => format!("{head} but had stopped, so ignored it"),
            Handled::Unexpected => format!("{head} but did not expect it"),
            Handled::Done if d.sent.is_empty() => head,
            Handled::Done => {
                let parts: Vec<String> = d
                    .sent
                    .iter()
                    .map(|(to, msg)| {
                        if *to == d.step.from {
                            format!("{msg}")
                        } else {
                            format!("{msg} to {}", self.name(*to))
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
