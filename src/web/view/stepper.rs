//! The stepper's regions: the actors, the messages in flight (each a
//! Deliver button, with Lose and Duplicate where the network allows), the
//! protocol's lesson and network, the history with the point of no return,
//! the status line, notices, branches and the stepping controls.

use web_sys::Document;

use super::super::app::App;
use super::super::dom::{flag, set, set_attr};
use crate::html::{count, fixed, Html};
use crate::model::system::ClientStatus;
use crate::model::{Act, ActorId, Faults, Handled};
use crate::timeline::Entry;
use crate::wire::FateSummary;
use crate::{html, html_of};

/// Draws the stepper's regions and sets its controls.
pub fn draw(doc: &Document, app: &App) {
    set(doc, "actors", &actors(app));
    set(doc, "flight", &flight(app));
    set(doc, "about-protocol", &about(app));
    set(doc, "history", &history(app));
    set(doc, "status", &status(app));
    set(doc, "notice", &notice(app));
    set(doc, "branches", &branches(app));
    controls(doc, app);
}

/// How a client is drawn: as the model says its protocol left it.
fn status_class(status: ClientStatus) -> &'static str {
    match status {
        ClientStatus::Served => "served",
        ClientStatus::Unserved => "unserved",
        ClientStatus::Waiting => "waiting",
    }
}

fn actors(app: &App) -> Html {
    let mut out = Html::new();
    for (i, state) in app.states().iter().enumerate() {
        let id = ActorId(i as u8);
        let mut text = app
            .system
            .describe(id, state, app.timeline.last_received(id));
        if i == 0 && app.terminated_after().is_some() {
            text.push_str(", terminated: its worker was killed");
        }
        let class = if i == 0 {
            "server"
        } else {
            status_class(app.system.status(id, state))
        };
        html!(
            out,
            "<li class=\"actor ",
            (class),
            "\" data-actor=\"",
            (i),
            "\"><span class=\"name\">",
            (app.system.name(id)),
            "</span> <span class=\"state\">",
            (text),
            "</span></li>"
        );
    }
    out
}

fn flight(app: &App) -> Html {
    if !app.started() {
        return Html::markup("<p>Starting the workers…</p>");
    }
    if app.net().is_empty() {
        return Html::markup("<p>Nothing is in flight.</p>");
    }
    if app.world().failed.is_some() {
        return Html::markup(
            "<p>The run stopped with a runtime error: nothing more can be delivered.</p>",
        );
    }
    let disabled = if app.busy() { " disabled" } else { "" };
    let letter = app.system.server_letter;
    let mut out = Html::markup("<ol class=\"flight\">");
    for (number, offer) in app.net().offers(app.world().faults).iter().enumerate() {
        let step = offer.deliver;
        let from = app.system.name(step.from);
        let to = app.system.name(step.to);
        let msg = app.system.show(offer.msg);
        html!(
            out,
            "<li><button type=\"button\" class=\"deliver\" data-action=\"deliver\" data-step=\"",
            (step.display(letter)),
            "\"",
            (disabled),
            "><span class=\"visually-hidden\">Deliver </span><kbd>",
            (number + 1),
            "</kbd> <strong>",
            (msg),
            "</strong> <span class=\"route\">",
            (from),
            " → ",
            (to),
            "</span></button>"
        );
        // What the network may do instead, within what is left of its budgets.
        for fault in &offer.faults {
            let word = match fault.act {
                Act::Lose => "Lose",
                _ => "Duplicate",
            };
            html!(
                out,
                " <button type=\"button\" class=\"fault\" data-action=\"deliver\" data-step=\"",
                (fault.display(letter)),
                "\" aria-label=\"",
                (word),
                " ",
                (msg),
                " from ",
                (from),
                " to ",
                (to),
                "\"",
                (disabled),
                ">",
                (word),
                "</button>"
            );
        }
        if offer.copies > 1 {
            // Any message may arrive next, each is listed; equal ones once.
            html!(out, "<span class=\"queued\">×", (offer.copies), "</span>");
        }
        if !offer.behind.is_empty() {
            let queued: Vec<String> = offer.behind.iter().map(|&m| app.system.show(m)).collect();
            html!(
                out,
                "<span class=\"queued\">then: ",
                (queued.join(", ")),
                "</span>"
            );
        }
        out.push_markup("</li>");
    }
    out.push_markup("</ol>");
    out
}

