//! Scenarios: the exercises the playground teaches, their parameters, their
//! limits, and what counts as their outcome.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::actor::{Actor, ActorId};
use super::bank::CustomerPhase;
use super::people::Phase;
use super::schedule::MAX_CLIENTS;
use super::system::{System, World};

/// Which protocol the clients run (and so which server they talk to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Protocol {
    /// LOOK, then TAKE 1 only if more than one drink is left.
    LookBeforeTake,
    /// Each person asks for `ask` drinks once.
    Thirsty,
    /// The fixed fridge: one atomic "take 1 if more than 1 is left".
    TakeIf,
    /// Each customer checks the balance, then withdraws `amount` if it saw enough.
    CheckThenWithdraw,
    /// The fixed bank: one atomic "withdraw `amount` if there is enough".
    WithdrawIf,
    /// Each person sends `requests` requests at once while the owner sends
    /// the fridge the poison pill: requests delivered after it are never
    /// answered.
    PoisonPill,
}

impl Protocol {
    pub const ALL: [Protocol; 6] = [
        Protocol::LookBeforeTake,
        Protocol::Thirsty,
        Protocol::TakeIf,
        Protocol::CheckThenWithdraw,
        Protocol::WithdrawIf,
        Protocol::PoisonPill,
    ];

    /// The name used on the command line and in permalinks.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::LookBeforeTake => "look-before-take",
            Protocol::Thirsty => "thirsty",
            Protocol::TakeIf => "take-if",
            Protocol::CheckThenWithdraw => "check-then-withdraw",
            Protocol::WithdrawIf => "withdraw-if",
            Protocol::PoisonPill => "poison-pill",
        }
    }

    pub fn from_name(name: &str) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.name() == name)
    }

    /// What the page calls it.
    pub fn title(self) -> &'static str {
        match self {
            Protocol::LookBeforeTake => "Polite: LOOK before you TAKE",
            Protocol::Thirsty => "Thirsty: ask for N",
            Protocol::TakeIf => "Fixed fridge: take 1 if more than 1 left",
            Protocol::CheckThenWithdraw => "Bank: check the balance, then withdraw",
            Protocol::WithdrawIf => "Fixed bank: withdraw if enough",
            Protocol::PoisonPill => "Poison pill: stop the fridge while requests are in flight",
        }
    }

    /// The fixed version of a racy protocol, if it has one.
    pub fn fixed(self) -> Option<Protocol> {
        match self {
            Protocol::LookBeforeTake => Some(Protocol::TakeIf),
            Protocol::CheckThenWithdraw => Some(Protocol::WithdrawIf),
            _ => None,
        }
    }

    /// Whether the server is the bank (else the fridge).
    pub fn is_bank(self) -> bool {
        matches!(self, Protocol::CheckThenWithdraw | Protocol::WithdrawIf)
    }
}

/// A scenario: a server and `clients` clients running `protocol`. Fridge
/// scenarios use `drinks` (and `ask` when thirsty); bank scenarios use
/// `balance` and `amount`. Unused fields keep their defaults, so two equal
/// scenarios are equal values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scenario {
    pub protocol: Protocol,
    /// People, or customers.
    pub people: u8,
    pub drinks: i32,
    /// How many drinks each thirsty person asks for.
    pub ask: i32,
    pub balance: i32,
    /// What each customer withdraws.
    pub amount: i32,
    /// How many requests each person pipelines (poison pill).
    pub requests: i32,
}

/// The ranges a scenario's parameters must lie in.
pub const PEOPLE: (i64, i64) = (1, 8);
pub const DRINKS: (i64, i64) = (0, 20);
pub const ASK: (i64, i64) = (1, 20);
pub const BALANCE: (i64, i64) = (0, 1_000_000);
pub const AMOUNT: (i64, i64) = (1, 1_000_000);
pub const REQUESTS: (i64, i64) = (1, 4);

const _: () = assert!(PEOPLE.1 <= MAX_CLIENTS as i64);

/// A parameter outside its range, named as the page labels it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// Checks that `text` is a whole number within `range`, for the field `field`.
pub fn parse_in_range(
    field: &'static str,
    text: &str,
    range: (i64, i64),
) -> Result<i64, ScenarioError> {
    let (lo, hi) = range;
    let err = || ScenarioError {
        field,
        message: format!("{field} must be a whole number from {lo} to {hi}"),
    };
    let value: i64 = text.trim().parse().map_err(|_| err())?;
    if (lo..=hi).contains(&value) {
        Ok(value)
    } else {
        Err(err())
    }
}

fn check(field: &'static str, v: i64, range: (i64, i64)) -> Result<i64, ScenarioError> {
    parse_in_range(field, &v.to_string(), range)
}

impl Default for Scenario {
    /// The reading's puzzle: three polite people and two drinks.
    fn default() -> Scenario {
        Scenario {
            protocol: Protocol::LookBeforeTake,
            people: 3,
            drinks: 2,
            ask: 3,
            balance: 100,
            amount: 60,
            requests: 2,
        }
    }
}

