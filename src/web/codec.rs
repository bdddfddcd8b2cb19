//! How wire values cross `postMessage`: as compact bytes (postcard) in one
//! `Uint8Array`. One copy into JavaScript per message, instead of one call
//! across the wasm boundary per field as building a JavaScript object takes;
//! and far less code in the wasm that page and workers share, which keeps
//! the bundle inside its size budget.

use gloo_worker::Codec;
use js_sys::Uint8Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};

/// The codec of every racelab worker; page and worker must use the same.
pub struct WireCodec;

impl Codec for WireCodec {
    fn encode<I: Serialize>(input: I) -> JsValue {
        // Our wire types are plain data: encoding into a Vec cannot fail.
        match postcard::to_allocvec(&input) {
            Ok(bytes) => Uint8Array::from(&bytes[..]).into(),
            Err(_) => JsValue::UNDEFINED,
        }
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        // gloo-worker's Codec cannot return an error. A value we cannot read
        // means the page and a worker run different builds (or something
        // else posted to the worker); the page's panic hook turns this into
        // a message asking for a reload.
        let decoded = input
            .dyn_into::<Uint8Array>()
            .ok()
            .and_then(|bytes| postcard::from_bytes(&bytes.to_vec()).ok());
        match decoded {
            Some(value) => value,
            None => panic!(
                "a worker sent a message this page cannot read; \
                 its files may be from another version of racelab"
            ),
        }
    }
}
