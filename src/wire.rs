//! The page ↔ worker protocol, and the worker side of it.
//!
//! This is the only module whose types exist to cross a `postMessage`. The
//! page sends [`ToActor`] to an actor's worker; the worker answers every one
//! with exactly one [`FromActor`], in order. [`ActorHost`] is everything an
//! actor's worker does, with no web APIs in it, so it is tested natively and
//! in a real worker alike.

use serde::{Deserialize, Serialize};

use crate::model::{Actor, ActorId, ActorState, Handled, Msg, Outbox};

/// Page → actor worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToActor {
    /// Become actor `id`, described by `actor`. The first message a worker gets.
    Init { id: ActorId, actor: Actor },
    /// A network message delivered by the page, which is the network.
    Deliver { from: ActorId, msg: Msg },
    /// The poison pill, sent when the page is about to replace this worker.
    Stop,
    /// Go back to a state the page recorded earlier (step back).
    Restore { state: ActorState },
    /// Answer at once; measures the bridge itself.
    Ping(u32),
}

/// Actor worker → page: one per [`ToActor`], in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FromActor {
    /// The actor's initial state and the messages it sent on starting.
    Started {
        state: ActorState,
        sent: Outbox,
    },
    /// A delivery was taken to completion.
    Handled {
        handled: Handled,
        state: ActorState,
        sent: Outbox,
    },
    /// The poison pill was taken; the actor handles nothing more.
    Stopped,
    Restored,
    Pong(u32),
    /// The worker could not do what was asked (or hit a bug); it says why.
    Failed {
        error: String,
    },
}

/// The worker side: one hosted actor and its state.
#[derive(Debug, Default)]
pub struct ActorHost {
    hosted: Option<(ActorId, Actor, ActorState)>,
}

impl ActorHost {
    /// Handles one request from the page and returns the reply.
    pub fn receive(&mut self, input: ToActor) -> FromActor {
        match (input, &mut self.hosted) {
            (ToActor::Ping(n), _) => FromActor::Pong(n),
            (ToActor::Init { id, actor }, None) => {
                let mut sent = Outbox::new();
                let state = actor.start(&mut sent);
                self.hosted = Some((id, actor, state));
                FromActor::Started { state, sent }
            }
            (ToActor::Init { .. }, Some((id, ..))) => FromActor::Failed {
                error: format!("this worker already hosts actor {}", id.0),
            },
            (_, None) => FromActor::Failed {
                error: "this worker hosts no actor yet".to_string(),
            },
            (ToActor::Deliver { from, msg }, Some((_, actor, state))) => {
                let mut sent = Outbox::new();
                let handled = actor.handle(state, from, msg, &mut sent);
                FromActor::Handled {
                    handled,
                    state: *state,
                    sent,
                }
            }
            (ToActor::Stop, Some((_, actor, state))) => {
                actor.handle(state, ActorId::SERVER, Msg::Stop, &mut Outbox::new());
                FromActor::Stopped
            }
            (ToActor::Restore { state: saved }, Some((_, _, state))) => {
                *state = saved;
                FromActor::Restored
            }
        }
    }
}