impl Scenario {
    /// A fridge scenario, refusing parameters outside their ranges (`ask`
    /// is checked always, used only when thirsty).
    pub fn new(
        protocol: Protocol,
        people: i64,
        drinks: i64,
        ask: i64,
    ) -> Result<Scenario, ScenarioError> {
        let d = Scenario::default();
        if protocol.is_bank() {
            return Scenario::bank(protocol, people, d.balance.into(), d.amount.into());
        }
        if protocol == Protocol::PoisonPill {
            return Scenario::poison_pill(people, drinks, d.requests.into());
        }
        let ask = check("Ask", ask, ASK)? as i32;
        Ok(Scenario {
            protocol,
            people: check("People", people, PEOPLE)? as u8,
            drinks: check("Drinks", drinks, DRINKS)? as i32,
            ask: if protocol == Protocol::Thirsty {
                ask
            } else {
                d.ask
            },
            ..d
        })
    }

    /// The poison-pill scenario: `people` people each pipelining `requests`
    /// requests, a fridge with `drinks`, and the owner who stops it.
    pub fn poison_pill(people: i64, drinks: i64, requests: i64) -> Result<Scenario, ScenarioError> {
        let d = Scenario::default();
        Ok(Scenario {
            protocol: Protocol::PoisonPill,
            people: check("People", people, (PEOPLE.0, PEOPLE.1))? as u8,
            drinks: check("Drinks", drinks, DRINKS)? as i32,
            requests: check("Requests", requests, REQUESTS)? as i32,
            ..d
        })
    }

    /// A bank scenario: `customers` customers, a starting `balance`, and the
    /// `amount` each wants to withdraw.
    pub fn bank(
        protocol: Protocol,
        customers: i64,
        balance: i64,
        amount: i64,
    ) -> Result<Scenario, ScenarioError> {
        let d = Scenario::default();
        if !protocol.is_bank() {
            return Scenario::new(protocol, customers, d.drinks.into(), d.ask.into());
        }
        Ok(Scenario {
            protocol,
            people: check("Customers", customers, PEOPLE)? as u8,
            balance: check("Balance", balance, BALANCE)? as i32,
            amount: check("Amount", amount, AMOUNT)? as i32,
            ..d
        })
    }

    /// The default scenario of a protocol (the bank's: 2 customers, 100, 60).
    pub fn default_for(protocol: Protocol) -> Scenario {
        let d = Scenario::default();
        Scenario {
            protocol,
            people: if protocol.is_bank() { 2 } else { d.people },
            ..d
        }
    }

    /// The same scenario with the fixed protocol, if there is one.
    pub fn fixed(&self) -> Option<Scenario> {
        self.protocol
            .fixed()
            .map(|protocol| Scenario { protocol, ..*self })
    }

    /// The parameters in words: "3 people, 2 drinks".
    pub fn describe(&self) -> String {
        let n = self.people;
        match self.protocol {
            Protocol::CheckThenWithdraw | Protocol::WithdrawIf => format!(
                "{n} customer{}, balance {}, each withdrawing {}",
                if n == 1 { "" } else { "s" },
                self.balance,
                self.amount
            ),
            Protocol::Thirsty => format!(
                "{n} people, {} drinks, each asking for {}",
                self.drinks, self.ask
            ),
            Protocol::PoisonPill => format!(
                "{n} people, {} drinks, each sending {} requests at once, and the owner",
                self.drinks, self.requests
            ),
            _ => format!("{n} people, {} drinks", self.drinks),
        }
    }

    pub fn system(&self) -> System {
        let client = match self.protocol {
            Protocol::LookBeforeTake => Actor::PolitePerson,
            Protocol::Thirsty => Actor::ThirstyPerson { ask: self.ask },
            Protocol::TakeIf => Actor::TakeIfPerson,
            Protocol::CheckThenWithdraw => Actor::CheckThenWithdraw {
                amount: self.amount,
            },
            Protocol::WithdrawIf => Actor::WithdrawIfCustomer {
                amount: self.amount,
            },
            Protocol::PoisonPill => Actor::PipeliningPerson {
                requests: self.requests.clamp(0, 255) as u8,
            },
        };
        let (server, letter, server_name, client_name) = if self.protocol.is_bank() {
            (
                Actor::Bank {
                    balance: self.balance,
                },
                'B',
                "Bank",
                "Customer",
            )
        } else {
            (
                Actor::Fridge {
                    drinks: self.drinks,
                },
                'F',
                "Fridge",
                "Person",
            )
        };
        let mut actors = vec![server];
        actors.extend(std::iter::repeat_n(client, usize::from(self.people)));
        let mut special = None;
        if self.protocol == Protocol::PoisonPill {
            special = Some((ActorId(actors.len() as u8), "Owner"));
            actors.push(Actor::Owner);
        }
        System {
            actors,
            server_letter: letter,
            server_name,
            client_name,
            special,
        }
    }

