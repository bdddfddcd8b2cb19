//! racelab's actors as a Stateright actor system.
//!
//! [`SrActor`] wraps a `racelab::model::Actor` and forwards `on_start` and
//! `on_msg` to racelab's own `Actor::start` and `Actor::handle`, so both
//! checkers run literally the same actor code. The network is Stateright's
//! ordered one (a FIFO queue per (sender, receiver) pair; only the head of a
//! queue can be delivered), reliable and non-duplicating: racelab's network.

use std::borrow::Cow;

use racelab::model::{Actor, ActorId, ActorState, Msg, Outbox, Scenario};
use stateright::actor::{self, ActorModel, ActorModelState, Id, LossyNetwork, Network, Out};
use stateright::{Checker, Expectation, Model};

/// One racelab actor, seen by Stateright.
#[derive(Clone, Debug)]
pub struct SrActor(pub Actor);

fn to_id(id: ActorId) -> Id {
    Id::from(id.index())
}

fn from_id(id: Id) -> ActorId {
    let i = usize::from(id);
    ActorId(u8::try_from(i).expect("actor ids fit in a u8"))
}

fn send_all(outbox: Outbox, o: &mut Out<SrActor>) {
    for (to, msg) in outbox {
        o.send(to_id(to), msg);
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
        let state = self.0.start(&mut outbox);
        send_all(outbox, o);
        state
    }

    fn on_msg(&self, _id: Id, state: &mut Cow<ActorState>, src: Id, msg: Msg, o: &mut Out<Self>) {
        let mut next: ActorState = **state;
        let mut outbox = Outbox::new();
        self.0.handle(&mut next, from_id(src), msg, &mut outbox);
        // Only take ownership when the state changed (Stateright's convention;
        // on an ordered network a no-op delivery still consumes the message).
        if next != **state {
            *state.to_mut() = next;
        }
        send_all(outbox, o);
    }
}

pub type SrModel = ActorModel<SrActor, (), ()>;

/// The scenario's actors (fridge = Id 0, person i = Id i) on an ordered,
/// reliable network.
///
/// The model needs at least one property: with none, Stateright 0.31's
/// checkers consider "all properties discovered" true at once and stop after
/// the initial state. This invariant is never violated, so the search is
/// exhaustive.
pub fn model(scenario: &Scenario) -> SrModel {
    ActorModel::new((), ())
        .actors(scenario.system().actors.into_iter().map(SrActor))
        .init_network(Network::new_ordered([]))
        .lossy_network(LossyNetwork::No)
        .property(
            Expectation::Always,
            "fridge never negative",
            |_, state: &ActorModelState<SrActor>| {
                state.actor_states[0].drinks().is_none_or(|d| d >= 0)
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    Dfs,
    Bfs,
}

/// Runs Stateright to completion, single-threaded.
pub fn check(scenario: &Scenario, search: Search) -> SrRun {
    let builder = model(scenario).checker().threads(1);
    match search {
        Search::Dfs => summarize(builder.spawn_dfs().join()),
        Search::Bfs => summarize(builder.spawn_bfs().join()),
    }
}

fn summarize(checker: impl Checker<SrModel>) -> SrRun {
    assert!(checker.is_done(), "Stateright stopped early");
    SrRun {
        unique: checker.unique_state_count(),
        generated: checker.state_count(),
        discoveries: checker.discoveries().len(),
    }
}
