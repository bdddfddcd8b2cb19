//! Stateright 0.31 on the same models as racelab's explorer, two ways:
//!
//! - [`native`]: LOOK before you TAKE written by hand as Stateright actors
//!   (`native.rs`), what a native model costs Stateright;
//! - [`interpreted`]: racelab's own interpreter behind Stateright's `Actor`
//!   trait ([`SrActor`] forwards `on_start` and `on_msg` to the protocol
//!   file's start and handlers), so Stateright runs exactly racelab's model.
//!
//! The network is Stateright's ordered one (a FIFO queue per (sender,
//! receiver) pair; only the head of a queue can be delivered), reliable and
//! non-duplicating: racelab's network.

use std::borrow::Cow;
use std::sync::Arc;

use racelab::model::{ActorId, ActorState, Msg, Outbox, Scenario, System};
use stateright::actor::{self, ActorModel, ActorModelState, Id, LossyNetwork, Network, Out};
use stateright::{Checker, Expectation, Model};

use crate::native::{self, Native};

/// One racelab actor, seen by Stateright.
#[derive(Clone, Debug)]
pub struct SrActor {
    system: Arc<System>,
    id: ActorId,
}

fn send_all(outbox: Outbox, o: &mut Out<SrActor>) {
    for (to, msg) in outbox {
        o.send(Id::from(to.index()), msg);
    }
}

impl actor::Actor for SrActor {
    type Msg = Msg;
    type State = ActorState;
    type Timer = ();
    type Random = ();
    type Storage = ();

    fn on_start(&self, _id: Id, _storage: &Option<()>, o: &mut Out<Self>) -> ActorState {
        let mut outbox = Outbox::new();
        let slots = self
            .system
            .inst
            .start(self.id.index(), &mut outbox)
            .expect("the benchmark's protocol starts");
        send_all(outbox, o);
        ActorState {
            stopped: false,
            slots,
        }
    }

    fn on_msg(&self, _id: Id, state: &mut Cow<ActorState>, src: Id, msg: Msg, o: &mut Out<Self>) {
        let mut next: ActorState = (**state).clone();
        let mut outbox = Outbox::new();
        let from = ActorId(u8::try_from(usize::from(src)).expect("ids fit in a u8"));
        let _ = self
            .system
            .handle(self.id, &mut next, from, msg, &mut outbox);
        // Only take ownership when the state changed (Stateright's convention;
        // on an ordered network a no-op delivery still consumes the message).
        if next != **state {
            *state.to_mut() = next;
        }
        send_all(outbox, o);
    }
}

/// The model needs at least one property: with none, Stateright 0.31's
/// checkers consider "all properties discovered" true at once and stop after
/// the initial state. These invariants are never violated, so the search is
/// exhaustive.
pub fn interpreted(scenario: &Scenario) -> ActorModel<SrActor, (), ()> {
    let system = Arc::new(scenario.system());
    ActorModel::new((), ())
        .actors((0..system.actors()).map(|i| SrActor {
            system: system.clone(),
            id: ActorId(i as u8),
        }))
        .init_network(Network::new_ordered([]))
        .lossy_network(LossyNetwork::No)
        .property(
            Expectation::Always,
            "fridge never negative",
            |_, state: &ActorModelState<SrActor>| {
                state.actor_states[0].slots.get(1).is_none_or(|&d| d >= 0)
            },
        )
}

pub fn native(people: usize, drinks: i32) -> ActorModel<Native, (), ()> {
    ActorModel::new((), ())
        .actor(Native::Fridge { drinks })
        .actors(std::iter::repeat_n(Native::Person, people))
        .init_network(Network::new_ordered([]))
        .lossy_network(LossyNetwork::No)
        .property(
            Expectation::Always,
            "fridge never negative",
            |_, state: &ActorModelState<Native>| {
                !matches!(*state.actor_states[0], native::State::Fridge(d) if d < 0)
            },
        )
}

/// What one Stateright run found.
pub struct SrRun {
    /// Distinct states (fingerprints), the initial state included.
    pub unique: usize,
    /// States generated including repeats: the initial state plus one per
    /// transition.
    pub generated: usize,
    pub discoveries: usize,
}

/// Runs Stateright's depth-first search to completion, single-threaded.
pub fn dfs<M>(model: M) -> SrRun
where
    M: Model + Send + Sync + 'static,
    M::State: Clone + std::fmt::Debug + PartialEq + Send + Sync + std::hash::Hash,
    M::Action: Clone + std::fmt::Debug + PartialEq + Send + Sync,
{
    let checker = model.checker().threads(1).spawn_dfs().join();
    assert!(checker.is_done(), "Stateright stopped early");
    SrRun {
        unique: checker.unique_state_count(),
        generated: checker.state_count(),
        discoveries: checker.discoveries().len(),
    }
}
