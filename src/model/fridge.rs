//! The drinks fridge, with exactly the reading's protocol.

use serde::{Deserialize, Serialize};

use super::actor::{ActorId, Msg, Outbox};

/// The fridge's state. Rep invariant: `drinks >= 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Fridge {
    pub drinks: i32,
}

impl Fridge {
    /// A fridge with `drinks` drinks; a negative start is clamped to empty so
    /// the rep invariant holds from the first moment.
    pub fn new(drinks: i32) -> Fridge {
        let fridge = Fridge {
            drinks: drinks.max(0),
        };
        fridge.check_rep();
        fridge
    }

    fn check_rep(&self) {
        assert!(self.drinks >= 0, "fridge rep invariant broken: {self:?}");
    }

    /// `change = min(n, drinks)`, `drinks -= change`, reply with the change and
    /// what is left. So asking for more than is there takes what is left, zero
    /// only looks, and a negative request loads. A load that would overflow
    /// the counter changes nothing.
    pub fn handle(&mut self, from: ActorId, msg: Msg, out: &mut Outbox) -> bool {
        if msg == Msg::TakeIf {
            // The fix: checking and taking in one message, so no other
            // message can come between them.
            let taken = i32::from(self.drinks > 1);
            self.drinks -= taken;
            out.push((
                from,
                Msg::FridgeResult {
                    taken_or_added: taken,
                    left: self.drinks,
                },
            ));
            self.check_rep();
            return true;
        }
        let Msg::Drink(n) = msg else { return false };
        let change = n.min(self.drinks);
        match self.drinks.checked_sub(change) {
            Some(left) => {
                self.drinks = left;
                out.push((
                    from,
                    Msg::FridgeResult {
                        taken_or_added: change,
                        left,
                    },
                ));
            }
            None => out.push((
                from,
                Msg::FridgeResult {
                    taken_or_added: 0,
                    left: self.drinks,
                },
            )),
        }
        self.check_rep();
        true
    }
}