    /// The outcome of a world of this scenario.
    pub fn outcome(&self, world: &World) -> Outcome {
        let clients = 1..world.states.len();
        if self.protocol.is_bank() {
            return Outcome::Bank {
                balance: world.states[0].balance().unwrap_or(0),
                withdrew: clients
                    .filter(|&i| world.states[i].customer_phase() == Some(CustomerPhase::Withdrew))
                    .map(|i| ActorId(i as u8).0)
                    .collect(),
            };
        }
        if self.protocol == Protocol::PoisonPill {
            let mut unanswered = Vec::new();
            for i in 1..=usize::from(self.people) {
                if let Some(Phase::Pipelining { answered, .. }) =
                    world.states.get(i).and_then(|s| s.phase())
                {
                    let missing = self.requests.max(0) as usize
                        - usize::from(answered).min(self.requests.max(0) as usize);
                    unanswered.extend(std::iter::repeat_n(i as u8, missing));
                }
            }
            return Outcome::PoisonPill {
                drinks_left: world.states[0].drinks().unwrap_or(0),
                unanswered,
            };
        }
        Outcome::Fridge {
            drinks_left: world.states[0].drinks().unwrap_or(0),
            served: clients
                .filter(|&i| world.states[i].phase().is_some_and(|p| p.drinks_got() > 0))
                .map(|i| ActorId(i as u8).0)
                .collect(),
            polite: matches!(self.protocol, Protocol::LookBeforeTake | Protocol::TakeIf),
        }
    }
}

/// What a finished run left behind.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Outcome {
    /// Drinks in the fridge and who got a drink (person numbers from 1,
    /// ascending). `polite`: everyone meant to leave the last drink.
    Fridge {
        drinks_left: i32,
        served: Vec<u8>,
        polite: bool,
    },
    /// The balance and which customers' withdrawals went through.
    Bank { balance: i32, withdrew: Vec<u8> },
    /// Drinks left after the poison pill, and the requests never answered:
    /// a person's number once for each of their unanswered requests.
    PoisonPill {
        drinks_left: i32,
        unanswered: Vec<u8>,
    },
}

impl Outcome {
    /// The drinks left, or the balance.
    pub fn left(&self) -> i32 {
        match self {
            Outcome::Fridge { drinks_left, .. } | Outcome::PoisonPill { drinks_left, .. } => {
                *drinks_left
            }
            Outcome::Bank { balance, .. } => *balance,
        }
    }

    /// The clients the outcome names: who got a drink, whose withdrawal went
    /// through, or (poison pill) whose requests went unanswered.
    pub fn served(&self) -> &[u8] {
        match self {
            Outcome::Fridge { served, .. } => served,
            Outcome::Bank { withdrew, .. } => withdrew,
            Outcome::PoisonPill { unanswered, .. } => unanswered,
        }
    }

    /// Everyone was polite, and still a person took the last drink.
    pub fn politeness_failed(&self) -> bool {
        matches!(self, Outcome::Fridge { drinks_left: 0, served, polite: true } if !served.is_empty())
    }

    /// The account went below zero.
    pub fn overdrawn(&self) -> bool {
        matches!(self, Outcome::Bank { balance, .. } if *balance < 0)
    }

    /// An outcome the protocol was meant to prevent.
    pub fn is_unsafe(&self) -> bool {
        self.politeness_failed() || self.overdrawn()
    }
}

/// "1 drink left", "3 drinks left".
fn drinks(left: i32) -> String {
    match left {
        1 => "1 drink left".to_string(),
        n => format!("{n} drinks left"),
    }
}

fn names(who: &str, ids: &[u8]) -> String {
    let names: Vec<String> = ids.iter().map(|p| format!("{who} {p}")).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Fridge {
                drinks_left,
                served,
                ..
            } => {
                write!(f, "{}; ", drinks(*drinks_left))?;
                match served.as_slice() {
                    [] => write!(f, "nobody got a drink")?,
                    ids => write!(f, "{} got a drink", names("Person", ids))?,
                }
                if self.politeness_failed() {
                    write!(
                        f,
                        ". Politeness failed: everyone was polite, yet the fridge is empty"
                    )?;
                }
            }
            Outcome::Bank { balance, withdrew } => {
                write!(f, "balance {balance}; ")?;
                match withdrew.as_slice() {
                    [] => write!(f, "nobody withdrew")?,
                    ids => write!(f, "{} withdrew", names("Customer", ids))?,
                }
                if self.overdrawn() {
                    write!(f, ". Overdrawn: the balance went below zero")?;
                }
            }
            Outcome::PoisonPill {
                drinks_left,
                unanswered,
            } => {
                write!(f, "{}; ", drinks(*drinks_left))?;
                if unanswered.is_empty() {
                    write!(f, "every request was answered")?;
                } else {
                    let mut parts = Vec::new();
                    let mut i = 0;
                    while i < unanswered.len() {
                        let p = unanswered[i];
                        let n = unanswered[i..].iter().take_while(|&&q| q == p).count();
                        parts.push(format!("{n} from Person {p}"));
                        i += n;
                    }
                    write!(f, "unanswered: {}", parts.join(", "))?;
                }
            }
        }
        Ok(())
    }
}
