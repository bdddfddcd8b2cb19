//! The page (wasm32 only): wires the DOM's events to the [`app::App`] and
//! redraws with [`view`]. The actor workers' glue is in [`actor_worker`].

pub mod actor_worker;
pub mod app;
pub mod bench;
pub mod challenges;
pub mod code;
pub mod codec;
pub mod compiler_worker;
pub mod explorer_worker;
pub mod hall;
pub mod live;
pub mod protocols;
pub mod view;

use std::rc::Rc;
use std::sync::Arc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement};

use crate::lang::Program;
use crate::model::scenario::parse_in_range;
use crate::model::{Act, Scenario, Schedule, Step};
use crate::permalink::Link;
use app::{App, Shared};

/// The URL that starts worker `name`, relative to the page (so any hosting
/// path works). Workers run this very build: the loader imports the page's
/// own JS and wasm, whose hashed names boot.js's tag records, so a worker
/// never mixes files from two deploys, and the browser fetches and compiles
/// one wasm for everything.
pub fn worker_url(name: &str) -> String {
    let attr = |name: &str| {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("script[data-racelab-js]").ok().flatten())
            .and_then(|tag| tag.get_attribute(name))
            .and_then(|url| url.rsplit('/').next().map(str::to_string))
            .filter(|file| {
                file.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
            })
            .unwrap_or_default()
    };
    format!(
        "worker-loader.js?w={name}&js={}&wasm={}",
        attr("data-racelab-js"),
        attr("data-racelab-wasm")
    )
}

/// The URL that starts worker `name` (`explorer` or `compiler`) of the
/// analysis build: the explorer and the compiler, a build of their own
/// (src/bin/analysis.rs) that a first visit does not load; it loads the
/// first time the learner explores, edits or opens a version-2 link. Its
/// files have fixed names, so the page's own wasm name goes along as a
/// version: a browser never pairs a cached analysis build with a newer page.
pub fn analysis_url(name: &str) -> String {
    format!(
        "worker-loader.js?w={name}&js=analysis.js&wasm=analysis_bg.wasm&v={}",
        page_version()
    )
}

/// The page's version, for files with fixed names (the analysis build,
/// the built-ins' sources): its own wasm's hashed name.
pub fn page_version() -> String {
    let page = worker_url("");
    page.rsplit("&wasm=").next().unwrap_or_default().to_string()
}

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

/// Runs `f` after `ms` milliseconds. A timer that cannot be set is lost;
/// every caller has a watchdog or a fallback for that.
pub(crate) fn after(ms: i32, f: impl FnOnce() + 'static) {
    after_boxed(ms, Box::new(f));
}

/// [`after`]'s one instantiation of the JavaScript closure glue, whatever
/// the caller's closure: each closure type otherwise brings its own copy
/// into the page's wasm.
fn after_boxed(ms: i32, f: Box<dyn FnOnce()>) {
    let f = Closure::once_into_js(f);
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(f.unchecked_ref(), ms);
    }
}

/// Fetches `url` (relative to the page): its body, or `None` if it cannot
/// be had (offline, missing, refused). The one way the page fetches files:
/// the built-ins' sources and programs, and the examples.
pub(crate) async fn fetch_bytes(url: String) -> Option<Vec<u8>> {
    use wasm_bindgen_futures::JsFuture;
    let promise = web_sys::window()?.fetch_with_str(&url);
    let response: web_sys::Response = JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Milliseconds on the page's clock (`performance.now()`), 0 without one.
pub(crate) fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// A number held in attribute `name` of `el`, if it holds one.
fn number_attr<T: std::str::FromStr>(el: &Element, name: &str) -> Option<T> {
    el.get_attribute(name).and_then(|t| t.parse().ok())
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
            el.set_inner_html(&format!(
                r#"<p class="failure">racelab hit a bug and stopped: {}. Reloading the page starts it again.</p>"#,
                view::esc(&text)
            ));
        }
    }));
}

pub(crate) fn listen(
    target: &web_sys::EventTarget,
    event: &str,
    f: impl FnMut(web_sys::Event) + 'static,
) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget(); // lives as long as the page
}

