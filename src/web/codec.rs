//! How wire values cross `postMessage`: postcard's compact bytes, carried
//! as one JavaScript number when there are at most 6 of them (a look, a
//! ping), otherwise as a short string with one character per byte. Both
//! cross the wasm boundary and the structured clone without allocating
//! outside the JS heap; a `Uint8Array` allocates a buffer at every hop and
//! measured about 35% slower in a burst (benches/throughput.mjs). Building a
//! JavaScript object field by field (serde-wasm-bindgen) costs one call
//! across the boundary per field, and far more code in the wasm.

use gloo_worker::Codec;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::wire::{bytes_to_number, bytes_to_text, number_to_bytes, text_to_bytes};

/// The codec of every racelab worker; page and worker must use the same.
pub struct WireCodec;

impl WireCodec {
    /// `value` as it crosses `postMessage`.
    pub fn encode_value<T: Serialize>(value: &T) -> JsValue {
        // Our wire types are plain data: encoding into a Vec cannot fail.
        match postcard::to_allocvec(value) {
            Ok(bytes) => match bytes_to_number(&bytes) {
                Some(n) => JsValue::from_f64(n),
                None => JsValue::from_str(&bytes_to_text(&bytes)),
            },
            Err(_) => JsValue::UNDEFINED,
        }
    }

    /// What crossed `postMessage`, or `None` if it is not a `T` in this
    /// codec (another build of racelab, or something else posted it).
    pub fn decode_value<T: for<'de> Deserialize<'de>>(input: JsValue) -> Option<T> {
        let bytes = match input.as_f64() {
            Some(n) => number_to_bytes(n),
            None => input.as_string().and_then(|text| text_to_bytes(&text)),
        };
        bytes.and_then(|bytes| postcard::from_bytes(&bytes).ok())
    }
}

impl Codec for WireCodec {
    fn encode<I: Serialize>(input: I) -> JsValue {
        WireCodec::encode_value(&input)
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        // gloo-worker's Codec cannot return an error. A value we cannot read
        // means the page and a worker run different builds (or something
        // else posted to the worker); the page's panic hook turns this into
        // a message asking for a reload.
        match WireCodec::decode_value(input) {
            Some(value) => value,
            None => panic!(
                "a worker sent a message this page cannot read; \
                 its files may be from another version of racelab"
            ),
        }
    }
}
