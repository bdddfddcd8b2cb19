//! The actors: pure state machines that own their state and talk only by
//! messages.
//!
//! An [`Actor`] is a *description* (which role, with which parameters); its
//! [`ActorState`] is the data it owns. [`Actor::start`] gives the initial state
//! and the first messages; [`Actor::handle`] takes one message to completion.
//! Neither does I/O, reads a clock or draws a random number, so the explorer
//! and the Web Workers, the two interpreters of this code, always agree.

use serde::{Deserialize, Serialize};

use super::bank::{Bank, Customer, CustomerPhase};
use super::fridge::Fridge;
use super::people::{Person, Phase};

/// An actor's index in a scenario: 0 is the server (the fridge), clients are
/// numbered from 1 as on the page.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
pub struct ActorId(pub u8);

impl ActorId {
    /// The fridge (or, later, the bank): the actor every client talks to.
    pub const SERVER: ActorId = ActorId(0);

    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// Every message any actor sends. Messages are immutable values (`Copy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Msg {
    /// A drink request to the fridge: `n > 0` takes up to `n`, `n == 0` only
    /// looks, `n < 0` loads `-n` drinks.
    Drink(i32),
    /// The fridge's reply: drinks taken (> 0) or added (< 0), and drinks left.
    FridgeResult {
        taken_or_added: i32,
        left: i32,
    },
    /// The fixed fridge's atomic request: take 1 only if more than 1 is left.
    TakeIf,
    /// Bank requests.
    Deposit(i32),
    Withdraw(i32),
    Balance,
    /// The fixed bank's atomic request: withdraw only if the balance allows.
    WithdrawIf(i32),
    /// The bank's reply: the balance after the request, and whether the
    /// request was carried out.
    BankResult {
        balance: i32,
        ok: bool,
    },
    /// The poison pill: the receiver handles nothing after it.
    Stop,
}

impl std::fmt::Display for Msg {
    /// The short label the page and the traces use ("look", "take 1", ...).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Msg::Drink(0) => write!(f, "look"),
            Msg::Drink(n) if n > 0 => write!(f, "take {n}"),
            Msg::Drink(n) => write!(f, "load {}", -i64::from(n)),
            Msg::FridgeResult {
                taken_or_added,
                left,
            } if taken_or_added < 0 => {
                write!(f, "added {}, {left} left", -i64::from(taken_or_added))
            }
            Msg::FridgeResult {
                taken_or_added,
                left,
            } => {
                write!(f, "took {taken_or_added}, {left} left")
            }
            Msg::TakeIf => write!(f, "take 1 if more than 1 left"),
            Msg::Deposit(a) => write!(f, "deposit {a}"),
            Msg::Withdraw(a) => write!(f, "withdraw {a}"),
            Msg::Balance => write!(f, "check balance"),
            Msg::WithdrawIf(a) => write!(f, "withdraw {a} if enough"),
            Msg::BankResult { balance, ok: true } => write!(f, "balance {balance}"),
            Msg::BankResult { balance, ok: false } => write!(f, "refused, balance {balance}"),
            Msg::Stop => write!(f, "stop"),
        }
    }
}

/// What an actor is: its role and the parameters it was created with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Actor {
    /// The drinks fridge, starting with `drinks` drinks.
    Fridge { drinks: i32 },
    /// LOOK, then TAKE 1 only if more than one drink is left.
    PolitePerson,
    /// Asks for `ask` drinks once.
    ThirstyPerson { ask: i32 },
    /// The fixed protocol: one atomic "take 1 if more than 1 is left".
    TakeIfPerson,
    /// Sends `requests` requests for one drink at once (pipelining).
    PipeliningPerson { requests: u8 },
    /// Sends the fridge the poison pill.
    Owner,
    /// The bank account, starting with `balance`.
    Bank { balance: i32 },
    /// Checks the balance, then withdraws `amount` if it saw enough.
    CheckThenWithdraw { amount: i32 },
    /// The fixed protocol: one atomic "withdraw `amount` if there is enough".
    WithdrawIfCustomer { amount: i32 },
}

/// The data an actor owns. `stopped` is common to every role: after the
/// poison pill the actor handles nothing more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ActorState {
    pub stopped: bool,
    pub role: RoleState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RoleState {
    Fridge(Fridge),
    Person(Person),
    Bank(Bank),
    Customer(Customer),
}

/// Messages an actor sends while taking one step, in the order sent.
pub type Outbox = Vec<(ActorId, Msg)>;

/// What handling one message did, for traces and the page's narration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Handled {
    /// The message was handled (replies, if any, are in the outbox).
    Done,
    /// The message was the poison pill; the actor is now stopped.
    Stopped,
    /// The actor had already stopped and did not look at the message.
    Ignored,
    /// The message does not belong to the actor's protocol at this point; the
    /// state is unchanged.
    Unexpected,
}

