//! Predict, then reveal: the candidate outcomes to tick, then the grade
//! (from [`crate::model::predict`]), with a witness for each outcome missed.

use web_sys::Document;

use super::super::app::App;
use super::super::dom::set;
use crate::html::Html;
use crate::{html, html_of};

/// Draws the prediction region.
pub fn draw(doc: &Document, app: &App) {
    set(doc, "predict", &predict(app));
}

/// The candidate outcomes to predict, then, once revealed, the grade.
fn predict(app: &App) -> Html {
    let s = &app.scenario;
    let candidates = s.candidates();
    let picks = app.predicted.clone().unwrap_or_default();
    let answer = app
        .explorations
        .explored
        .iter()
        .rev()
        .find(|e| !e.comparison && e.summary.complete && e.summary.scenario == *s);
    let (true, Some(e)) = (app.revealed, answer) else {
        let mut out = Html::markup(
            "<fieldset><legend>Before you explore: which of these can happen?</legend>",
        );
        for (i, shape) in candidates.into_iter().enumerate() {
            html!(
                out,
                "<label class=\"check\"><input type=\"checkbox\" data-action=\"predict\" data-index=\"",
                (i),
                "\"",
                (if picks.contains(&i) { " checked" } else { "" }),
                "> ",
                (s.describe_shape(shape)),
                "</label>"
            );
        }
        out.push_markup(
            "<button type=\"button\" data-action=\"reveal\">Reveal</button></fieldset>",
        );
        return out;
    };
    let possible: Vec<_> = e
        .summary
        .outcomes
        .iter()
        .map(|o| o.outcome.clone())
        .collect();
    let grade = s.grade(&picks, &possible);
    let mut out = Html::markup("<p class=\"grade\">");
    if grade.all_right() {
        out.push_markup("Your prediction was right on every count.");
    } else {
        html!(
            out,
            "You missed ",
            (grade.missed.len()),
            " possible outcome",
            (if grade.missed.len() == 1 { "" } else { "s" }),
            " and claimed ",
            (grade.wrong.len()),
            " that cannot happen."
        );
    }
    out.push_markup("</p><ul class=\"predictions\">");
    for shape in candidates {
        let what = s.describe_shape(shape);
        let (class, verdict, extra) = if grade.missed.contains(&shape) {
            let witness = possible
                .iter()
                .zip(&e.summary.outcomes)
                .find(|(o, _)| s.shape_of(o) == Some(shape))
                .map(|(_, o)| o.witness.as_str())
                .unwrap_or_default();
            (
                "missed",
                "Missed: this can happen.",
                html_of!(
                    " <button type=\"button\" data-action=\"witness\" data-of=\"this\" data-witness=\"",
                    (witness),
                    "\" aria-label=\"Show how: ",
                    (what),
                    "\">Show how</button>"
                ),
            )
        } else if grade.wrong.contains(&shape) {
            ("wrong", "Wrongly claimed: this cannot happen.", Html::new())
        } else if grade.found.contains(&shape) {
            ("right", "Right: this can happen.", Html::new())
        } else {
            ("right", "Right: this cannot happen.", Html::new())
        };
        html!(
            out,
            "<li class=\"",
            (class),
            "\"><span>",
            (what),
            "</span> <strong>",
            (verdict),
            "</strong>",
            (extra),
            "</li>"
        );
    }
    out.push_markup("</ul>");
    out
}
