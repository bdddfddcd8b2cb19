//! Drawing: the app's state as HTML, region by region. Reads the app, never
//! changes it. Every string that could come from outside is escaped.
//!
//! A region is rewritten only when its HTML differs from what was last
//! written into it, and an attribute only when its value changes: the page
//! redraws on every reply and every progress message, and a rewrite that
//! changes nothing still costs a re-parse, a restyle, lost focus and
//! selection, and noise for assistive technology.

use std::cell::RefCell;
use std::fmt::Write;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

use super::app::App;
use crate::model::system::ClientStatus;
use crate::model::{Act, ActorId, Faults, Handled, Msg, Step};
use crate::timeline::Entry;
use crate::wire::FateSummary;

/// `&`, `<`, `>`, `"` and `'` made safe for text and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

thread_local! {
    /// The HTML last written into each region, by the region's id. Compared
    /// with this, not with the DOM: the browser serialises what it parsed
    /// in its own way (`disabled=""`, `<line></line>`), so `inner_html()`
    /// would differ every time.
    static DRAWN: RefCell<crate::sorted::SortedMap<&'static str, String>> = const { RefCell::new(crate::sorted::SortedMap::new()) };
}

/// Writes `html` into region `id`, unless that is what it already holds.
fn set(doc: &Document, id: &'static str, html: &str) {
    DRAWN.with_borrow_mut(|drawn| {
        if drawn.get(id).is_some_and(|last| last == html) {
            return;
        }
        if let Some(el) = doc.get_element_by_id(id) {
            el.set_inner_html(html);
            drawn.insert(id, html.to_string());
        }
    });
}

/// Sets attribute `name` of `el` to `value`, unless it has that value
/// already (setting it again would still count as a change).
pub(super) fn set_attr(el: &Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        let _ = el.set_attribute(name, value);
    }
}

/// Adds or removes a boolean attribute (`hidden`, `disabled`) if it changes.
pub(super) fn flag(el: &Element, name: &str, on: bool) {
    if el.has_attribute(name) != on {
        let _ = if on {
            el.set_attribute(name, "")
        } else {
            el.remove_attribute(name)
        };
    }
}

/// How a client is drawn: as the model says its protocol left it.
fn status_class(status: ClientStatus) -> &'static str {
    match status {
        ClientStatus::Served => "served",
        ClientStatus::Unserved => "unserved",
        ClientStatus::Waiting => "waiting",
    }
}

fn actors(app: &App) -> String {
    let mut html = String::new();
    for (i, state) in app.states().iter().enumerate() {
        let id = ActorId(i as u8);
        let name = esc(&app.system.name(id));
        let last = app
            .past()
            .iter()
            .rev()
            .find(|e| e.step.to == id && e.step.delivers())
            .map(|e| e.msg);
        let mut text = app.system.describe(id, state, last);
        if i == 0 && app.terminated_after().is_some() {
            text = format!("{text}, terminated: its worker was killed");
        }
        let class = if i == 0 {
            "server"
        } else {
            status_class(app.system.status(id, state))
        };
        let _ = write!(
            html,
            r#"<li class="actor {class}" data-actor="{i}"><span class="name">{name}</span> <span class="state">{}</span></li>"#,
            esc(&text)
        );
    }
    html
}

