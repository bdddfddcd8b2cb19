//! The page's forms read and written: the scenario's protocol and
//! parameters, the live-run settings, the explorer's and autoplay's
//! options. A bad field gets a message beside it and nothing starts.

use std::sync::Arc;

use wasm_bindgen::JsCast;
use web_sys::{Document, HtmlInputElement, HtmlSelectElement};

use super::dom::replace;
use crate::html;
use crate::html::Html;
use crate::lang::Program;
use crate::model::scenario::parse_in_range;
use crate::model::Scenario;

pub fn input_value(doc: &Document, id: &str) -> String {
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
pub fn draw_params(doc: &Document, s: &Scenario, values: &[(String, String)]) {
    let Some(container) = doc.get_element_by_id("params") else {
        return;
    };
    let mut out = Html::new();
    for (p, v) in s.protocol.params.iter().zip(&s.params) {
        let value = values
            .iter()
            .find(|(n, _)| *n == p.name)
            .map_or_else(|| v.to_string(), |(_, text)| text.clone());
        html!(
            out,
            "<label>",
            (p.label),
            " <input id=\"",
            (param_id(&p.name)),
            "\" name=\"",
            (p.name),
            "\" data-param=\"",
            (p.name),
            "\" type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" value=\"",
            (value),
            "\" aria-describedby=\"scenario-error\"></label>"
        );
    }
    replace(&container, &out);
}

/// The values in the parameter fields on show, by name.
pub fn param_values(doc: &Document) -> Vec<(String, String)> {
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
pub fn show_scenario(doc: &Document, s: &Scenario) {
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
pub fn selected_protocol(doc: &Document, custom: Option<Arc<Program>>) -> Scenario {
    let value = selected_name(doc);
    match (value.as_str(), custom) {
        (CUSTOM, Some(program)) => Scenario::new(program),
        _ => Scenario::builtin(&value).unwrap_or_default(),
    }
}

/// The protocol list's choice: a built-in's name, or the custom choice.
pub fn selected_name(doc: &Document) -> String {
    doc.get_element_by_id("protocol")
        .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value())
        .unwrap_or_default()
}

/// Reads the form; a bad field gets an inline message and the current
/// scenario keeps running.
pub fn read_form(doc: &Document, custom: Option<Arc<Program>>) -> Option<Scenario> {
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
pub fn field_error(doc: &Document, id: &str, message: Option<&str>) {
    if let Some(el) = doc.get_element_by_id(id) {
        el.set_text_content(message);
    }
}

/// Reads the live-run form: runs, the largest delay and the seed. A bad
/// field gets a message; nothing starts.
pub fn read_live_form(doc: &Document) -> Option<(u32, u32, u64)> {
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

pub fn symmetry_checked() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("symmetry"))
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .is_none_or(|i| i.checked())
}

/// Autoplay's speeds, as the Speed list writes them (deliveries a second),
/// with the wait between deliveries: looked up, not parsed (parsing a
/// float would bring its tables, some 15 KB, into the page's wasm).
pub const SPEEDS: [(&str, i32); 5] = [
    ("0.25", 4000),
    ("0.5", 2000),
    ("1", 1000),
    ("2", 500),
    ("4", 250),
];

/// Autoplay's settings as the page shows them: the wait between
/// deliveries (from the Speed list, 1 a second if it says anything else)
/// and whether to stop at the point of no return. Read at each step, so a
/// change takes effect at once.
pub fn autoplay_settings() -> (i32, bool) {
    let doc = web_sys::window().and_then(|w| w.document());
    let field = |id: &str| doc.as_ref().and_then(|d| d.get_element_by_id(id));
    let speed = field("speed")
        .and_then(|e| e.dyn_into::<HtmlSelectElement>().ok())
        .map(|s| s.value());
    let wait = SPEEDS
        .iter()
        .find(|(text, _)| Some(*text) == speed.as_deref())
        .map_or(1000, |&(_, ms)| ms);
    let stop = field("stop-at-point")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .is_some_and(|i| i.checked());
    (wait, stop)
}
