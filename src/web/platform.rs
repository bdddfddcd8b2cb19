//! The browser's services as the page uses them: timers, the clock,
//! fetching, event listeners, worker URLs and downloads. Every other web
//! module reaches the browser's global scope through these, and none of
//! them knows the app.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, Document, HtmlAnchorElement};

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

/// Runs `f` after `ms` milliseconds. A timer that cannot be set is lost;
/// every caller has a watchdog or a fallback for that.
pub fn after(ms: i32, f: impl FnOnce() + 'static) {
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
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

pub fn listen(target: &web_sys::EventTarget, event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget(); // lives as long as the page
}

pub fn with_doc(f: impl FnOnce(&Document)) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        f(&doc);
    }
}

pub fn open_help() {
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

/// Runs `f` once the next frame has been produced (a timeout queued from an
/// animation-frame callback runs after that frame's paint), or after 200 ms
/// if no frame comes (a page loaded in a background tab).
pub fn after_next_frame(f: impl FnOnce() + 'static) {
    if web_sys::window().is_none() {
        return f();
    }
    // Whichever comes first runs `f`; the other finds it gone.
    let f = Rc::new(RefCell::new(Some(f)));
    let run = move || {
        if let Some(f) = f.borrow_mut().take() {
            f();
        }
    };
    let run_too = run.clone();
    after(200, run);
    at_next_frame(move || after(0, run_too));
}

/// Runs `f` at the start of the next frame, before its layout: reading
/// layout there costs the one layout the frame does anyway, where reading
/// it while the page is still being redrawn costs one more. Lost if no
/// frame comes (a background tab), like the frame itself.
pub fn at_next_frame(f: impl FnOnce() + 'static) {
    at_next_frame_boxed(Box::new(f));
}

/// [`at_next_frame`]'s one instantiation of the JavaScript closure glue.
fn at_next_frame_boxed(f: Box<dyn FnOnce()>) {
    if let Some(window) = web_sys::window() {
        let callback = Closure::once_into_js(f);
        let _ = window.request_animation_frame(callback.unchecked_ref());
    }
}

/// Offers `text` as a download called `name`, through a Blob URL: no
/// server, and nothing the CSP has to allow.
pub fn download_text(doc: &Document, text: &str, mime: &str, name: &str) {
    let parts = Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    download_url(doc, &url, name);
    after(1000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
}

pub fn download_url(doc: &Document, url: &str, name: &str) {
    if let Some(a) = doc
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<HtmlAnchorElement>().ok())
    {
        a.set_href(url);
        a.set_download(name);
        a.click();
    }
}