fn input_value(doc: &Document, id: &str) -> String {
    doc.get_element_by_id(id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .map(|e| e.value())
        .unwrap_or_default()
}

/// The id of the form field of a protocol's parameter.
fn param_id(name: &str) -> String {
    format!("param-{name}")
}

/// Draws one field per parameter the protocol declares, labelled as it
/// labels them, holding `values` (by name) where given, else the defaults.
fn draw_params(doc: &Document, s: &Scenario, values: &[(String, String)]) {
    let Some(container) = doc.get_element_by_id("params") else {
        return;
    };
    let mut html = String::new();
    for (p, v) in s.protocol.params.iter().zip(&s.params) {
        let value = values
            .iter()
            .find(|(n, _)| *n == p.name)
            .map_or_else(|| v.to_string(), |(_, text)| text.clone());
        html.push_str(&format!(
            r#"<label>{} <input id="{}" name="{}" data-param="{}" type="text" inputmode="numeric" autocomplete="off" value="{}" aria-describedby="scenario-error"></label>"#,
            view::esc(&p.label),
            view::esc(&param_id(&p.name)),
            view::esc(&p.name),
            view::esc(&p.name),
            view::esc(&value)
        ));
    }
    container.set_inner_html(&html);
}

/// The values in the parameter fields on show, by name.
fn param_values(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Ok(inputs) = doc.query_selector_all("#params input[data-param]") else {
        return out;
    };
    for i in 0..inputs.length() {
        if let Some(input) = inputs
            .item(i)
            .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
        {
            out.push((
                input.get_attribute("data-param").unwrap_or_default(),
                input.value(),
            ));
        }
    }
    out
}

/// The protocol select's value for a protocol that is not built in.
const CUSTOM: &str = "custom";

/// Puts a scenario's protocol and parameters into the form. A protocol
/// that is not built in gets (or renames) the select's "Custom" choice.
fn show_scenario(doc: &Document, s: &Scenario) {
    if let Some(select) = doc
        .get_element_by_id("protocol")
        .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
    {
        if s.is_builtin() {
            select.set_value(s.name());
        } else {
            let option = doc.get_element_by_id("custom-option").or_else(|| {
                let option = doc.create_element("option").ok()?;
                option.set_id("custom-option");
                let _ = option.set_attribute("value", CUSTOM);
                let _ = select.append_child(&option);
                Some(option)
            });
            if let Some(option) = option {
                // Text, not HTML: the title is someone else's.
                option.set_text_content(Some(&format!("Custom: {}", s.title())));
            }
            select.set_value(CUSTOM);
        }
    }
    draw_params(doc, s, &[]);
    if let Some(el) = doc.get_element_by_id("scenario-error") {
        el.set_text_content(None);
    }
}

/// The protocol chosen in the form, with its defaults; `custom` is the
/// "Custom" choice's.
fn selected_protocol(doc: &Document, custom: Option<Arc<Program>>) -> Scenario {
    let value = selected_name(doc);
    match (value.as_str(), custom) {
        (CUSTOM, Some(program)) => Scenario::new(program),
        _ => Scenario::builtin(&value).unwrap_or_default(),
    }
}

/// The protocol list's choice: a built-in's name, or the custom choice.
fn selected_name(doc: &Document) -> String {
    doc.get_element_by_id("protocol")
        .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// Reads the form; a bad field gets an inline message and the current
/// scenario keeps running.
fn read_form(doc: &Document, custom: Option<Arc<Program>>) -> Option<Scenario> {
    let mut scenario = selected_protocol(doc, custom);
    let mut errors = Vec::new();
    for i in 0..scenario.protocol.params.len() {
        let p = scenario.protocol.params[i].clone();
        let id = param_id(&p.name);
        let input = doc.get_element_by_id(&id);
        match parse_in_range(&p.label, &input_value(doc, &id), (p.lo.into(), p.hi.into())) {
            Ok(v) => {
                scenario.params[i] = v as i32;
                if let Some(i) = &input {
                    let _ = i.remove_attribute("aria-invalid");
                }
            }
            Err(e) => {
                errors.push(e.message);
                if let Some(i) = &input {
                    let _ = i.set_attribute("aria-invalid", "true");
                }
            }
        }
    }
    let message = doc.get_element_by_id("scenario-error");
    if !errors.is_empty() {
        if let Some(el) = message {
            el.set_text_content(Some(&format!(
                "{}. The current scenario keeps running.",
                errors.join(". ")
            )));
        }
        return None;
    }
    if let Some(el) = message {
        el.set_text_content(None);
    }
    Some(scenario)
}

/// Shows (or clears) the message under a form.
fn field_error(doc: &Document, id: &str, message: Option<&str>) {
    if let Some(el) = doc.get_element_by_id(id) {
        el.set_text_content(message);
    }
}

/// Reads the live-run form: runs, the largest delay and the seed. A bad
/// field gets a message; nothing starts.
fn read_live_form(doc: &Document) -> Option<(u32, u32, u64)> {
    use crate::live::{MAX_JITTER_MS, MAX_RUNS};
    let runs = parse_in_range("Runs", &input_value(doc, "live-runs"), (1, MAX_RUNS.into()));
    let jitter = parse_in_range(
        "The delay",
        &input_value(doc, "jitter"),
        (0, MAX_JITTER_MS.into()),
    );
    let seed = parse_in_range("Seed", &input_value(doc, "seed"), (0, 1 << 53));
    match (runs, jitter, seed) {
        (Ok(runs), Ok(jitter), Ok(seed)) => {
            field_error(doc, "live-error", None);
            Some((runs as u32, jitter as u32, seed as u64))
        }
        (runs, jitter, seed) => {
            let errors: Vec<String> = [runs.err(), jitter.err(), seed.err()]
                .into_iter()
                .flatten()
                .map(|e| e.message)
                .collect();
            field_error(doc, "live-error", Some(&format!("{}.", errors.join(". "))));
            None
        }
    }
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

thread_local! {
    /// What the address bar's fragment held when the page last wrote it or
    /// opened it. Anything else there was put by someone else (a pasted
    /// link, back and forward), and its `hashchange` opens it.
    static ADDRESS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Notes that the page is opening `hash` (with its `#`, or empty).
fn address_opened(hash: &str) {
    ADDRESS.set(Some(hash.to_string()));
}

/// Writes the current state's permalink into the address bar (without
/// adding a browser history entry per delivery). A custom protocol's link
/// is written once its source is compressed (see [`code::fragment`]).
/// Never over a link someone else put there and the page has not opened
/// yet, nor while a link is being opened.
fn write_permalink(app: &App) {
    if app.opening_link {
        return;
    }
    let Some(fragment) = code::fragment(app) else {
        return;
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        code::note_length(&doc, &fragment);
    }
    let fragment = format!("#{fragment}");
    let now = location_hash();
    if now == fragment {
        ADDRESS.set(Some(fragment));
        return;
    }
    if ADDRESS.with_borrow(|a| a.as_ref().is_some_and(|a| *a != now)) {
        return;
    }
    if let Some(window) = web_sys::window() {
        if let Ok(history) = window.history() {
            if history
                .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment))
                .is_ok()
            {
                ADDRESS.set(Some(fragment));
            }
        }
    }
}

/// Opens a permalink (a version-2 one with its source decompressed and
/// compiled); a bad one is explained and the default scenario loads.
fn open_link(
    app: &mut App,
    doc: &Document,
    fragment: &str,
    program: Option<Result<Program, crate::permalink::LinkError>>,
) {
    app.opening_link = false;
    match Link::parse_compiled(fragment, program) {
        Ok(link) => {
            show_scenario(doc, &link.scenario);
            app.load_link(link);
            app.notice = None;
            code::opened(app, doc);
        }
        Err(e) => refuse_link(app, doc, &e),
    }
}

/// Explains why a link could not be opened, and loads the default scenario.
fn refuse_link(app: &mut App, doc: &Document, e: &crate::permalink::LinkError) {
    app.opening_link = false;
    let link = Link::default();
    show_scenario(doc, &link.scenario);
    app.load_link(link);
    app.notice = Some(format!(
        "This link could not be opened: {e}. Showing the default scenario instead."
    ));
    code::opened(app, doc);
}

fn on_click(shared: &Shared, target: Element) {
    let Ok(Some(button)) = target.closest("[data-action]") else {
        return;
    };
    if button.has_attribute("disabled") {
        return;
    }
    let action = button.get_attribute("data-action").unwrap_or_default();
    App::update(shared, |app| match action.as_str() {
        "deliver" => {
            let code = button.get_attribute("data-step").unwrap_or_default();
            if let Ok(Schedule(steps)) = Schedule::parse(&code, app.system.server_letter) {
                if let [step] = steps[..] {
                    app.deliver(step);
                }
            }
        }
        "back" => app.step_back(),
        "forward" => app.step_forward(),
        "jump" => {
            if let Some(k) = number_attr(&button, "data-to") {
                app.jump(k);
            }
        }
        "end" => app.jump_to_end(),
        "branch" => {
            if let Some(i) = number_attr(&button, "data-index") {
                app.return_to_branch(i);
            }
        }
        "help" => open_help(),
        "predict" => {
            if let Some(i) = number_attr(&button, "data-index") {
                app.toggle_prediction(i);
            }
        }
        "reveal" => app.reveal(),
        "terminate" => app.terminate_server(),
        "explore" => app.explore(symmetry_checked()),
        "cancel-explore" => app.cancel_explore(),
        "explore-fix" => app.explore_fix(),
        "witness" => {
            let scenario = match button.get_attribute("data-of").as_deref() {
                Some("fix") => app.scenario.fixed().unwrap_or_else(|| app.scenario.clone()),
                _ => app.scenario.clone(),
            };
            app.show_witness(
                scenario,
                &button.get_attribute("data-witness").unwrap_or_default(),
            )
        }
        "cancel-live" => app.cancel_live(),
        "clear-progress" => app.clear_progress(),
        "live-load" => {
            if let Some(run) = number_attr(&button, "data-run") {
                app.load_live_run(run);
            }
        }
        "reset" => app.reset(),
        "play" => app.toggle_play(),
        "alternative" => app.take_alternative(),
        "restart" => app.restart(),
        "edit" => with_doc(|d| code::open_editor(app, d)),
        "apply" => with_doc(|d| code::apply(app, d)),
        "revert" => with_doc(|d| code::revert(app, d)),
        "close-editor" => with_doc(code::close_editor),
        "diag" => with_doc(|d| code::go_to_diagnostic(d, &button)),
        "save-file" => with_doc(|d| code::save_file(app, d)),
        "present" => hall::toggle_present(app),
        "download-svg" => with_doc(|d| hall::download_svg(app, d)),
        "download-png" => with_doc(|d| hall::download_png(app, d)),
        "copy-markdown" => with_doc(|d| hall::copy_markdown(app, d)),
        "copy-embed" => with_doc(|d| hall::copy_embed(app, d)),
        "open-file" => with_doc(|d| {
            if let Some(input) = d
                .get_element_by_id("open-file")
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                input.click();
            }
        }),
        _ => {}
    });
    if action == "example" {
        code::load_example(
            shared,
            &button.get_attribute("data-name").unwrap_or_default(),
        );
    }
}

fn with_doc(f: impl FnOnce(&Document)) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        f(&doc);
    }
}

