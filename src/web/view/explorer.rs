//! The explorer's regions: its progress, and the outcomes it found with
//! their share of schedules, witnesses and points of no return, beside the
//! fixed version's when the learner asks for it.

use web_sys::Document;

use super::super::app::App;
use super::super::dom::{set, swap_buttons};
use crate::html::{fixed, grouped, Html};
use crate::wire::{FateSummary, Summary};
use crate::{html, html_of};

/// Draws the explorer's regions and its Explore / Cancel button.
pub fn draw(doc: &Document, app: &App) {
    set(doc, "explore-progress", &progress(app));
    set(doc, "outcomes", &outcomes(app));
    swap_buttons(
        doc,
        ("explore", "cancel-explore"),
        app.explorations.exploring.is_some(),
    );
}

fn progress(app: &App) -> Html {
    let Some(e) = &app.explorations.exploring else {
        return Html::new();
    };
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
    html_of!(
        (what),
        "… ",
        (grouped(&e.states.to_string())),
        " states so far (",
        (fixed(rate, 2)),
        " M states/s)."
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn outcomes(app: &App) -> Html {
    // The histogram is of the exploration the person asked for; a
    // comparison run only adds its state count.
    let shown = app
        .explorations
        .explored
        .iter()
        .rev()
        .find(|e| !e.comparison);
    let Some(latest) = shown.or(app.explorations.explored.last()) else {
        return Html::new();
    };
    let s = &latest.summary;
    let n = s.outcomes.len();
    let mut out = html_of!(
        "<p class=\"summary\" data-states=\"",
        (s.states),
        "\" data-elapsed-ms=\"",
        (fixed(latest.elapsed_ms, 3)),
        "\" data-symmetry=\"",
        (if s.symmetry { "true" } else { "false" }),
        "\" data-traces=\"",
        (match (latest.counting_traces, s.traces.as_deref()) {
            (true, _) => "counting",
            (false, Some(_)) => "counted",
            (false, None) => "none",
        }),
        "\">",
        (grouped(&s.schedules)),
        " complete schedules"
    );
    if let Some(t) = s.traces.as_deref() {
        html!(
            out,
            " (",
            (grouped(t)),
            " genuinely different, that is, not just reordering deliveries to different receivers)"
        );
    } else if latest.counting_traces {
        html!(
            out,
            " (counting how many are genuinely different, that is, not just reordering deliveries to different receivers…)"
        );
    }
    html!(
        out,
        " end in ",
        (n),
        " possible outcome",
        (plural(n)),
        ". Explored ",
        (grouped(&s.states.to_string())),
        " states and ",
        (grouped(&s.transitions.to_string())),
        " transitions in ",
        (fixed(latest.elapsed_ms, 0)),
        " ms",
        (if s.symmetry {
            ", one state per group of interchangeable clients"
        } else {
            ""
        }),
        ".</p>"
    );
    if app.explorations.explored.len() > 1 {
        let parts: Vec<String> = app
            .explorations
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
        html!(
            out,
            "<p class=\"compare\">States explored: ",
            (parts.join(" · ")),
            ".</p>"
        );
    }
    if !s.complete {
        html!(
            out,
            "<p class=\"incomplete\">Incomplete: the search stopped at its limit of ",
            (grouped(&s.max_states.to_string())),
            (if s.outcomes.is_empty() {
                " states before any run reached its end. Try smaller values for the scenario's parameters."
            } else {
                " states, so other outcomes may exist. Every outcome listed is possible."
            }),
            "</p>"
        );
    }
    let fix = app.scenario.fixed();
    match (&app.explorations.fix_explored, fix) {
        (Some(fixed), Some(fix)) => {
            let m = fixed.summary.outcomes.len();
            html!(
                out,
                "<div class=\"side-by-side\"><section aria-label=\"",
                (app.scenario.title()),
                "\"><h3>",
                (app.scenario.title()),
                "</h3>",
                (histogram(s, "this")),
                "</section><section aria-label=\"",
                (fix.title()),
                "\"><h3>",
                (fix.title()),
                "</h3><p>",
                (grouped(&fixed.summary.schedules)),
                " complete schedules end in ",
                (m),
                " possible outcome",
                (plural(m)),
                ".</p>",
                (histogram(&fixed.summary, "fix")),
                "</section></div>"
            );
        }
        (None, Some(fix)) => {
            let busy = app
                .explorations
                .exploring
                .as_ref()
                .is_some_and(|e| !e.comparison);
            html!(
                out,
                (histogram(s, "this")),
                "<p><button type=\"button\" data-action=\"explore-fix\"",
                (if busy { " disabled" } else { "" }),
                ">Explore the fix side by side</button> <span class=\"hint\">",
                (fix.title()),
                ": the same scenario with one atomic request.</span></p>"
            );
        }
        _ => out.push(&histogram(s, "this")),
    }
    out
}

/// One exploration's outcomes, each with its share of schedules and a
/// button that loads its witness. `which` says whose witness it is: this
/// scenario's or its fix's.
fn histogram(s: &Summary, which: &'static str) -> Html {
    let system = s.scenario.system();
    let total = s.schedules.parse::<u128>().unwrap_or(0) as f64;
    let mut out = Html::markup("<ol class=\"outcomes\">");
    for o in &s.outcomes {
        let count = o.schedules.parse::<u128>().unwrap_or(0) as f64;
        let share = if total > 0.0 { count / total } else { 0.0 };
        let what = system.show_outcome(&o.outcome);
        let class = if system.unsafe_why(&o.outcome).is_some() {
            "outcome unsafe"
        } else {
            "outcome"
        };
        let percent = fixed(share * 100.0, 1);
        html!(
            out,
            "<li class=\"",
            (class),
            "\"><span class=\"what\">",
            (what),
            "</span><meter min=\"0\" max=\"1\" value=\"",
            (fixed(share, 6)),
            "\" aria-label=\"share of schedules\">",
            (percent),
            "%</meter><span class=\"count\">",
            (grouped(&o.schedules)),
            " (",
            (percent),
            "%)</span><button type=\"button\" data-action=\"witness\" data-of=\"",
            (which),
            "\" data-witness=\"",
            (o.witness),
            "\" aria-label=\"Show me a schedule that ends with: ",
            (what),
            "\">Show me</button>",
            (o.fate.as_ref().map(witness_fate)),
            "</li>"
        );
    }
    out.push_markup("</ol>");
    out
}

/// Under an outcome of the explorer: its witness's point of no return.
fn witness_fate(f: &FateSummary) -> Html {
    // Deliveries counted from 1; "after delivery 0" is from the start.
    let k = f.point_of_no_return;
    let mut out = html_of!(
        "<span class=\"fate-note\" data-point=\"",
        (k),
        "\" data-unsafe-from=\"",
        (f.unsafe_from),
        "\">Point of no return: "
    );
    if let Some(u) = f.unsafe_from {
        html!(out, "unsafe after delivery ", (u), ", ");
    }
    html!(
        out,
        "this very outcome after delivery ",
        (k),
        " of this schedule</span>"
    );
    out
}
