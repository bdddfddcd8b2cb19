//! Scenarios: a protocol (a checked program, see [`crate::lang`]) with a
//! value for each of its parameters, and how it crosses the wire (its
//! outcomes are [`super::outcome`]'s).
//!
//! Everything that differs from one race to the next (the parameters and
//! their ranges, who the actors are, what is shown, what is unsafe) comes
//! from the protocol's file; nothing here names the fridge or the bank.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::system::System;
use crate::lang::{self, Instance, Program};

/// A protocol and its parameters' values, in the protocol's order.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub protocol: Arc<Program>,
    pub params: Vec<i32>,
}

impl PartialEq for Scenario {
    fn eq(&self, other: &Scenario) -> bool {
        self.params == other.params
            && (Arc::ptr_eq(&self.protocol, &other.protocol)
                || (self.protocol.name == other.protocol.name
                    && self.protocol.source == other.protocol.source))
    }
}

impl Eq for Scenario {}

/// A parameter outside its range, named as the page labels it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// Checks that `text` is a whole number within `range`, for the field `field`.
pub fn parse_in_range(field: &str, text: &str, range: (i64, i64)) -> Result<i64, ScenarioError> {
    let (lo, hi) = range;
    let err = || ScenarioError {
        field: field.to_string(),
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
        Scenario::builtin("look-before-take").expect("the built-in protocols compile")
    }
}

impl Scenario {
    /// A protocol with its parameters' defaults.
    pub fn new(protocol: Arc<Program>) -> Scenario {
        let params = protocol.defaults();
        Scenario { protocol, params }
    }

    /// A built-in protocol (`look-before-take`, ...) with its defaults.
    pub fn builtin(name: &str) -> Option<Scenario> {
        lang::builtin(name).map(Scenario::new)
    }

    /// The names of the built-in protocols, in the page's order.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        lang::BUILTIN_NAMES.iter().copied()
    }

    /// Whether this scenario's protocol is the built-in of its name.
    pub fn is_builtin(&self) -> bool {
        lang::builtin(&self.protocol.name).is_some_and(|b| b.source == self.protocol.source)
    }

    /// The name used on the command line and in links.
    pub fn name(&self) -> &str {
        &self.protocol.name
    }

    /// What the page calls it.
    pub fn title(&self) -> &str {
        &self.protocol.title
    }

    /// A parameter's value by name.
    pub fn param(&self, name: &str) -> Option<i32> {
        self.protocol.param_index(name).map(|i| self.params[i])
    }

    /// The same scenario with one parameter set, refused outside its range.
    pub fn with(mut self, name: &str, value: i64) -> Result<Scenario, ScenarioError> {
        let Some(i) = self.protocol.param_index(name) else {
            let names: Vec<&str> = self
                .protocol
                .params
                .iter()
                .map(|p| p.name.as_str())
                .collect();
            return Err(ScenarioError {
                field: name.to_string(),
                message: format!(
                    "{} has no parameter {name:?}; its parameters are {}",
                    self.protocol.name,
                    if names.is_empty() {
                        "none".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            });
        };
        let p = &self.protocol.params[i];
        let v = parse_in_range(&p.label, &value.to_string(), (p.lo.into(), p.hi.into()))?;
        self.params[i] = v as i32;
        Ok(self)
    }

    /// The same scenario with the fixed protocol, if there is one: the
    /// parameters both have keep their values.
    pub fn fixed(&self) -> Option<Scenario> {
        let fixed = Scenario::builtin(self.protocol.fixed.as_deref()?)?;
        let mut out = fixed.clone();
        for (p, &v) in self.protocol.params.iter().zip(&self.params) {
            if let Ok(s) = out.clone().with(&p.name, v.into()) {
                out = s;
            }
        }
        Some(out)
    }

    /// The instance of the protocol these values make. The values are kept
    /// in range by every constructor, so this only fails on a hand-built
    /// scenario.
    pub fn instance(&self) -> Result<Instance, String> {
        Instance::new(self.protocol.clone(), self.params.clone())
    }

    /// The parameters in words: "3 people, 2 drinks".
    pub fn describe(&self) -> String {
        match self.instance() {
            Ok(inst) => inst.summary(),
            Err(e) => e,
        }
    }

    pub fn system(&self) -> System {
        let inst = self.instance().unwrap_or_else(|_| {
            Instance::new(self.protocol.clone(), self.protocol.defaults())
                .expect("a protocol's defaults are in range")
        });
        System::new(inst)
    }
}

/// How a scenario crosses the wire: a built-in by name (unless the sender
/// is the page, which fetched it, so its workers may not hold it), any other protocol
/// as its compiled program (a worker runs it, and never compiles), in
/// [`lang::binary`]'s form.
#[derive(Serialize, Deserialize)]
struct ScenarioWire {
    name: String,
    program: Option<Vec<u8>>,
    params: Vec<i32>,
}

impl Serialize for Scenario {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ScenarioWire {
            name: self.protocol.name.clone(),
            // By name where the receiver holds the program: every build
            // but the page's holds every built-in (see lang::builtin).
            program: (!self.is_builtin() || !lang::builtin_stored(self.name()))
                .then(|| lang::program_bytes(&self.protocol)),
            params: self.params.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Scenario {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Scenario, D::Error> {
        use serde::de::Error;
        let wire = ScenarioWire::deserialize(d)?;
        let protocol = match wire.program {
            None => lang::builtin(&wire.name)
                .ok_or_else(|| D::Error::custom(format!("no built-in protocol {:?}", wire.name)))?,
            Some(bytes) => Arc::new(
                lang::read_program(&bytes)
                    .ok_or_else(|| D::Error::custom("a protocol that cannot be read"))?,
            ),
        };
        Instance::new(protocol.clone(), wire.params.clone()).map_err(D::Error::custom)?;
        Ok(Scenario {
            protocol,
            params: wire.params,
        })
    }
}
