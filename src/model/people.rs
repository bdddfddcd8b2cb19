//! The fridge's clients: polite people (LOOK before you TAKE) and thirsty
//! people (ask for N once).

use serde::{Deserialize, Serialize};

use super::actor::{ActorId, Msg, Outbox};

/// Where a person is in their protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Phase {
    /// A polite person's LOOK is on its way; they have not looked yet.
    Looking,
    /// Saw `saw` drinks left (more than one), so asked to take one.
    Taking { saw: i32 },
    /// A thirsty person asked for `ask` drinks and waits for the reply.
    Asking { ask: i32 },
    /// Got the reply to their take: `drinks` taken (0 if the fridge was empty).
    Got { drinks: i32 },
    /// Saw `saw` drinks left (one or none) and left without taking.
    Left { saw: i32 },
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Phase::Looking => write!(f, "about to look"),
            Phase::Taking { saw } => write!(f, "saw {saw} left, taking"),
            Phase::Asking { ask } => write!(f, "asking for {ask}"),
            Phase::Got { drinks: 0 } => write!(f, "got no drink"),
            Phase::Got { drinks: 1 } => write!(f, "got a drink"),
            Phase::Got { drinks } => write!(f, "got {drinks} drinks"),
            Phase::Left { saw } => write!(f, "saw {saw} left, left without one"),
        }
    }
}

impl Phase {
    /// Drinks this person ended up with.
    pub fn drinks_got(self) -> i32 {
        match self {
            Phase::Got { drinks } => drinks.max(0),
            _ => 0,
        }
    }

    /// Whether the person has finished their protocol.
    pub fn is_done(self) -> bool {
        matches!(self, Phase::Got { .. } | Phase::Left { .. })
    }
}

/// A person's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Person {
    pub phase: Phase,
}

impl Person {
    /// A polite person starts by looking.
    pub fn polite(out: &mut Outbox) -> Person {
        out.push((ActorId::SERVER, Msg::Drink(0)));
        Person {
            phase: Phase::Looking,
        }
    }

    /// A thirsty person starts by asking for `ask` drinks.
    pub fn thirsty(ask: i32, out: &mut Outbox) -> Person {
        out.push((ActorId::SERVER, Msg::Drink(ask)));
        Person {
            phase: Phase::Asking { ask },
        }
    }

    /// LOOK; if the reply shows more than one drink left, TAKE 1; otherwise
    /// leave without a drink.
    pub fn handle_polite(&mut self, msg: Msg, out: &mut Outbox) -> bool {
        let Msg::FridgeResult {
            taken_or_added,
            left,
        } = msg
        else {
            return false;
        };
        match self.phase {
            Phase::Looking if left > 1 => {
                out.push((ActorId::SERVER, Msg::Drink(1)));
                self.phase = Phase::Taking { saw: left };
            }
            Phase::Looking => self.phase = Phase::Left { saw: left },
            Phase::Taking { .. } => {
                self.phase = Phase::Got {
                    drinks: taken_or_added,
                }
            }
            _ => return false,
        }
        true
    }

    /// The reply to the single request ends a thirsty person's protocol.
    pub fn handle_thirsty(&mut self, msg: Msg) -> bool {
        match (self.phase, msg) {
            (Phase::Asking { .. }, Msg::FridgeResult { taken_or_added, .. }) => {
                self.phase = Phase::Got {
                    drinks: taken_or_added,
                };
                true
            }
            _ => false,
        }
    }
}