impl Actor {
    /// The initial state, and the messages the actor sends before receiving any.
    pub fn start(&self, out: &mut Outbox) -> ActorState {
        let role = match *self {
            Actor::Fridge { drinks } => RoleState::Fridge(Fridge::new(drinks)),
            Actor::PolitePerson => RoleState::Person(Person::polite(out)),
            Actor::ThirstyPerson { ask } => RoleState::Person(Person::thirsty(ask, out)),
            Actor::TakeIfPerson => RoleState::Person(Person::take_if(out)),
            Actor::PipeliningPerson { requests } => {
                RoleState::Person(Person::pipelining(requests, out))
            }
            Actor::Owner => RoleState::Person(Person::owner(out)),
            Actor::Bank { balance } => RoleState::Bank(Bank { balance }),
            Actor::CheckThenWithdraw { .. } => {
                RoleState::Customer(Customer::check_then_withdraw(out))
            }
            Actor::WithdrawIfCustomer { amount } => {
                RoleState::Customer(Customer::withdraw_if(amount, out))
            }
        };
        ActorState {
            stopped: false,
            role,
        }
    }

    /// Takes one message to completion. Interleaving happens only between calls.
    pub fn handle(
        &self,
        state: &mut ActorState,
        from: ActorId,
        msg: Msg,
        out: &mut Outbox,
    ) -> Handled {
        if state.stopped {
            return Handled::Ignored;
        }
        if msg == Msg::Stop {
            state.stopped = true;
            return Handled::Stopped;
        }
        let handled = match (&mut state.role, *self) {
            (RoleState::Fridge(fridge), Actor::Fridge { .. }) => fridge.handle(from, msg, out),
            (RoleState::Person(person), Actor::PolitePerson) => person.handle_polite(msg, out),
            (
                RoleState::Person(person),
                Actor::ThirstyPerson { .. } | Actor::TakeIfPerson | Actor::PipeliningPerson { .. },
            ) => person.handle_reply(msg),
            (RoleState::Bank(bank), Actor::Bank { .. }) => bank.handle(from, msg, out),
            (
                RoleState::Customer(customer),
                Actor::CheckThenWithdraw { amount } | Actor::WithdrawIfCustomer { amount },
            ) => customer.handle(amount, msg, out),
            _ => false,
        };
        if handled {
            Handled::Done
        } else {
            Handled::Unexpected
        }
    }

    /// Whether this actor is a client (a person or a customer), not the server.
    pub fn is_client(&self) -> bool {
        !matches!(self, Actor::Fridge { .. } | Actor::Bank { .. })
    }
}

impl ActorState {
    /// The person's phase, if this is a person.
    pub fn phase(&self) -> Option<Phase> {
        match self.role {
            RoleState::Person(p) => Some(p.phase),
            _ => None,
        }
    }

    /// The customer's phase, if this is a customer.
    pub fn customer_phase(&self) -> Option<CustomerPhase> {
        match self.role {
            RoleState::Customer(c) => Some(c.phase),
            _ => None,
        }
    }

    /// The drinks in the fridge, if this is the fridge.
    pub fn drinks(&self) -> Option<i32> {
        match self.role {
            RoleState::Fridge(f) => Some(f.drinks),
            _ => None,
        }
    }

    /// The account's balance, if this is the bank.
    pub fn balance(&self) -> Option<i32> {
        match self.role {
            RoleState::Bank(b) => Some(b.balance),
            _ => None,
        }
    }

    /// One line for the page ("2 drinks", "saw 2 left, taking"). `last` is
    /// the last message the actor received, if any: what a person saw is in
    /// that message, not in their state.
    pub fn describe(&self, last: Option<Msg>) -> String {
        let text = match self.role {
            RoleState::Fridge(f) => match f.drinks {
                1 => "1 drink".to_string(),
                n => format!("{n} drinks"),
            },
            RoleState::Person(p) => match (p.phase, last) {
                (Phase::Taking | Phase::Left, Some(Msg::FridgeResult { left, .. })) => {
                    format!("saw {left} left, {}", p.phase)
                }
                (phase, _) => phase.to_string(),
            },
            RoleState::Bank(b) => format!("balance {}", b.balance),
            RoleState::Customer(c) => match (c.phase, last) {
                (CustomerPhase::Withdrawing, Some(Msg::BankResult { balance, .. }))
                | (CustomerPhase::Declined, Some(Msg::BankResult { balance, ok: true })) => {
                    format!("saw balance {balance}, {}", c.phase)
                }
                (phase, _) => phase.to_string(),
            },
        };
        if self.stopped {
            format!("{text} (stopped)")
        } else {
            text
        }
    }
}
