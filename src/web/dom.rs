//! Writing into the page's DOM without needless changes: a region is
//! rewritten only when its HTML differs from what was last written into
//! it, and an attribute only when its value changes. The page redraws on
//! every reply and every progress message, and a rewrite that changes
//! nothing still costs a re-parse, a restyle, lost focus and selection,
//! and noise for assistive technology.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::html::Html;

thread_local! {
    /// The HTML last written into each region, by the region's id. Compared
    /// with this, not with the DOM: the browser serialises what it parsed
    /// in its own way (`disabled=""`, `<line></line>`), so `inner_html()`
    /// would differ every time.
    static DRAWN: RefCell<crate::sorted::SortedMap<&'static str, String>> = const { RefCell::new(crate::sorted::SortedMap::new()) };
}

/// Writes `html` into region `id`, unless that is what it already holds.
/// The one way the page writes HTML into itself, and only [`Html`] goes in.
pub fn set(doc: &Document, id: &'static str, html: &Html) {
    let html = html.as_str();
    DRAWN.with_borrow_mut(|drawn| {
        if drawn.get(id).is_some_and(|last| last == html) {
            return;
        }
        if let Some(el) = doc.get_element_by_id(id) {
            el.set_inner_html(html);
            drawn.insert(id, html.to_string());
        }
    });
}

/// Writes `html` into `el`, which is not a region [`set`] keeps (a form's
/// fields, the page's last words after a bug).
pub fn replace(el: &Element, html: &Html) {
    el.set_inner_html(html.as_str());
}

/// Sets attribute `name` of `el` to `value`, unless it has that value
/// already (setting it again would still count as a change).
pub fn set_attr(el: &Element, name: &str, value: &str) {
    if el.get_attribute(name).as_deref() != Some(value) {
        let _ = el.set_attribute(name, value);
    }
}

/// Adds or removes a boolean attribute (`hidden`, `disabled`) if it changes.
pub fn flag(el: &Element, name: &str, on: bool) {
    if el.has_attribute(name) != on {
        let _ = if on {
            el.set_attribute(name, "")
        } else {
            el.remove_attribute(name)
        };
    }
}

/// Shows the `start` button of a pair, or the `cancel` one while `busy`. If
/// the button that gets hidden had keyboard focus, focus moves to the one
/// shown, so it is never lost to the page.
pub fn swap_buttons(doc: &Document, (start, cancel): (&str, &str), busy: bool) {
    let (shown, hidden) = if busy {
        (cancel, start)
    } else {
        (start, cancel)
    };
    let (Some(shown), Some(hidden)) = (doc.get_element_by_id(shown), doc.get_element_by_id(hidden))
    else {
        return;
    };
    let had_focus = doc.active_element().is_some_and(|el| el == hidden);
    flag(&shown, "hidden", false);
    flag(&hidden, "hidden", true);
    if had_focus {
        if let Some(el) = shown.dyn_ref::<web_sys::HtmlElement>() {
            let _ = el.focus();
        }
    }
}
