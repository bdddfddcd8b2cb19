//! The scenario's challenges: reached in this run, the learner's best,
//! the fewest deliveries possible, and the last announcement.

use web_sys::Document;

use super::super::app::App;
use super::super::challenges::shortest;
use super::super::dom::set;
use crate::html;
use crate::html::Html;

/// Draws the challenges and the announcement.
pub fn draw(doc: &Document, app: &App) {
    set(doc, "challenges", &challenges(app));
    let news = app.challenges.news.as_deref().unwrap_or("");
    set(doc, "challenge-news", &Html::text(news));
}

/// The scenario's challenges: reached in this run, the learner's best, and
/// the fewest deliveries possible (or that no schedule reaches it).
fn challenges(app: &App) -> Html {
    let goals = app.scenario.goals();
    if goals.is_empty() {
        return Html::markup("<p class=\"hint\">This scenario has no challenges: try other values for its parameters, or another protocol.</p>");
    }
    let mut out = Html::markup("<ul class=\"challenges\">");
    for goal in goals {
        let now = app.challenges.reached.iter().find(|r| r.goal == goal);
        let best = app
            .challenges
            .progress
            .get(app.scenario.name(), app.scenario.goal_id(goal));
        let shortest = shortest(app.exploration(), &app.system, goal);
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
        html!(
            out,
            "<li class=\"",
            (class),
            "\" data-goal=\"",
            (app.scenario.goal_id(goal)),
            "\"><span class=\"mark\" aria-hidden=\"true\"></span> <span class=\"title\">",
            (app.scenario.goal_title(goal)),
            "</span> <span class=\"detail\"><strong>",
            (state),
            "</strong>: ",
            (details.join(", ")),
            ".</span></li>"
        );
    }
    out.push_markup("</ul>");
    out
}
