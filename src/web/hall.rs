//! For the lecture hall and the course page: the page's modes (presenter
//! and embed, kept in the link, see [`crate::permalink::Mode`]), the
//! document's title and description for the run on show, and the exports:
//! the diagram as SVG and PNG, the run as Markdown, the embed code.
//!
//! Everything here is drawn from what the stepper already shows (the
//! diagram's SVG, each delivery's narration, the status), so an export
//! says exactly what the page says.

use std::fmt::Write as _;

use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{
    CanvasRenderingContext2d, Document, HtmlCanvasElement, HtmlDialogElement, HtmlImageElement,
    HtmlTextAreaElement,
};

use super::app::App;
use super::dom::{flag, set_attr};
use super::links::link_fragment;
use super::platform::{download_text, download_url};
use super::view::diagram::drawing;
use super::view::stepper::narration;
use crate::html::Html;
use crate::permalink::Mode;

/// Sets the page's mode, title and description, and the links that depend
/// on the run, after every change.
pub fn draw(doc: &Document, app: &App) {
    if let Some(root) = doc.document_element() {
        match app.mode {
            Some(mode) => set_attr(&root, "data-mode", mode.as_str()),
            None => flag(&root, "data-mode", false),
        }
    }
    // In presenter mode each region scrolls inside itself, so each can be
    // focused to scroll it from the keyboard.
    let present = app.mode == Some(Mode::Present);
    if let Ok(regions) = doc.query_selector_all(".board > section, .code-panel, .diagram-panel") {
        for i in 0..regions.length() {
            if let Some(el) = regions
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                if present {
                    set_attr(&el, "tabindex", "0");
                } else {
                    flag(&el, "tabindex", false);
                }
            }
        }
    }
    if let Some(button) = doc.get_element_by_id("present") {
        let on = app.mode == Some(Mode::Present);
        set_attr(&button, "aria-pressed", if on { "true" } else { "false" });
    }
    let title = format!("{} · racelab", headline(app));
    if doc.title() != title {
        doc.set_title(&title);
    }
    if let Ok(Some(meta)) = doc.query_selector(r#"meta[name="description"]"#) {
        set_attr(&meta, "content", &description(app));
    }
    if let (Some(open), Some(url)) = (doc.get_element_by_id("open-full"), link_url(app, None)) {
        set_attr(&open, "href", &url);
    }
}

/// The scenario and where the run stands, in a line: the document's title.
fn headline(app: &App) -> String {
    let what = format!("{} ({})", app.scenario.title(), settings(app));
    let n = app.timeline.len();
    if app.started() && app.finished() {
        let outcome = app.system.outcome(app.world());
        format!("{what}: {}", app.system.show_outcome(&outcome))
    } else if n == 0 {
        what
    } else {
        format!(
            "{what}, after {n} deliver{}",
            if n == 1 { "y" } else { "ies" }
        )
    }
}

/// The scenario's parameters as the form shows them: "People 3, Drinks 2".
/// (Not the protocol's summary, whose template engine the page's wasm
/// does not otherwise need.)
fn settings(app: &App) -> String {
    let s = &app.scenario;
    let mut out = String::new();
    for (p, v) in s.protocol.params.iter().zip(&s.params) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        let _ = write!(out, "{} {v}", p.label);
    }
    out
}

/// The document's description: what a shared link shows, for whoever
/// reads it before opening it.
fn description(app: &App) -> String {
    format!(
        "A message-passing race to step through in racelab: {}. Every actor runs in its own Web Worker; you are the network and choose which message is delivered next.",
        headline(app)
    )
}

/// Presenter mode on or off (the `p` key, the Presenter button). An
/// embedded page stays embedded.
pub fn toggle_present(app: &mut App) {
    app.mode = match app.mode {
        Some(Mode::Present) => None,
        None => Some(Mode::Present),
        Some(Mode::Embed) => Some(Mode::Embed),
    };
}

/// The page's address with the link to the current run in `mode`, or
/// `None` while a custom protocol's link is still being compressed.
fn link_url(app: &App, mode: Option<Mode>) -> Option<String> {
    let mut link = app.link();
    link.mode = mode;
    let fragment = link_fragment(app, link)?;
    let href = web_sys::window()?.location().href().ok()?;
    let base = href.split('#').next().unwrap_or_default();
    Some(format!("{base}#{fragment}"))
}

// ---------------------------------------------------------------- exports

/// The diagram as a standalone SVG file, and its size: the one on the
/// page, without its buttons, with its own light stylesheet (the page's
/// may be dark) and a white background, so it prints on a handout.
pub fn svg(app: &App) -> Option<(Html, usize, usize)> {
    drawing(app, Some((&headline(app), EXPORT_STYLE)))
}

/// The diagram's rules from the page's stylesheet, in its light colours.
const EXPORT_STYLE: &str = "text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}\
.who{fill:#1b1b1f;font-weight:600}.tick{fill:#55555f}.lifeline{stroke:#c9c9d2;stroke-width:2}\
.arrow line{stroke:#0b5cad;stroke-width:2}.arrow text{fill:#1b1b1f;paint-order:stroke;stroke:#fff;stroke-width:4px;stroke-linejoin:round}\
.head{fill:#0b5cad}.arrow.inflight line{stroke-dasharray:5 4;stroke:#55555f}\
.arrow.dropped line{stroke-dasharray:2 4;stroke:#a4161a}.arrow line.hit{display:none}";

/// A file name for this scenario's exports.
fn file_name(app: &App, extension: &str) -> String {
    let name: String = app
        .scenario
        .name()
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("racelab-{name}-{}.{extension}", app.timeline.len())
}