fn flight(app: &App) -> String {
    if !app.started() {
        return "<p>Starting the workers…</p>".to_string();
    }
    if app.net().is_empty() {
        return "<p>Nothing is in flight.</p>".to_string();
    }
    if app.world().failed.is_some() {
        return "<p>The run stopped with a runtime error: nothing more can be delivered.</p>"
            .to_string();
    }
    let mut html = String::from(r#"<ol class="flight">"#);
    let disabled = if app.busy() { " disabled" } else { "" };
    let unordered = app.net().unordered();
    let steps: Vec<(Step, Msg)> = app.world().deliverable().collect();
    let mut number = 0;
    for &(step, head) in steps.iter().filter(|(s, _)| s.act == Act::Deliver) {
        number += 1;
        let from = esc(&app.system.name(step.from));
        let to = esc(&app.system.name(step.to));
        let msg = esc(&app.system.show(head));
        let code = step.display(app.system.server_letter);
        let behind = if unordered {
            // Any message may arrive next, each is listed; equal ones once.
            let copies = app.net().channel(step).filter(|&m| m == head).count();
            if copies > 1 {
                format!(r#"<span class="queued">×{copies}</span>"#)
            } else {
                String::new()
            }
        } else {
            let queued: Vec<String> = app
                .net()
                .channel(step)
                .skip(1)
                .map(|m| esc(&app.system.show(m)))
                .collect();
            if queued.is_empty() {
                String::new()
            } else {
                format!(r#"<span class="queued">then: {}</span>"#, queued.join(", "))
            }
        };
        // What the network may do instead, within what is left of its budgets.
        let mut faults = String::new();
        for &(fault, _) in steps
            .iter()
            .filter(|(s, _)| s.channel() == step.channel() && s.pick == step.pick)
            .filter(|(s, _)| s.act != Act::Deliver)
        {
            let word = match fault.act {
                Act::Lose => "Lose",
                _ => "Duplicate",
            };
            let _ = write!(
                faults,
                r#" <button type="button" class="fault" data-action="deliver" data-step="{}" aria-label="{word} {msg} from {from} to {to}"{disabled}>{word}</button>"#,
                fault.display(app.system.server_letter)
            );
        }
        let _ = write!(
            html,
            r#"<li><button type="button" class="deliver" data-action="deliver" data-step="{code}"{disabled}><span class="visually-hidden">Deliver </span><kbd>{number}</kbd> <strong>{msg}</strong> <span class="route">{from} → {to}</span></button>{faults}{behind}</li>"#
        );
    }
    html.push_str("</ol>");
    html
}

/// What to notice in this protocol, and how its network behaves.
fn about(app: &App) -> String {
    let mut html = String::new();
    if let Some(note) = &app.scenario.protocol.note {
        let _ = write!(html, r#"<p class="lesson">{}</p>"#, esc(note));
    }
    let budgets = app.system.budgets();
    let left = app.world().faults;
    let mut words = format!("Network: {}", app.system.network_words());
    if budgets != Faults::default() && left != budgets {
        let _ = write!(
            words,
            " (still allowed: {} lost, {} duplicated)",
            left.lose, left.duplicate
        );
    }
    let _ = write!(html, r#"<p class="network">{}.</p>"#, esc(&words));
    html
}

/// One sentence about a delivery: what the receiver did, once it answered.
pub(super) fn narration(app: &App, entry: &Entry) -> String {
    match entry.delivery() {
        Some(delivery) => app.system.narrate(&delivery),
        None => format!(
            "{} is handling {} from {}…",
            app.system.name(entry.step.to),
            app.system.show(entry.msg),
            app.system.name(entry.step.from)
        ),
    }
}

fn history(app: &App) -> String {
    let terminated = app.timeline.terminated();
    if app.past().is_empty() && terminated.is_none() {
        return "<p>No deliveries yet.</p>".to_string();
    }
    let mut html = String::from(r#"<ol class="history">"#);
    let fate = app.known_fate();
    for (i, entry) in app.past().iter().enumerate() {
        let code = entry.step.display(app.system.server_letter);
        let _ = write!(
            html,
            r#"<li data-step="{code}"{}>{}</li>"#,
            fate_mark(fate, i + 1),
            esc(&narration(app, entry))
        );
    }
    html.push_str("</ol>");
    html.push_str(&fate_sentence(app));
    let server = esc(&app.system.name(ActorId::SERVER));
    let said = |list: &mut String, items: Vec<String>| list.push_str(&items.join("; "));
    let ignored: Vec<&Entry> = app
        .past()
        .iter()
        .filter(|e| matches!(e.handled, Some(Handled::Ignored(_))))
        .collect();
    let unanswered: Vec<String> = ignored
        .iter()
        .map(|e| {
            format!(
                "{} from {}",
                esc(&app.system.show(e.msg)),
                esc(&app.system.name(e.step.from))
            )
        })
        .collect();
    if let Some(first) = ignored.first() {
        // In the protocol's words: "because the fridge had taken the poison pill".
        let because = match first.handled {
            Some(Handled::Ignored(reason)) => {
                app.system.ignore_reason(first.step.to, reason).map(|why| {
                    format!(
                        "the {} {why}",
                        app.system.name(first.step.to).to_ascii_lowercase()
                    )
                })
            }
            _ => None,
        };
        let _ = write!(
            html,
            r#"<p class="unanswered">Never answered, because {}: "#,
            esc(&because.unwrap_or_else(|| "they were ignored".to_string()))
        );
        said(&mut html, unanswered);
        html.push_str(".</p>");
    }
    if let Some(terminated) = terminated {
        let t = terminated.after;
        let _ = write!(
            html,
            r#"<p class="dropped-note">Terminated the {} after {t} deliver{}: its worker was killed at once. "#,
            server.to_ascii_lowercase(),
            if t == 1 { "y" } else { "ies" }
        );
        if terminated.dropped.is_empty() {
            html.push_str("Nothing was in flight to it.</p>");
        } else {
            html.push_str("Dropped, never handled: ");
            said(
                &mut html,
                terminated
                    .dropped
                    .iter()
                    .map(|(step, msg)| {
                        format!(
                            "{} from {}",
                            esc(&app.system.show(*msg)),
                            esc(&app.system.name(step.from))
                        )
                    })
                    .collect(),
            );
            html.push_str(".</p>");
        }
    }
    html
}

fn status(app: &App) -> String {
    if let Some(failure) = &app.failure {
        return format!("Stopped: {}", esc(failure));
    }
    if !app.started() {
        return "Starting the workers…".to_string();
    }
    if app.timeline.len() < app.replay_total && app.busy() {
        return format!(
            "Replaying the link: {} of {} deliveries…",
            app.timeline.len(),
            app.replay_total
        );
    }
    if let Some(f) = &app.world().failed {
        // A runtime error ends the run: nothing more can be delivered.
        return format!(
            "Stopped: {} failed with a runtime error: {}. Step back, or edit the protocol.",
            esc(&app.system.name(f.actor)),
            esc(&f.error.to_string())
        );
    }
    if app.finished() {
        let outcome = app.system.outcome(app.world());
        return format!("Finished: {}.", esc(&app.system.show_outcome(&outcome)));
    }
    let n = app.net().in_flight().count();
    let noun = if n == 1 { "message is" } else { "messages are" };
    format!("{n} {noun} in flight. You are the network: choose which one is delivered next.")
}

fn notice(app: &App) -> String {
    let mut html = String::new();
    if let Some(notice) = &app.notice {
        let _ = write!(html, r#"<p class="notice">{}</p>"#, esc(notice));
    }
    if let Some(failure) = &app.failure {
        let _ = write!(
            html,
            r#"<p class="failure">{} <button type="button" data-action="restart">Restart workers</button></p>"#,
            esc(failure)
        );
    }
    html
}

/// The run as a space-time diagram: a lifeline per actor, time going down,
/// an arrow per message from its send to its delivery. Messages in flight
/// are dashed; each delivered arrow is a button that jumps to just after it.
fn diagram(app: &App) -> String {
    drawing(app, None).map(|(svg, ..)| svg).unwrap_or_default()
}

/// The diagram, and its width and height; with `export` (the file's own
/// stylesheet and title), a standalone SVG file without the page's buttons,
/// for `hall.rs`'s downloads.
pub(super) fn drawing(app: &App, export: Option<(&str, &str)>) -> Option<(String, usize, usize)> {
    let n = app.system.actors();
    if n == 0 || !app.started() {
        return None;
    }
    let (col, row, left, top) = (120usize, 30usize, 70usize, 50usize);
    let now = app.timeline.len();
    let x = |id: ActorId| left + id.index() * col;
    let y = |t: usize| top + t * row;
    let arrows = app.timeline.arrows();
    let pending = arrows.iter().filter(|a| a.delivered.is_none()).count();
    // Messages not delivered end on rows of their own below the present,
    // so no two arrowheads (and so no two labels) share a row.
    let y_pending = |j: usize| y(now) + (j + 1) * row * 4 / 5;
    let width = 2 * left + (n - 1) * col;
    let height = y_pending(pending) + 24;
    let (namespace, role, button) = match export {
        None => ("", r#" role="group""#, true),
        Some(_) => (r#" xmlns="http://www.w3.org/2000/svg""#, "", false),
    };
    let mut svg = format!(
        r#"<svg{namespace} class="diagram" width="{width}" height="{height}" viewBox="0 0 {width} {height}"{role} aria-label="Space-time diagram: {now} deliveries">"#
    );
    if let Some((title, style)) = export {
        let _ = write!(
            svg,
            r##"<title>{}</title><style>{style}</style><rect width="100%" height="100%" fill="#fff"/>"##,
            esc(title)
        );
    }
    svg.push_str(r#"<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="head"/></marker></defs>"#);
    for i in 0..n {
        let id = ActorId(i as u8);
        let _ = write!(
            svg,
            r#"<text class="who" x="{0}" y="20" text-anchor="middle">{1}</text><line class="lifeline" x1="{0}" y1="30" x2="{0}" y2="{2}"/>"#,
            x(id),
            esc(&app.system.name(id)),
            height - 10
        );
    }
    for t in 1..=now {
        let _ = write!(
            svg,
            r#"<text class="tick" x="12" y="{}">{t}</text>"#,
            y(t) + 4
        );
    }
    let mut j = 0;
    for a in arrows {
        let (x1, y1, x2) = (x(a.step.from), y(a.sent), x(a.step.to));
        let label = esc(&app.system.show(a.msg));
        let (from, to) = (
            esc(&app.system.name(a.step.from)),
            esc(&app.system.name(a.step.to)),
        );
        match a.delivered {
            Some(k) if a.lost => {
                // Lost on the way: the arrow stops half way, at the step
                // that lost it.
                let (y2, xm) = (y(k), (x1 + x2) / 2);
                let _ = write!(
                    svg,
                    r#"<g class="arrow lost" tabindex="0" role="button" data-action="jump" data-to="{k}" aria-label="Step {k}: {label} from {from} to {to}, lost by the network. Jump to just after it."><title>{k}. {label}: {from} → {to}, lost</title><line class="hit" x1="{x1}" y1="{y1}" x2="{xm}" y2="{y2}"/><line x1="{x1}" y1="{y1}" x2="{xm}" y2="{y2}"/><text x="{xm}" y="{}" text-anchor="middle">✕ {label} (lost)</text></g>"#,
                    y2 - 6
                );
            }
            Some(k) => {
                let y2 = y(k);
                if button {
                    let _ = write!(
                        svg,
                        r#"<g class="arrow" tabindex="0" role="button" data-action="jump" data-to="{k}" aria-label="Delivery {k}: {label} from {from} to {to}. Jump to just after it.">"#
                    );
                } else {
                    svg.push_str(r#"<g class="arrow">"#);
                }
                let _ = write!(
                    svg,
                    r#"<title>{k}. {label}: {from} → {to}</title><line class="hit" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/><line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" marker-end="url(#head)"/><text x="{}" y="{}" text-anchor="middle">{label}</text></g>"#,
                    // Near the head: each delivery row has exactly one, so
                    // labels of delivered messages never meet.
                    (x1 + 3 * x2) / 4,
                    y2 - 6
                );
            }
            None => {
                let y2 = y_pending(j);
                j += 1;
                let class = if a.dropped {
                    "arrow dropped"
                } else {
                    "arrow inflight"
                };
                let state = if a.dropped {
                    "dropped by terminate"
                } else {
                    "in flight"
                };
                let _ = write!(
                    svg,
                    r#"<g class="{class}"><title>{label}: {from} → {to}, {state}</title><line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" marker-end="url(#head)"/><text x="{}" y="{}" text-anchor="middle">{label} ({state})</text></g>"#,
                    (x1 + 3 * x2) / 4,
                    y2 - 6
                );
            }
        }
    }
    if let Some(fate) = app.known_fate() {
        svg.push_str(&fate_lines(fate, width, |k| y(k) + row / 2));
    }
    svg.push_str("</svg>");
    Some((svg, width, height))
}

/// A delivery's mark in the history: the point of no return, or where the
/// run became certainly unsafe (the page's stylesheet shows the words).
fn fate_mark(fate: Option<&FateSummary>, k: usize) -> String {
    let Some(f) = fate else {
        return String::new();
    };
    let point = f.point_of_no_return as usize == k;
    let unsafe_from = f.unsafe_from.is_some_and(|u| u as usize == k);
    match (unsafe_from, point) {
        (true, true) => {
            r#" class="fate-point unsafe-point" data-mark="point of no return: unsafe, and this very outcome, from here""#
                .to_string()
        }
        (true, false) => r#" class="unsafe-point" data-mark="point of no return: unsafe from here""#.to_string(),
        (false, true) => {
            r#" class="fate-point" data-mark="point of no return: this very outcome from here""#.to_string()
        }
        _ => String::new(),
    }
}

/// Under the history: the point of no return in a sentence, and the
/// alternative as a one-click branch; or that it is being worked out.
fn fate_sentence(app: &App) -> String {
    let Some(fate) = app.fate.as_ref().filter(|f| f.scenario == app.scenario) else {
        return String::new();
    };
    match &fate.result {
        None => r#"<p class="fate pending">Finding the point of no return…</p>"#.to_string(),
        Some(Err(e)) => format!(
            r#"<p class="fate">No point of no return to show: {}.</p>"#,
            esc(e)
        ),
        Some(Ok(f)) => {
            let mut html = format!(
                r#"<p class="fate" data-point="{}" data-unsafe-from="{}" data-states="{}" data-elapsed-ms="{}">{}</p>"#,
                f.point_of_no_return,
                f.unsafe_from.map_or(String::new(), |u| u.to_string()),
                f.states,
                fate.elapsed_ms.map_or(String::new(), |ms| fixed(ms, 1)),
                esc(&f.sentence)
            );
            if let Some(a) = &f.alternative {
                let _ = write!(
                    html,
                    r#"<p class="fate-alternative"><button type="button" data-action="alternative" data-run="{}"{}>Try the alternative: {} as delivery {}</button></p>"#,
                    esc(&a.run.display(app.system.server_letter)),
                    if app.busy() { " disabled" } else { "" },
                    esc(&a.what),
                    a.at
                );
            }
            html
        }
    }
}

/// The diagram's marks: a line across just after the point of no return
/// (and after the delivery from which the run was certainly unsafe).
fn fate_lines(f: &FateSummary, width: usize, below: impl Fn(usize) -> usize) -> String {
    let mut marks = vec![(
        f.point_of_no_return as usize,
        "fate-line",
        "point of no return",
    )];
    if let Some(u) = f.unsafe_from.map(|u| u as usize) {
        if u == marks[0].0 {
            marks[0] = (
                u,
                "fate-line unsafe",
                "point of no return (unsafe from here)",
            );
        } else {
            marks.push((u, "fate-line unsafe", "unsafe from here"));
        }
    }
    let mut svg = String::new();
    for (k, class, words) in marks {
        let y = below(k);
        let _ = write!(
            svg,
            r#"<g class="{class}" data-after="{k}"><title>After delivery {k}: {words}</title><line x1="4" y1="{y}" x2="{}" y2="{y}"/><text x="{}" y="{}" text-anchor="end">{words}</text></g>"#,
            width - 4,
            width - 6,
            y - 3
        );
    }
    svg
}

/// Under an outcome of the explorer: its witness's point of no return.
fn witness_fate(fate: Option<&FateSummary>) -> String {
    let Some(f) = fate else {
        return String::new();
    };
    // Deliveries counted from 1; "after delivery 0" is from the start.
    let k = f.point_of_no_return;
    let u = f.unsafe_from.map_or(String::new(), |u| u.to_string());
    let unsafe_words = if u.is_empty() {
        String::new()
    } else {
        format!("unsafe after delivery {u}, ")
    };
    format!(
        r#"<span class="fate-note" data-point="{k}" data-unsafe-from="{u}">Point of no return: {unsafe_words}this very outcome after delivery {k} of this schedule</span>"#
    )
}

/// The candidate outcomes to predict, then, once revealed, the grade.
fn predict(app: &App) -> String {
    let s = &app.scenario;
    let candidates = s.candidates();
    let picks = app.predicted.clone().unwrap_or_default();
    let answer = app
        .explored
        .iter()
        .rev()
        .find(|e| !e.comparison && e.summary.complete && e.summary.scenario == *s);
    let mut html = String::new();
    match (app.revealed, answer) {
        (true, Some(e)) => {
            let possible: Vec<_> = e
                .summary
                .outcomes
                .iter()
                .map(|o| o.outcome.clone())
                .collect();
            let grade = s.grade(&picks, &possible);
            let _ = write!(
                html,
                r#"<p class="grade">{}</p><ul class="predictions">"#,
                if grade.all_right() {
                    "Your prediction was right on every count.".to_string()
                } else {
                    format!(
                        "You missed {} possible outcome{} and claimed {} that cannot happen.",
                        grade.missed.len(),
                        if grade.missed.len() == 1 { "" } else { "s" },
                        grade.wrong.len()
                    )
                }
            );
            for shape in candidates {
                let what = esc(&s.describe_shape(shape));
                let (class, verdict, extra) = if grade.missed.contains(&shape) {
                    let witness = possible
                        .iter()
                        .zip(&e.summary.outcomes)
                        .find(|(o, _)| s.shape_of(o) == Some(shape))
                        .map(|(_, o)| o.witness.clone())
                        .unwrap_or_default();
                    (
                        "missed",
                        "Missed: this can happen.",
                        format!(
                            r#" <button type="button" data-action="witness" data-of="this" data-witness="{}" aria-label="Show how: {what}">Show how</button>"#,
                            esc(&witness)
                        ),
                    )
                } else if grade.wrong.contains(&shape) {
                    (
                        "wrong",
                        "Wrongly claimed: this cannot happen.",
                        String::new(),
                    )
                } else if grade.found.contains(&shape) {
                    ("right", "Right: this can happen.", String::new())
                } else {
                    ("right", "Right: this cannot happen.", String::new())
                };
                let _ = write!(
                    html,
                    r#"<li class="{class}"><span>{what}</span> <strong>{verdict}</strong>{extra}</li>"#
                );
            }
            html.push_str("</ul>");
        }
        _ => {
            html.push_str(
                r#"<fieldset><legend>Before you explore: which of these can happen?</legend>"#,
            );
            for (i, shape) in candidates.into_iter().enumerate() {
                let checked = if picks.contains(&i) { " checked" } else { "" };
                let _ = write!(
                    html,
                    r#"<label class="check"><input type="checkbox" data-action="predict" data-index="{i}"{checked}> {}</label>"#,
                    esc(&s.describe_shape(shape))
                );
            }
            html.push_str(
                r#"<button type="button" data-action="reveal">Reveal</button></fieldset>"#,
            );
        }
    }
    html
}

fn branches(app: &App) -> String {
    let branches = app.timeline.branches();
    if branches.is_empty() {
        return String::new();
    }
    let letter = app.system.server_letter;
    let mut html = String::from(r#"<p>Branches you left:</p><ul class="branches">"#);
    for (i, b) in branches.iter().enumerate() {
        let code = esc(&b.display(letter));
        let _ = write!(
            html,
            r#"<li><button type="button" data-action="branch" data-index="{i}" aria-label="Return to the branch {code}">Return</button> <code>{code}</code></li>"#
        );
    }
    html.push_str("</ul>");
    html
}

/// Digits of a decimal count in groups of three: 26190 → "26,190".
pub fn grouped(digits: &str) -> String {
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return digits.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `x` with `decimals` digits after the point, rounded half away from zero.
/// By hand, because `format!("{:.N}")` pulls float formatting into the wasm
/// (about 5 KB of the bundle's budget).
pub fn fixed(x: f64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals.min(9));
    let scaled = (x.abs() * scale as f64).round();
    if !scaled.is_finite() || scaled >= u64::MAX as f64 {
        return "0".into();
    }
    let scaled = scaled as u64;
    let sign = if x < 0.0 && scaled > 0 { "-" } else { "" };
    let (whole, frac) = (scaled / scale, scaled % scale);
    if decimals == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{frac:0width$}", width = decimals as usize)
    }
}

fn explore_progress(app: &App) -> String {
    match &app.exploring {
        Some(e) => {
            let rate = if e.elapsed_ms > 0.0 {
                e.states as f64 / e.elapsed_ms / 1000.0
            } else {
                0.0
            };
            let what = if e.comparison {
                "Comparing: exploring again without reductions"
            } else if e.symmetry {
                "Exploring"
            } else {
                "Exploring without symmetry reduction"
            };
            format!(
                "{what}… {} states so far ({} M states/s).",
                grouped(&e.states.to_string()),
                fixed(rate, 2)
            )
        }
        None => String::new(),
    }
}

fn outcomes(app: &App) -> String {
    // The histogram is of the exploration the person asked for; a
    // comparison run only adds its state count.
    let shown = app.explored.iter().rev().find(|e| !e.comparison);
    let Some(latest) = shown.or(app.explored.last()) else {
        return String::new();
    };
    let s = &latest.summary;
    let mut html = String::new();
    let n = s.outcomes.len();
    let _ = write!(
        html,
        r#"<p class="summary" data-states="{}" data-elapsed-ms="{}" data-symmetry="{}">{} complete schedules{} end in {n} possible outcome{}. Explored {} states and {} transitions in {} ms{}.</p>"#,
        s.states,
        fixed(latest.elapsed_ms, 3),
        s.symmetry,
        grouped(&s.schedules),
        s.traces.as_deref().map_or(String::new(), |t| format!(" ({} genuinely different, that is, not just reordering deliveries to different receivers)", grouped(t))),
        if n == 1 { "" } else { "s" },
        grouped(&s.states.to_string()),
        grouped(&s.transitions.to_string()),
        fixed(latest.elapsed_ms, 0),
        if s.symmetry {
            ", one state per group of interchangeable clients"
        } else {
            ""
        },
    );
    if app.explored.len() > 1 {
        let parts: Vec<String> = app
            .explored
            .iter()
            .map(|e| {
                let states = grouped(&e.summary.states.to_string());
                match (e.summary.symmetry, e.summary.complete) {
                    (true, _) => format!("{states} with symmetry reduction"),
                    (false, true) => format!("{states} without"),
                    (false, false) => format!("more than {states} without (stopped there)"),
                }
            })
            .collect();
        let _ = write!(
            html,
            r#"<p class="compare">States explored: {}.</p>"#,
            parts.join(" · ")
        );
    }
    if !s.complete && s.outcomes.is_empty() {
        let _ = write!(
            html,
            r#"<p class="incomplete">Incomplete: the search stopped at its limit of {} states before any run reached its end. Try smaller values for the scenario's parameters.</p>"#,
            grouped(&s.max_states.to_string())
        );
    } else if !s.complete {
        let _ = write!(
            html,
            r#"<p class="incomplete">Incomplete: the search stopped at its limit of {} states, so other outcomes may exist. Every outcome listed is possible.</p>"#,
            grouped(&s.max_states.to_string())
        );
    }
    let fix = app.scenario.fixed();
    match (&app.fix_explored, fix) {
        (Some(fixed), Some(fix)) => {
            let _ = write!(
                html,
                r#"<div class="side-by-side"><section aria-label="{0}"><h3>{0}</h3>{1}</section><section aria-label="{2}"><h3>{2}</h3><p>{3} complete schedules end in {4} possible outcome{5}.</p>{6}</section></div>"#,
                esc(app.scenario.title()),
                histogram(s, "this"),
                esc(fix.title()),
                grouped(&fixed.summary.schedules),
                fixed.summary.outcomes.len(),
                if fixed.summary.outcomes.len() == 1 {
                    ""
                } else {
                    "s"
                },
                histogram(&fixed.summary, "fix"),
            );
        }
        (None, Some(fix)) => {
            html.push_str(&histogram(s, "this"));
            let _ = write!(
                html,
                r#"<p><button type="button" data-action="explore-fix"{}>Explore the fix side by side</button> <span class="hint">{}: the same scenario with one atomic request.</span></p>"#,
                if app.exploring.is_some() && !app.exploring.as_ref().is_some_and(|e| e.comparison)
                {
                    " disabled"
                } else {
                    ""
                },
                esc(fix.title()),
            );
        }
        _ => html.push_str(&histogram(s, "this")),
    }
    html
}

/// One exploration's outcomes, each with its share of schedules and a
/// button that loads its witness. `which` says whose witness it is: this
/// scenario's or its fix's.
fn histogram(s: &crate::wire::Summary, which: &str) -> String {
    let system = s.scenario.system();
    let mut html = String::new();
    let total = s.schedules.parse::<u128>().unwrap_or(0) as f64;
    html.push_str(r#"<ol class="outcomes">"#);
    for o in &s.outcomes {
        let count = o.schedules.parse::<u128>().unwrap_or(0) as f64;
        let share = if total > 0.0 { count / total } else { 0.0 };
        let what = esc(&system.show_outcome(&o.outcome));
        let class = if system.unsafe_why(&o.outcome).is_some() {
            "outcome unsafe"
        } else {
            "outcome"
        };
        let _ = write!(
            html,
            r#"<li class="{class}"><span class="what">{what}</span><meter min="0" max="1" value="{}" aria-label="share of schedules">{}%</meter><span class="count">{} ({}%)</span><button type="button" data-action="witness" data-of="{which}" data-witness="{}" aria-label="Show me a schedule that ends with: {what}">Show me</button>{}</li>"#,
            fixed(share, 6),
            fixed(share * 100.0, 1),
            grouped(&o.schedules),
            fixed(share * 100.0, 1),
            esc(&o.witness),
            witness_fate(o.fate.as_ref()),
        );
    }
    html.push_str("</ol>");
    html
}

/// The scenario's challenges: reached in this run, the learner's best, and
/// the fewest deliveries possible (or that no schedule reaches it).
fn challenges(app: &App) -> String {
    let goals = app.scenario.goals();
    if goals.is_empty() {
        return r#"<p class="hint">This scenario has no challenges: try other values for its parameters, or another protocol.</p>"#.to_string();
    }
    let mut html = String::from(r#"<ul class="challenges">"#);
    for goal in goals {
        let now = app.reached.iter().find(|r| r.goal == goal);
        let best = app
            .progress
            .get(app.scenario.name(), app.scenario.goal_id(goal));
        let shortest = app.shortest(goal);
        let (class, state) = match (now, best, shortest) {
            (Some(_), _, _) => ("challenge reached", "Reached in this run"),
            (None, Some(_), _) => ("challenge reached", "Reached before"),
            (None, None, Some(None)) => ("challenge impossible", "Impossible"),
            (None, None, _) => ("challenge open", "Not reached yet"),
        };
        let mut details = Vec::new();
        if let Some(r) = now {
            details.push(format!("in {} deliveries", r.at));
        }
        if let Some(b) = best {
            details.push(format!("your best: {b}"));
        }
        details.push(match shortest {
            Some(Some(n)) => format!("fewest possible: {n}"),
            Some(None) => "no schedule reaches it: the explorer checked them all".to_string(),
            None => "explore to learn the fewest possible".to_string(),
        });
        let _ = write!(
            html,
            r#"<li class="{class}" data-goal="{}"><span class="mark" aria-hidden="true"></span> <span class="title">{}</span> <span class="detail"><strong>{state}</strong>: {}.</span></li>"#,
            esc(app.scenario.goal_id(goal)),
            esc(app.scenario.goal_title(goal)),
            esc(&details.join(", "))
        );
    }
    html.push_str("</ul>");
    html
}

/// The live runs' status line: progress, then the figures.
fn live_status(app: &App) -> String {
    use super::live::LiveState;
    let Some(b) = &app.live else {
        return String::new();
    };
    let done = b.done();
    let rate = fixed(b.rate(), 0);
    let secs = fixed(b.elapsed_ms / 1000.0, 1);
    let delay = if b.jitter_ms == 0 {
        "no added delay".to_string()
    } else {
        format!("random delays up to {} ms, seed {}", b.jitter_ms, b.seed)
    };
    match &b.state {
        LiveState::Running => format!(
            "Running live: {} of {} runs done ({delay})…",
            grouped(&done.to_string()),
            grouped(&b.total.to_string())
        ),
        LiveState::Finished => format!(
            "{} live runs in {secs} s ({rate} runs/s, {delay}).",
            grouped(&done.to_string())
        ),
        LiveState::Cancelled => format!(
            "Cancelled after {} of {} live runs ({delay}).",
            grouped(&done.to_string()),
            grouped(&b.total.to_string())
        ),
        LiveState::Failed(why) => format!(
            "{} Completed runs: {}.",
            esc(why),
            grouped(&done.to_string())
        ),
    }
}

/// What live runs observed beside what the explorer says is possible: one
/// row per outcome, possible outcomes never observed marked in words, each
/// observed outcome with a button loading its first run into the stepper.
fn live_results(app: &App) -> String {
    use crate::sorted::SortedSet;
    let Some(b) = &app.live else {
        return String::new();
    };
    if b.done() == 0 {
        return String::new();
    }
    let explored = app
        .explored
        .iter()
        .rev()
        .find(|e| !e.comparison && e.summary.scenario == b.scenario && e.summary.complete);
    let mut possible: SortedSet<&crate::model::Outcome> = SortedSet::new();
    for o in explored.iter().flat_map(|e| &e.summary.outcomes) {
        possible.insert(&o.outcome);
    }
    let mut rows = possible.clone();
    for outcome in b.tally.outcomes.keys() {
        rows.insert(outcome);
    }
    let total = f64::from(b.done());
    let mut html = String::from(
        r#"<div class="live-scroll"><table class="live"><caption>Observed in live runs, beside what is possible</caption><thead><tr><th scope="col">Outcome</th><th scope="col">Possible?</th><th scope="col">Observed</th><th scope="col"><span class="visually-hidden">Load</span></th></tr></thead><tbody>"#,
    );
    let mut never = 0;
    for outcome in rows {
        let what = esc(&app.system.show_outcome(outcome));
        let seen = b.tally.outcomes.get(outcome);
        let possible_cell = if explored.is_none() {
            "not explored yet"
        } else if possible.contains(outcome) {
            "possible"
        } else {
            "not possible: a bug"
        };
        let (observed, button) = match seen {
            Some(&(count, first)) => (
                format!(
                    "{} ({}%)",
                    grouped(&count.to_string()),
                    fixed(f64::from(count) * 100.0 / total, 1)
                ),
                format!(
                    r#"<button type="button" data-action="live-load" data-run="{first}" aria-label="Load run {n}, which ended with: {what}">Load run {n}</button>"#,
                    n = first + 1
                ),
            ),
            None => {
                never += 1;
                ("never observed".to_string(), String::new())
            }
        };
        let class = match (seen.is_some(), app.system.unsafe_why(outcome).is_some()) {
            (false, _) => "never",
            (true, true) => "unsafe",
            (true, false) => "seen",
        };
        let _ = write!(
            html,
            r#"<tr class="{class}"><th scope="row">{what}</th><td>{possible_cell}</td><td>{observed}</td><td>{button}</td></tr>"#
        );
    }
    html.push_str("</tbody></table></div>");
    if never > 0 {
        let _ = write!(
            html,
            r#"<p class="never-note">{never} possible outcome{} never happened in {} live runs: a race can be possible and still rare, which is why testing alone misses it. The explorer's “Show me” finds one.</p>"#,
            if never == 1 { "" } else { "s" },
            grouped(&b.done().to_string())
        );
    }
    html
}

/// Shows the `start` button of a pair, or the `cancel` one while `busy`. If
/// the button that gets hidden had keyboard focus, focus moves to the one
/// shown, so it is never lost to the page.
fn swap_buttons(doc: &Document, (start, cancel): (&str, &str), busy: bool) {
    let (shown, hidden) = if busy {
        (cancel, start)
    } else {
        (start, cancel)
    };
    let (Some(shown), Some(hidden)) = (doc.get_element_by_id(shown), doc.get_element_by_id(hidden))
    else {
        return;
    };
    let had_focus = doc.active_element().is_some_and(|el| el == hidden);
    flag(&shown, "hidden", false);
    flag(&hidden, "hidden", true);
    if had_focus {
        if let Some(el) = shown.dyn_ref::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}

/// Play / Pause (one button, kept in place so focus stays on it).
fn autoplay_controls(doc: &Document, app: &App) {
    if let Some(button) = doc.get_element_by_id("play") {
        let text = if app.playing { "Pause" } else { "Play" };
        if button.text_content().as_deref() != Some(text) {
            button.set_text_content(Some(text));
        }
        flag(&button, "disabled", !app.playing && !app.can_play());
    }
    if let Some(root) = doc.get_element_by_id("app") {
        set_attr(
            &root,
            "data-playing",
            if app.playing { "true" } else { "false" },
        );
    }
}

thread_local! {
    /// The page has been interactive (marked once).
    static INTERACTIVE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Redraws every region from `app`. Keeps keyboard focus sensible: if focus
/// was on a button that the redraw replaced, it moves to the first Deliver
/// button, or to the status when there is none.
pub fn render(app: &App) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let focus_was_in_flight = doc
        .active_element()
        .is_some_and(|el| el.closest("#flight").ok().flatten().is_some());
    set(&doc, "actors", &actors(app));
    set(&doc, "flight", &flight(app));
    set(&doc, "about-protocol", &about(app));
    set(&doc, "history", &history(app));
    set(&doc, "status", &status(app));
    set(&doc, "notice", &notice(app));
    set(&doc, "explore-progress", &explore_progress(app));
    set(&doc, "diagram", &diagram(app));
    set(&doc, "branches", &branches(app));
    set(&doc, "predict", &predict(app));
    // The code, with the lines the last delivery ran marked.
    let ran = super::code::lines_ran(app);
    super::code::draw(&doc, app, &ran);
    super::hall::draw(&doc, app);
    // One sentence per delivery for screen readers, once it is complete,
    // with the lines it ran.
    if let Some(last) = app.past().last().filter(|e| e.handled.is_some()) {
        let text = format!("{}{}", narration(app, last), super::code::ran_words(&ran));
        set(&doc, "announce", &esc(&text));
    }
    set(&doc, "outcomes", &outcomes(app));
    set(&doc, "live-status", &live_status(app));
    set(&doc, "challenges", &challenges(app));
    set(
        &doc,
        "challenge-news",
        &esc(app.challenge_news.as_deref().unwrap_or("")),
    );
    set(&doc, "live-results", &live_results(app));
    let live_running = app.live.as_ref().is_some_and(|b| b.running());
    swap_buttons(&doc, ("run-live", "cancel-live"), live_running);
    if let Some(bar) = doc.get_element_by_id("live-progress") {
        match &app.live {
            Some(b) => {
                set_attr(&bar, "max", &b.total.to_string());
                set_attr(&bar, "value", &b.done().to_string());
                flag(&bar, "hidden", false);
            }
            None => flag(&bar, "hidden", true),
        }
    }
    if let Some(root) = doc.get_element_by_id("app") {
        let runs = app.live.as_ref().map_or(0, |b| b.done());
        let state = match app.live.as_ref().map(|b| &b.state) {
            None => "none",
            Some(super::live::LiveState::Running) => "running",
            Some(super::live::LiveState::Finished) => "finished",
            Some(super::live::LiveState::Cancelled) => "cancelled",
            Some(super::live::LiveState::Failed(_)) => "failed",
        };
        set_attr(&root, "data-live-runs", &runs.to_string());
        let peak = app.live.as_ref().map_or(0, |b| b.peak_in_flight);
        set_attr(&root, "data-live-peak-in-flight", &peak.to_string());
        // The wasm heap's size, for the memory check of long live batches.
        let memory = wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length();
        set_attr(&root, "data-wasm-memory", &memory.to_string());
        set_attr(&root, "data-live", state);
    }
    let exploring = app.exploring.is_some();
    swap_buttons(&doc, ("explore", "cancel-explore"), exploring);
    let workers = app.live_workers();
    set(
        &doc,
        "workers",
        &format!(
            "{workers} worker{} live",
            if workers == 1 { "" } else { "s" }
        ),
    );
    let can_step =
        !app.busy() && app.failure.is_none() && app.terminated_after() != Some(app.timeline.len());
    if let Some(button) = doc.get_element_by_id("terminate") {
        // Offered where the protocol itself can stop its server (a poison
        // pill): killing the worker is the contrast it teaches.
        let shown = app.system.server_can_stop();
        let usable =
            shown && !app.busy() && app.failure.is_none() && app.terminated_after().is_none();
        flag(&button, "hidden", !shown);
        flag(&button, "disabled", !usable);
    }
    let forward = !app.busy() && app.failure.is_none() && app.timeline.next().is_some();
    for (id, enabled) in [
        ("forward", forward),
        ("end", forward),
        ("start", can_step && !app.timeline.is_empty()),
        ("back", can_step && !app.timeline.is_empty()),
        ("reset", app.started() || app.failure.is_some()),
    ] {
        if let Some(button) = doc.get_element_by_id(id) {
            flag(&button, "disabled", !enabled);
        }
    }
    autoplay_controls(&doc, app);
    if !app.busy() && !INTERACTIVE.replace(true) {
        // Once the first frame showing a usable page has been produced, the
        // page is interactive: what the load-time benchmark reads (ms since
        // navigation, from the Performance API).
        super::app::after_next_frame(|| {
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("racelab-interactive");
            }
        });
    }
    if let Some(root) = doc.get_element_by_id("app") {
        set_attr(&root, "data-deliveries", &app.timeline.len().to_string());
        set_attr(
            &root,
            "data-busy",
            if app.busy() { "true" } else { "false" },
        );
        set_attr(&root, "data-ready", "");
        let confirmed = app.workers_confirmed();
        set_attr(
            &root,
            "data-workers-started",
            if confirmed { "true" } else { "false" },
        );
    }
    if focus_was_in_flight
        && doc
            .active_element()
            .is_none_or(|el| el == doc.body().map(Into::into).unwrap_or(el.clone()))
    {
        let target = doc
            .query_selector("#flight button:not([disabled])")
            .ok()
            .flatten()
            .or_else(|| doc.get_element_by_id("status"));
        if let Some(el) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
            let _ = el.focus();
        }
    }
}
