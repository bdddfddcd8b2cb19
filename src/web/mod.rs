//! The page (wasm32 only): wires the DOM's events to the [`app::App`]
//! through one input layer (a click or a key becomes a
//! [`crate::input::Action`], which [`apply`] carries out) and redraws
//! with [`view`]. The actor workers' glue is in [`actor_worker`].
//!
//! Modules here import downwards only: `platform`, `dom` and `form` know
//! no app; the workers' glue and the parts the app owns (`live`,
//! `challenges`) know no app either; `app` knows its parts; the regions
//! (`view`, `code`, `hall`) and `links` read the app; this file wires
//! them all and nothing imports it.

pub mod actor_worker;
pub mod app;
pub mod bench;
pub mod challenges;
pub mod code;
pub mod codec;
pub mod compiler_worker;
pub mod dom;
pub mod explorer_worker;
pub mod form;
pub mod hall;
pub mod links;
pub mod live;
pub mod platform;
pub mod protocols;
pub mod view;

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::input::{nth_delivery, Action};
use crate::model::scenario::parse_in_range;
use crate::model::Schedule;
use app::{App, Shared};
use form::{
    draw_params, field_error, input_value, param_values, read_form, read_live_form, selected_name,
    selected_protocol, symmetry_checked,
};
use platform::{listen, open_help, with_doc};

/// Starts worker `name` of the page's build (an actor) in the worker this
/// wasm was loaded into; called by static/worker-loader.js through the
/// page binary's `startWorker` export (src/main.rs). Returns false for a
/// name the page's build does not have.
pub fn start_worker(name: &str) -> bool {
    match name {
        actor_worker::NAME => actor_worker::register(),
        _ => return false,
    }
    true
}

/// Starts worker `name` of the analysis build (see [`analysis_url`]);
/// called through src/bin/analysis.rs's `startWorker` export.
pub fn start_analysis_worker(name: &str) -> bool {
    match name {
        explorer_worker::NAME => explorer_worker::register(),
        compiler_worker::NAME => compiler_worker::register(),
        _ => return false,
    }
    true
}

/// Shows an error in the page instead of leaving it blank or frozen without
/// a word. Only reached by a bug: every input from outside is checked.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        web_sys::console::error_1(&text.clone().into());
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("notice"))
        {
            dom::replace(
                &el,
                &crate::html_of!(
                    "<p class=\"failure\">racelab hit a bug and stopped: ",
                    (text),
                    ". Reloading the page starts it again.</p>"
                ),
            );
        }
    }));
}

/// The action a click on `target` asks for: the nearest element with a
/// `data-action` that is not disabled.
fn clicked(shared: &Shared, target: &Element) -> Option<Action> {
    let button = target.closest("[data-action]").ok().flatten()?;
    if button.has_attribute("disabled") {
        return None;
    }
    let name = button.get_attribute("data-action")?;
    let letter = shared.try_borrow().ok()?.system.server_letter;
    Action::from_button(&name, |key| button.get_attribute(key), letter)
}

