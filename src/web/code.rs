//! The Code region, the editor and sharing a protocol that is not built in.
//!
//! The region shows the running protocol's source exactly, with line
//! numbers and the colours of [`crate::lang::highlight`]; the lines the last
//! delivery ran (worked out here with the model, from the world before it)
//! are marked (class `ran`) in place, so the source is drawn once. The editor is a plain `<textarea>` with a gutter: no
//! code-editor library, to stay within the page's download budget. A
//! source is only ever compiled and interpreted, whoever wrote it; every
//! piece of it drawn is escaped.
//!
//! A custom protocol's link carries its source compressed with the
//! browser's own `CompressionStream("deflate-raw")` in base64url
//! ([`crate::permalink`], version 2). Compression is asynchronous, so the
//! token of the source on show is kept here, and the address bar is
//! rewritten when it is ready. Decompression stops at the language's
//! source limit, so a small link cannot inflate into a large allocation.

use std::cell::RefCell;
use std::sync::Arc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{Document, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

use super::app::{App, Shared};
use super::compiler_worker;
use super::dom::replace;
use crate::html::Html;
use crate::lang::highlight::{describe_lines, highlight_lines};
use crate::lang::syntax::MAX_SOURCE_BYTES;
use crate::lang::{self, Program, Report};
use crate::model::{Scenario, Schedule, Step};
use crate::{html, html_of};

thread_local! {
    /// What the code region holds: the protocol (by address), the lines
    /// marked, and whether its source was there to show.
    static DRAWN: RefCell<Option<(usize, Vec<u32>, bool)>> = const { RefCell::new(None) };
    /// The built-ins' sources fetched so far, by name, or why one could not
    /// be; a fetch under way is in FETCHING.
    static SOURCES: RefCell<Vec<(String, Result<String, String>)>> = const { RefCell::new(Vec::new()) };
    static FETCHING: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// The lines highlighted for the Deliver button under the pointer or focus.
    static NEXT: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

fn document() -> Option<Document> {
    web_sys::window().and_then(|w| w.document())
}

fn textarea(doc: &Document) -> Option<HtmlTextAreaElement> {
    doc.get_element_by_id("source")
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
}

/// The source lines the last delivery on show ran, ascending.
pub fn lines_ran(app: &App) -> Vec<u32> {
    match app.past().last().filter(|e| e.handled.is_some()) {
        Some(entry) => app.system.lines_run(entry.before(), entry.step),
        None => Vec::new(),
    }
}

/// " (ran lines 33–37)" for the announcement of a delivery, or nothing.
pub fn ran_words(lines: &[u32]) -> String {
    if lines.is_empty() {
        String::new()
    } else {
        format!(" (ran {})", describe_lines(lines))
    }
}

/// The source as HTML: one element per line, numbered by `data-n`, the
/// lines in `marked` of class `ran`. Every piece is escaped.
pub fn code_html(source: &str, marked: &[u32]) -> Html {
    let mut out = Html::new();
    for (i, pieces) in highlight_lines(source).iter().enumerate() {
        let n = i as u32 + 1;
        let mark = marked.binary_search(&n).is_ok();
        html!(
            out,
            (Html::markup(if mark {
                "<span class=\"ln ran\""
            } else {
                "<span class=\"ln\""
            })),
            " id=\"code-L",
            (n),
            "\" data-n=\"",
            (n),
            "\">"
        );
        for (kind, text) in pieces {
            match kind.class() {
                Some(class) => html!(out, "<span class=\"", (class), "\">", (text), "</span>"),
                None => out.push_text(text),
            }
        }
        out.push_markup("</span>");
    }
    out
}

/// Draws the code region, unless it already shows this protocol with these
/// lines marked: when only the marks change (every delivery), they move in
/// place, and the source stays as drawn. Then scrolls the first marked line
/// into the region's view (the region only, not the page).
pub fn draw(doc: &Document, app: &App, marked: &[u32]) {
    let source = source(app);
    let key = (
        Arc::as_ptr(&app.scenario.protocol) as usize,
        marked.to_vec(),
        source.is_ok(),
    );
    let drawn = DRAWN.with_borrow(|d| d.clone());
    if drawn.as_ref() == Some(&key) {
        return;
    }
    let Some(region) = doc.get_element_by_id("code") else {
        return;
    };
    match (&source, drawn) {
        (Ok(_), Some((protocol, old, true))) if protocol == key.0 => {
            // The same source: only the marks move.
            for n in old.iter().filter(|n| marked.binary_search(n).is_err()) {
                set_ran(doc, *n, false);
            }
            for n in marked.iter().filter(|n| old.binary_search(n).is_err()) {
                set_ran(doc, *n, true);
            }
            show_next(app, doc, None);
        }
        (Ok(source), _) => {
            replace(&region, &code_html(source, marked));
            NEXT.with_borrow_mut(Vec::clear);
        }
        (Err(why), _) => {
            replace(&region, &html_of!("<p class=\"loading\">", (why), "</p>"));
            NEXT.with_borrow_mut(Vec::clear);
        }
    }
    DRAWN.set(Some(key));
    if let Some(name) = doc.get_element_by_id("code-name") {
        let p = &app.scenario.protocol;
        let text = if app.scenario.is_builtin() {
            format!("{}.{}, built in", p.name, lang::EXTENSION)
        } else {
            format!("{}.{}, your own: not built in", p.name, lang::EXTENSION)
        };
        if name.text_content().as_deref() != Some(text.as_str()) {
            name.set_text_content(Some(&text));
        }
    }
    if let Some(&first) = marked.first() {
        // At the next frame, once the whole page is redrawn: reading the
        // line's place now would lay the page out one more time.
        let doc = doc.clone();
        super::platform::at_next_frame(move || {
            let line = doc
                .get_element_by_id(&format!("code-L{first}"))
                .and_then(|e| e.dyn_into::<HtmlElement>().ok());
            if let (Some(line), Some(region)) = (line, doc.get_element_by_id("code")) {
                let top = line.offset_top() - region.client_height() / 3;
                region.set_scroll_top(top.max(0));
            }
        });
    }
}

/// Marks line `n` of the code region as run by the last delivery, or not.
fn set_ran(doc: &Document, n: u32, ran: bool) {
    if let Some(el) = doc.get_element_by_id(&format!("code-L{n}")) {
        let _ = el.class_list().toggle_with_force("ran", ran);
    }
}

/// The source of the protocol on show: its own or, for a built-in (whose
/// source is not in the wasm, see [`lang::builtin`]), its file once
/// fetched; this starts fetching it. `Err` says why there is none yet.
pub fn source(app: &App) -> Result<String, String> {
    let p = &app.scenario.protocol;
    if !p.source.is_empty() {
        return Ok(p.source.clone());
    }
    if let Some(known) = known_source(&p.name) {
        return known;
    }
    fetch_source(app, &p.name);
    Err(format!("Loading {}.{}…", p.name, lang::EXTENSION))
}

/// A built-in's source, if it was fetched (or could not be).
fn known_source(name: &str) -> Option<Result<String, String>> {
    SOURCES.with_borrow(|s| s.iter().find(|(n, _)| n == name).map(|(_, r)| r.clone()))
}

/// Fetches built-in `name`'s file (`protocols/NAME.race`, beside the page),
/// checks it is the version this page was built with, and redraws.
fn fetch_source(app: &App, name: &str) {
    if lang::builtin_digest(name).is_none() || FETCHING.with_borrow(|f| f.iter().any(|n| n == name))
    {
        return;
    }
    FETCHING.with_borrow_mut(|f| f.push(name.to_string()));
    let url = format!(
        "protocols/{name}.{}?v={}",
        lang::EXTENSION,
        super::platform::page_version()
    );
    let me = app.me.clone();
    let name = name.to_string();
    spawn_local(async move {
        let text = super::platform::fetch_bytes(url)
            .await
            .and_then(|b| String::from_utf8(b).ok());
        let file = format!("{name}.{}", lang::EXTENSION);
        let result = match text {
            Some(text) if Some(lang::digest(&text)) == lang::builtin_digest(&name) => Ok(text),
            Some(_) => Err(format!(
                "{file} on this site is from another version of racelab than this page: reloading the page may help."
            )),
            None => Err(format!(
                "{file} could not be loaded: reloading the page may help."
            )),
        };
        FETCHING.with_borrow_mut(|f| f.retain(|n| *n != name));
        SOURCES.with_borrow_mut(|s| s.push((name, result)));
        if let Some(shared) = me.upgrade() {
            App::update(&shared, |app| {
                // An editor opened before the source arrived gets it now.
                if let (Some(doc), Ok(source)) = (document(), source(app)) {
                    if let Some(area) = textarea(&doc).filter(|a| a.value().is_empty()) {
                        area.set_value(&source);
                        update_gutter(&doc);
                    }
                }
            });
        }
    });
}

/// Highlights the handler that delivering `step` would run (none: clears).
pub fn show_next(app: &App, doc: &Document, step: Option<Step>) {
    for n in NEXT.take() {
        if let Some(el) = doc.get_element_by_id(&format!("code-L{n}")) {
            let _ = el.class_list().remove_1("next");
        }
    }
    let Some((lo, hi)) = step.and_then(|s| app.system.handler_lines(app.world(), s)) else {
        return;
    };
    let mut lit = Vec::new();
    for n in lo..hi.min(lo.saturating_add(10_000)) {
        if let Some(el) = doc.get_element_by_id(&format!("code-L{n}")) {
            let _ = el.class_list().add_1("next");
            lit.push(n);
        }
    }
    NEXT.set(lit);
}

// ---------------------------------------------------------------- editor

/// Puts the editor into the page from its template, the first time: until
/// then the page has one field labelled "Protocol" (the select), not two.
fn ensure_editor(app: &App, doc: &Document) {
    if textarea(doc).is_some() {
        return;
    }
    let (Some(editor), Some(template)) = (
        doc.get_element_by_id("editor"),
        doc.get_element_by_id("editor-template")
            .and_then(|t| t.dyn_into::<web_sys::HtmlTemplateElement>().ok()),
    ) else {
        return;
    };
    let Ok(content) = template.content().clone_node_with_deep(true) else {
        return;
    };
    let _ = editor.append_child(&content);
    let Some(area) = textarea(doc) else { return };
    let d = doc.clone();
    super::platform::listen(&area, "input", move |_| update_gutter(&d));
    let d = doc.clone();
    super::platform::listen(&area, "scroll", move |_| update_gutter(&d));
    let me = app.me.clone();
    let d = doc.clone();
    super::platform::listen(&area, "keydown", move |event| {
        let Ok(key) = event.clone().dyn_into::<web_sys::KeyboardEvent>() else {
            return;
        };
        if key.key() == "Enter" && (key.ctrl_key() || key.meta_key()) {
            event.prevent_default();
            if let Some(shared) = me.upgrade() {
                App::update(&shared, |app| apply(app, &d));
            }
        }
    });
}

/// Opens the editor on the running protocol's source.
pub fn open_editor(app: &App, doc: &Document) {
    // The compiler loads while the learner reads and types.
    compiler_worker::warm();
    ensure_editor(app, doc);
    let (Some(editor), Some(area)) = (doc.get_element_by_id("editor"), textarea(doc)) else {
        return;
    };
    if editor.has_attribute("hidden") {
        area.set_value(&source(app).unwrap_or_default());
        let _ = editor.remove_attribute("hidden");
        update_gutter(doc);
        set_diagnostics(doc, &Html::new());
    }
    if let Some(b) = doc.get_element_by_id("edit") {
        let _ = b.set_attribute("aria-expanded", "true");
    }
    let _ = area.focus();
}

pub fn close_editor(doc: &Document) {
    if let Some(editor) = doc.get_element_by_id("editor") {
        let _ = editor.set_attribute("hidden", "");
    }
    if let Some(b) = doc.get_element_by_id("edit") {
        let _ = b.set_attribute("aria-expanded", "false");
        if let Ok(b) = b.dyn_into::<HtmlElement>() {
            let _ = b.focus();
        }
    }
}

/// Numbers the gutter for the textarea's lines, and keeps it scrolled with it.
pub fn update_gutter(doc: &Document) {
    let (Some(area), Some(gutter)) = (textarea(doc), doc.get_element_by_id("gutter")) else {
        return;
    };
    let lines = area.value().split('\n').count().min(100_000);
    let shown = gutter.get_attribute("data-lines");
    if shown.as_deref() != Some(&lines.to_string()) {
        let numbers: Vec<String> = (1..=lines).map(|n| n.to_string()).collect();
        gutter.set_text_content(Some(&numbers.join("\n")));
        let _ = gutter.set_attribute("data-lines", &lines.to_string());
    }
    gutter.set_scroll_top(area.scroll_top());
}

fn set_diagnostics(doc: &Document, html: &Html) {
    if let Some(el) = doc.get_element_by_id("diagnostics") {
        replace(&el, html);
    }
}

/// The diagnostics, each a button that moves the cursor to its place.
fn diagnostics_html(report: &Report) -> Html {
    let n = report.diagnostics.len();
    let mut out = html_of!(
        "<p>The protocol has ",
        (n),
        (if n == 1 { " error" } else { " errors" }),
        ", so nothing changed: the last good protocol keeps running.</p><ul>"
    );
    for (d, at) in report.diagnostics.iter().zip(report.positions()) {
        let utf16 = |byte: u32| {
            let b = (byte as usize).min(report.source.len());
            let b = (0..=b)
                .rev()
                .find(|&i| report.source.is_char_boundary(i))
                .unwrap_or(0);
            report.source[..b].encode_utf16().count()
        };
        html!(
            out,
            "<li><button type=\"button\" class=\"link\" data-action=\"diag\" data-from=\"",
            (utf16(d.span.start)),
            "\" data-to=\"",
            (utf16(d.span.end.max(d.span.start))),
            "\" data-line=\"",
            (at.line),
            "\">Line ",
            (at.line),
            ", column ",
            (at.col),
            ": ",
            (d.message),
            "</button></li>"
        );
    }
    out.push_markup("</ul>");
    out
}

/// Moves the editor's cursor to a diagnostic's place: its span in the
/// source, and its line.
pub fn go_to_diagnostic(doc: &Document, from: u32, to: u32, line: u32) {
    let Some(area) = textarea(doc) else { return };
    let _ = area.focus();
    let _ = area.set_selection_range(from, to.max(from));
    // Bring the line into view: lines are of equal height.
    let lines = area.value().split('\n').count().max(1) as i32;
    let per_line = area.scroll_height() / lines;
    area.set_scroll_top((line as i32 - 3).max(0) * per_line);
    update_gutter(doc);
}

/// The name a source is compiled under, for its diagnostics.
const EDITED_FILE: &str = "edited.race";

/// Compiles the editor's source; if it is good, runs it in fresh workers
/// with its parameters' defaults. Otherwise lists what is wrong, and the
/// last good protocol keeps running.
pub fn apply(app: &mut App, doc: &Document) {
    let Some(area) = textarea(doc) else { return };
    apply_source(app, doc, &area.value());
}

fn apply_source(app: &mut App, doc: &Document, source: &str) {
    let Some(shared) = app.me.upgrade() else {
        return;
    };
    set_diagnostics(doc, &Html::markup("<p class=\"ok\">Compiling…</p>"));
    let doc = doc.clone();
    compiler_worker::compile(EDITED_FILE, source, move |compiled| {
        App::update(&shared, |app| applied(app, &doc, compiled));
    });
}

/// What Apply ends in, once the compiler answered.
fn applied(app: &mut App, doc: &Document, compiled: Result<Program, Report>) {
    match compiled {
        Err(report) => set_diagnostics(doc, &diagnostics_html(&report)),
        Ok(program) => {
            // A built-in's own text, applied unchanged, is that built-in.
            let unchanged = known_source(&program.name)
                .and_then(Result::ok)
                .is_some_and(|s| s == program.source);
            let scenario = match Scenario::builtin(&program.name) {
                Some(builtin) if unchanged => builtin,
                _ => Scenario::new(Arc::new(program)),
            };
            set_diagnostics(
                doc,
                &html_of!(
                    "<p class=\"ok\">Applied: ",
                    (scenario.title()),
                    " runs in fresh workers.</p>"
                ),
            );
            run_protocol(app, doc, scenario);
        }
    }
}

/// Loads a protocol (its defaults, no deliveries) as the one on show.
fn run_protocol(app: &mut App, doc: &Document, scenario: Scenario) {
    if scenario.is_builtin() {
        app.base = scenario.name().to_string();
    } else {
        app.custom = Some(scenario.protocol.clone());
    }
    super::form::show_scenario(doc, &scenario);
    app.notice = None;
    app.load(scenario, Schedule::default());
}

/// Back to the built-in protocol the edits began from (or the one last run).
pub fn revert(app: &mut App, doc: &Document) {
    let name = if lang::builtin(app.scenario.name()).is_some() {
        app.scenario.name().to_string()
    } else {
        app.base.clone()
    };
    let scenario = Scenario::builtin(&name).unwrap_or_default();
    if let Some(area) = textarea(doc) {
        let source = known_source(scenario.name()).and_then(Result::ok);
        area.set_value(&source.unwrap_or_default());
    }
    update_gutter(doc);
    set_diagnostics(
        doc,
        &html_of!(
            "<p class=\"ok\">Back to the built-in ",
            (scenario.title()),
            ".</p>"
        ),
    );
    run_protocol(app, doc, scenario);
}

// ---------------------------------------------------------------- files

/// A protocol's name as a file name: letters, digits, `-` and `_` only.
fn file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "{}.{}",
        if safe.is_empty() { "protocol" } else { &safe },
        lang::EXTENSION
    )
}

