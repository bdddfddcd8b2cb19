//! The address bar: the permalink of the run on show written into it,
//! and a link opened from it (checked; a bad one is explained and the
//! default scenario loads).

use std::cell::RefCell;

use js_sys::{Array, Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    Blob, Document, ReadableStream, ReadableStreamDefaultReader, ReadableWritablePair,
    WritableStream,
};

use super::app::{App, Shared};
use super::code;
use super::compiler_worker;
use super::form::show_scenario;
use crate::lang;
use crate::lang::syntax::MAX_SOURCE_BYTES;
use crate::lang::Program;
use crate::permalink;
use crate::permalink::Link;
use crate::permalink::{base64url_decode, base64url_encode, LinkError, LONG_LINK};

pub fn location_hash() -> String {
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
/// is written once its source is compressed (see [`fragment`]).
/// Never over a link someone else put there and the page has not opened
/// yet, nor while a link is being opened.
pub fn write_permalink(app: &App) {
    if app.opening_link {
        return;
    }
    let Some(fragment) = fragment(app) else {
        return;
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        note_length(&doc, &fragment);
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
}

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
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    address_opened(&fragment);
    let opening = OPENING.get().wrapping_add(1);
    OPENING.set(opening);
    let token = match Link::source_token(&fragment) {
        Err(e) => {
            App::update(shared, |app| refuse_link(app, &doc, &e));
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
                    Ok(()) => open_link(app, &doc, &fragment, None),
                    Err(why) => refuse_link(app, &doc, &LinkError(why)),
                });
            });
            return;
        }
        Ok(Some(token)) => token.to_string(),
    };
    let bytes = match base64url_decode(&token) {
        Ok(b) => b,
        Err(e) => {
            App::update(shared, |app| refuse_link(app, &doc, &e));
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
                App::update(&shared, |app| refuse_link(app, &doc, &e));
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
                open_link(app, &doc, &fragment, Some(program));
            });
        });
    });
}