/// Carries out what a person asked for: the one way clicks and keys reach
/// the app.
pub fn apply(shared: &Shared, action: Action) {
    match action {
        Action::Help => return open_help(),
        Action::Example(name) => return code::load_example(shared, &name),
        Action::OpenFile => {
            return with_doc(|d| {
                if let Some(input) = d
                    .get_element_by_id("open-file")
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    input.click();
                }
            })
        }
        Action::CloseEditor => return with_doc(code::close_editor),
        Action::Diagnostic { from, to, line } => {
            return with_doc(|d| code::go_to_diagnostic(d, from, to, line))
        }
        Action::RunLive => {
            // With the form's settings, unless a batch runs.
            if shared.borrow().live.running() {
                return;
            }
            let Some((runs, jitter, seed)) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| read_live_form(&d))
            else {
                return;
            };
            return App::update(shared, |app| app.start_live(runs, jitter, seed));
        }
        _ => {}
    }
    App::update(shared, |app| match action {
        Action::Deliver(step) => app.deliver(step),
        Action::DeliverNth(n) => {
            let steps = app.world().deliverable().map(|(step, _)| step);
            if let Some(step) = nth_delivery(steps, n) {
                app.deliver(step);
            }
        }
        Action::Back => app.step_back(),
        Action::Forward => app.step_forward(),
        Action::Jump(k) => app.jump(k),
        Action::End => app.jump_to_end(),
        Action::Branch(i) => app.return_to_branch(i),
        Action::Reset => app.reset(),
        Action::Restart => app.restart(),
        Action::TogglePlay => app.toggle_play(),
        Action::Alternative => app.take_alternative(),
        Action::Terminate => app.terminate_server(),
        Action::Explore => app.explore(symmetry_checked()),
        Action::ExploreIfIdle => {
            if app.explorations.exploring.is_none() {
                app.explore(symmetry_checked());
            }
        }
        Action::CancelExplore => app.cancel_explore(),
        Action::PrepareExplorer(wanted) => app.prepare_explorer(wanted),
        Action::ExploreFix => app.explore_fix(),
        Action::Witness { fix, schedule } => {
            let scenario = match fix {
                true => app.scenario.fixed().unwrap_or_else(|| app.scenario.clone()),
                false => app.scenario.clone(),
            };
            app.show_witness(scenario, &schedule)
        }
        Action::Predict(i) => app.toggle_prediction(i),
        Action::Reveal => app.reveal(),
        Action::CancelLive => app.cancel_live(),
        Action::LoadLiveRun(run) => app.load_live_run(run),
        Action::ClearProgress => app.challenges.clear_progress(),
        Action::Edit => with_doc(|d| code::open_editor(app, d)),
        Action::Apply => with_doc(|d| code::apply(app, d)),
        Action::Revert => with_doc(|d| code::revert(app, d)),
        Action::SaveFile => with_doc(|d| code::save_file(app, d)),
        Action::Present => hall::toggle_present(app),
        Action::DownloadSvg => with_doc(|d| hall::download_svg(app, d)),
        Action::DownloadPng => with_doc(|d| hall::download_png(app, d)),
        Action::CopyMarkdown => with_doc(|d| hall::copy_markdown(app, d)),
        Action::CopyEmbed => with_doc(|d| hall::copy_embed(app, d)),
        Action::Help
        | Action::Example(_)
        | Action::OpenFile
        | Action::CloseEditor
        | Action::Diagnostic { .. }
        | Action::RunLive => {}
    });
}

