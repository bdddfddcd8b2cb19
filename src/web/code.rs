//! The Code region, the editor and sharing a protocol that is not built in.
//!
//! The region shows the running protocol's source exactly, with line
//! numbers and the colours of [`crate::lang::highlight`]; the lines the last
//! delivery ran (worked out here with the model, from the world before it)
//! are `<mark>`ed. The editor is a plain `<textarea>` with a gutter: no
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

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    Blob, Document, Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement, ReadableStream,
    ReadableStreamDefaultReader, ReadableWritablePair, WritableStream,
};

use super::app::{App, Shared};
use super::compiler_worker;
use super::view::esc;
use crate::lang::highlight::{describe_lines, highlight_lines};
use crate::lang::syntax::MAX_SOURCE_BYTES;
use crate::lang::{self, Program, Report};
use crate::model::{Scenario, Schedule, Step};
use crate::permalink;
use crate::permalink::{base64url_decode, base64url_encode, Link, LinkError, LONG_LINK};

// The compression streams, bound here: web-sys has them only behind
// `--cfg=web_sys_unstable_apis`, which would change the whole build.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = CompressionStream)]
    type Compressor;
    #[wasm_bindgen(constructor, js_class = "CompressionStream", catch)]
    fn new(format: &str) -> Result<Compressor, JsValue>;
    #[wasm_bindgen(method, getter, js_class = "CompressionStream")]
    fn readable(this: &Compressor) -> ReadableStream;
    #[wasm_bindgen(method, getter, js_class = "CompressionStream")]
    fn writable(this: &Compressor) -> WritableStream;

    #[wasm_bindgen(js_name = DecompressionStream)]
    type Decompressor;
    #[wasm_bindgen(constructor, js_class = "DecompressionStream", catch)]
    fn new(format: &str) -> Result<Decompressor, JsValue>;
    #[wasm_bindgen(method, getter, js_class = "DecompressionStream")]
    fn readable(this: &Decompressor) -> ReadableStream;
    #[wasm_bindgen(method, getter, js_class = "DecompressionStream")]
    fn writable(this: &Decompressor) -> WritableStream;
}

