//! The fridge's clients: polite people (LOOK before you TAKE) and thirsty
//! people (ask for N once).

use serde::{Deserialize, Serialize};

use super::actor::{ActorId, Msg, Outbox};

/// Where a person is in their protocol. Only what decides their future is
/// kept: what a polite person saw is in the message they received, not in
/// their state, so states that behave alike are one state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Phase {
    /// A polite person's LOOK is on its way; they have not looked yet.
    Looking,
    /// Saw more than one drink left, so asked to take one.
    Taking,
    /// A thirsty person asked for `ask` drinks and waits for the reply.
    Asking { ask: i32 },
    /// Got `drinks` drinks (a thirsty person may get 0).
    Got { drinks: i32 },
    /// A polite person who saw one drink or none, or whose take found the
    /// fridge empty, and left without a drink.
    Left,
    /// Sent several requests at once (pipelining); `answered` replies have
    /// come back so far, bringing `got` drinks.
    Pipelining { answered: u8, got: u8 },
    /// The owner, who sent the fridge the poison pill.
    Closing,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Phase::Looking => write!(f, "about to look"),
            Phase::Taking => write!(f, "taking"),
            Phase::Asking { ask } => write!(f, "asking for {ask}"),
            Phase::Got { drinks: 0 } => write!(f, "got no drink"),
            Phase::Got { drinks: 1 } => write!(f, "got a drink"),
            Phase::Got { drinks } => write!(f, "got {drinks} drinks"),
            Phase::Left => write!(f, "left without one"),
            Phase::Pipelining { answered, got } => {
                write!(
                    f,
                    "{answered} repl{} so far, ",
                    if answered == 1 { "y" } else { "ies" }
                )?;
                match got {
                    1 => write!(f, "1 drink"),
                    n => write!(f, "{n} drinks"),
                }
            }
            Phase::Closing => write!(f, "sent the fridge stop"),
        }
    }
}

impl Phase {
    /// Drinks this person ended up with.
    pub fn drinks_got(self) -> i32 {
        match self {
            Phase::Got { drinks } => drinks.max(0),
            Phase::Pipelining { got, .. } => i32::from(got),
            _ => 0,
        }
    }

    /// Whether the person has finished their protocol.
    pub fn is_done(self) -> bool {
        matches!(self, Phase::Got { .. } | Phase::Left)
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
                self.phase = Phase::Taking;
            }
            Phase::Looking => self.phase = Phase::Left,
            Phase::Taking if taken_or_added > 0 => {
                self.phase = Phase::Got {
                    drinks: taken_or_added,
                }
            }
            Phase::Taking => self.phase = Phase::Left,
            _ => return false,
        }
        true
    }

    /// The fixed protocol: one atomic "take 1 if more than 1 is left".
    pub fn take_if(out: &mut Outbox) -> Person {
        out.push((ActorId::SERVER, Msg::TakeIf));
        Person {
            phase: Phase::Taking,
        }
    }

    /// Sends `requests` requests for one drink at once, without waiting.
    pub fn pipelining(requests: u8, out: &mut Outbox) -> Person {
        for _ in 0..requests {
            out.push((ActorId::SERVER, Msg::Drink(1)));
        }
        Person {
            phase: Phase::Pipelining {
                answered: 0,
                got: 0,
            },
        }
    }

    /// The owner closes the fridge through its channel: the poison pill.
    pub fn owner(out: &mut Outbox) -> Person {
        out.push((ActorId::SERVER, Msg::Stop));
        Person {
            phase: Phase::Closing,
        }
    }

    /// The reply to the single request ends a thirsty or take-if person's
    /// protocol; a pipelining person counts replies.
    pub fn handle_reply(&mut self, msg: Msg) -> bool {
        match (self.phase, msg) {
            (Phase::Asking { .. }, Msg::FridgeResult { taken_or_added, .. }) => {
                self.phase = Phase::Got {
                    drinks: taken_or_added,
                };
                true
            }
            (Phase::Pipelining { answered, got }, Msg::FridgeResult { taken_or_added, .. }) => {
                self.phase = Phase::Pipelining {
                    answered: answered.saturating_add(1),
                    got: got.saturating_add(taken_or_added.clamp(0, 255) as u8),
                };
                true
            }
            (Phase::Taking, Msg::FridgeResult { taken_or_added, .. }) => {
                self.phase = if taken_or_added > 0 {
                    Phase::Got {
                        drinks: taken_or_added,
                    }
                } else {
                    Phase::Left
                };
                true
            }
            _ => false,
        }
    }
}