/// The page's entry point.
pub fn start() {
    // In a worker this same wasm is loaded to host an actor (see
    // [`start_worker`]): there is no page to start.
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(performance) = window.performance() {
        // For benches/budget.mjs: the wasm is compiled and running.
        let _ = performance.mark("racelab-start");
    }
    install_panic_hook();
    let Some(doc) = window.document() else { return };
    let shared = App::new(Rc::new(|app: &App, draw: bool| {
        if draw {
            view::render(app);
            links::write_permalink(app);
        } else if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            view::mark_state(&doc, app);
        }
    }));
    if let Some(boot) = doc.get_element_by_id("boot") {
        boot.remove();
    }

    {
        let shared = shared.clone();
        listen(&doc, "click", move |event| {
            let target = event.target().and_then(|t| t.dyn_into::<Element>().ok());
            if let Some(action) = target.and_then(|t| clicked(&shared, &t)) {
                apply(&shared, action);
            }
        });
    }
    if let Some(form) = doc.get_element_by_id("scenario") {
        let shared = shared.clone();
        let d = doc.clone();
        listen(&form, "submit", move |event| {
            event.prevent_default();
            let (shared, d) = (shared.clone(), d.clone());
            protocols::with_builtin(&selected_name(&d), move |loaded| {
                if let Err(why) = loaded {
                    field_error(&d, "scenario-error", Some(&why));
                    return;
                }
                let custom = shared.borrow().custom.clone();
                if let Some(scenario) = read_form(&d, custom) {
                    App::update(&shared, |app| {
                        app.notice = None;
                        app.load(scenario, Schedule::default());
                    });
                }
            });
        });
    }
    if let Some(form) = doc.get_element_by_id("live") {
        let shared = shared.clone();
        let d = doc.clone();
        listen(&form, "submit", move |event| {
            event.prevent_default();
            if let Some((runs, jitter, seed)) = read_live_form(&d) {
                App::update(&shared, |app| app.start_live(runs, jitter, seed));
            }
        });
    }
    if let Some(form) = doc.get_element_by_id("live-load") {
        let shared = shared.clone();
        let d = doc.clone();
        listen(&form, "submit", move |event| {
            event.prevent_default();
            let max = shared.borrow().live.batch.as_ref().map_or(0, |b| b.done());
            match parse_in_range(
                "Live run number",
                &input_value(&d, "live-run"),
                (1, max.max(1).into()),
            ) {
                Ok(n) if max > 0 => {
                    field_error(&d, "live-error", None);
                    App::update(&shared, |app| app.load_live_run(n as u32 - 1));
                }
                Ok(_) => field_error(
                    &d,
                    "live-error",
                    Some("There are no live runs to load yet: run some first."),
                ),
                Err(e) => field_error(&d, "live-error", Some(&format!("{}.", e.message))),
            }
        });
    }
    if let Some(slider) = doc.get_element_by_id("jitter") {
        let d = doc.clone();
        listen(&slider, "input", move |_| {
            if let Some(out) = d.get_element_by_id("jitter-ms") {
                out.set_text_content(Some(&input_value(&d, "jitter")));
            }
        });
    }
    if let Some(select) = doc.get_element_by_id("protocol") {
        let d = doc.clone();
        let shared = shared.clone();
        listen(&select, "change", move |_| {
            // The new protocol's fields (once its program is in the page),
            // keeping what was typed in fields of the same name.
            let typed = param_values(&d);
            let (shared, d) = (shared.clone(), d.clone());
            protocols::with_builtin(&selected_name(&d), move |loaded| {
                field_error(&d, "scenario-error", loaded.err().as_deref());
                let custom = shared.borrow().custom.clone();
                draw_params(&d, &selected_protocol(&d, custom), &typed);
            });
        });
    }
    {
        let shared = shared.clone();
        listen(&window, "hashchange", move |_| {
            let hash = links::location_hash();
            let current = links::fragment(&shared.borrow()).map(|f| format!("#{f}"));
            if current.as_deref() != Some(hash.as_str()) {
                links::open_fragment(&shared, hash);
            }
        });
    }
    if let Some(input) = doc.get_element_by_id("open-file") {
        let shared = shared.clone();
        let d = doc.clone();
        listen(&input, "change", move |_| {
            code::open_chosen_file(&shared, &d)
        });
    }
    // The pointer or the focus on a button, before any click: a Deliver
    // button shows the handler it would run; an Explore button starts the
    // explorer's worker (and leaving it unclicked lets the worker go).
    for (event, entering) in [
        ("pointerover", true),
        ("focusin", true),
        ("pointerout", false),
        ("focusout", false),
    ] {
        let shared = shared.clone();
        let d = doc.clone();
        listen(&doc, event, move |e| {
            let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            // Focus moves while the app redraws: then it is busy, and the
            // next event (or the click) will do.
            if shared.try_borrow_mut().is_err() {
                return;
            }
            if target.closest("#flight").ok().flatten().is_some() {
                let app = shared.borrow();
                let step = target
                    .closest("[data-step]")
                    .ok()
                    .flatten()
                    .filter(|_| entering)
                    .and_then(|b| b.get_attribute("data-step"))
                    .and_then(|code| Schedule::parse(&code, app.system.server_letter).ok())
                    .and_then(|s| s.0.first().copied());
                code::show_next(&app, &d, step);
            }
            let action = target
                .closest("[data-action]")
                .ok()
                .flatten()
                .and_then(|b| b.get_attribute("data-action"))
                .and_then(|name| Action::from_approach(&name, entering));
            if let Some(action) = action {
                apply(&shared, action);
            }
        });
    }
    {
        let shared = shared.clone();
        listen(&doc, "keydown", move |event| {
            let Ok(key) = event.clone().dyn_into::<web_sys::KeyboardEvent>() else {
                return;
            };
            let typing = key
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                });
            if typing || key.ctrl_key() || key.meta_key() || key.alt_key() {
                return;
            }
            let k = key.key();
            // Enter or Space on a diagram arrow acts like a click on it.
            if k == "Enter" || k == " " {
                let target = key.target().and_then(|t| t.dyn_into::<Element>().ok());
                if let Some(el) = &target {
                    if el.tag_name() == "g" && el.has_attribute("data-action") {
                        event.prevent_default();
                        if let Some(action) = clicked(&shared, el) {
                            apply(&shared, action);
                        }
                        return;
                    }
                }
                // Space plays and pauses, except on a control, which it
                // presses as usual (the Play button itself included).
                let on_control = target.as_ref().is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "BUTTON" | "A" | "SUMMARY")
                        || el.closest("[contenteditable]").ok().flatten().is_some()
                });
                if k == " " && !on_control {
                    event.prevent_default();
                    apply(&shared, Action::TogglePlay);
                }
                return;
            }
            if let Some(action) = Action::from_key(&k) {
                event.prevent_default();
                apply(&shared, action);
            }
        });
    }

    links::open_fragment(&shared, links::location_hash());
}