thread_local! {
    /// The last source compressed for a link, and its token.
    static TOKEN: RefCell<Option<(String, String)>> = const { RefCell::new(None) };
    /// The source being compressed now, if one is.
    static COMPRESSING: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Bumped by every link opened: a link whose source is still being
    /// decompressed when another is opened is dropped, not opened late
    /// over the newer one.
    static OPENING: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
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
/// lines in `marked` as `<mark>`. Every piece is escaped.
pub fn code_html(source: &str, marked: &[u32]) -> String {
    let mut html = String::with_capacity(source.len() * 2);
    for (i, pieces) in highlight_lines(source).iter().enumerate() {
        let n = i as u32 + 1;
        let tag = if marked.binary_search(&n).is_ok() {
            "mark"
        } else {
            "span"
        };
        html.push_str(&format!(
            r#"<{tag} class="ln" id="code-L{n}" data-n="{n}">"#
        ));
        for (kind, text) in pieces {
            match kind.class() {
                Some(class) => {
                    html.push_str(&format!(r#"<span class="{class}">{}</span>"#, esc(text)))
                }
                None => html.push_str(&esc(text)),
            }
        }
        html.push_str(&format!("</{tag}>"));
    }
    html
}

/// Draws the code region, unless it already shows this protocol with these
/// lines marked; then scrolls the first marked line into the region's view
/// (the region only, not the page).
pub fn draw(doc: &Document, app: &App, marked: &[u32]) {
    let source = source(app);
    let key = (
        Arc::as_ptr(&app.scenario.protocol) as usize,
        marked.to_vec(),
        source.is_ok(),
    );
    if DRAWN.with_borrow(|d| d.as_ref() == Some(&key)) {
        return;
    }
    let Some(region) = doc.get_element_by_id("code") else {
        return;
    };
    match &source {
        Ok(source) => region.set_inner_html(&code_html(source, marked)),
        Err(why) => region.set_inner_html(&format!(r#"<p class="loading">{}</p>"#, esc(why))),
    }
    DRAWN.set(Some(key));
    NEXT.with_borrow_mut(Vec::clear);
    if let Some(name) = doc.get_element_by_id("code-name") {
        let p = &app.scenario.protocol;
        let text = if app.scenario.is_builtin() {
            format!("{}.{}, built in", p.name, lang::EXTENSION)
        } else {
            format!("{}.{}, your own: not built in", p.name, lang::EXTENSION)
        };
        name.set_text_content(Some(&text));
    }
    if let Some(first) = marked.first() {
        if let Some(line) = doc
            .get_element_by_id(&format!("code-L{first}"))
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let top = line.offset_top() - region.client_height() / 3;
            region.set_scroll_top(top.max(0));
        }
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
        super::page_version()
    );
    let me = app.me.clone();
    let name = name.to_string();
    spawn_local(async move {
        let text = super::fetch_bytes(url)
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
    super::listen(&area, "input", move |_| update_gutter(&d));
    let d = doc.clone();
    super::listen(&area, "scroll", move |_| update_gutter(&d));
    let me = app.me.clone();
    let d = doc.clone();
    super::listen(&area, "keydown", move |event| {
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
        set_diagnostics(doc, "");
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

fn set_diagnostics(doc: &Document, html: &str) {
    if let Some(el) = doc.get_element_by_id("diagnostics") {
        el.set_inner_html(html);
    }
}

/// The diagnostics, each a button that moves the cursor to its place.
fn diagnostics_html(report: &Report) -> String {
    let n = report.diagnostics.len();
    let mut html = format!(
        "<p>The protocol has {n} error{}, so nothing changed: the last good protocol keeps running.</p><ul>",
        if n == 1 { "" } else { "s" }
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
        html.push_str(&format!(
            r#"<li><button type="button" class="link" data-action="diag" data-from="{}" data-to="{}" data-line="{}">Line {}, column {}: {}</button></li>"#,
            utf16(d.span.start),
            utf16(d.span.end.max(d.span.start)),
            at.line,
            at.line,
            at.col,
            esc(&d.message)
        ));
    }
    html.push_str("</ul>");
    html
}

/// Moves the editor's cursor to a diagnostic's place (the button's data).
pub fn go_to_diagnostic(doc: &Document, button: &Element) {
    let Some(area) = textarea(doc) else { return };
    let num = |name: &str| {
        button
            .get_attribute(name)
            .and_then(|t| t.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (from, to, line) = (num("data-from"), num("data-to"), num("data-line"));
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
    set_diagnostics(doc, r#"<p class="ok">Compiling…</p>"#);
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
                &format!(
                    r#"<p class="ok">Applied: {} runs in fresh workers.</p>"#,
                    esc(scenario.title())
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
    super::show_scenario(doc, &scenario);
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
        &format!(
            r#"<p class="ok">Back to the built-in {}.</p>"#,
            esc(scenario.title())
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
                set_diagnostics(doc, &format!(r#"<p class="ok">{}</p>"#, esc(&why)));
                return;
            }
        },
    };
    super::hall::download_text(
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
        let text = super::fetch_bytes(url)
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

// ---------------------------------------------------------------- links

/// The page's current link, if it can be written now: a custom protocol's
/// waits for its source to be compressed, which this starts.
pub fn fragment(app: &App) -> Option<String> {
    link_fragment(app, app.link())
}

/// [`fragment`] for `link`, a link to the protocol on show.
pub fn link_fragment(app: &App, link: crate::permalink::Link) -> Option<String> {
    if !link.needs_source() {
        return Some(link.to_fragment());
    }
    let source = &app.scenario.protocol.source;
    let token = TOKEN.with_borrow(|t| {
        t.as_ref()
            .filter(|(s, _)| s == source)
            .map(|(_, t)| t.clone())
    });
    match token {
        Some(token) => Some(link.to_fragment_with(&token)),
        None => {
            compress_later(app, source.clone());
            None
        }
    }
}

/// Says when the current link is too long to paste into a chat.
pub fn note_length(doc: &Document, fragment: &str) {
    let Some(note) = doc.get_element_by_id("share-note") else {
        return;
    };
    let text = if fragment.len() > LONG_LINK {
        format!(
            "The link in the address bar is {} KB long: too long for common chat tools. Save file shares the protocol as a file instead.",
            fragment.len().div_ceil(1024)
        )
    } else {
        String::new()
    };
    if note.text_content().unwrap_or_default() != text {
        note.set_text_content(Some(&text));
    }
}

fn compress_later(app: &App, source: String) {
    if COMPRESSING.with_borrow(|c| c.as_ref() == Some(&source)) {
        return;
    }
    COMPRESSING.set(Some(source.clone()));
    let me = app.me.clone();
    spawn_local(async move {
        let bytes = compress(source.as_bytes()).await;
        COMPRESSING.set(None);
        if let Ok(bytes) = bytes {
            TOKEN.set(Some((source, base64url_encode(&bytes))));
            if let Some(shared) = me.upgrade() {
                // Redraws, which writes the link now that it can.
                App::update(&shared, |_| {});
            }
        }
    });
}

/// `bytes` through a (de)compression stream, read in chunks; stops with an
/// error past `limit` bytes of output.
async fn through(
    bytes: &[u8],
    readable: ReadableStream,
    writable: WritableStream,
    limit: usize,
) -> Result<Vec<u8>, String> {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let blob = Blob::new_with_u8_array_sequence(&parts).map_err(|_| "no Blob".to_string())?;
    let out = blob
        .stream()
        .pipe_through(&ReadableWritablePair::new(&readable, &writable));
    let reader: ReadableStreamDefaultReader = out.get_reader().unchecked_into();
    let mut data = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|_| "damaged".to_string())?;
        if Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            return Ok(data);
        }
        let value = Reflect::get(&chunk, &"value".into())
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .ok_or_else(|| "damaged".to_string())?;
        if data.len() + value.length() as usize > limit {
            let _ = reader.cancel();
            return Err("too large".into());
        }
        let start = data.len();
        data.resize(start + value.length() as usize, 0);
        value.copy_to(&mut data[start..]);
    }
}

async fn compress(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let stream = Compressor::new("deflate-raw").map_err(|_| "no compression")?;
    through(bytes, stream.readable(), stream.writable(), usize::MAX).await
}

async fn decompress(bytes: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    let stream = Decompressor::new("deflate-raw").map_err(|_| "no compression")?;
    through(bytes, stream.readable(), stream.writable(), limit).await
}

/// Opens a fragment: a version-1 link at once; a version-2 link once its
/// source is decompressed (the page counts as busy meanwhile). A bad link
/// is explained and the default scenario loads.
pub fn open_fragment(shared: &Shared, fragment: String) {
    let Some(doc) = document() else { return };
    super::address_opened(&fragment);
    let opening = OPENING.get().wrapping_add(1);
    OPENING.set(opening);
    let token = match Link::source_token(&fragment) {
        Err(e) => {
            App::update(shared, |app| super::refuse_link(app, &doc, &e));
            return;
        }
        Ok(None) => {
            // A built-in the page has not loaded yet is fetched first.
            let name = Link::builtin_name(&fragment)
                .unwrap_or_default()
                .to_string();
            if lang::builtin(&name).is_none() && lang::builtin_digest(&name).is_some() {
                App::update(shared, |app| app.opening_link = true);
            }
            let shared = shared.clone();
            super::protocols::with_builtin(&name, move |loaded| {
                if OPENING.get() != opening {
                    return; // a newer link was opened meanwhile
                }
                App::update(&shared, |app| match loaded {
                    Ok(()) => super::open_link(app, &doc, &fragment, None),
                    Err(why) => super::refuse_link(app, &doc, &LinkError(why)),
                });
            });
            return;
        }
        Ok(Some(token)) => token.to_string(),
    };
    let bytes = match base64url_decode(&token) {
        Ok(b) => b,
        Err(e) => {
            App::update(shared, |app| super::refuse_link(app, &doc, &e));
            return;
        }
    };
    App::update(shared, |app| app.opening_link = true);
    let shared = shared.clone();
    spawn_local(async move {
        let source = match decompress(&bytes, MAX_SOURCE_BYTES).await {
            Ok(bytes) => String::from_utf8(bytes)
                .map_err(|_| LinkError("the link's protocol is not text".into())),
            Err(why) if why == "too large" => Err(LinkError(format!(
                "the link's protocol is larger than {} KB once decompressed, the most a protocol may have",
                MAX_SOURCE_BYTES / 1024
            ))),
            Err(_) => Err(LinkError(
                "the link's protocol is damaged: its src= is not compressed text".into(),
            )),
        };
        if OPENING.get() != opening {
            return; // a newer link was opened meanwhile
        }
        let source = match source.and_then(|s| permalink::check_source(&s).map(|()| s)) {
            Ok(source) => source,
            Err(e) => {
                App::update(&shared, |app| super::refuse_link(app, &doc, &e));
                return;
            }
        };
        compiler_worker::compile(permalink::LINK_FILE, &source.clone(), move |compiled| {
            if OPENING.get() != opening {
                return; // a newer link was opened meanwhile
            }
            App::update(&shared, |app| {
                app.opening_link = false;
                let program = compiled.map_err(|report| permalink::source_error(&report));
                if program.is_ok() {
                    TOKEN.set(Some((source, token)));
                }
                super::open_link(app, &doc, &fragment, Some(program));
            });
        });
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
