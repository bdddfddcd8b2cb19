//! Live runs: the status line, the progress bar, and what was observed
//! beside what the explorer says is possible.

use wasm_bindgen::JsCast;
use web_sys::Document;

use super::super::app::App;
use super::super::dom::{flag, set, set_attr, swap_buttons};
use super::super::live::LiveState;
use crate::html::{fixed, grouped, Html};
use crate::sorted::SortedSet;
use crate::{html, html_of};

/// Draws the live runs' regions and controls, and the figures the page
/// keeps on its root for tests and benchmarks.
pub fn draw(doc: &Document, app: &App) {
    let batch = app.live.batch.as_ref();
    set(doc, "live-status", &status(app));
    set(doc, "live-results", &results(app));
    swap_buttons(doc, ("run-live", "cancel-live"), app.live.running());
    if let Some(bar) = doc.get_element_by_id("live-progress") {
        match batch {
            Some(b) => {
                set_attr(&bar, "max", &b.total.to_string());
                set_attr(&bar, "value", &b.done().to_string());
                flag(&bar, "hidden", false);
            }
            None => flag(&bar, "hidden", true),
        }
    }
    if let Some(root) = doc.get_element_by_id("app") {
        let runs = batch.map_or(0, |b| b.done());
        set_attr(&root, "data-live-runs", &runs.to_string());
        let peak = batch.map_or(0, |b| b.peak_in_flight);
        set_attr(&root, "data-live-peak-in-flight", &peak.to_string());
        // The wasm heap's size, for the memory check of long live batches.
        let memory = wasm_bindgen::memory()
            .unchecked_into::<js_sys::WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length();
        set_attr(&root, "data-wasm-memory", &memory.to_string());
        set_attr(&root, "data-live", batch.map_or("none", |b| b.state_word()));
    }
}

/// The live runs' status line: progress, then the figures.
fn status(app: &App) -> Html {
    let Some(b) = &app.live.batch else {
        return Html::new();
    };
    let done = grouped(&b.done().to_string());
    let total = grouped(&b.total.to_string());
    let delay = if b.jitter_ms == 0 {
        "no added delay".to_string()
    } else {
        format!("random delays up to {} ms, seed {}", b.jitter_ms, b.seed)
    };
    match &b.state {
        LiveState::Running => html_of!(
            "Running live: ",
            (done),
            " of ",
            (total),
            " runs done (",
            (delay),
            ")…"
        ),
        LiveState::Finished => html_of!(
            (done),
            " live runs in ",
            (fixed(b.elapsed_ms / 1000.0, 1)),
            " s (",
            (fixed(b.rate(), 0)),
            " runs/s, ",
            (delay),
            ")."
        ),
        LiveState::Cancelled => html_of!(
            "Cancelled after ",
            (done),
            " of ",
            (total),
            " live runs (",
            (delay),
            ")."
        ),
        LiveState::Failed(why) => html_of!((why), " Completed runs: ", (done), "."),
    }
}

/// What live runs observed beside what the explorer says is possible: one
/// row per outcome, possible outcomes never observed marked in words, each
/// observed outcome with a button loading its first run into the stepper.
fn results(app: &App) -> Html {
    let Some(b) = &app.live.batch else {
        return Html::new();
    };
    if b.done() == 0 {
        return Html::new();
    }
    let explored = app
        .explorations
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
    let mut out = Html::markup("<div class=\"live-scroll\"><table class=\"live\"><caption>Observed in live runs, beside what is possible</caption><thead><tr><th scope=\"col\">Outcome</th><th scope=\"col\">Possible?</th><th scope=\"col\">Observed</th><th scope=\"col\"><span class=\"visually-hidden\">Load</span></th></tr></thead><tbody>");
    let mut never = 0;
    for outcome in rows {
        let what = app.system.show_outcome(outcome);
        let seen = b.tally.outcomes.get(outcome);
        let possible_cell = if explored.is_none() {
            "not explored yet"
        } else if possible.contains(outcome) {
            "possible"
        } else {
            "not possible: a bug"
        };
        let class = match (seen.is_some(), app.system.unsafe_why(outcome).is_some()) {
            (false, _) => "never",
            (true, true) => "unsafe",
            (true, false) => "seen",
        };
        html!(
            out,
            "<tr class=\"",
            (class),
            "\"><th scope=\"row\">",
            (what),
            "</th><td>",
            (possible_cell),
            "</td><td>"
        );
        match seen {
            Some(&(count, first)) => html!(
                out,
                (grouped(&count.to_string())),
                " (",
                (fixed(f64::from(count) * 100.0 / total, 1)),
                "%)</td><td><button type=\"button\" data-action=\"live-load\" data-run=\"",
                (first),
                "\" aria-label=\"Load run ",
                (first + 1),
                ", which ended with: ",
                (what),
                "\">Load run ",
                (first + 1),
                "</button></td></tr>"
            ),
            None => {
                never += 1;
                out.push_markup("never observed</td><td></td></tr>");
            }
        }
    }
    out.push_markup("</tbody></table></div>");
    if never > 0 {
        html!(
            out,
            "<p class=\"never-note\">",
            (never),
            " possible outcome",
            (if never == 1 { "" } else { "s" }),
            " never happened in ",
            (grouped(&b.done().to_string())),
            " live runs: a race can be possible and still rare, which is why testing alone misses it. The explorer's “Show me” finds one.</p>"
        );
    }
    out
}