/// What to notice in this protocol, and how its network behaves.
fn about(app: &App) -> Html {
    let mut out = Html::new();
    if let Some(note) = &app.scenario.protocol.note {
        html!(out, "<p class=\"lesson\">", (note), "</p>");
    }
    let budgets = app.system.budgets();
    let left = app.world().faults;
    let mut words = format!("Network: {}", app.system.network_words());
    if budgets != Faults::default() && left != budgets {
        words.push_str(&format!(
            " (still allowed: {} lost, {} duplicated)",
            left.lose, left.duplicate
        ));
    }
    html!(out, "<p class=\"network\">", (words), ".</p>");
    out
}

/// One sentence about a delivery: what the receiver did, once it answered.
pub fn narration(app: &App, entry: &Entry) -> String {
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

/// "Ann's take from Bob; …": messages, each with its sender.
fn listed(app: &App, messages: impl Iterator<Item = (ActorId, crate::model::Msg)>) -> String {
    messages
        .map(|(from, msg)| format!("{} from {}", app.system.show(msg), app.system.name(from)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn history(app: &App) -> Html {
    let terminated = app.timeline.terminated();
    if app.past().is_empty() && terminated.is_none() {
        return Html::markup("<p>No deliveries yet.</p>");
    }
    let mut out = Html::markup("<ol class=\"history\">");
    let fate = app.known_fate();
    for (i, entry) in app.past().iter().enumerate() {
        html!(
            out,
            "<li data-step=\"",
            (entry.step.display(app.system.server_letter)),
            "\"",
            (fate_mark(fate, i + 1)),
            ">",
            (narration(app, entry)),
            "</li>"
        );
    }
    out.push_markup("</ol>");
    out.push(&fate_sentence(app));
    let ignored: Vec<&Entry> = app
        .past()
        .iter()
        .filter(|e| matches!(e.handled, Some(Handled::Ignored(_))))
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
        html!(
            out,
            "<p class=\"unanswered\">Never answered, because ",
            (because.unwrap_or_else(|| "they were ignored".to_string())),
            ": ",
            (listed(app, ignored.iter().map(|e| (e.step.from, e.msg)))),
            ".</p>"
        );
    }
    if let Some(terminated) = terminated {
        html!(
            out,
            "<p class=\"dropped-note\">Terminated the ",
            (app.system.name(ActorId::SERVER).to_ascii_lowercase()),
            " after ",
            (count(terminated.after, "delivery", "deliveries")),
            ": its worker was killed at once. "
        );
        if terminated.dropped.is_empty() {
            out.push_markup("Nothing was in flight to it.</p>");
        } else {
            html!(
                out,
                "Dropped, never handled: ",
                (listed(app, terminated.dropped.iter().map(|(s, m)| (s.from, *m)))),
                ".</p>"
            );
        }
    }
    out
}

fn status(app: &App) -> Html {
    if let Some(failure) = &app.failure {
        return html_of!("Stopped: ", (failure));
    }
    if !app.started() {
        return Html::markup("Starting the workers…");
    }
    if app.timeline.len() < app.replay_total && app.busy() {
        return html_of!(
            "Replaying the link: ",
            (app.timeline.len()),
            " of ",
            (app.replay_total),
            " deliveries…"
        );
    }
    if let Some(f) = &app.world().failed {
        // A runtime error ends the run: nothing more can be delivered.
        return html_of!(
            "Stopped: ",
            (app.system.name(f.actor)),
            " failed with a runtime error: ",
            (f.error.to_string()),
            ". Step back, or edit the protocol."
        );
    }
    if app.finished() {
        let outcome = app.system.outcome(app.world());
        return html_of!("Finished: ", (app.system.show_outcome(&outcome)), ".");
    }
    let n = app.net().in_flight().count();
    let noun = if n == 1 { "message is" } else { "messages are" };
    html_of!(
        (n),
        " ",
        (noun),
        " in flight. You are the network: choose which one is delivered next."
    )
}

fn notice(app: &App) -> Html {
    let mut out = Html::new();
    if let Some(notice) = &app.notice {
        html!(out, "<p class=\"notice\">", (notice), "</p>");
    }
    if let Some(failure) = &app.failure {
        html!(
            out,
            "<p class=\"failure\">",
            (failure),
            " <button type=\"button\" data-action=\"restart\">Restart workers</button></p>"
        );
    }
    out
}

/// A delivery's mark in the history: the point of no return, or where the
/// run became certainly unsafe (the page's stylesheet shows the words).
fn fate_mark(fate: Option<&FateSummary>, k: usize) -> Html {
    let Some(f) = fate else {
        return Html::new();
    };
    let point = f.point_of_no_return as usize == k;
    let unsafe_from = f.unsafe_from.is_some_and(|u| u as usize == k);
    Html::markup(match (unsafe_from, point) {
        (true, true) => {
            " class=\"fate-point unsafe-point\" data-mark=\"point of no return: unsafe, and this very outcome, from here\""
        }
        (true, false) => {
            " class=\"unsafe-point\" data-mark=\"point of no return: unsafe from here\""
        }
        (false, true) => {
            " class=\"fate-point\" data-mark=\"point of no return: this very outcome from here\""
        }
        _ => "",
    })
}

/// Under the history: the point of no return in a sentence, and the
/// alternative as a one-click branch; or that it is being worked out.
fn fate_sentence(app: &App) -> Html {
    let Some(fate) = app.fate.as_ref().filter(|f| f.scenario == app.scenario) else {
        return Html::new();
    };
    match &fate.result {
        None => Html::markup("<p class=\"fate pending\">Finding the point of no return…</p>"),
        Some(Err(e)) => html_of!(
            "<p class=\"fate\">No point of no return to show: ",
            (e),
            ".</p>"
        ),
        Some(Ok(f)) => {
            let mut out = html_of!(
                "<p class=\"fate\" data-point=\"",
                (f.point_of_no_return),
                "\" data-unsafe-from=\"",
                (f.unsafe_from),
                "\" data-states=\"",
                (f.states),
                "\" data-elapsed-ms=\"",
                (fate.elapsed_ms.map(|ms| fixed(ms, 1))),
                "\">",
                (f.sentence),
                "</p>"
            );
            if let Some(a) = &f.alternative {
                html!(
                    out,
                    "<p class=\"fate-alternative\"><button type=\"button\" data-action=\"alternative\" data-run=\"",
                    (a.run.display(app.system.server_letter)),
                    "\"",
                    (if app.busy() { " disabled" } else { "" }),
                    ">Try the alternative: ",
                    (a.what),
                    " as delivery ",
                    (a.at),
                    "</button></p>"
                );
            }
            out
        }
    }
}

fn branches(app: &App) -> Html {
    let branches = app.timeline.branches();
    if branches.is_empty() {
        return Html::new();
    }
    let letter = app.system.server_letter;
    let mut out = Html::markup("<p>Branches you left:</p><ul class=\"branches\">");
    for (i, b) in branches.iter().enumerate() {
        let code = b.display(letter);
        html!(
            out,
            "<li><button type=\"button\" data-action=\"branch\" data-index=\"",
            (i),
            "\" aria-label=\"Return to the branch ",
            (code),
            "\">Return</button> <code>",
            (code),
            "</code></li>"
        );
    }
    out.push_markup("</ul>");
    out
}

/// The stepping controls (Back, Forward, Start, End, Reset, Terminate) and
/// Play / Pause (one button, kept in place so focus stays on it).
fn controls(doc: &Document, app: &App) {
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