/// Downloads the source (the editor's, when it is open) as a `.race` file,
/// through a Blob URL: no server, and nothing the CSP has to allow.
pub fn save_file(app: &App, doc: &Document) {
    let open = doc
        .get_element_by_id("editor")
        .is_some_and(|e| !e.has_attribute("hidden"));
    let source = match (open, textarea(doc)) {
        (true, Some(area)) => area.value(),
        _ => match source(app) {
            Ok(source) => source,
            Err(why) => {
                set_diagnostics(doc, &html_of!("<p class=\"ok\">", (why), "</p>"));
                return;
            }
        },
    };
    super::platform::download_text(
        doc,
        &source,
        "text/plain;charset=utf-8",
        &file_name(app.scenario.name()),
    );
}

/// Reads the file chosen in the file input into the editor and applies it.
pub fn open_chosen_file(shared: &Shared, doc: &Document) {
    let Some(input) = doc
        .get_element_by_id("open-file")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    input.set_value("");
    if file.size() > MAX_SOURCE_BYTES as f64 {
        App::update(shared, |app| {
            app.notice = Some(format!(
                "That file is {} KB; a protocol may have at most {} KB.",
                (file.size() / 1024.0) as u64,
                MAX_SOURCE_BYTES / 1024
            ))
        });
        return;
    }
    let shared = shared.clone();
    let doc = doc.clone();
    spawn_local(async move {
        let text = JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|t| t.as_string());
        match text {
            Some(text) => App::update(&shared, |app| load_into_editor(app, &doc, &text)),
            None => App::update(&shared, |app| {
                app.notice = Some("That file could not be read as text.".into())
            }),
        }
    });
}

