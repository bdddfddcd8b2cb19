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
//!
//! Version 2 carries a protocol that is not built in, by its source:
//! `#v=2&src=SOURCE&PARAMETERS&s=SCHEDULE` (and `t`, `p` as in version 1),
//! where SOURCE is the source compressed (raw DEFLATE, the browser's
//! `CompressionStream("deflate-raw")`) and written in base64url without
//! padding. Built-ins keep version 1 and their short names, so every
//! version-1 link opens as it always did. This module never compresses:
//! [`Link::to_fragment_with`] takes SOURCE ready made and
//! [`Link::parse_with_source`] the source already decompressed (or
//! [`Link::parse_compiled`] the source already compiled); the web layer
//! does the (asynchronous) compression and compiling between them, within
//! [`MAX_FRAGMENT`] and [`crate::lang::syntax::MAX_SOURCE_BYTES`].
//!
//! Either version may end in `&mode=present` or `&mode=embed`: how the page
//! lays itself out ([`Mode`]), not part of the run. `mode` is reserved, so
//! no protocol parameter has that name, and `#mode=embed` alone is the
//! default scenario in that mode.

use std::fmt;
use std::sync::Arc;

use crate::lang;
use crate::model::scenario::parse_in_range;
use crate::model::{Scenario, Schedule};

pub const VERSION: u32 = 1;
/// The version of links that carry their protocol's source.
pub const VERSION_SOURCE: u32 = 2;
/// A longer fragment is refused before anything in it is decoded.
pub const MAX_FRAGMENT: usize = 512 * 1024;
/// A link longer than this may not survive common chat tools.
pub const LONG_LINK: usize = 8 * 1024;
/// The name a link's protocol source has in its diagnostics.
pub const LINK_FILE: &str = "link.race";

/// Refuses an empty source, before anything compiles it.
pub fn check_source(source: &str) -> Result<(), LinkError> {
    if source.trim().is_empty() {
        return Err(LinkError("the link's protocol source is empty".to_string()));
    }
    Ok(())
}

/// Why a link's protocol was refused, from the compiler's report.
pub fn source_error(report: &lang::Report) -> LinkError {
    let first: Vec<String> = report.short().into_iter().take(3).collect();
    LinkError(format!(
        "the link's protocol has {} error{}: {}",
        report.diagnostics.len(),
        if report.diagnostics.len() == 1 {
            ""
        } else {
            "s"
        },
        first.join("; ")
    ))
}

/// A link's protocol source (`src`, decompressed) compiled, for
/// [`Link::parse_compiled`].
pub fn compile_source(source: &str) -> Result<lang::Program, LinkError> {
    check_source(source)?;
    lang::compile(LINK_FILE, source).map_err(|report| source_error(&report))
}

/// What a permalink holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Link {
    pub scenario: Scenario,
    pub schedule: Schedule,
    /// The server was terminated after this many deliveries (key `t`).
    pub terminated_after: Option<usize>,
    /// The candidates (indices into `Scenario::candidates`) the learner
    /// predicted possible (key `p`, indices joined by `.`).
    pub predicted: Option<crate::sorted::SortedSet<usize>>,
    /// How the page lays itself out (key `mode`); `None` is the full page.
    pub mode: Option<Mode>,
}

