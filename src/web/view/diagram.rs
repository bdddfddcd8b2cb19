//! The run as a space-time diagram: a lifeline per actor, time going down,
//! an arrow per message from its send to its delivery (matched by
//! [`crate::timeline::Timeline::arrows`]). Messages in flight are dashed;
//! each delivered arrow is a button that jumps to just after it.

use web_sys::Document;

use super::super::app::App;
use super::super::dom::set;
use crate::html::Html;
use crate::model::ActorId;
use crate::wire::FateSummary;
use crate::{html, html_of};

/// Draws the diagram region.
pub fn draw(doc: &Document, app: &App) {
    let svg = drawing(app, None).map(|(svg, ..)| svg).unwrap_or_default();
    set(doc, "diagram", &svg);
}

/// The diagram, and its width and height; with `export` (the file's own
/// title and stylesheet), a standalone SVG file without the page's
/// buttons, for the lecture hall's downloads.
pub fn drawing(app: &App, export: Option<(&str, &'static str)>) -> Option<(Html, usize, usize)> {
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
        None => ("", " role=\"group\"", true),
        Some(_) => (" xmlns=\"http://www.w3.org/2000/svg\"", "", false),
    };
    let mut svg = html_of!(
        "<svg",
        (Html::markup(namespace)),
        " class=\"diagram\" width=\"",
        (width),
        "\" height=\"",
        (height),
        "\" viewBox=\"0 0 ",
        (width),
        " ",
        (height),
        "\"",
        (Html::markup(role)),
        " aria-label=\"Space-time diagram: ",
        (now),
        " deliveries\">"
    );
    if let Some((title, style)) = export {
        html!(
            svg,
            "<title>",
            (title),
            "</title><style>",
            (Html::markup(style)),
            "</style><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
        );
    }
    svg.push_markup("<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head\"/></marker></defs>");
    for i in 0..n {
        let id = ActorId(i as u8);
        html!(
            svg,
            "<text class=\"who\" x=\"",
            (x(id)),
            "\" y=\"20\" text-anchor=\"middle\">",
            (app.system.name(id)),
            "</text><line class=\"lifeline\" x1=\"",
            (x(id)),
            "\" y1=\"30\" x2=\"",
            (x(id)),
            "\" y2=\"",
            (height - 10),
            "\"/>"
        );
    }
    for t in 1..=now {
        html!(
            svg,
            "<text class=\"tick\" x=\"12\" y=\"",
            (y(t) + 4),
            "\">",
            (t),
            "</text>"
        );
    }
    let mut j = 0;
    for a in arrows {
        let (x1, y1, x2) = (x(a.step.from), y(a.sent), x(a.step.to));
        let label = app.system.show(a.msg);
        let (from, to) = (app.system.name(a.step.from), app.system.name(a.step.to));
        // "take from Ann to fridge" for the spoken label, "take: Ann →
        // fridge" for the tooltip.
        let route = format!("{label} from {from} to {to}");
        let arrow = format!("{label}: {from} → {to}");
        let line = |svg: &mut Html, x2: usize, y2: usize| {
            html!(
                svg,
                " x1=\"",
                (x1),
                "\" y1=\"",
                (y1),
                "\" x2=\"",
                (x2),
                "\" y2=\"",
                (y2),
                "\""
            );
        };
        // The arrowhead, and the label near it.
        let head = |svg: &mut Html, y2: usize, text: Html| {
            html!(
                svg,
                " marker-end=\"url(#head)\"/><text x=\"",
                ((x1 + 3 * x2) / 4),
                "\" y=\"",
                (y2 - 6),
                "\" text-anchor=\"middle\">",
                (text),
                "</text></g>"
            );
        };
        match a.delivered {
            Some(k) if a.lost => {
                // Lost on the way: the arrow stops half way, at the step
                // that lost it.
                let (y2, xm) = (y(k), (x1 + x2) / 2);
                html!(
                    svg,
                    "<g class=\"arrow lost\" tabindex=\"0\" role=\"button\" data-action=\"jump\" data-to=\"",
                    (k),
                    "\" aria-label=\"Step ",
                    (k),
                    ": ",
                    (route),
                    ", lost by the network. Jump to just after it.\"><title>",
                    (k),
                    ". ",
                    (arrow),
                    ", lost</title><line class=\"hit\""
                );
                line(&mut svg, xm, y2);
                svg.push_markup("/><line");
                line(&mut svg, xm, y2);
                html!(
                    svg,
                    "/><text x=\"",
                    (xm),
                    "\" y=\"",
                    (y2 - 6),
                    "\" text-anchor=\"middle\">✕ ",
                    (label),
                    " (lost)</text></g>"
                );
            }
            Some(k) => {
                let y2 = y(k);
                if button {
                    html!(
                        svg,
                        "<g class=\"arrow\" tabindex=\"0\" role=\"button\" data-action=\"jump\" data-to=\"",
                        (k),
                        "\" aria-label=\"Delivery ",
                        (k),
                        ": ",
                        (route),
                        ". Jump to just after it.\">"
                    );
                } else {
                    svg.push_markup("<g class=\"arrow\">");
                }
                html!(
                    svg,
                    "<title>",
                    (k),
                    ". ",
                    (arrow),
                    "</title><line class=\"hit\""
                );
                line(&mut svg, x2, y2);
                svg.push_markup("/><line");
                line(&mut svg, x2, y2);
                // Near the head: each delivery row has exactly one, so
                // labels of delivered messages never meet.
                head(&mut svg, y2, Html::text(&label));
            }
            None => {
                let y2 = y_pending(j);
                j += 1;
                let (class, state) = if a.dropped {
                    ("arrow dropped", "dropped by terminate")
                } else {
                    ("arrow inflight", "in flight")
                };
                html!(
                    svg,
                    "<g class=\"",
                    (class),
                    "\"><title>",
                    (arrow),
                    ", ",
                    (state),
                    "</title><line"
                );
                line(&mut svg, x2, y2);
                head(&mut svg, y2, html_of!((label), " (", (state), ")"));
            }
        }
    }
    if let Some(fate) = app.known_fate() {
        fate_lines(&mut svg, fate, width, |k| y(k) + row / 2);
    }
    svg.push_markup("</svg>");
    Some((svg, width, height))
}

/// The diagram's marks: a line across just after the point of no return
/// (and after the delivery from which the run was certainly unsafe).
fn fate_lines(svg: &mut Html, f: &FateSummary, width: usize, below: impl Fn(usize) -> usize) {
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
    for (k, class, words) in marks {
        let y = below(k);
        html!(
            svg,
            "<g class=\"",
            (class),
            "\" data-after=\"",
            (k),
            "\"><title>After delivery ",
            (k),
            ": ",
            (words),
            "</title><line x1=\"4\" y1=\"",
            (y),
            "\" x2=\"",
            (width - 4),
            "\" y2=\"",
            (y),
            "\"/><text x=\"",
            (width - 6),
            "\" y=\"",
            (y - 3),
            "\" text-anchor=\"end\">",
            (words),
            "</text></g>"
        );
    }
}