pub fn download_svg(app: &App, doc: &Document) {
    match svg(app) {
        Some((svg, ..)) => {
            download_text(doc, svg.as_str(), "image/svg+xml", &file_name(app, "svg"));
            note(doc, "The diagram is downloading as an SVG file.");
        }
        None => note(doc, "There is no diagram yet: the workers are starting."),
    }
}

/// The diagram as a PNG at twice its size: the SVG drawn on a canvas (as
/// a `data:` image, which the CSP allows and which does not taint it).
pub fn download_png(app: &App, doc: &Document) {
    let Some((svg, w, h)) = svg(app) else {
        note(doc, "There is no diagram yet: the workers are starting.");
        return;
    };
    let Ok(image) = HtmlImageElement::new() else {
        return;
    };
    let name = file_name(app, "png");
    let (d, img) = (doc.clone(), image.clone());
    let onload = Closure::once_into_js(move || {
        let painted = (|| {
            let canvas: HtmlCanvasElement = d.create_element("canvas").ok()?.dyn_into().ok()?;
            canvas.set_width(w as u32 * 2);
            canvas.set_height(h as u32 * 2);
            let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
            ctx.scale(2.0, 2.0).ok()?;
            ctx.draw_image_with_html_image_element(&img, 0.0, 0.0)
                .ok()?;
            canvas.to_data_url().ok()
        })();
        match painted {
            Some(url) => {
                download_url(&d, &url, &name);
                note(&d, "The diagram is downloading as a PNG file.");
            }
            None => note(&d, "This browser could not draw the diagram as a PNG."),
        }
    });
    image.set_onload(Some(onload.unchecked_ref()));
    let d = doc.clone();
    let onerror = Closure::once_into_js(move || {
        note(&d, "This browser could not draw the diagram as a PNG.");
    });
    image.set_onerror(Some(onerror.unchecked_ref()));
    image.set_src(&format!(
        "data:image/svg+xml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(svg.as_str()))
    ));
}

/// The run for a handout, in Markdown: the scenario, each delivery's
/// narration as a numbered list, where the run stands, and its link.
pub fn markdown(app: &App, url: &str) -> String {
    let mut md = format!(
        "### {} ({})\n\n",
        md_escape(app.scenario.title()),
        md_escape(&settings(app))
    );
    if app.past().is_empty() {
        md.push_str("No deliveries yet.\n");
    }
    for (i, entry) in app.past().iter().enumerate() {
        let _ = writeln!(md, "{}. {}", i + 1, md_escape(&narration(app, entry)));
    }
    let _ = write!(
        md,
        "\n{}\n\n[Open this run in racelab]({url})\n",
        md_escape(&where_it_stands(app))
    );
    md
}

/// The run's status in plain words.
fn where_it_stands(app: &App) -> String {
    if let Some(f) = &app.world().failed {
        return format!(
            "Stopped: {} failed with a runtime error: {}.",
            app.system.name(f.actor),
            f.error
        );
    }
    if app.finished() {
        let outcome = app.system.outcome(app.world());
        return format!("Finished: {}.", app.system.show_outcome(&outcome));
    }
    let n = app.net().in_flight().count();
    format!(
        "{n} message{} still in flight.",
        if n == 1 { " is" } else { "s are" }
    )
}

/// Text that Markdown shows as it is: its punctuation escaped.
fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

pub fn copy_markdown(app: &App, doc: &Document) {
    match link_url(app, None) {
        Some(url) => copy(doc, markdown(app, &url), "the run as Markdown"),
        None => note(doc, "The link is still being made; try again in a moment."),
    }
}

/// An iframe of this run in embed mode, for a course page or a slide.
pub fn embed_code(app: &App, url: &str) -> String {
    crate::html_of!(
        "<iframe src=\"",
        (url),
        "\" title=\"racelab: ",
        (app.scenario.title()),
        "\" width=\"960\" height=\"640\" loading=\"lazy\"></iframe>"
    )
    .into_string()
}

pub fn copy_embed(app: &App, doc: &Document) {
    match link_url(app, Some(Mode::Embed)) {
        Some(url) => copy(doc, embed_code(app, &url), "the embed code"),
        None => note(doc, "The link is still being made; try again in a moment."),
    }
}

/// Puts `text` on the clipboard; where the browser refuses, shows it in a
/// dialog, selected, to copy by hand.
fn copy(doc: &Document, text: String, what: &'static str) {
    let d = doc.clone();
    let Some(promise) = web_sys::window().map(|w| w.navigator().clipboard().write_text(&text))
    else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => note(&d, &format!("Copied {what} to the clipboard.")),
            Err(_) => show_to_copy(&d, &text, what),
        }
    });
}

fn show_to_copy(doc: &Document, text: &str, what: &str) {
    let (Some(dialog), Some(area)) = (
        doc.get_element_by_id("copy-dialog")
            .and_then(|e| e.dyn_into::<HtmlDialogElement>().ok()),
        doc.get_element_by_id("copy-text")
            .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok()),
    ) else {
        return;
    };
    if let Some(h) = doc.get_element_by_id("copy-h") {
        h.set_text_content(Some(&format!("Copy {what}")));
    }
    area.set_value(text);
    if !dialog.open() {
        let _ = dialog.show_modal();
    }
    area.select();
    note(
        doc,
        "The browser did not allow copying: the text is shown to copy by hand.",
    );
}

fn note(doc: &Document, text: &str) {
    if let Some(p) = doc.get_element_by_id("export-note") {
        p.set_text_content(Some(text));
    }
}