fn load_into_editor(app: &mut App, doc: &Document, source: &str) {
    open_editor(app, doc);
    if let Some(area) = textarea(doc) {
        area.set_value(source);
    }
    update_gutter(doc);
    apply_source(app, doc, source);
}

/// Fetches one of the examples (`static/examples/NAME.race`, beside the
/// page) into the editor and applies it.
pub fn load_example(shared: &Shared, name: &str) {
    if !name.bytes().all(|c| c.is_ascii_lowercase() || c == b'-') {
        return;
    }
    let url = format!("examples/{name}.{}", lang::EXTENSION);
    let shared = shared.clone();
    spawn_local(async move {
        let text = super::platform::fetch_bytes(url)
            .await
            .and_then(|b| String::from_utf8(b).ok());
        let Some(doc) = document() else { return };
        match text {
            Some(text) => App::update(&shared, |app| load_into_editor(app, &doc, &text)),
            None => App::update(&shared, |app| {
                app.notice = Some("The example could not be loaded.".into())
            }),
        }
    });
}

/// After a link opened: the protocol it runs is the one to edit.
pub fn opened(app: &mut App, doc: &Document) {
    if !app.scenario.is_builtin() {
        app.custom = Some(app.scenario.protocol.clone());
    } else {
        app.base = app.scenario.name().to_string();
    }
    let open = doc
        .get_element_by_id("editor")
        .is_some_and(|e| !e.has_attribute("hidden"));
    if let (true, Some(area)) = (open, textarea(doc)) {
        area.set_value(&source(app).unwrap_or_default());
        update_gutter(doc);
    }
}
