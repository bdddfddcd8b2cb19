//! How wire values cross `postMessage`: as plain JavaScript objects made by
//! serde-wasm-bindgen, which the browser's structured clone copies natively
//! (no byte buffers to build), and which read well in the dev tools.

use gloo_worker::Codec;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

/// The codec of every racelab worker; page and worker must use the same.
pub struct JsCodec;

impl Codec for JsCodec {
    fn encode<I: Serialize>(input: I) -> JsValue {
        // Our wire types have no maps with non-string keys and no values
        // serde-wasm-bindgen cannot express, so this cannot fail.
        serde_wasm_bindgen::to_value(&input).unwrap_or(JsValue::UNDEFINED)
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        // gloo-worker's Codec cannot return an error. A value we cannot read
        // means the page and a worker file come from different builds; the
        // page's panic hook turns this into a message asking for a reload.
        match serde_wasm_bindgen::from_value(input) {
            Ok(value) => value,
            Err(e) => panic!(
                "a worker sent a message this page cannot read ({e}); \
                 its files may be from another version of racelab"
            ),
        }
    }
}
