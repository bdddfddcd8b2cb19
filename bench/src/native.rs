//! LOOK before you TAKE, written by hand in Rust as Stateright actors: the
//! benchmark's reference for what a native model costs. This is the only
//! hand-written copy of a protocol in the repository, and it lives here,
//! outside racelab, on purpose: racelab itself runs `protocols/*.race`.

use std::borrow::Cow;

use stateright::actor::{Actor, Id, Out};

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Msg {
    /// Take up to n (0 only looks).
    Drink(i32),
    /// Taken, and left.
    Result(i32, i32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    Fridge(i32),
    Looking,
    Taking,
    Got,
    Gone,
}

#[derive(Clone, Debug)]
pub enum Native {
    Fridge { drinks: i32 },
    Person,
}

impl Actor for Native {
    type Msg = Msg;
    type State = State;
    type Timer = ();
    type Random = ();
    type Storage = ();

    fn on_start(&self, _id: Id, _storage: &Option<()>, o: &mut Out<Self>) -> State {
        match self {
            Native::Fridge { drinks } => State::Fridge(*drinks),
            Native::Person => {
                o.send(Id::from(0), Msg::Drink(0));
                State::Looking
            }
        }
    }

    fn on_msg(&self, _id: Id, state: &mut Cow<State>, src: Id, msg: Msg, o: &mut Out<Self>) {
        match (**state, msg) {
            (State::Fridge(drinks), Msg::Drink(n)) => {
                let change = n.min(drinks);
                *state.to_mut() = State::Fridge(drinks - change);
                o.send(src, Msg::Result(change, drinks - change));
            }
            (State::Looking, Msg::Result(_, left)) => {
                if left > 1 {
                    o.send(Id::from(0), Msg::Drink(1));
                    *state.to_mut() = State::Taking;
                } else {
                    *state.to_mut() = State::Gone;
                }
            }
            (State::Taking, Msg::Result(taken, _)) => {
                *state.to_mut() = if taken > 0 { State::Got } else { State::Gone };
            }
            _ => {}
        }
    }
}