fn open_help() {
    if let Some(dialog) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("help"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlDialogElement>().ok())
    {
        if !dialog.open() {
            let _ = dialog.show_modal();
        }
    }
}

fn symmetry_checked() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("symmetry"))
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .is_none_or(|i| i.checked())
}

/// Autoplay's settings as the page shows them: the wait between
/// deliveries (from the Speed list, 1 a second if it says anything else)
/// and whether to stop at the point of no return. Read at each step, so a
/// change takes effect at once.
pub(crate) fn autoplay_settings() -> (i32, bool) {
    let doc = web_sys::window().and_then(|w| w.document());
    let field = |id: &str| doc.as_ref().and_then(|d| d.get_element_by_id(id));
    let speed = field("speed")
        .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value());
    let wait = app::SPEEDS
        .iter()
        .find(|(text, _)| Some(*text) == speed.as_deref())
        .map_or(1000, |&(_, ms)| ms);
    let stop = field("stop-at-point")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked());
    (wait, stop)
}

/// Delivers the n-th deliverable message (used by the digit shortcuts).
fn nth_step(app: &App, n: usize) -> Option<Step> {
    app.world()
        .deliverable()
        .filter(|(step, _)| step.act == Act::Deliver)
        .nth(n)
        .map(|(step, _)| step)
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
    let shared = App::new(Rc::new(|app: &App| {
        view::render(app);
        write_permalink(app);
    }));
    if let Some(boot) = doc.get_element_by_id("boot") {
        boot.remove();
    }

    {
        let shared = shared.clone();
        listen(&doc, "click", move |event| {
            if let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                on_click(&shared, target);
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
            let max = shared.borrow().live.as_ref().map_or(0, |b| b.done());
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
            let hash = location_hash();
            let current = code::fragment(&shared.borrow()).map(|f| format!("#{f}"));
            if current.as_deref() != Some(hash.as_str()) {
                code::open_fragment(&shared, hash);
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
    if let Some(flight) = doc.get_element_by_id("flight") {
        // Pointing at or focusing a Deliver button shows the handler it runs.
        for (event, entering) in [
            ("mouseover", true),
            ("focusin", true),
            ("mouseout", false),
            ("focusout", false),
        ] {
            let shared = shared.clone();
            let d = doc.clone();
            listen(&flight, event, move |e| {
                // Focus moves while the app redraws: then it is busy, and
                // the next event will do.
                let Ok(app) = shared.try_borrow() else {
                    return;
                };
                let step = e
                    .target()
                    .and_then(|t| t.dyn_into::<Element>().ok())
                    .and_then(|t| t.closest("[data-step]").ok().flatten())
                    .filter(|_| entering)
                    .and_then(|b| b.get_attribute("data-step"))
                    .and_then(|code| Schedule::parse(&code, app.system.server_letter).ok())
                    .and_then(|s| s.0.first().copied());
                code::show_next(&app, &d, step);
            });
        }
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
                        on_click(&shared, el.clone());
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
                    App::update(&shared, App::toggle_play);
                }
                return;
            }
            let handled = match k.as_str() {
                "ArrowLeft" | "Backspace" => {
                    App::update(&shared, App::step_back);
                    true
                }
                "ArrowRight" => {
                    App::update(&shared, App::step_forward);
                    true
                }
                "Home" => {
                    App::update(&shared, |app| app.jump(0));
                    true
                }
                "End" => {
                    App::update(&shared, App::jump_to_end);
                    true
                }
                "r" => {
                    App::update(&shared, App::reset);
                    true
                }
                "e" => {
                    App::update(&shared, |app| {
                        if app.exploring.is_none() {
                            app.explore(symmetry_checked());
                        }
                    });
                    true
                }
                "l" => {
                    // Run live with the form's settings, unless a batch runs.
                    let running = shared.borrow().live.as_ref().is_some_and(|b| b.running());
                    if let (false, Some(doc)) =
                        (running, web_sys::window().and_then(|w| w.document()))
                    {
                        if let Some((runs, jitter, seed)) = read_live_form(&doc) {
                            App::update(&shared, |app| app.start_live(runs, jitter, seed));
                        }
                    }
                    true
                }
                "?" => {
                    open_help();
                    true
                }
                "p" => {
                    App::update(&shared, hall::toggle_present);
                    true
                }
                d if d.len() == 1 && d.chars().all(|c| ('1'..='9').contains(&c)) => {
                    let n = d.parse::<usize>().unwrap_or(1);
                    App::update(&shared, |app| {
                        if let Some(step) = nth_step(app, n - 1) {
                            app.deliver(step);
                        }
                    });
                    true
                }
                _ => false,
            };
            if handled {
                event.prevent_default();
            }
        });
    }

    code::open_fragment(&shared, location_hash());
}