/// The page's layouts besides the full one, for the lecture hall and for
/// course pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Large type; the stepper, the code, the diagram and the status on one
    /// projected screen.
    Present,
    /// Only the stepper, the diagram and the status, for an iframe.
    Embed,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Present => "present",
            Mode::Embed => "embed",
        }
    }

    pub fn parse(text: &str) -> Result<Mode, LinkError> {
        match text {
            "present" => Ok(Mode::Present),
            "embed" => Ok(Mode::Embed),
            _ => Err(LinkError(format!(
                "the link's mode={:?} is not one of present, embed",
                text.chars().take(40).collect::<String>()
            ))),
        }
    }
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
    /// Whether the link must carry its protocol's source (version 2).
    pub fn needs_source(&self) -> bool {
        !self.scenario.is_builtin()
    }

    /// The fragment, without the leading `#`. For a protocol that is not
    /// built in, the source is left empty: use [`Link::to_fragment_with`].
    pub fn to_fragment(&self) -> String {
        self.to_fragment_with("")
    }

    /// The fragment, with `source` (compressed and in base64url, see the
    /// module's docs) as the protocol's when it is not built in.
    pub fn to_fragment_with(&self, source: &str) -> String {
        let s = &self.scenario;
        let mut out = if self.needs_source() {
            format!("v={VERSION_SOURCE}&src={source}")
        } else {
            format!("v={VERSION}&scenario={}", s.name())
        };
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
        if let Some(mode) = self.mode {
            out.push_str("&mode=");
            out.push_str(mode.as_str());
        }
        out
    }

    /// Reads a fragment (with or without the leading `#`). An empty fragment
    /// is the default scenario. Every schedule step is checked against the
    /// model, so a link that asks for an impossible delivery is refused here.
    pub fn parse(fragment: &str) -> Result<Link, LinkError> {
        Link::parse_with_source(fragment, None)
    }

    /// The compressed source a version-2 fragment carries (its `src`), to
    /// be decompressed and given to [`Link::parse_with_source`]; `None` for
    /// a version-1 fragment. Refuses a fragment over [`MAX_FRAGMENT`].
    pub fn source_token(fragment: &str) -> Result<Option<&str>, LinkError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.len() > MAX_FRAGMENT {
            return Err(LinkError(format!(
                "the link is {} KB long; racelab opens links of up to {} KB",
                fragment.len() / 1024,
                MAX_FRAGMENT / 1024
            )));
        }
        let mut version = None;
        let mut src = None;
        for pair in fragment.split('&') {
            match pair.split_once('=') {
                Some(("v", v)) => version = Some(v),
                Some(("src", t)) => src = Some(t),
                _ => {}
            }
        }
        Ok(src.filter(|_| version == Some("2")))
    }

    /// The built-in protocol a version-1 fragment names (its `scenario`),
    /// to be at hand before [`Link::parse`] reads it; `None` otherwise.
    pub fn builtin_name(fragment: &str) -> Option<&str> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.len() > MAX_FRAGMENT || !fragment.split('&').any(|p| p == "v=1") {
            return None;
        }
        fragment
            .split('&')
            .find_map(|p| p.strip_prefix("scenario="))
    }

    /// Reads a fragment as [`Link::parse`] does; a version-2 fragment's
    /// protocol is `source`, its `src` already decompressed.
    pub fn parse_with_source(fragment: &str, source: Option<&str>) -> Result<Link, LinkError> {
        Link::parse_compiled(fragment, source.map(compile_source))
    }

    /// Reads a fragment as [`Link::parse`] does; a version-2 fragment's
    /// protocol is `program`, its `src` already decompressed and compiled
    /// (see [`compile_source`]), or why that failed.
    pub fn parse_compiled(
        fragment: &str,
        program: Option<Result<lang::Program, LinkError>>,
    ) -> Result<Link, LinkError> {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if fragment.is_empty() {
            return Ok(Link::default());
        }
        if fragment.len() > MAX_FRAGMENT {
            return Err(LinkError(format!(
                "the link is {} KB long; racelab opens links of up to {} KB",
                fragment.len() / 1024,
                MAX_FRAGMENT / 1024
            )));
        }
        let mut version = None;
        let mut name = None;
        let mut sched = None;
        let mut terminated = None;
        let mut predicted = None;
        let mut src = None;
        let mut mode = None;
        let mut values: Vec<(&str, &str)> = Vec::new();
        for pair in fragment.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match key {
                "v" => &mut version,
                "scenario" => &mut name,
                "t" => &mut terminated,
                "p" => &mut predicted,
                "s" => &mut sched,
                "src" => &mut src,
                "mode" => &mut mode,
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
        let mode = mode.map(Mode::parse).transpose()?;
        if version.is_none()
            && name.is_none()
            && src.is_none()
            && sched.is_none()
            && values.is_empty()
        {
            // `#mode=embed`: the default scenario, in that mode.
            if let Some(mode) = mode {
                return Ok(Link {
                    mode: Some(mode),
                    ..Link::default()
                });
            }
        }
        let mut scenario = match version {
            Some(v) if v == VERSION.to_string() => {
                let name =
                    name.ok_or_else(|| LinkError("the link names no scenario".to_string()))?;
                Scenario::builtin(name).ok_or_else(|| {
                    LinkError(format!("the link names an unknown scenario {name:?}"))
                })?
            }
            Some(v) if v == VERSION_SOURCE.to_string() && src.is_some() => {
                let program = program.ok_or_else(|| {
                    LinkError("the link's protocol source could not be read".to_string())
                })??;
                Scenario::new(Arc::new(program))
            }
            Some(v) if v == VERSION_SOURCE.to_string() => {
                return Err(LinkError(format!(
                    "the link is format version {v:?}, which carries its protocol in src=, and it has none"
                )))
            }
            Some(v) => {
                return Err(LinkError(format!(
                    "the link is format version {v:?}; this racelab reads versions {VERSION} and {VERSION_SOURCE}"
                )))
            }
            None => return Err(LinkError("the link has no version (v=1)".to_string())),
        };
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
            Some(text) => {
                // Inserted, not collected: see Scenario::candidates.
                let mut picks = crate::sorted::SortedSet::new();
                for i in text.split('.') {
                    let pick = i.parse::<usize>().ok().filter(|&i| i < candidates);
                    picks.insert(pick.ok_or_else(|| {
                        LinkError(format!(
                            "the link's prediction p={text:?} names no candidate outcome"
                        ))
                    })?);
                }
                Some(picks)
            }
        };
        Ok(Link {
            scenario,
            schedule,
            terminated_after,
            predicted,
            mode,
        })
    }
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in base64url, without padding: safe in a URL fragment as it is.
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64URL[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Reads base64url (padding optional); anything else is refused.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, LinkError> {
    let text = text.trim_end_matches('=');
    let bad = || LinkError("the link's src= is not base64url".to_string());
    if text.len() % 4 == 1 {
        return Err(bad());
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'-' => 62,
                b'_' => 63,
                _ => return Err(bad()),
            };
            let v = u32::from(v);
            n |= v << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Ok(out)
}
