//! Scenarios: the exercises the playground teaches, their parameters, their
//! limits, and what counts as their outcome.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::actor::{Actor, ActorId};
use super::schedule::MAX_CLIENTS;
use super::system::{System, World};

/// Which protocol the clients run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Protocol {
    /// LOOK, then TAKE 1 only if more than one drink is left.
    LookBeforeTake,
    /// Each person asks for `ask` drinks once.
    Thirsty,
}

impl Protocol {
    pub const ALL: [Protocol; 2] = [Protocol::LookBeforeTake, Protocol::Thirsty];

    /// The name used on the command line and in permalinks.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::LookBeforeTake => "look-before-take",
            Protocol::Thirsty => "thirsty",
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
        }
    }
}

/// A scenario: a fridge with `drinks` drinks and `people` clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scenario {
    pub protocol: Protocol,
    pub people: u8,
    pub drinks: i32,
    /// How many drinks each thirsty person asks for (unused when polite).
    pub ask: i32,
}

/// The ranges a scenario's parameters must lie in.
pub const PEOPLE: (i64, i64) = (1, 8);
pub const DRINKS: (i64, i64) = (0, 20);
pub const ASK: (i64, i64) = (1, 20);

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

/// Checks that `value` is a whole number within `range`, for the field `field`.
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

impl Default for Scenario {
    /// The reading's puzzle: three polite people and two drinks.
    fn default() -> Scenario {
        Scenario {
            protocol: Protocol::LookBeforeTake,
            people: 3,
            drinks: 2,
            ask: 3,
        }
    }
}

impl Scenario {
    /// Builds a scenario, refusing parameters outside their ranges.
    pub fn new(
        protocol: Protocol,
        people: i64,
        drinks: i64,
        ask: i64,
    ) -> Result<Scenario, ScenarioError> {
        let check = |field: &'static str, v: i64, range: (i64, i64)| {
            parse_in_range(field, &v.to_string(), range)
        };
        Ok(Scenario {
            protocol,
            people: check("People", people, PEOPLE)? as u8,
            drinks: check("Drinks", drinks, DRINKS)? as i32,
            ask: check("Ask", ask, ASK)? as i32,
        })
    }

    pub fn system(&self) -> System {
        let client = match self.protocol {
            Protocol::LookBeforeTake => Actor::PolitePerson,
            Protocol::Thirsty => Actor::ThirstyPerson { ask: self.ask },
        };
        let mut actors = vec![Actor::Fridge {
            drinks: self.drinks,
        }];
        actors.extend(std::iter::repeat_n(client, usize::from(self.people)));
        System {
            actors,
            server_letter: 'F',
            server_name: "Fridge",
            client_name: "Person",
        }
    }

    /// The outcome of a world of this scenario.
    pub fn outcome(&self, world: &World) -> Outcome {
        let drinks_left = world.states[0].drinks().unwrap_or(0);
        let served = (1..world.states.len())
            .filter(|&i| world.states[i].phase().is_some_and(|p| p.drinks_got() > 0))
            .map(|i| ActorId(i as u8).0)
            .collect();
        Outcome {
            drinks_left,
            served,
            polite: self.protocol == Protocol::LookBeforeTake,
        }
    }
}

/// What a finished run left behind: drinks in the fridge and who got a drink.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Outcome {
    pub drinks_left: i32,
    /// Person numbers (from 1) who got at least one drink, ascending.
    pub served: Vec<u8>,
    /// Whether everyone was polite, so an empty fridge means politeness failed.
    pub polite: bool,
}

impl Outcome {
    /// Everyone was polite and still the fridge is empty.
    pub fn politeness_failed(&self) -> bool {
        self.polite && self.drinks_left == 0
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let left = match self.drinks_left {
            1 => "1 drink left".to_string(),
            n => format!("{n} drinks left"),
        };
        let who = match self.served.as_slice() {
            [] => "nobody got a drink".to_string(),
            [one] => format!("Person {one} got a drink"),
            many => {
                let names: Vec<String> = many.iter().map(|p| format!("Person {p}")).collect();
                let (last, rest) = names.split_last().expect("many has at least two");
                format!("{} and {last} got a drink", rest.join(", "))
            }
        };
        write!(f, "{left}; {who}")?;
        if self.politeness_failed() {
            write!(
                f,
                ". Politeness failed: everyone was polite, yet the fridge is empty"
            )?;
        }
        Ok(())
    }
}
