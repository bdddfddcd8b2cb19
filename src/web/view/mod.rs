//! Drawing: the app's state as HTML, region by region, one module each
//! (the stepper, the diagram, the explorer, the prediction, the
//! challenges, the live runs; the code region and the lecture hall's are
//! beside this folder). Reads the app, never changes it. Every region is
//! [`Html`](crate::html::Html), escaped by construction, and written
//! through [`super::dom`], which leaves a region alone when its HTML has
//! not changed.

pub mod challenges;
pub mod diagram;
pub mod explorer;
pub mod live;
pub mod prediction;
pub mod stepper;

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::app::App;
use super::dom::{set, set_attr};
use super::platform::after_next_frame;
use crate::html::Html;

thread_local! {
    /// The page has been interactive (marked once).
    static INTERACTIVE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The page's state as the root's attributes (how many deliveries, busy,
/// ready, the workers started), for scripts and tests. Written at every
/// update, also when the redraw waits for the next frame, so they are
/// never behind.
pub fn mark_state(doc: &web_sys::Document, app: &App) {
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
    stepper::draw(&doc, app);
    diagram::draw(&doc, app);
    prediction::draw(&doc, app);
    // The code, with the lines the last delivery ran marked.
    let ran = super::code::lines_ran(app);
    super::code::draw(&doc, app, &ran);
    super::hall::draw(&doc, app);
    // One sentence per delivery for screen readers, once it is complete,
    // with the lines it ran.
    if let Some(last) = app.past().last().filter(|e| e.handled.is_some()) {
        let text = format!(
            "{}{}",
            stepper::narration(app, last),
            super::code::ran_words(&ran)
        );
        set(&doc, "announce", &Html::text(&text));
    }
    explorer::draw(&doc, app);
    challenges::draw(&doc, app);
    live::draw(&doc, app);
    let workers = app.live_workers();
    let noun = if workers == 1 {
        " worker live"
    } else {
        " workers live"
    };
    set(&doc, "workers", &crate::html_of!((workers), (noun)));
    if !app.busy() && !INTERACTIVE.replace(true) {
        // Once the first frame showing a usable page has been produced, the
        // page is interactive: what the load-time benchmark reads (ms since
        // navigation, from the Performance API).
        after_next_frame(|| {
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("racelab-interactive");
            }
        });
    }
    mark_state(&doc, app);
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
