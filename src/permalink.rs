//! Permalinks: a scenario and the schedule delivered so far, in the URL
//! fragment.
//!
//! Format (version 1): `#v=1&scenario=NAME&PARAMETERS&s=SCHEDULE` where NAME
//! is a built-in protocol's name, PARAMETERS are `name=value` for the
//! protocol's parameters (`people=3&drinks=2`; a missing one takes its
//! default), and SCHEDULE is a schedule string (see
//! [`crate::model::schedule`]), possibly empty. Unknown keys are ignored so
//! later versions can add keys that older pages skip; a different `v` is
//! refused.

use std::fmt;

use crate::model::scenario::parse_in_range;
use crate::model::{Scenario, Schedule};

pub const VERSION: u32 = 1;

/// What a permalink holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub scenario: Scenario,
    pub schedule: Schedule,
    /// The server was terminated after this many deliveries (key `t`).
    pub terminated_after: Option<usize>,
    /// The candidates (indices into `Scenario::candidates`) the learner
    /// predicted possible (key `p`, indices joined by `.`).
    pub predicted: Option<std::collections::BTreeSet<usize>>,
}

/// Why a fragment was refused; the message is meant for the person who opened it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError(pub String);

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LinkError {}

impl Link {
    /// The fragment, without the leading `#`.
    pub fn to_fragment(&self) -> String {
        let s = &self.scenario;
        let mut out = format!("v={VERSION}&scenario={}", s.name());
        for (p, v) in s.protocol.params.iter().zip(&s.params) {
            out.push_str(&format!("&{}={v}", p.name));
        }
        if let Some(t) = self.terminated_after {
            out.push_str(&format!("&t={t}"));
        }
        if let Some(p) = &self.predicted {
            let picks: Vec<String> = p.iter().map(usize::to_string).collect();
            out.push_str(&format!("&p={}", picks.join(".")));
        }
        let system = s.system();
        out.push_str("&s=");
        out.push_str(&self.schedule.display(system.server_letter));
        out
    }

    /// Reads a fragment (with or without the leading `#`). An empty fragment
    /// is the default scenario. Every schedule step is checked against the
    /// model, so a link that asks for an impossible delivery is refused here.
    pub fn parse(fragment: &str) -> Result<Link, LinkError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.is_empty() {
            return Ok(Link::default());
        }
        let mut version = None;
        let mut name = None;
        let mut sched = None;
        let mut terminated = None;
        let mut predicted = None;
        let mut values: Vec<(&str, &str)> = Vec::new();
        for pair in fragment.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match key {
                "v" => &mut version,
                "scenario" => &mut name,
                "t" => &mut terminated,
                "p" => &mut predicted,
                "s" => &mut sched,
                _ => {
                    if values.iter().any(|(k, _)| *k == key) {
                        return Err(LinkError(format!("the link names {key} twice")));
                    }
                    values.push((key, value));
                    continue;
                }
            };
            if slot.replace(value).is_some() {
                return Err(LinkError(format!("the link names {key} twice")));
            }
        }
        match version {
            Some(v) if v == VERSION.to_string() => {}
            Some(v) => {
                return Err(LinkError(format!(
                    "the link is format version {v:?}; this racelab reads version {VERSION}"
                )))
            }
            None => return Err(LinkError("the link has no version (v=1)".to_string())),
        }
        let name = name.ok_or_else(|| LinkError("the link names no scenario".to_string()))?;
        let mut scenario = Scenario::builtin(name)
            .ok_or_else(|| LinkError(format!("the link names an unknown scenario {name:?}")))?;
        // The protocol's parameters; other keys are for other protocols or later versions.
        for i in 0..scenario.protocol.params.len() {
            let p = scenario.protocol.params[i].clone();
            if let Some((_, text)) = values.iter().find(|(k, _)| *k == p.name) {
                let v = parse_in_range(&p.label, text, (p.lo.into(), p.hi.into()))
                    .map_err(|e| LinkError(format!("in the link, {e}")))?;
                scenario.params[i] = v as i32;
            }
        }
        let system = scenario.system();
        let schedule = Schedule::parse(sched.unwrap_or(""), system.server_letter)
            .map_err(|e| LinkError(format!("the link's schedule is malformed at {e}")))?;
        let terminated_after = match terminated {
            None => None,
            Some(t) => match t.parse::<usize>() {
                Ok(n) if n <= schedule.len() => Some(n),
                _ => {
                    return Err(LinkError(format!(
                        "the link's t={t:?} is not a number of deliveries from 0 to {}",
                        schedule.len()
                    )))
                }
            },
        };
        // Replay in the model, terminating the server where the link says.
        let mut world = system.init();
        for (i, &step) in schedule.0.iter().enumerate() {
            if terminated_after == Some(i) {
                system.terminate(&mut world, crate::model::ActorId::SERVER);
            }
            system.check_step(&world, step).map_err(|reason| {
                LinkError(format!(
                    "the link's schedule is impossible at step {}: {reason}",
                    i + 1
                ))
            })?;
            system.deliver(&mut world, step);
        }
        let candidates = scenario.candidates().len();
        let predicted = match predicted {
            None => None,
            Some("") => Some(Default::default()),
            Some(text) => Some(
                text.split('.')
                    .map(|i| i.parse::<usize>().ok().filter(|&i| i < candidates))
                    .collect::<Option<_>>()
                    .ok_or_else(|| {
                        LinkError(format!(
                            "the link's prediction p={text:?} names no candidate outcome"
                        ))
                    })?,
            ),
        };
        Ok(Link {
            scenario,
            schedule,
            terminated_after,
            predicted,
        })
    }
}
